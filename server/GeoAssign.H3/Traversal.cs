// Moving from a cell to its neighbour in one of the six directions, across base cells and around pentagons.
using GeoAssign.H3.Tables;

namespace GeoAssign.H3;

internal static class Traversal
{
    // For a digit d at a resolution and a step in direction dir at that resolution: the new digit, and the
    // direction the step carries into at the parent resolution (0 when it stays inside the parent).
    // Index: classIII * 49 + digit * 7 + dir. Derived from the aperture-7 grid steps at start-up.
    private static readonly byte[] s_newDigit = new byte[2 * 49];
    private static readonly byte[] s_carry = new byte[2 * 49];

    static Traversal()
    {
        for (int cls = 0; cls < 2; cls++)
        {
            for (int digit = 0; digit < 7; digit++)
            {
                for (int dir = 0; dir < 7; dir++)
                {
                    var child = (CoordIjk.UnitVector(digit) + CoordIjk.UnitVector(dir)).Normalize();
                    CoordIjk parent = cls == 1 ? child.UpAperture7() : child.UpAperture7Clockwise();
                    CoordIjk center = cls == 1 ? parent.DownAperture7() : parent.DownAperture7Clockwise();
                    s_newDigit[cls * 49 + digit * 7 + dir] = (byte)(child - center).ToDigit();
                    s_carry[cls * 49 + digit * 7 + dir] = (byte)parent.ToDigit();
                }
            }
        }
    }

    /// <summary>
    /// The neighbour of <paramref name="origin"/> in direction <paramref name="direction"/> (1..6), after
    /// first turning the direction by <paramref name="rotations"/> × 60° counter-clockwise; on return,
    /// <paramref name="rotations"/> holds the turn into the neighbour's frame. Fails with
    /// <see cref="H3Error.Pentagon"/> for the deleted direction of a pentagon.
    /// </summary>
    public static H3Error Neighbor(ulong origin, int direction, ref int rotations, out ulong neighbor)
    {
        neighbor = 0;
        ulong current = origin;
        if ((uint)direction > 6) return H3Error.Failed;
        rotations %= 6;
        for (int i = 0; i < rotations; i++) direction = DigitRotation.Ccw[direction];

        int newRotations = 0;
        int oldBaseCell = H3Index.BaseCellOf(current);
        if (oldBaseCell >= BaseCells.Count) return H3Error.CellInvalid;
        int oldLeadingDigit = H3Index.LeadingNonZeroDigit(current);

        // Carry the step up the digits until it stays inside a parent, or reaches the base cell.
        for (int r = H3Index.ResolutionOf(current); ; r--)
        {
            if (r == 0)
            {
                int next = BaseCells.Neighbor[oldBaseCell * 7 + direction];
                newRotations = BaseCells.NeighborRotations[oldBaseCell * 7 + direction];
                if (next == BaseCells.Invalid)
                {
                    // The deleted K direction of a pentagon base cell: the edge borders the IK neighbour.
                    next = BaseCells.Neighbor[oldBaseCell * 7 + 5];
                    newRotations = BaseCells.NeighborRotations[oldBaseCell * 7 + 5];
                    current = DigitRotation.Rotate60Ccw(current);
                    rotations++;
                }
                current = H3Index.WithBaseCell(current, next);
                break;
            }

            int oldDigit = H3Index.Digit(current, r);
            if (oldDigit == 7) return H3Error.CellInvalid;
            int slot = ((r & 1) * 49) + oldDigit * 7 + direction;
            current = H3Index.WithDigit(current, r, s_newDigit[slot]);
            int carry = s_carry[slot];
            if (carry == 0) break;
            direction = carry;
        }

        int newBaseCell = H3Index.BaseCellOf(current);
        if (BaseCells.IsPentagon[newBaseCell])
        {
            bool adjustedKSubsequence = false;
            if (H3Index.LeadingNonZeroDigit(current) == 1)
            {
                if (oldBaseCell != newBaseCell)
                {
                    // Stepped into the deleted K sub-sequence from another base cell: leave it the way
                    // the face we came from dictates.
                    current = BaseCells.IsClockwiseOffset(newBaseCell, BaseCells.HomeFace[oldBaseCell])
                        ? DigitRotation.Rotate60Cw(current)
                        : DigitRotation.Rotate60Ccw(current);
                    adjustedKSubsequence = true;
                }
                else
                {
                    // Stepped into the deleted K sub-sequence from within the same pentagon.
                    switch (oldLeadingDigit)
                    {
                        case 0:
                            return H3Error.Pentagon; // The K direction of the pentagon itself does not exist.
                        case 3:
                            current = DigitRotation.Rotate60Ccw(current);
                            rotations++;
                            break;
                        case 5:
                            current = DigitRotation.Rotate60Cw(current);
                            rotations += 5;
                            break;
                        default:
                            return H3Error.Failed;
                    }
                }
            }

            for (int i = 0; i < newRotations; i++) current = DigitRotation.RotatePentagon60Ccw(current);

            if (oldBaseCell != newBaseCell)
            {
                if (BaseCells.IsPolarPentagon(newBaseCell))
                {
                    // Every neighbour of a polar pentagon faces it along i.
                    if (oldBaseCell != 118 && oldBaseCell != 8 && H3Index.LeadingNonZeroDigit(current) != 3) rotations++;
                }
                else if (H3Index.LeadingNonZeroDigit(current) == 5 && !adjustedKSubsequence)
                {
                    // The deleted K sub-sequence distorts the IK neighbour.
                    rotations++;
                }
            }
        }
        else
        {
            for (int i = 0; i < newRotations; i++) current = DigitRotation.Rotate60Ccw(current);
        }

        rotations = (rotations + newRotations) % 6;
        neighbor = current;
        return H3Error.Success;
    }
}

// Converting between a face-grid position and the H3 index: walking the aperture-7 hierarchy to the base cell.
using System.Runtime.CompilerServices;
using GeoAssign.H3.Tables;

namespace GeoAssign.H3;

internal static class CellEncoding
{
    /// <summary>
    /// The index of the cell at position <paramref name="ijk"/> of <paramref name="face"/> on resolution
    /// <paramref name="res"/>, or 0 when the position lies too far beyond its face to name a base cell.
    /// </summary>
    public static ulong FaceIjkToCell(int face, CoordIjk ijk, int res) => FaceAxialToCell(face, ijk.I - ijk.K, ijk.J - ijk.K, res);

    // Direction digit of an axial offset (di, dj) in -1..1, at (di + 1) * 3 + (dj + 1); 7 marks offsets that are not unit steps.
    private static ReadOnlySpan<byte> AxialOffsetDigit => [1, 3, 7, 5, 0, 2, 7, 4, 6];

    /// <summary>
    /// <see cref="FaceIjkToCell"/> for a position in axial form (i − k, j − k). Allocates nothing; this is
    /// the inner loop of <see cref="H3.LatLngToCell"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ulong FaceAxialToCell(int face, int i, int j, int res)
    {
        // Unused digits are 7; each step up the hierarchy writes one digit: the position relative to the
        // centre child of its parent. Odd (Class III) resolutions use the counter-clockwise aperture-7
        // step, even ones the clockwise step.
        ulong h = H3Index.CellTemplate | ((ulong)res << H3Index.ResolutionOffset);
        var offsetDigit = AxialOffsetDigit;
        for (int r = res; r >= 1; r--)
        {
            int a, b, ci, cj;
            if ((r & 1) == 1)
            {
                a = RoundDiv7(3 * i - j);
                b = RoundDiv7(i + 2 * j);
                ci = 2 * a + b;
                cj = 3 * b - a;
            }
            else
            {
                a = RoundDiv7(2 * i + j);
                b = RoundDiv7(3 * j - i);
                ci = 3 * a - b;
                cj = a + 2 * b;
            }
            int di = i - ci, dj = j - cj;
            int shift = (15 - r) * 3;
            h &= ~(7UL << shift);
            h |= (ulong)offsetDigit[(di + 1) * 3 + dj + 1] << shift;
            i = a;
            j = b;
        }

        var ijk = CoordIjk.Normalized(i, j, 0);
        if ((uint)ijk.I > 2 || (uint)ijk.J > 2 || (uint)ijk.K > 2) return 0;

        int slot = face * 27 + ijk.I * 9 + ijk.J * 3 + ijk.K;
        int baseCell = BaseCells.AtFaceIjk[slot];
        int rotations = BaseCells.RotationsAtFaceIjk[slot];
        h = H3Index.WithBaseCell(h, baseCell);

        if (BaseCells.IsPentagon[baseCell])
        {
            // Leave the deleted K sub-sequence; the direction depends on the face we came from.
            if (H3Index.LeadingNonZeroDigit(h) == 1)
            {
                h = BaseCells.IsClockwiseOffset(baseCell, face) ? DigitRotation.Rotate60Cw(h) : DigitRotation.Rotate60Ccw(h);
            }
            for (int n = 0; n < rotations; n++) h = DigitRotation.RotatePentagon60Ccw(h);
        }
        else if (rotations != 0)
        {
            h = RotateCcw(h, rotations);
        }
        return h;
    }

    /// <summary>n / 7 rounded to the nearest integer (never a tie), for |n| below 2^28.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int RoundDiv7(int n)
    {
        // Shift n to a positive value by a multiple of 7 so that unsigned division (a multiply by the
        // JIT) floors: round(n / 7) = floor((n + 3) / 7) when n / 7 is never half-way.
        const int Offset = 7 << 28;
        return (int)((uint)(n + 3 + Offset) / 7u) - (1 << 28);
    }

    // Digit d rotated n × 60° counter-clockwise, at n * 8 + d.
    private static ReadOnlySpan<byte> CcwRotationByCount =>
    [
        0, 1, 2, 3, 4, 5, 6, 7,
        0, 5, 3, 1, 6, 4, 2, 7,
        0, 4, 1, 5, 2, 6, 3, 7,
        0, 6, 5, 4, 3, 2, 1, 7,
        0, 2, 4, 6, 1, 3, 5, 7,
        0, 3, 6, 2, 5, 1, 4, 7,
    ];

    /// <summary>Every digit rotated <paramref name="count"/> × 60° counter-clockwise in one pass.</summary>
    private static ulong RotateCcw(ulong h, int count)
    {
        var map = CcwRotationByCount.Slice(count * 8, 8);
        int res = H3Index.ResolutionOf(h);
        for (int r = 1; r <= res; r++)
        {
            int shift = (15 - r) * 3;
            int digit = (int)((h >> shift) & 7);
            h = (h & ~(7UL << shift)) | ((ulong)map[digit] << shift);
        }
        return h;
    }

    // The unit step of each digit 0..6 in axial form (i − k, j − k); digit 7 never occurs in a valid cell.
    private static ReadOnlySpan<sbyte> AxialStepI => [0, -1, 0, -1, 1, 0, 1, 0];

    private static ReadOnlySpan<sbyte> AxialStepJ => [0, -1, 1, 0, 0, -1, 1, 0];

    /// <summary>
    /// The face-grid position of a valid cell's centre, on the face whose grid contains it
    /// (not necessarily the base cell's home face).
    /// </summary>
    public static FaceIjk CellToFaceIjk(ulong h)
    {
        int baseCell = H3Index.BaseCellOf(h);
        bool pentagon = BaseCells.IsPentagon[baseCell];

        // Digits 5 under a pentagon follow the deleted K sub-sequence: rotate them back into the home frame.
        if (pentagon && H3Index.LeadingNonZeroDigit(h) == 5) h = DigitRotation.Rotate60Cw(h);

        int res = H3Index.ResolutionOf(h);
        var fijk = new FaceIjk(BaseCells.HomeFace[baseCell], BaseCells.HomeIjk[baseCell]);
        var home = fijk.Coord;
        bool mayOverflow = pentagon || !(res == 0 || (home.I == 0 && home.J == 0 && home.K == 0));
        // Down the digits in axial form (i − k, j − k): each step is the aperture-7 centre child plus the digit's unit step.
        int a = home.I - home.K, b = home.J - home.K;
        var stepI = AxialStepI;
        var stepJ = AxialStepJ;
        for (int r = 1; r <= res; r++)
        {
            int na, nb;
            if ((r & 1) == 1)
            {
                na = 2 * a + b;
                nb = 3 * b - a;
            }
            else
            {
                na = 3 * a - b;
                nb = a + 2 * b;
            }
            int digit = H3Index.Digit(h, r);
            a = na + stepI[digit];
            b = nb + stepJ[digit];
        }
        var ijk = CoordIjk.Normalized(a, b, 0);
        fijk = new FaceIjk(fijk.Face, ijk);
        if (!mayOverflow) return fijk;

        // The cell may lie beyond its home face: work in Class II, where the face edges are grid lines.
        var original = ijk;
        int adjRes = res;
        if ((res & 1) == 1)
        {
            fijk = new FaceIjk(fijk.Face, ijk.DownAperture7Clockwise());
            adjRes++;
        }

        bool pentagonLeading4 = pentagon && H3Index.LeadingNonZeroDigit(h) == 4;
        if (FaceIjk.AdjustOverageClassII(ref fijk, adjRes, pentagonLeading4, false) != Overage.None)
        {
            // A pentagon's cells can overflow a second face.
            if (pentagon)
            {
                while (FaceIjk.AdjustOverageClassII(ref fijk, adjRes, false, false) != Overage.None)
                {
                }
            }
            if (adjRes != res) fijk = new FaceIjk(fijk.Face, fijk.Coord.UpAperture7Clockwise());
        }
        else if (adjRes != res)
        {
            fijk = new FaceIjk(fijk.Face, original);
        }
        return fijk;
    }
}

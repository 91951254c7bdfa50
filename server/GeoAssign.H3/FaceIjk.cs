// A cell position on one icosahedron face, and moving positions that overflow a face onto its neighbour.
using GeoAssign.H3.Tables;

namespace GeoAssign.H3;

/// <summary>A position in the hexagonal grid of one icosahedron face.</summary>
internal readonly record struct FaceIjk(int Face, CoordIjk Coord)
{
    /// <summary>Coordinate sum of a face's far edge at each Class II resolution (resolution-0 faces span 2 units).</summary>
    private static ReadOnlySpan<int> MaxDimensionByClassIIRes => [2, -1, 14, -1, 98, -1, 686, -1, 4802, -1, 33614, -1, 235298, -1, 1647086, -1, 11529602];

    /// <summary>Length of a resolution-0 unit at each Class II resolution (7^(res/2)).</summary>
    private static ReadOnlySpan<int> UnitScaleByClassIIRes => [1, -1, 7, -1, 49, -1, 343, -1, 2401, -1, 16807, -1, 117649, -1, 823543, -1, 5764801];

    public static int MaxDimension(int classIIRes) => MaxDimensionByClassIIRes[classIIRes];

    public static int UnitScale(int classIIRes) => UnitScaleByClassIIRes[classIIRes];

    /// <summary>
    /// Moves a Class II position that lies beyond its face onto the neighbouring face across the crossed
    /// edge. <paramref name="pentagonLeading4"/> corrects for the deleted sub-sequence of a pentagon whose
    /// leading digit is 4; <paramref name="substrate"/> means the grid is the three-times-finer vertex grid.
    /// </summary>
    public static Overage AdjustOverageClassII(ref FaceIjk fijk, int res, bool pentagonLeading4, bool substrate)
    {
        var ijk = fijk.Coord;
        int maxDim = MaxDimensionByClassIIRes[res];
        if (substrate) maxDim *= 3;

        int sum = ijk.I + ijk.J + ijk.K;
        if (substrate && sum == maxDim) return Overage.FaceEdge;
        if (sum <= maxDim) return Overage.None;

        FaceOrientation orient;
        if (ijk.K > 0)
        {
            if (ijk.J > 0)
            {
                orient = IcosahedronFaces.Neighbors[fijk.Face * 4 + IcosahedronFaces.JK];
            }
            else
            {
                orient = IcosahedronFaces.Neighbors[fijk.Face * 4 + IcosahedronFaces.KI];
                if (pentagonLeading4)
                {
                    // Rotate about the pentagon centre (maxDim, 0, 0) to skip its deleted sub-sequence.
                    var origin = new CoordIjk(maxDim, 0, 0);
                    ijk = (ijk - origin).Normalize().Rotate60Cw() + origin;
                    ijk = ijk.Normalize();
                }
            }
        }
        else
        {
            orient = IcosahedronFaces.Neighbors[fijk.Face * 4 + IcosahedronFaces.IJ];
        }

        for (int i = 0; i < orient.CcwRotations; i++) ijk = ijk.Rotate60Ccw();
        int unit = UnitScaleByClassIIRes[res];
        if (substrate) unit *= 3;
        ijk = (ijk + orient.Translate.Scale(unit)).Normalize();
        fijk = new FaceIjk(orient.Face, ijk);

        // Vertices on pentagon boundaries can land exactly on the new face's edge.
        if (substrate && ijk.I + ijk.J + ijk.K == maxDim) return Overage.FaceEdge;
        return Overage.NewFace;
    }

    /// <summary>Moves a pentagon vertex across as many faces as it overflows.</summary>
    public static void AdjustPentagonVertexOverage(ref FaceIjk fijk, int res)
    {
        while (AdjustOverageClassII(ref fijk, res, false, true) == Overage.NewFace)
        {
        }
    }
}

/// <summary>Where a position ended up relative to its face.</summary>
internal enum Overage
{
    /// <summary>On the original face.</summary>
    None,
    /// <summary>Exactly on a face edge (substrate grids only).</summary>
    FaceEdge,
    /// <summary>Moved onto a neighbouring face.</summary>
    NewFace,
}

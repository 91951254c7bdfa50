// Cell boundary vertices, with the extra vertices where a Class III edge crosses an icosahedron edge.
using GeoAssign.H3.Tables;

namespace GeoAssign.H3;

internal static class BoundaryBuilder
{
    // Hexagon vertex offsets from the centre in the substrate grid, Class II and Class III.
    private static readonly CoordIjk[] HexVerticesClassII = [new(2, 1, 0), new(1, 2, 0), new(0, 2, 1), new(0, 1, 2), new(1, 0, 2), new(2, 0, 1)];
    private static readonly CoordIjk[] HexVerticesClassIII = [new(5, 4, 0), new(1, 5, 0), new(0, 5, 4), new(0, 1, 5), new(4, 0, 5), new(5, 0, 1)];

    /// <summary>The boundary of a valid cell in degrees.</summary>
    public static void Build(ulong h, ref CellBoundary boundary)
    {
        var raw = default(FaceVertices);
        BuildRaw(h, ref raw);
        for (int i = 0; i < raw.Count; i++)
        {
            boundary.Add(FaceProjection.Hex2dToPoint(raw.Position(i), raw.Face(i), raw.Resolution, true).ToLatLng());
        }
    }

    /// <summary>The boundary of a valid cell as positions in the substrate grids of their faces.</summary>
    public static void BuildRaw(ulong h, ref FaceVertices raw) => BuildRaw(h, CellEncoding.CellToFaceIjk(h), ref raw);

    /// <summary><see cref="BuildRaw(ulong, ref FaceVertices)"/> for a cell whose face position is already known.</summary>
    public static void BuildRaw(ulong h, FaceIjk fijk, ref FaceVertices raw)
    {
        int res = H3Index.ResolutionOf(h);
        if (H3.IsPentagonUnchecked(h)) BuildPentagon(fijk, res, ref raw);
        else BuildHexagon(fijk, res, ref raw);
    }

    /// <summary>The centre of the cell in the substrate (vertex) grid, and that grid's Class II resolution.</summary>
    private static CoordIjk SubstrateCenter(CoordIjk center, int res, out int adjRes)
    {
        center = center.DownAperture3().DownAperture3Clockwise();
        adjRes = res;
        if ((res & 1) == 1)
        {
            center = center.DownAperture7Clockwise();
            adjRes++;
        }
        return center;
    }

    /// <summary>The two vertices (in the substrate grid of a face) of the face edge in quadrant IJ, JK or KI.</summary>
    private static (Vec2, Vec2) FaceEdge(int adjRes, int direction)
    {
        double maxDim = FaceIjk.MaxDimension(adjRes);
        var v0 = new Vec2(3.0 * maxDim, 0.0);
        var v1 = new Vec2(-1.5 * maxDim, 3.0 * CoordIjk.Sin60 * maxDim);
        var v2 = new Vec2(-1.5 * maxDim, -3.0 * CoordIjk.Sin60 * maxDim);
        return direction switch
        {
            IcosahedronFaces.IJ => (v0, v1),
            IcosahedronFaces.JK => (v1, v2),
            _ => (v2, v0),
        };
    }

    private static void Add(ref FaceVertices boundary, Vec2 v, int face, int adjRes) => boundary.Add(v, face, adjRes);

    private static void BuildHexagon(FaceIjk cell, int res, ref FaceVertices boundary)
    {
        var center = SubstrateCenter(cell.Coord, res, out int adjRes);
        bool classIII = (res & 1) == 1;
        var offsets = classIII ? HexVerticesClassIII : HexVerticesClassII;
        Span<FaceIjk> vertices = stackalloc FaceIjk[6];
        for (int v = 0; v < 6; v++) vertices[v] = new FaceIjk(cell.Face, (center + offsets[v]).Normalize());

        int lastFace = -1;
        var lastOverage = Overage.None;
        // One extra step tests the closing edge (vertex 5 → 0) for a face crossing.
        for (int vert = 0; vert < 7; vert++)
        {
            int v = vert % 6;
            var fijk = vertices[v];
            var overage = FaceIjk.AdjustOverageClassII(ref fijk, adjRes, false, true);

            // A Class III edge may cross an icosahedron edge: each face projects its own half, so the
            // crossing point becomes an extra vertex (Class II vertices already lie on face edges).
            if (classIII && vert > 0 && fijk.Face != lastFace && lastOverage != Overage.FaceEdge)
            {
                int lastV = (v + 5) % 6;
                var a = vertices[lastV].Coord.ToHex2d();
                var b = vertices[v].Coord.ToHex2d();
                int otherFace = lastFace == cell.Face ? fijk.Face : lastFace;
                var (e0, e1) = FaceEdge(adjRes, IcosahedronFaces.AdjacentDirection[cell.Face * IcosahedronFaces.Count + otherFace]);
                var crossing = Vec2.Intersect(a, b, e0, e1);
                if (!crossing.AlmostEquals(a) && !crossing.AlmostEquals(b)) Add(ref boundary, crossing, cell.Face, adjRes);
            }

            if (vert < 6) Add(ref boundary, fijk.Coord.ToHex2d(), fijk.Face, adjRes);
            lastFace = fijk.Face;
            lastOverage = overage;
        }
    }

    private static void BuildPentagon(FaceIjk cell, int res, ref FaceVertices boundary)
    {
        var center = SubstrateCenter(cell.Coord, res, out int adjRes);
        bool classIII = (res & 1) == 1;
        var offsets = classIII ? HexVerticesClassIII : HexVerticesClassII;
        Span<FaceIjk> vertices = stackalloc FaceIjk[5];
        for (int v = 0; v < 5; v++) vertices[v] = new FaceIjk(cell.Face, (center + offsets[v]).Normalize());

        var last = default(FaceIjk);
        for (int vert = 0; vert < 6; vert++)
        {
            int v = vert % 5;
            var fijk = vertices[v];
            FaceIjk.AdjustPentagonVertexOverage(ref fijk, adjRes);

            // Every Class III pentagon edge crosses an icosahedron edge: intersect in the last vertex's face.
            if (classIII && vert > 0)
            {
                var a = last.Coord.ToHex2d();
                int toLast = IcosahedronFaces.AdjacentDirection[fijk.Face * IcosahedronFaces.Count + last.Face];
                var orient = IcosahedronFaces.Neighbors[fijk.Face * 4 + toLast];
                var ijk = fijk.Coord;
                for (int i = 0; i < orient.CcwRotations; i++) ijk = ijk.Rotate60Ccw();
                ijk = (ijk + orient.Translate.Scale(FaceIjk.UnitScale(adjRes) * 3)).Normalize();
                var b = ijk.ToHex2d();
                var (e0, e1) = FaceEdge(adjRes, IcosahedronFaces.AdjacentDirection[orient.Face * IcosahedronFaces.Count + fijk.Face]);
                Add(ref boundary, Vec2.Intersect(a, b, e0, e1), orient.Face, adjRes);
            }

            if (vert < 5) Add(ref boundary, fijk.Coord.ToHex2d(), fijk.Face, adjRes);
            last = fijk;
        }
    }
}

/// <summary>Up to 10 boundary vertices as (face, position in that face's substrate grid), held inline.</summary>
internal struct FaceVertices
{
    private Buffer _x;
    private Buffer _y;
    private FaceBuffer _face;

    public int Count { get; private set; }

    /// <summary>The substrate grid's Class II resolution (the same for every vertex).</summary>
    public int Resolution { get; private set; }

    public readonly Vec2 Position(int i) => new(_x[i], _y[i]);

    public readonly int Face(int i) => _face[i];

    public void Add(Vec2 v, int face, int adjRes)
    {
        _x[Count] = v.X;
        _y[Count] = v.Y;
        _face[Count] = face;
        Resolution = adjRes;
        Count++;
    }

    [System.Runtime.CompilerServices.InlineArray(H3.MaxCellBoundaryVertices)]
    private struct Buffer
    {
        private double _element0;
    }

    [System.Runtime.CompilerServices.InlineArray(H3.MaxCellBoundaryVertices)]
    private struct FaceBuffer
    {
        private int _element0;
    }
}

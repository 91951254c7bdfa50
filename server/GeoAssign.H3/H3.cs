// The public H3 API, named after the H3 v4 functions.
using System.Runtime.CompilerServices;
using GeoAssign.H3.Tables;

namespace GeoAssign.H3;

/// <summary>
/// GeoAssign's own implementation of the H3 hexagonal grid (H3 v4 semantics, checked bit for bit
/// against the reference implementation). Methods are named after the H3 v4 API. Coordinates are
/// degrees. Methods without the Try prefix throw <see cref="H3Exception"/> on invalid input; the Try
/// methods return an <see cref="H3Error"/> instead. All methods are thread-safe; the hot paths
/// (<see cref="LatLngToCell"/>, <see cref="CellToParent"/>, <see cref="CellToBoundary(H3Index)"/>)
/// allocate nothing.
/// </summary>
public static class H3
{
    /// <summary>The finest resolution.</summary>
    public const int MaxResolution = 15;

    /// <summary>The most vertices a cell boundary can have.</summary>
    public const int MaxCellBoundaryVertices = 10;

    /// <summary>The number of resolution-0 cells.</summary>
    public const int BaseCellCount = 122;

    /// <summary>The number of pentagons at every resolution.</summary>
    public const int PentagonCount = 12;

    /// <summary>The authalic radius of the Earth used by H3 for areas, in kilometres.</summary>
    public const double EarthRadiusKm = 6371.007180918475;

    private static readonly H3Index[] s_res0Cells = BuildRes0Cells();

    // ---- Indexing -------------------------------------------------------------------------------

    /// <summary>The cell at <paramref name="res"/> containing the point.</summary>
    /// <exception cref="H3Exception">The coordinates are not finite or the resolution is outside 0..15.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static H3Index LatLngToCell(double latDegrees, double lngDegrees, int res)
    {
        var error = TryLatLngToCell(latDegrees, lngDegrees, res, out var cell);
        if (error != H3Error.Success) ThrowLatLngToCell(error, latDegrees, lngDegrees, res);
        return cell;
    }

    /// <summary>
    /// The cell at <paramref name="res"/> containing the point. As in H3, any finite coordinates are
    /// accepted: longitudes beyond ±180° wrap around, and a latitude beyond ±90° is taken as the point
    /// those spherical coordinates name (callers that want to reject such input check it first).
    /// </summary>
    /// <returns><see cref="H3Error.LatLngDomain"/> for non-finite coordinates, <see cref="H3Error.ResDomain"/> for a resolution outside 0..15.</returns>
    public static H3Error TryLatLngToCell(double latDegrees, double lngDegrees, int res, out H3Index cell)
    {
        cell = default;
        if ((uint)res > MaxResolution) return H3Error.ResDomain;
        if (!double.IsFinite(latDegrees) || !double.IsFinite(lngDegrees)) return H3Error.LatLngDomain;

        int face = FaceProjection.GeoToHex2d(SphereMath.DegreesToRadians(latDegrees), SphereMath.DegreesToRadians(lngDegrees), res, out double x, out double y);
        CoordIjk.NearestAxial(x, y, out int i, out int j);
        ulong h = CellEncoding.FaceAxialToCell(face, i, j, res);
        if (h == 0) return H3Error.Failed;
        cell = new H3Index(h);
        return H3Error.Success;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowLatLngToCell(H3Error error, double lat, double lng, int res) => throw (error switch
    {
        H3Error.ResDomain => new H3Exception(error, $"Resolution {res} is outside 0..{MaxResolution}."),
        H3Error.LatLngDomain => new H3Exception(error, $"Point ({lat}, {lng}) is not a valid latitude/longitude in degrees: both must be finite numbers."),
        _ => new H3Exception(error, $"No cell could be computed for ({lat}, {lng}) at resolution {res}."),
    });

    /// <summary>The centre of the cell.</summary>
    /// <exception cref="H3Exception">The cell is not valid.</exception>
    public static LatLng CellToLatLng(H3Index cell)
    {
        var error = TryCellToLatLng(cell, out var center);
        if (error != H3Error.Success) throw InvalidCell(cell);
        return center;
    }

    /// <summary>The centre of the cell, or <see cref="H3Error.CellInvalid"/>.</summary>
    public static H3Error TryCellToLatLng(H3Index cell, out LatLng center)
    {
        center = default;
        if (!IsValidCell(cell)) return H3Error.CellInvalid;
        var fijk = CellEncoding.CellToFaceIjk(cell.Value);
        center = FaceProjection.Hex2dToPoint(fijk.Coord.ToHex2d(), fijk.Face, cell.Resolution, false).ToLatLng();
        return H3Error.Success;
    }

    /// <summary>The boundary of the cell, counter-clockwise, in a fixed inline buffer.</summary>
    /// <exception cref="H3Exception">The cell is not valid.</exception>
    public static CellBoundary CellToBoundary(H3Index cell)
    {
        if (!IsValidCell(cell)) throw InvalidCell(cell);
        var boundary = default(CellBoundary);
        BoundaryBuilder.Build(cell.Value, ref boundary);
        return boundary;
    }

    /// <summary>Writes the boundary vertices into <paramref name="vertices"/> and returns their count.</summary>
    /// <exception cref="H3Exception">The cell is not valid, or the span is too short (<see cref="H3Error.MemoryBounds"/>).</exception>
    public static int CellToBoundary(H3Index cell, Span<LatLng> vertices)
    {
        var boundary = CellToBoundary(cell);
        if (vertices.Length < boundary.Count)
        {
            throw new H3Exception(H3Error.MemoryBounds, $"The boundary of {cell} has {boundary.Count} vertices but the span holds {vertices.Length}; pass a span of {MaxCellBoundaryVertices}.");
        }
        return boundary.CopyTo(vertices);
    }

    /// <summary>
    /// A spherical cap that contains the cell: its centre and the greatest great-circle distance
    /// (radians) from the centre to a boundary vertex. H3 cell edges are great-circle arcs (straight in
    /// each face's gnomonic projection), so the cell lies inside this cap; callers that need a strict
    /// container for points near the edge should still add a margin for floating-point error (about
    /// 1e-15 radians). Faster than <see cref="CellToBoundary(H3Index)"/>; allocates nothing.
    /// </summary>
    /// <exception cref="H3Exception">The cell is not valid.</exception>
    public static (LatLng Center, double RadiusRadians) CellToBoundingCap(H3Index cell)
    {
        if (!IsValidCell(cell)) throw InvalidCell(cell);
        ulong h = cell.Value;
        var fijk = CellEncoding.CellToFaceIjk(h);
        var center = FaceProjection.Hex2dToPoint(fijk.Coord.ToHex2d(), fijk.Face, cell.Resolution, false);
        var raw = default(FaceVertices);
        BoundaryBuilder.BuildRaw(h, fijk, ref raw);
        // The farthest vertex by chord length, then one conversion to an angle: 2 asin(chord / 2).
        double chord2 = 0;
        for (int i = 0; i < raw.Count; i++)
        {
            var v = FaceProjection.Hex2dToPoint(raw.Position(i), raw.Face(i), raw.Resolution, true);
            double dx = v.X - center.X, dy = v.Y - center.Y, dz = v.Z - center.Z;
            chord2 = Math.Max(chord2, dx * dx + dy * dy + dz * dz);
        }
        double radius = 2 * Math.Asin(Math.Min(1, Math.Sqrt(chord2) / 2));
        return (center.ToLatLng(), radius);
    }

    // ---- Inspection -----------------------------------------------------------------------------

    /// <summary>The resolution encoded in the index.</summary>
    public static int GetResolution(H3Index cell) => cell.Resolution;

    /// <summary>The base cell encoded in the index.</summary>
    public static int GetBaseCellNumber(H3Index cell) => cell.BaseCell;

    /// <summary>Whether resolution <paramref name="res"/> is Class III (odd: rotated against Class II).</summary>
    public static bool IsResClassIII(int res) => (res & 1) == 1;

    /// <summary>Whether the index is a valid H3 cell: cell mode, reserved bits clear, base cell below 122, digits 0..6 within the resolution and 7 beyond it, and no deleted K sub-sequence under a pentagon.</summary>
    public static bool IsValidCell(H3Index cell)
    {
        ulong h = cell.Value;
        if ((h >> 63) != 0) return false;
        if (((h >> H3Index.ModeOffset) & 0xF) != H3Index.CellMode) return false;
        if (((h >> 56) & 7) != 0) return false;
        int baseCell = H3Index.BaseCellOf(h);
        if (baseCell >= BaseCellCount) return false;

        int res = H3Index.ResolutionOf(h);
        // Digits beyond the resolution must all be 7.
        int unusedBits = (15 - res) * 3;
        ulong unusedMask = unusedBits == 0 ? 0 : (1UL << unusedBits) - 1;
        if ((h & unusedMask) != unusedMask) return false;

        bool pentagon = BaseCells.IsPentagon[baseCell];
        bool seenNonZero = false;
        for (int r = 1; r <= res; r++)
        {
            int digit = H3Index.Digit(h, r);
            if (digit == 7) return false;
            if (!seenNonZero && digit != 0)
            {
                seenNonZero = true;
                if (pentagon && digit == 1) return false;
            }
        }
        return true;
    }

    /// <summary>Whether the cell is one of the 12 pentagons of its resolution.</summary>
    public static bool IsPentagon(H3Index cell) => IsValidCell(cell) && IsPentagonUnchecked(cell.Value);

    internal static bool IsPentagonUnchecked(ulong h) => BaseCells.IsPentagon[H3Index.BaseCellOf(h)] && H3Index.LeadingNonZeroDigit(h) == 0;

    // ---- Hierarchy ------------------------------------------------------------------------------

    /// <summary>The ancestor of the cell at <paramref name="parentRes"/>; the cell itself at its own resolution.</summary>
    /// <exception cref="H3Exception"><see cref="H3Error.ResDomain"/> for a resolution outside 0..15, <see cref="H3Error.ResMismatch"/> when it is finer than the cell's.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static H3Index CellToParent(H3Index cell, int parentRes)
    {
        var error = TryCellToParent(cell, parentRes, out var parent);
        if (error != H3Error.Success) throw ResolutionError(error, cell, parentRes, "parent");
        return parent;
    }

    /// <summary>The ancestor of the cell at <paramref name="parentRes"/>, or an error code.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static H3Error TryCellToParent(H3Index cell, int parentRes, out H3Index parent)
    {
        ulong h = cell.Value;
        int res = H3Index.ResolutionOf(h);
        if ((uint)parentRes > MaxResolution)
        {
            parent = default;
            return H3Error.ResDomain;
        }
        if (parentRes > res)
        {
            parent = default;
            return H3Error.ResMismatch;
        }
        // Clear the resolution and mark the digits below the parent unused (7).
        int unusedBits = (15 - parentRes) * 3;
        ulong unused = unusedBits == 0 ? 0 : (1UL << unusedBits) - 1;
        parent = new H3Index(((h & ~H3Index.ResolutionMask) | ((ulong)parentRes << H3Index.ResolutionOffset)) | unused);
        return H3Error.Success;
    }

    /// <summary>The child at <paramref name="childRes"/> whose digits below the cell are all 0 (nearest the centre).</summary>
    /// <exception cref="H3Exception">The resolution is outside 0..15 or coarser than the cell's.</exception>
    public static H3Index CellToCenterChild(H3Index cell, int childRes)
    {
        int res = cell.Resolution;
        // H3 reports a child resolution coarser than the cell as a domain error, like one outside 0..15.
        if ((uint)childRes > MaxResolution || childRes < res) throw ResolutionError(H3Error.ResDomain, cell, childRes, "child");
        ulong h = H3Index.WithResolution(cell.Value, childRes);
        for (int r = res + 1; r <= childRes; r++) h = H3Index.WithDigit(h, r, 0);
        return new H3Index(h);
    }

    /// <summary>The number of children at <paramref name="childRes"/>: 7^n for a hexagon, 1 + 5(7^n − 1)/6 for a pentagon.</summary>
    public static long CellToChildrenSize(H3Index cell, int childRes)
    {
        if (!IsValidCell(cell)) throw InvalidCell(cell);
        int res = cell.Resolution;
        if ((uint)childRes > MaxResolution || childRes < res) throw ResolutionError(H3Error.ResDomain, cell, childRes, "child");
        return ChildCountUnchecked(childRes - res, IsPentagonUnchecked(cell.Value));
    }

    internal static long ChildCountUnchecked(int levels, bool pentagon)
    {
        long sevens = 1;
        for (int i = 0; i < levels; i++) sevens *= 7;
        return pentagon ? 1 + 5 * (sevens - 1) / 6 : sevens;
    }

    /// <summary>The children at <paramref name="childRes"/>, enumerated without building a list.</summary>
    public static ChildCells CellToChildren(H3Index cell, int childRes)
    {
        if (!IsValidCell(cell)) throw InvalidCell(cell);
        int res = cell.Resolution;
        if ((uint)childRes > MaxResolution || childRes < res) throw ResolutionError(H3Error.ResDomain, cell, childRes, "child");
        return new ChildCells(cell.Value, res, childRes, IsPentagonUnchecked(cell.Value));
    }

    /// <summary>
    /// The smallest set of cells covering exactly the same resolution-r cells as the input: every
    /// complete family of children is replaced by its parent, repeatedly. Mixed resolutions are allowed.
    /// </summary>
    /// <exception cref="H3Exception"><see cref="H3Error.DuplicateInput"/> when a cell appears twice or a cell's ancestor is present too; <see cref="H3Error.CellInvalid"/> for an invalid cell.</exception>
    public static H3Index[] CompactCells(ReadOnlySpan<H3Index> cells) => Compaction.Compact(cells);

    /// <summary>Every input cell expanded to its descendants at <paramref name="res"/>.</summary>
    /// <exception cref="H3Exception"><see cref="H3Error.ResMismatch"/> when a cell is finer than <paramref name="res"/>; <see cref="H3Error.CellInvalid"/> for an invalid cell.</exception>
    public static H3Index[] UncompactCells(ReadOnlySpan<H3Index> cells, int res) => Compaction.Uncompact(cells, res);

    /// <summary>All 122 resolution-0 cells in base-cell order.</summary>
    public static ReadOnlySpan<H3Index> GetRes0Cells() => s_res0Cells;

    /// <summary>The 12 pentagons at <paramref name="res"/>, in base-cell order.</summary>
    public static H3Index[] GetPentagons(int res)
    {
        if ((uint)res > MaxResolution) throw new H3Exception(H3Error.ResDomain, $"Resolution {res} is outside 0..{MaxResolution}.");
        var result = new H3Index[PentagonCount];
        int n = 0;
        for (int bc = 0; bc < BaseCellCount; bc++)
        {
            if (BaseCells.IsPentagon[bc]) result[n++] = CellToCenterChild(s_res0Cells[bc], res);
        }
        return result;
    }

    // ---- Traversal ------------------------------------------------------------------------------

    /// <summary>The most cells <see cref="GridDisk(H3Index, int, Span{H3Index})"/> can return: 1 + 3k(k + 1).</summary>
    public static int MaxGridDiskSize(int k)
    {
        if (k < 0) throw new H3Exception(H3Error.Domain, $"k = {k} must be 0 or more.");
        return checked(1 + 3 * k * (k + 1));
    }

    /// <summary>Every cell within <paramref name="k"/> steps of the origin (unordered, no duplicates).</summary>
    public static H3Index[] GridDisk(H3Index origin, int k)
    {
        var buffer = new H3Index[MaxGridDiskSize(k)];
        int n = GridDisk(origin, k, buffer);
        return n == buffer.Length ? buffer : buffer[..n];
    }

    /// <summary>Writes every cell within <paramref name="k"/> steps of the origin into <paramref name="destination"/> and returns the count.</summary>
    /// <exception cref="H3Exception">The origin is invalid, k is negative, or the span is shorter than <see cref="MaxGridDiskSize"/>.</exception>
    public static int GridDisk(H3Index origin, int k, Span<H3Index> destination)
    {
        if (!IsValidCell(origin)) throw InvalidCell(origin);
        int max = MaxGridDiskSize(k);
        if (destination.Length < max) throw new H3Exception(H3Error.MemoryBounds, $"GridDisk with k = {k} needs a span of {max} cells; it holds {destination.Length}.");
        return GridDiskTraversal.Disk(origin.Value, k, destination);
    }

    /// <summary>Whether two cells of the same resolution share an edge.</summary>
    /// <exception cref="H3Exception">A cell is invalid, or the resolutions differ (<see cref="H3Error.ResMismatch"/>).</exception>
    public static bool AreNeighborCells(H3Index a, H3Index b)
    {
        if (!IsValidCell(a)) throw InvalidCell(a);
        if (!IsValidCell(b)) throw InvalidCell(b);
        if (a.Resolution != b.Resolution) throw new H3Exception(H3Error.ResMismatch, $"Cells {a} and {b} have different resolutions ({a.Resolution} and {b.Resolution}).");
        if (a == b) return false;
        for (int dir = 1; dir <= 6; dir++)
        {
            int rotations = 0;
            if (Traversal.Neighbor(a.Value, dir, ref rotations, out ulong neighbor) == H3Error.Success && neighbor == b.Value) return true;
        }
        return false;
    }

    // ---- Measures -------------------------------------------------------------------------------

    /// <summary>
    /// The cell's area in steradians: the sum of the spherical triangles from the centre to each
    /// boundary edge, each from the Van Oosterom–Strackee formula tan(E/2) = |a·(b×c)| / (1 + a·b + b·c + c·a),
    /// with the triple product taken over differences so it stays accurate for the tiny triangles of fine
    /// resolutions, and with no longitude arithmetic, so cells across the antimeridian need no care.
    /// </summary>
    public static double CellAreaRads2(H3Index cell)
    {
        var center = CellToLatLng(cell);
        var boundary = CellToBoundary(cell);
        var c = UnitVector(center);
        double area = 0;
        for (int i = 0; i < boundary.Count; i++)
        {
            var a = UnitVector(boundary[i]);
            var b = UnitVector(boundary[(i + 1) % boundary.Count]);
            // a·(b×c) = (a−c)·((b−c)×c): the differences keep their precision for tiny cells.
            double ax = a.X - c.X, ay = a.Y - c.Y, az = a.Z - c.Z;
            double bx = b.X - c.X, by = b.Y - c.Y, bz = b.Z - c.Z;
            double triple = ax * (by * c.Z - bz * c.Y) + ay * (bz * c.X - bx * c.Z) + az * (bx * c.Y - by * c.X);
            double denominator = 1 + a.Dot(b) + b.Dot(c) + c.Dot(a);
            area += 2 * Math.Atan2(Math.Abs(triple), denominator);
        }
        return area;
    }

    private static Vec3 UnitVector(LatLng p)
    {
        (double sinLat, double cosLat) = Math.SinCos(SphereMath.DegreesToRadians(p.Lat));
        (double sinLng, double cosLng) = Math.SinCos(SphereMath.DegreesToRadians(p.Lng));
        return new Vec3(cosLat * cosLng, cosLat * sinLng, sinLat);
    }

    /// <summary>The cell's area in square kilometres.</summary>
    public static double CellAreaKm2(H3Index cell) => CellAreaRads2(cell) * EarthRadiusKm * EarthRadiusKm;

    /// <summary>The cell's area in square metres.</summary>
    public static double CellAreaM2(H3Index cell) => CellAreaKm2(cell) * 1000 * 1000;

    // ---- Helpers --------------------------------------------------------------------------------

    private static H3Index[] BuildRes0Cells()
    {
        var cells = new H3Index[BaseCellCount];
        for (int bc = 0; bc < BaseCellCount; bc++) cells[bc] = new H3Index(H3Index.WithBaseCell(H3Index.CellTemplate, bc));
        return cells;
    }

    internal static H3Exception InvalidCell(H3Index cell) =>
        new(H3Error.CellInvalid, $"{cell} is not a valid H3 cell (check it was produced by an H3 library and not truncated or altered).");

    private static H3Exception ResolutionError(H3Error error, H3Index cell, int res, string what) => error == H3Error.ResDomain
        ? new H3Exception(error, $"Resolution {res} is outside 0..{MaxResolution} or not valid for a {what} of {cell} (resolution {cell.Resolution}).")
        : new H3Exception(error, $"A {what} of {cell} (resolution {cell.Resolution}) cannot be at resolution {res}.");
}

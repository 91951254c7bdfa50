// Exact point-in-territory test over a y-banded edge index, identical to NTS PreparedGeometry.Covers.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;
using NtsGeometry = NetTopologySuite.Geometries.Geometry;

namespace GeoAssign.Index.Geometry;

/// <summary>
/// The boundary of one territory (a Polygon or MultiPolygon in longitude/latitude), prepared for
/// exact point location: all ring edges in flat arrays, grouped into horizontal bands so a query
/// scans only edges whose latitude range contains the point, and within a band sorted so that the
/// scan stops at the first edge lying entirely west of the point.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Locate"/> reproduces NetTopologySuite's <c>IndexedPointInAreaLocator</c> /
/// <c>RayCrossingCounter</c> exactly, using the same robust orientation predicate
/// (<see cref="CGAlgorithmsDD.OrientationIndex(double, double, double, double, double, double)"/>),
/// so <see cref="Covers"/> answers exactly as NTS <c>PreparedGeometry.Covers(point)</c> does, for
/// every point including those on edges and vertices: a point equal to a vertex, on a horizontal
/// edge, or collinear with a crossing edge is on the boundary; otherwise a ray towards +longitude
/// counts crossings with the half-open rule (an upward edge includes its start and excludes its end,
/// a downward edge the reverse) and an odd count is interior. The answer does not depend on ring
/// orientation, and for invalid geometry it is still NTS's answer.
/// </para>
/// <para>Immutable and thread-safe. Queries allocate nothing.</para>
/// </remarks>
public sealed class TerritoryShape
{
    // One edge as it is stored in a band, in ring order; MaxX lets the scan stop early. Five doubles,
    // laid out as they are stored in the shape's data block.
    [StructLayout(LayoutKind.Sequential)]
    private readonly struct BandEdge(double x0, double y0, double x1, double y1)
    {
        public readonly double X0 = x0;
        public readonly double Y0 = y0;
        public readonly double X1 = x1;
        public readonly double Y1 = y1;
        public readonly double MaxX = Math.Max(x0, x1);
    }

    // Bands per edge when the edges are short; see ChooseBandCount.
    private const int TargetEdgesPerBand = 4;

    // More bands than this buy little and cost 8 bytes each.
    private const int MaxBands = 1 << 18;

    // Edges are repeated in every band they span; a shape whose long edges would repeat more than
    // this many times per edge gets fewer bands (the answers stay exact, queries get slower).
    private const int MaxOccurrencesPerEdge = 3;

    // Everything a point query reads lives in one block, so a query follows one reference and touches
    // as few cache lines as possible: the envelope, the band parameters, the band starts (edge numbers,
    // stored as exact doubles) and the edges (five doubles each), in that order.
    private const int MinXAt = 0;
    private const int MinYAt = 1;
    private const int MaxXAt = 2;
    private const int MaxYAt = 3;
    private const int InverseAt = 4;
    private const int BandCountAt = 5;
    private const int BandStartsAt = 6;
    private const int EdgeDoubles = 5;

    private readonly double[] _data;
    private readonly int _bandCount;
    private readonly int _edgesAt;
    private readonly double _minX;
    private readonly double _minY;
    private readonly double _maxX;
    private readonly double _maxY;
    private readonly double _bandHeight;
    private readonly double _inverseBandHeight;

    private TerritoryShape(BandEdge[] edges, int[] bandStart, int bandCount, double minX, double minY, double maxX,
        double maxY, double bandHeight, double inverseBandHeight, int vertexCount, int edgeCount, int ringCount)
    {
        _bandCount = bandCount;
        _edgesAt = BandStartsAt + bandCount + 1;
        _minX = minX;
        _minY = minY;
        _maxX = maxX;
        _maxY = maxY;
        _bandHeight = bandHeight;
        _inverseBandHeight = inverseBandHeight;
        VertexCount = vertexCount;
        EdgeCount = edgeCount;
        RingCount = ringCount;
        _data = new double[_edgesAt + edges.Length * EdgeDoubles];
        _data[MinXAt] = minX;
        _data[MinYAt] = minY;
        _data[MaxXAt] = maxX;
        _data[MaxYAt] = maxY;
        _data[InverseAt] = inverseBandHeight;
        _data[BandCountAt] = bandCount;
        for (var b = 0; b <= bandCount; b++)
        {
            _data[BandStartsAt + b] = bandStart[b];
        }

        MemoryMarshal.Cast<BandEdge, double>(edges).CopyTo(_data.AsSpan(_edgesAt));
    }

    /// <summary>
    /// The bounding box of the exterior rings (the geometry's NTS envelope; holes lie inside it unless
    /// the geometry is invalid); <see cref="LngLatRect.IsEmpty"/> for an empty geometry. No point
    /// outside it is covered.
    /// </summary>
    public LngLatRect Bounds => EdgeCount == 0 ? LngLatRect.Empty : new LngLatRect(_minX, _minY, _maxX, _maxY);

    /// <summary>The number of vertices, counted as NTS <c>NumPoints</c> does (a ring's closing vertex counts).</summary>
    public int VertexCount { get; }

    /// <summary>The number of distinct ring edges.</summary>
    public int EdgeCount { get; }

    /// <summary>The number of rings (exteriors and holes).</summary>
    public int RingCount { get; }

    /// <summary>The number of latitude bands of the edge index.</summary>
    public int BandCount => _bandCount;

    /// <summary>An estimate of the memory this shape holds, in bytes.</summary>
    public long ByteCount => (long)_data.Length * sizeof(double) + 24 + 96;

    /// <summary>The block <see cref="CoversIn"/> reads: everything a point query needs, behind one reference.</summary>
    internal double[] QueryData => _data;

    /// <summary>
    /// Prepares a Polygon or MultiPolygon. Holes and several polygons are fine; so is invalid
    /// geometry (the answers are NTS's answers for it).
    /// </summary>
    /// <exception cref="ArgumentException">The geometry is not a Polygon or MultiPolygon.</exception>
    public static TerritoryShape Create(NtsGeometry polygonal)
    {
        ArgumentNullException.ThrowIfNull(polygonal);
        if (polygonal is not (Polygon or MultiPolygon))
        {
            throw new ArgumentException(
                $"A territory shape needs a Polygon or MultiPolygon, not a {polygonal.GeometryType}.", nameof(polygonal));
        }

        var rings = new List<CoordinateSequence>();
        for (var p = 0; p < polygonal.NumGeometries; p++)
        {
            var polygon = (Polygon)polygonal.GetGeometryN(p);
            if (polygon.IsEmpty)
            {
                continue;
            }

            rings.Add(polygon.ExteriorRing.CoordinateSequence);
            for (var h = 0; h < polygon.NumInteriorRings; h++)
            {
                rings.Add(polygon.GetInteriorRingN(h).CoordinateSequence);
            }
        }

        var vertexCount = 0;
        var edgeCount = 0;
        foreach (var ring in rings)
        {
            vertexCount += ring.Count;
            edgeCount += Math.Max(0, ring.Count - 1);
        }

        // Every edge, in ring order: (x0, y0, x1, y1) as NTS's LineSegment(pts[i - 1], pts[i]).
        var flat = new double[edgeCount * 4];
        var k = 0;
        foreach (var ring in rings)
        {
            for (var i = 1; i < ring.Count; i++)
            {
                flat[k++] = ring.GetX(i - 1);
                flat[k++] = ring.GetY(i - 1);
                flat[k++] = ring.GetX(i);
                flat[k++] = ring.GetY(i);
            }
        }

        // NTS's envelope test uses the geometry's envelope, which is that of the exterior rings: a
        // hole reaching outside its shell (invalid geometry) does not widen it.
        var envelope = polygonal.EnvelopeInternal;
        double minX = envelope.MinX, minY = envelope.MinY, maxX = envelope.MaxX, maxY = envelope.MaxY;
        if (edgeCount == 0 || envelope.IsNull)
        {
            return new TerritoryShape([], [0, 0], 1, double.NaN, double.NaN, double.NaN, double.NaN, 0, 0,
                vertexCount, 0, rings.Count);
        }

        var (bandCount, bandHeight, inverse) = ChooseBandCount(flat, edgeCount, minY, maxY);

        // Counting sort of edge occurrences into bands.
        var bandStart = new int[bandCount + 1];
        for (var e = 0; e < edgeCount; e++)
        {
            var (first, last) = BandRange(flat, e, minY, inverse, bandCount);
            for (var b = first; b <= last; b++)
            {
                bandStart[b + 1]++;
            }
        }

        for (var b = 0; b < bandCount; b++)
        {
            bandStart[b + 1] += bandStart[b];
        }

        var edges = new BandEdge[bandStart[bandCount]];
        var fill = (int[])bandStart.Clone();
        for (var e = 0; e < edgeCount; e++)
        {
            var (first, last) = BandRange(flat, e, minY, inverse, bandCount);
            var edge = new BandEdge(flat[4 * e], flat[4 * e + 1], flat[4 * e + 2], flat[4 * e + 3]);
            for (var b = first; b <= last; b++)
            {
                edges[fill[b]++] = edge;
            }
        }

        // Within a band, the edges reaching furthest east come first: the scan stops at the first
        // edge entirely west of the point, which NTS skips too ("strictly to the left").
        var comparer = Comparer<BandEdge>.Create(static (a, b) => b.MaxX.CompareTo(a.MaxX));
        for (var b = 0; b < bandCount; b++)
        {
            Array.Sort(edges, bandStart[b], bandStart[b + 1] - bandStart[b], comparer);
        }

        return new TerritoryShape(edges, bandStart, bandCount, minX, minY, maxX, maxY, bandHeight, inverse,
            vertexCount, edgeCount, rings.Count);
    }

    private static (int Count, double Height, double Inverse) ChooseBandCount(double[] flat, int edgeCount,
        double minY, double maxY)
    {
        var span = maxY - minY;
        if (!(span > 0) || double.IsInfinity(span))
        {
            return (1, 0, 0);
        }

        var count = Math.Clamp(edgeCount / TargetEdgesPerBand, 1, MaxBands);
        while (true)
        {
            var height = span / count;
            var inverse = count / span;
            if (count == 1)
            {
                return (1, height, inverse);
            }

            long occurrences = 0;
            for (var e = 0; e < edgeCount; e++)
            {
                var (first, last) = BandRange(flat, e, minY, inverse, count);
                occurrences += last - first + 1;
            }

            if (occurrences <= (long)MaxOccurrencesPerEdge * edgeCount)
            {
                return (count, height, inverse);
            }

            count /= 2;
        }
    }

    private static (int First, int Last) BandRange(double[] flat, int e, double minY, double inverse, int count)
    {
        double y0 = flat[4 * e + 1], y1 = flat[4 * e + 3];
        return (BandOf(Math.Min(y0, y1), minY, inverse, count), BandOf(Math.Max(y0, y1), minY, inverse, count));
    }

    // Monotonic in y (a subtraction and a multiplication, each correctly rounded, then a clamp), so an
    // edge stored in the bands of its lowest and highest y is found from any y between them.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int BandOf(double y, double minY, double inverse, int count)
    {
        var band = (int)((y - minY) * inverse);
        if (band >= count)
        {
            band = count - 1;
        }

        return band < 0 ? 0 : band;
    }

    /// <summary>
    /// Whether the territory covers the position: interior or boundary, exactly as NTS
    /// <c>PreparedGeometry.Covers(point)</c>. False for NaN and infinite coordinates.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Covers(double lng, double lat) => Locate(lng, lat) != Location.Exterior;

    /// <summary>
    /// Where the position lies: <see cref="Location.Interior"/>, <see cref="Location.Boundary"/> (on an
    /// edge or vertex, exactly) or <see cref="Location.Exterior"/>; as NTS
    /// <c>IndexedPointInAreaLocator.Locate</c>, behind the envelope test of <c>PreparedPolygon</c>.
    /// </summary>
    public Location Locate(double lng, double lat) => LocateIn(_data, lng, lat);

    /// <summary>
    /// <see cref="Covers(double, double)"/> of the shape whose <see cref="QueryData"/> is
    /// <paramref name="queryData"/>: the index calls this to skip one reference on its hot path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool CoversIn(double[] queryData, double lng, double lat) => LocateIn(queryData, lng, lat) != Location.Exterior;

    private static Location LocateIn(double[] data, double lng, double lat)
    {
        ref var d = ref MemoryMarshal.GetArrayDataReference(data);

        // The envelope test also rejects NaN.
        double minY = Unsafe.Add(ref d, MinYAt);
        if (!(lat >= minY && lat <= Unsafe.Add(ref d, MaxYAt) && lng >= Unsafe.Add(ref d, MinXAt) && lng <= Unsafe.Add(ref d, MaxXAt)))
        {
            return Location.Exterior;
        }

        var bandCount = (int)Unsafe.Add(ref d, BandCountAt);
        var band = BandOf(lat, minY, Unsafe.Add(ref d, InverseAt), bandCount);
        var end = (int)Unsafe.Add(ref d, BandStartsAt + band + 1);
        var crossings = 0;
        ref var first = ref Unsafe.As<double, BandEdge>(ref Unsafe.Add(ref d, BandStartsAt + bandCount + 1));
        for (var i = (int)Unsafe.Add(ref d, BandStartsAt + band); i < end; i++)
        {
            ref readonly var e = ref Unsafe.Add(ref first, i);

            // Strictly west of the point; every edge after this one is too.
            if (e.MaxX < lng)
            {
                break;
            }

            // The point is the edge's end vertex.
            if (lng == e.X1 && lat == e.Y1)
            {
                return Location.Boundary;
            }

            // A horizontal edge is never counted; the point may lie on it.
            if (e.Y0 == lat && e.Y1 == lat)
            {
                double lo = e.X0, hi = e.X1;
                if (lo > hi)
                {
                    (lo, hi) = (hi, lo);
                }

                if (lng >= lo && lng <= hi)
                {
                    return Location.Boundary;
                }

                continue;
            }

            // Half-open rule: upward edges include their start, downward edges their end.
            if ((e.Y0 > lat && e.Y1 <= lat) || (e.Y1 > lat && e.Y0 <= lat))
            {
                var orientation = CGAlgorithmsDD.OrientationIndex(e.X0, e.Y0, e.X1, e.Y1, lng, lat);
                if (orientation == 0)
                {
                    return Location.Boundary;
                }

                if (e.Y1 < e.Y0)
                {
                    orientation = -orientation;
                }

                // An upward edge crosses the eastward ray when the point is to its left.
                if (orientation > 0)
                {
                    crossings++;
                }
            }
        }

        return (crossings & 1) == 1 ? Location.Interior : Location.Exterior;
    }

    private int BandStart(int band) => (int)_data[BandStartsAt + band];

    private ref readonly BandEdge EdgeAt(int i) => ref Unsafe.As<double, BandEdge>(ref _data[_edgesAt + i * EdgeDoubles]);

    /// <summary>
    /// Whether any edge shares at least one point with the closed rectangle, exactly (the
    /// segment-against-rectangle test uses the same robust orientation predicate). A rectangle
    /// entirely inside or outside the territory touches no edge.
    /// </summary>
    public bool AnyEdgeIntersects(in LngLatRect rect)
    {
        var (firstBand, lastBand) = BandsOf(rect);
        for (var b = firstBand; b <= lastBand; b++)
        {
            for (int i = BandStart(b), end = BandStart(b + 1); i < end; i++)
            {
                ref readonly var e = ref EdgeAt(i);
                if (e.MaxX < rect.MinLng)
                {
                    break;
                }

                if (SegmentIntersectsRect(e, rect))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// Appends every edge that shares at least one point with the closed rectangle, each once, to
    /// <paramref name="destination"/>, and returns how many were appended.
    /// </summary>
    public int CollectEdgesIntersecting(in LngLatRect rect, ICollection<ShapeEdge> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var (firstBand, lastBand) = BandsOf(rect);
        var added = 0;
        for (var b = firstBand; b <= lastBand; b++)
        {
            for (int i = BandStart(b), end = BandStart(b + 1); i < end; i++)
            {
                ref readonly var e = ref EdgeAt(i);
                if (e.MaxX < rect.MinLng)
                {
                    break;
                }

                // An edge spanning several bands is reported from the first band it shares with the rectangle.
                var edgeFirstBand = BandOf(Math.Min(e.Y0, e.Y1), _minY, _inverseBandHeight, _bandCount);
                if (b != Math.Max(edgeFirstBand, firstBand) || !SegmentIntersectsRect(e, rect))
                {
                    continue;
                }

                destination.Add(new ShapeEdge(e.X0, e.Y0, e.X1, e.Y1));
                added++;
            }
        }

        return added;
    }

    private (int First, int Last) BandsOf(in LngLatRect rect)
    {
        if (EdgeCount == 0 || rect.IsEmpty || !rect.Intersects(new LngLatRect(_minX, _minY, _maxX, _maxY)))
        {
            return (0, -1);
        }

        return (BandOf(Math.Max(rect.MinLat, _minY), _minY, _inverseBandHeight, _bandCount),
            BandOf(Math.Min(rect.MaxLat, _maxY), _minY, _inverseBandHeight, _bandCount));
    }

    // Separating axes of a segment and an axis-aligned rectangle: the two axes (bounding boxes) and
    // the segment's normal (all four corners strictly on one side of its line).
    private static bool SegmentIntersectsRect(in BandEdge e, in LngLatRect r)
    {
        if (e.MaxX < r.MinLng || Math.Min(e.X0, e.X1) > r.MaxLng
            || Math.Max(e.Y0, e.Y1) < r.MinLat || Math.Min(e.Y0, e.Y1) > r.MaxLat)
        {
            return false;
        }

        var a = CGAlgorithmsDD.OrientationIndex(e.X0, e.Y0, e.X1, e.Y1, r.MinLng, r.MinLat);
        var b = CGAlgorithmsDD.OrientationIndex(e.X0, e.Y0, e.X1, e.Y1, r.MaxLng, r.MinLat);
        var c = CGAlgorithmsDD.OrientationIndex(e.X0, e.Y0, e.X1, e.Y1, r.MaxLng, r.MaxLat);
        var d = CGAlgorithmsDD.OrientationIndex(e.X0, e.Y0, e.X1, e.Y1, r.MinLng, r.MaxLat);
        return !((a > 0 && b > 0 && c > 0 && d > 0) || (a < 0 && b < 0 && c < 0 && d < 0));
    }

    /// <summary>
    /// The planar distance, in degrees of longitude/latitude, from the position to the nearest edge
    /// (zero on the boundary; positive infinity for an empty shape). Computed in double precision:
    /// it may differ from the true distance by a few units in the last place, so a caller that needs
    /// a guaranteed bound leaves a relative margin of 1e-12 or more.
    /// </summary>
    public double DistanceToBoundary(double lng, double lat)
    {
        if (EdgeCount == 0 || double.IsNaN(lng) || double.IsNaN(lat))
        {
            return double.PositiveInfinity;
        }

        // The nearest point of the nearest edge lies in some band; bands are searched outwards from the
        // point's own, and band k steps away is at least (k - 1) band heights away.
        var home = BandOf(Math.Clamp(lat, _minY, _maxY), _minY, _inverseBandHeight, _bandCount);
        var best = double.PositiveInfinity;
        for (var step = 0; step < _bandCount; step++)
        {
            if (step > 1 && (step - 1) * _bandHeight > best)
            {
                break;
            }

            var below = home - step;
            var above = home + step;
            if (below < 0 && above >= _bandCount)
            {
                break;
            }

            if (below >= 0)
            {
                best = Math.Min(best, NearestInBand(below, lng, lat));
            }

            if (step > 0 && above < _bandCount)
            {
                best = Math.Min(best, NearestInBand(above, lng, lat));
            }
        }

        return best;
    }

    private double NearestInBand(int band, double lng, double lat)
    {
        var best = double.PositiveInfinity;
        for (int i = BandStart(band), end = BandStart(band + 1); i < end; i++)
        {
            ref readonly var e = ref EdgeAt(i);
            best = Math.Min(best, SegmentDistance(e.X0, e.Y0, e.X1, e.Y1, lng, lat));
        }

        return best;
    }

    private static double SegmentDistance(double x0, double y0, double x1, double y1, double px, double py)
    {
        double dx = x1 - x0, dy = y1 - y0;
        var lengthSquared = dx * dx + dy * dy;
        var t = lengthSquared > 0 ? ((px - x0) * dx + (py - y0) * dy) / lengthSquared : 0;
        t = Math.Clamp(t, 0, 1);
        double cx = x0 + t * dx - px, cy = y0 + t * dy - py;
        return Math.Sqrt(cx * cx + cy * cy);
    }
}

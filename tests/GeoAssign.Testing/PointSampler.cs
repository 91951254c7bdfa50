// Deterministic test points around a set of territories: uniform, near borders, on vertices and edges, in holes.
using GeoAssign.Index.Geometry;
using GeoAssign.Index.Model;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;

namespace GeoAssign.Testing;

/// <summary>
/// Chooses test points around a set of territories, deterministically from a seed: uniform points in
/// a box; points a small distance off a border on either side (along the edge's normal, metres
/// converted to degrees at that latitude on the WGS84 ellipsoid); exact vertices; edge midpoints;
/// points in holes. The hard cases for an exact index are all here.
/// </summary>
/// <remarks>Not thread-safe (it owns a random generator); use one per thread.</remarks>
public sealed class PointSampler
{
    private const double SemiMajorAxis = 6_378_137.0;
    private const double EccentricitySquared = 0.00669437999014;

    private readonly Random _random;
    private readonly List<double> _edges = [];
    private readonly List<LinearRing> _holes = [];
    private readonly Dictionary<LinearRing, IndexedPointInAreaLocator> _holeLocators = [];

    /// <summary>Prepares sampling around the territories.</summary>
    public PointSampler(IEnumerable<Territory> territories, int seed)
    {
        ArgumentNullException.ThrowIfNull(territories);
        _random = new Random(seed);
        double minX = double.PositiveInfinity, minY = double.PositiveInfinity;
        double maxX = double.NegativeInfinity, maxY = double.NegativeInfinity;
        foreach (var territory in territories)
        {
            var envelope = territory.Geometry.EnvelopeInternal;
            if (!envelope.IsNull)
            {
                minX = Math.Min(minX, envelope.MinX);
                minY = Math.Min(minY, envelope.MinY);
                maxX = Math.Max(maxX, envelope.MaxX);
                maxY = Math.Max(maxY, envelope.MaxY);
            }

            for (var p = 0; p < territory.Geometry.NumGeometries; p++)
            {
                if (territory.Geometry.GetGeometryN(p) is not Polygon polygon || polygon.IsEmpty)
                {
                    continue;
                }

                AddRing(polygon.ExteriorRing);
                foreach (var hole in polygon.InteriorRings)
                {
                    AddRing(hole);
                    _holes.Add((LinearRing)hole);
                }
            }
        }

        Bounds = new LngLatRect(minX, minY, maxX, maxY);
    }

    /// <summary>The bounding box of all territories.</summary>
    public LngLatRect Bounds { get; }

    /// <summary>How many edges the territories have.</summary>
    public int EdgeCount => _edges.Count / 4;

    /// <summary>How many holes the territories have.</summary>
    public int HoleCount => _holes.Count;

    private void AddRing(LineString ring)
    {
        var sequence = ring.CoordinateSequence;
        for (var i = 1; i < sequence.Count; i++)
        {
            _edges.Add(sequence.GetX(i - 1));
            _edges.Add(sequence.GetY(i - 1));
            _edges.Add(sequence.GetX(i));
            _edges.Add(sequence.GetY(i));
        }
    }

    /// <summary>
    /// The proof mix: a third near borders (1 cm to 10 m), a third uniform in <paramref name="box"/>
    /// (the territories' bounds grown by 1% when null), and the rest split between exact vertices,
    /// edge midpoints, points 1e-9 to 1e-6 degrees off edges, and points in holes.
    /// </summary>
    public List<SamplePoint> Mixed(int count, LngLatRect? box = null)
    {
        var area = box ?? Grow(Bounds, 0.01);
        var result = new List<SamplePoint>(count);
        var third = count / 3;
        result.AddRange(NearBorder(third));
        result.AddRange(Uniform(third, area));
        var rest = count - 2 * third;
        var parts = _holes.Count > 0 ? 4 : 3;
        result.AddRange(Vertices(rest / parts));
        result.AddRange(EdgeMidpoints(rest / parts));
        if (_holes.Count > 0)
        {
            result.AddRange(InHoles(rest / parts));
        }

        result.AddRange(NearEdge(count - result.Count));
        return result;
    }

    /// <summary>Points uniform in the box.</summary>
    public List<SamplePoint> Uniform(int count, LngLatRect box)
    {
        var result = new List<SamplePoint>(count);
        for (var i = 0; i < count; i++)
        {
            result.Add(new SamplePoint(
                box.MinLng + _random.NextDouble() * (box.MaxLng - box.MinLng),
                box.MinLat + _random.NextDouble() * (box.MaxLat - box.MinLat),
                SampleKind.Uniform));
        }

        return result;
    }

    /// <summary>
    /// Points at a distance between <paramref name="minMetres"/> and <paramref name="maxMetres"/>
    /// (log-uniform, so every scale is tested) from a random point of a random edge, along the edge's
    /// normal, on a random side.
    /// </summary>
    public List<SamplePoint> NearBorder(int count, double minMetres = 0.01, double maxMetres = 10) =>
        OffEdges(count, minMetres, maxMetres, metres: true, SampleKind.NearBorder);

    /// <summary>Points 1e-9 to 1e-6 degrees (log-uniform) off a random edge, along its normal, on a random side.</summary>
    public List<SamplePoint> NearEdge(int count, double minDegrees = 1e-9, double maxDegrees = 1e-6) =>
        OffEdges(count, minDegrees, maxDegrees, metres: false, SampleKind.NearEdge);

    /// <summary>Exact vertices of random edges.</summary>
    public List<SamplePoint> Vertices(int count)
    {
        var result = new List<SamplePoint>(count);
        for (var i = 0; i < count && EdgeCount > 0; i++)
        {
            var e = 4 * _random.Next(EdgeCount);
            result.Add(new SamplePoint(_edges[e], _edges[e + 1], SampleKind.Vertex));
        }

        return result;
    }

    /// <summary>Floating-point midpoints of random edges.</summary>
    public List<SamplePoint> EdgeMidpoints(int count)
    {
        var result = new List<SamplePoint>(count);
        for (var i = 0; i < count && EdgeCount > 0; i++)
        {
            var e = 4 * _random.Next(EdgeCount);
            result.Add(new SamplePoint((_edges[e] + _edges[e + 2]) / 2, (_edges[e + 1] + _edges[e + 3]) / 2,
                SampleKind.EdgeMidpoint));
        }

        return result;
    }

    /// <summary>Points strictly inside random holes (none when the territories have no holes).</summary>
    public List<SamplePoint> InHoles(int count)
    {
        var result = new List<SamplePoint>(count);
        for (var i = 0; i < count && _holes.Count > 0; i++)
        {
            var hole = _holes[_random.Next(_holes.Count)];
            if (!_holeLocators.TryGetValue(hole, out var locator))
            {
                _holeLocators[hole] = locator = new IndexedPointInAreaLocator(hole.Factory.CreatePolygon((LinearRing)hole));
            }

            var envelope = hole.EnvelopeInternal;
            var found = false;
            for (var attempt = 0; attempt < 100 && !found; attempt++)
            {
                var x = envelope.MinX + _random.NextDouble() * envelope.Width;
                var y = envelope.MinY + _random.NextDouble() * envelope.Height;
                if (locator.Locate(new Coordinate(x, y)) == Location.Interior)
                {
                    result.Add(new SamplePoint(x, y, SampleKind.InHole));
                    found = true;
                }
            }

            if (!found)
            {
                var inside = hole.Factory.CreatePolygon((LinearRing)hole).InteriorPoint.Coordinate;
                result.Add(new SamplePoint(inside.X, inside.Y, SampleKind.InHole));
            }
        }

        return result;
    }

    private List<SamplePoint> OffEdges(int count, double min, double max, bool metres, SampleKind kind)
    {
        var result = new List<SamplePoint>(count);
        var logMin = Math.Log(min);
        var logMax = Math.Log(max);
        for (var attempt = 0; result.Count < count && EdgeCount > 0 && attempt < 20 * count + 100; attempt++)
        {
            var e = 4 * _random.Next(EdgeCount);
            double x0 = _edges[e], y0 = _edges[e + 1], x1 = _edges[e + 2], y1 = _edges[e + 3];
            var t = _random.NextDouble();
            var x = x0 + t * (x1 - x0);
            var y = y0 + t * (y1 - y0);
            var distance = Math.Exp(logMin + _random.NextDouble() * (logMax - logMin));
            var side = _random.Next(2) == 0 ? -1.0 : 1.0;

            // The normal is taken in metres (or in degrees), then converted back to degrees.
            var (lngScale, latScale) = metres ? MetresPerDegree(y) : (1.0, 1.0);
            if (lngScale < 1e-3)
            {
                continue;
            }

            double ex = (x1 - x0) * lngScale, ey = (y1 - y0) * latScale;
            var length = Math.Sqrt(ex * ex + ey * ey);
            if (!(length > 0))
            {
                continue;
            }

            var px = x + side * -ey / length * distance / lngScale;
            var py = y + side * ex / length * distance / latScale;
            if (px is < -180 or > 180 || py is < -90 or > 90)
            {
                continue;
            }

            result.Add(new SamplePoint(px, py, kind));
        }

        return result;
    }

    /// <summary>Metres per degree of longitude and of latitude at a latitude, on the WGS84 ellipsoid.</summary>
    public static (double Longitude, double Latitude) MetresPerDegree(double latitude)
    {
        var phi = latitude * Math.PI / 180;
        var sin = Math.Sin(phi);
        var w = 1 - EccentricitySquared * sin * sin;
        var prime = SemiMajorAxis / Math.Sqrt(w);
        var meridian = SemiMajorAxis * (1 - EccentricitySquared) / (w * Math.Sqrt(w));
        return (prime * Math.Cos(phi) * Math.PI / 180, meridian * Math.PI / 180);
    }

    private static LngLatRect Grow(LngLatRect box, double fraction)
    {
        var dx = (box.MaxLng - box.MinLng) * fraction;
        var dy = (box.MaxLat - box.MinLat) * fraction;
        return new LngLatRect(Math.Max(-180, box.MinLng - dx), Math.Max(-90, box.MinLat - dy),
            Math.Min(180, box.MaxLng + dx), Math.Min(90, box.MaxLat + dy));
    }
}

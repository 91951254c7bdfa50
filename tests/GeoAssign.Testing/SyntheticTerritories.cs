// Deterministic synthetic territory maps anywhere on the globe: Voronoi cells with holes, enclaves,
// multipolygons, overlaps and, on request, thousands of jagged vertices per territory.
using System.Globalization;
using GeoAssign.Index.Model;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Valid;
using NetTopologySuite.Triangulate;
using NtsGeometry = NetTopologySuite.Geometries.Geometry;

namespace GeoAssign.Testing;

/// <summary>
/// A rectangle of the globe to fill with synthetic territories. <see cref="MaxLng"/> may exceed 180
/// (e.g. 172 to 188): the map then crosses the antimeridian, and every territory that does is split
/// at ±180 into a MultiPolygon, as RFC 7946 §3.1.9 asks. Immutable.
/// </summary>
public sealed record SyntheticRegion(string Name, double MinLng, double MinLat, double MaxLng, double MaxLat)
{
    /// <summary>Fiji, across the antimeridian (172°E to 172°W).</summary>
    public static SyntheticRegion AcrossAntimeridian { get; } = new("antimeridian-fiji", 172, -22, 188, -12);

    /// <summary>The whole ring of longitudes from 80°N to the pole: cells touch latitude 90 and both ±180.</summary>
    public static SyntheticRegion NearNorthPole { get; } = new("north-pole", -180, 80, 180, 90);

    /// <summary>The whole ring of longitudes from the south pole to 80°S.</summary>
    public static SyntheticRegion NearSouthPole { get; } = new("south-pole", -180, -90, 180, -80);

    /// <summary>Around the H3 pentagon of base cell 4 (centre 64.70°N, 10.54°E), in Norway.</summary>
    public static SyntheticRegion AroundPentagonNorway { get; } = new("pentagon-bc4", 6, 62, 15, 67.5);

    /// <summary>Around the H3 pentagon of base cell 63 (centre 2.30°S, 174.75°E), and across the antimeridian.</summary>
    public static SyntheticRegion AroundPentagonPacific { get; } = new("pentagon-bc63", 169, -7, 181, 2.5);

    /// <summary>Around the H3 pentagon of base cell 58 (centre 2.30°N, 5.25°W), across the equator and the prime meridian.</summary>
    public static SyntheticRegion AroundPentagonGulfOfGuinea { get; } = new("pentagon-bc58", -10, -3, 1, 7);

    /// <summary>Whether the region crosses the antimeridian.</summary>
    public bool CrossesAntimeridian => MaxLng > 180;
}

/// <summary>What <see cref="SyntheticTerritories.Generate"/> makes. Immutable once constructed.</summary>
public sealed class SyntheticMapOptions
{
    /// <summary>The seed: the same options give the same territories, bit for bit.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Voronoi cells (before some are joined into MultiPolygons). Default 200.</summary>
    public int CellCount { get; init; } = 200;

    /// <summary>Share of cells with a hole. Default 0.1.</summary>
    public double HoleFraction { get; init; } = 0.1;

    /// <summary>Share of holes filled exactly by an enclave territory (the others stay unassigned). Default 0.5.</summary>
    public double EnclaveFraction { get; init; } = 0.5;

    /// <summary>Pairs of cells that do not touch, each joined into one MultiPolygon territory. Default 5.</summary>
    public int MultiPolygonPairs { get; init; } = 5;

    /// <summary>Extra round territories overlapping the cells, with priorities 0, 1, 2 or 5 (so ties happen). Default 5.</summary>
    public int OverlayCount { get; init; } = 5;

    /// <summary>Extra vertices on every edge between cells (a jagged border, the same for both neighbours); 0 for straight edges. Default 0.</summary>
    public int VerticesPerEdge { get; init; }

    /// <summary>How far jagged edges stray from straight, as a fraction of the edge's length. Default 0.02.</summary>
    public double Roughness { get; init; } = 0.02;

    /// <summary>The layer of every territory. Default <c>geo</c>.</summary>
    public string Layer { get; init; } = Territory.DefaultLayer;

    /// <summary>The prefix of every id. Default the region's name.</summary>
    public string? IdPrefix { get; init; }

    /// <summary>Owners are <c>rep-0</c> to <c>rep-(OwnerCount - 1)</c>. Default 50.</summary>
    public int OwnerCount { get; init; } = 50;
}

/// <summary>
/// Generates synthetic territory maps: Voronoi cells of random sites (NTS
/// <see cref="VoronoiDiagramBuilder"/>) clipped to a region, some with holes (half of them filled by
/// an enclave territory), some pairs joined into MultiPolygons, round overlays with priorities that
/// overlap the cells, and optionally jagged borders with thousands of vertices per territory.
/// Neighbouring territories share their borders exactly. Every result is valid for NTS and
/// <see cref="Index.Validation.TerritoryValidator"/>.
/// </summary>
/// <remarks>Stateless and thread-safe; deterministic for a given region and options.</remarks>
public static class SyntheticTerritories
{
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);

    // Coordinates this close to a region bound (or to ±180 after a split) are snapped onto it,
    // undoing the last-bit noise of clipping.
    private const double SnapDistance = 1e-9;

    /// <summary>Generates a map.</summary>
    /// <exception cref="InvalidOperationException">No valid map came out (not seen with the defaults).</exception>
    public static IReadOnlyList<Territory> Generate(SyntheticRegion region, SyntheticMapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(region);
        options ??= new SyntheticMapOptions();
        var roughness = options.Roughness;
        for (var attempt = 0; attempt < 6; attempt++)
        {
            var territories = TryGenerate(region, options, roughness, out var invalid);
            if (invalid is null)
            {
                return territories;
            }

            if (roughness == 0 || options.VerticesPerEdge == 0)
            {
                throw new InvalidOperationException($"synthetic map {region.Name}: {invalid}");
            }

            roughness /= 2;
        }

        throw new InvalidOperationException($"synthetic map {region.Name}: no valid map after lowering the roughness");
    }

    private static List<Territory> TryGenerate(SyntheticRegion region, SyntheticMapOptions options, double roughness,
        out string? invalid)
    {
        var random = new Random(options.Seed);
        var prefix = options.IdPrefix ?? region.Name;
        var regionEnvelope = new Envelope(region.MinLng, region.MaxLng, region.MinLat, region.MaxLat);

        var sites = new List<Coordinate>(options.CellCount);
        for (var i = 0; i < options.CellCount; i++)
        {
            sites.Add(new Coordinate(
                region.MinLng + random.NextDouble() * (region.MaxLng - region.MinLng),
                region.MinLat + random.NextDouble() * (region.MaxLat - region.MinLat)));
        }

        var builder = new VoronoiDiagramBuilder { ClipEnvelope = regionEnvelope };
        builder.SetSites(sites);
        var diagram = builder.GetDiagram(Factory);

        var cells = new List<Polygon>();
        for (var i = 0; i < diagram.NumGeometries; i++)
        {
            var clipped = Snap(diagram.GetGeometryN(i).Intersection(Factory.ToGeometry(regionEnvelope)), region);
            foreach (var polygon in PolygonsOf(clipped))
            {
                cells.Add(polygon);
                break;
            }
        }

        // Sort for determinism independent of the builder's output order.
        cells.Sort(static (a, b) =>
        {
            var ca = a.EnvelopeInternal.Centre;
            var cb = b.EnvelopeInternal.Centre;
            return ca.X != cb.X ? ca.X.CompareTo(cb.X) : ca.Y.CompareTo(cb.Y);
        });

        var jagged = new Jaggedness(options.VerticesPerEdge, roughness, options.Seed, region);
        var shapes = new List<NtsGeometry>(cells.Count);
        var enclaves = new List<NtsGeometry>();
        foreach (var cell in cells)
        {
            var shell = jagged.Ring(cell.ExteriorRing.Coordinates);
            if (random.NextDouble() < options.HoleFraction)
            {
                var hole = jagged.Ring(Scaled(cell.ExteriorRing.Coordinates, cell.Centroid.Coordinate, 0.3));
                shapes.Add(Factory.CreatePolygon(shell, [hole]));
                if (random.NextDouble() < options.EnclaveFraction)
                {
                    enclaves.Add(Factory.CreatePolygon(hole));
                }
            }
            else
            {
                shapes.Add(Factory.CreatePolygon(shell));
            }
        }

        // Join pairs of cells that do not touch into MultiPolygons.
        var joined = new NtsGeometry?[shapes.Count];
        var taken = new bool[shapes.Count];
        for (var pair = 0; pair < options.MultiPolygonPairs && shapes.Count > 3; pair++)
        {
            for (var attempt = 0; attempt < 20; attempt++)
            {
                int a = random.Next(shapes.Count), b = random.Next(shapes.Count);
                if (a == b || taken[a] || taken[b] || shapes[a].Intersects(shapes[b]))
                {
                    continue;
                }

                taken[a] = taken[b] = true;
                joined[a] = Factory.CreateMultiPolygon([(Polygon)shapes[a], (Polygon)shapes[b]]);
                joined[b] = null;
                shapes[b] = Factory.CreatePolygon();
                break;
            }
        }

        var territories = new List<Territory>();
        var number = 0;
        for (var i = 0; i < shapes.Count; i++)
        {
            var shape = joined[i] ?? shapes[i];
            if (shape.IsEmpty)
            {
                continue;
            }

            territories.Add(Make($"{prefix}-c{i:D5}", shape, 0, number++, region, options));
        }

        for (var i = 0; i < enclaves.Count; i++)
        {
            territories.Add(Make($"{prefix}-e{i:D4}", enclaves[i], 0, number++, region, options));
        }

        // Round overlays: half with ids that sort before the cells' ("a"), half after ("x"), so that
        // equal priorities are decided both ways by the id.
        var cellSize = Math.Sqrt((region.MaxLng - region.MinLng) * (region.MaxLat - region.MinLat) / Math.Max(1, options.CellCount));
        int[] priorities = [0, 1, 2, 5];
        for (var i = 0; i < options.OverlayCount; i++)
        {
            var centre = new Coordinate(
                region.MinLng + random.NextDouble() * (region.MaxLng - region.MinLng),
                region.MinLat + random.NextDouble() * (region.MaxLat - region.MinLat));
            var radius = cellSize * (0.5 + 1.5 * random.NextDouble());
            var sides = 24 + 8 * options.VerticesPerEdge;
            var ring = new Coordinate[sides + 1];
            for (var s = 0; s < sides; s++)
            {
                var angle = 2 * Math.PI * s / sides;
                ring[s] = new Coordinate(centre.X + radius * Math.Cos(angle), centre.Y + radius * 0.8 * Math.Sin(angle));
            }

            ring[sides] = ring[0].Copy();
            var overlay = Snap(Factory.CreatePolygon(ring).Intersection(Factory.ToGeometry(regionEnvelope)), region);
            if (overlay.IsEmpty)
            {
                continue;
            }

            var id = i % 2 == 0 ? $"{prefix}-a{i:D3}" : $"{prefix}-x{i:D3}";
            territories.Add(Make(id, overlay, priorities[random.Next(priorities.Length)], number++, region, options));
        }

        invalid = null;
        foreach (var territory in territories)
        {
            var validity = new IsValidOp(territory.Geometry);
            if (!validity.IsValid)
            {
                invalid = $"{territory.Id}: {validity.ValidationError}";
                break;
            }
        }

        return territories;
    }

    private static Territory Make(string id, NtsGeometry shape, int priority, int number, SyntheticRegion region,
        SyntheticMapOptions options)
    {
        var parts = SplitAtAntimeridian(shape, region);
        NtsGeometry geometry = parts.Count == 1 ? parts[0] : Factory.CreateMultiPolygon([.. parts]);
        return new Territory
        {
            Id = id,
            Name = $"{region.Name} {id}",
            OwnerId = "rep-" + (number % Math.Max(1, options.OwnerCount)).ToString(CultureInfo.InvariantCulture),
            Layer = options.Layer,
            Priority = priority,
            Attributes = TerritoryAttributes.Parse($"{{\"region\":\"{region.Name}\",\"synthetic\":true}}"),
            Geometry = geometry,
        };
    }

    // RFC 7946 §3.1.9: cut at the antimeridian; the part east of it moves to [-180, …].
    private static List<Polygon> SplitAtAntimeridian(NtsGeometry shape, SyntheticRegion region)
    {
        var result = new List<Polygon>();
        if (!region.CrossesAntimeridian)
        {
            result.AddRange(PolygonsOf(shape));
            return result;
        }

        var west = Factory.ToGeometry(new Envelope(region.MinLng, 180, region.MinLat, region.MaxLat));
        var east = Factory.ToGeometry(new Envelope(180, region.MaxLng, region.MinLat, region.MaxLat));
        result.AddRange(PolygonsOf(Snap(shape.Intersection(west), region)));
        var eastPart = Snap(shape.Intersection(east), region);
        eastPart.Apply(new CoordinateFilter(static x => x - 360, static y => y));
        eastPart.GeometryChanged();
        result.AddRange(PolygonsOf(eastPart));
        return result;
    }

    private static IEnumerable<Polygon> PolygonsOf(NtsGeometry geometry)
    {
        for (var i = 0; i < geometry.NumGeometries; i++)
        {
            if (geometry.GetGeometryN(i) is Polygon { IsEmpty: false } polygon && polygon.Area > 0)
            {
                yield return polygon;
            }
        }
    }

    private static NtsGeometry Snap(NtsGeometry geometry, SyntheticRegion region)
    {
        var copy = geometry.Copy();
        copy.Apply(new CoordinateFilter(
            x => SnapTo(SnapTo(SnapTo(x, region.MinLng), region.MaxLng), 180),
            y => SnapTo(SnapTo(y, region.MinLat), region.MaxLat)));
        copy.GeometryChanged();
        return copy;
    }

    private static double SnapTo(double value, double target) =>
        Math.Abs(value - target) <= SnapDistance ? target : value;

    private static Coordinate[] Scaled(Coordinate[] ring, Coordinate centre, double factor)
    {
        var result = new Coordinate[ring.Length];
        for (var i = 0; i < ring.Length - 1; i++)
        {
            result[i] = new Coordinate(centre.X + (ring[i].X - centre.X) * factor, centre.Y + (ring[i].Y - centre.Y) * factor);
        }

        result[^1] = result[0].Copy();
        return result;
    }

    // Replaces straight edges by jagged ones: the same for both cells that share an edge, because the
    // extra vertices depend only on the edge's two end points (in a canonical order).
    private sealed class Jaggedness(int verticesPerEdge, double roughness, int seed, SyntheticRegion region)
    {
        public LinearRing Ring(Coordinate[] ring)
        {
            if (verticesPerEdge == 0)
            {
                return Factory.CreateLinearRing(ring);
            }

            var output = new List<Coordinate>(ring.Length * (verticesPerEdge + 1));
            for (var i = 0; i + 1 < ring.Length; i++)
            {
                output.Add(ring[i].Copy());
                AppendInterior(output, ring[i], ring[i + 1]);
            }

            output.Add(ring[0].Copy());
            return Factory.CreateLinearRing([.. output]);
        }

        private void AppendInterior(List<Coordinate> output, Coordinate a, Coordinate b)
        {
            // Edges along the region's border stay straight, so the map keeps its outline.
            if ((a.X == b.X && (a.X == region.MinLng || a.X == region.MaxLng))
                || (a.Y == b.Y && (a.Y == region.MinLat || a.Y == region.MaxLat)))
            {
                return;
            }

            var forward = a.X < b.X || (a.X == b.X && a.Y <= b.Y);
            var (p, q) = forward ? (a, b) : (b, a);
            var random = new Random(Mix(seed, p.X, p.Y, q.X, q.Y));
            double dx = q.X - p.X, dy = q.Y - p.Y;

            // A smooth wave plus a small jitter, both zero at the ends, applied along the normal: each
            // jagged edge stays monotone along its direction, so it never crosses itself.
            var phase1 = random.NextDouble() * 2 * Math.PI;
            var phase2 = random.NextDouble() * 2 * Math.PI;
            var points = new Coordinate[verticesPerEdge];
            for (var j = 1; j <= verticesPerEdge; j++)
            {
                var t = (double)j / (verticesPerEdge + 1);
                var taper = Math.Sin(Math.PI * t);
                var wave = 0.6 * Math.Sin(2 * Math.PI * t + phase1) + 0.4 * Math.Sin(6 * Math.PI * t + phase2);
                var jitter = (random.NextDouble() - 0.5) * 0.5 / (verticesPerEdge + 1) / Math.Max(roughness, 1e-12);
                var offset = roughness * taper * (wave + jitter * taper);
                points[j - 1] = new Coordinate(p.X + t * dx - offset * dy, p.Y + t * dy + offset * dx);
            }

            if (!forward)
            {
                Array.Reverse(points);
            }

            output.AddRange(points);
        }

        private static int Mix(int seed, double x0, double y0, double x1, double y1)
        {
            // SplitMix64 over the bits: string.GetHashCode and HashCode are randomised per process.
            var h = (ulong)seed;
            foreach (var value in (ReadOnlySpan<double>)[x0, y0, x1, y1])
            {
                h ^= (ulong)BitConverter.DoubleToInt64Bits(value);
                h += 0x9E3779B97F4A7C15UL;
                h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9UL;
                h = (h ^ (h >> 27)) * 0x94D049BB133111EBUL;
                h ^= h >> 31;
            }

            return (int)(h & 0x7FFFFFFF);
        }
    }

    private sealed class CoordinateFilter(Func<double, double> mapX, Func<double, double> mapY) : ICoordinateSequenceFilter
    {
        public bool Done => false;

        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq, int i)
        {
            seq.SetX(i, mapX(seq.GetX(i)));
            seq.SetY(i, mapY(seq.GetY(i)));
        }
    }
}

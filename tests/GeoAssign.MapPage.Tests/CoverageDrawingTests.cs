// The drawing of all US counties: neighbours keep sharing their borders at every zoom, every county is drawn, no zoom sends the full resolution.
using System.Diagnostics;
using System.Text.Json;
using GeoAssign.Index;
using GeoAssign.Index.Model;
using GeoAssign.Server.MapPage;
using GeoAssign.Testing;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging.Abstractions;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Union;
using NetTopologySuite.Simplify;
using Xunit.Abstractions;

namespace GeoAssign.MapPage.Tests;

public sealed class CoverageDrawingTests(ITestOutputHelper output)
{
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);

    // The 3,231 us-atlas counties at 1:10m (about 190,000 vertices), indexed once for the class.
    private static readonly Lazy<TerritoryMap> Counties = new(() => new TerritoryMapWriter().Apply(new MapChange(1, TestDatasets.UsCountiesFull(), [])));

    [Fact]
    public void Neighbouring_counties_keep_sharing_their_borders_at_every_zoom_and_every_county_is_drawn_valid()
    {
        var map = Counties.Value;
        var counties = map.Territories.Values.Select(entry => entry.Territory).OrderBy(t => t.Id, StringComparer.Ordinal).ToList();
        var drawing = new TerritoryDrawing(new MemoryCache(new MemoryCacheOptions()), NullLogger<TerritoryDrawing>.Instance);
        var alone = drawing.DrawnAlone(map, "", "geo");
        output.WriteLine($"{alone.Count} of {counties.Count} counties are simplified alone: {string.Join(", ", alone.Take(20))}");
        // us-atlas comes from TopoJSON, whose shared arcs are exact: only the few repaired counties may be outside the coverage.
        Assert.True(alone.Count < 40, $"{alone.Count} counties are outside the coverage.");

        var originalHoles = HoleCount(counties.Select(t => t.Geometry));
        foreach (var zoom in new[] { 3, 6, 9 })
        {
            var clock = Stopwatch.StartNew();
            var json = drawing.Draw(map, "", "geo", zoom);
            var drawnIn = clock.Elapsed;
            var shapes = Read(json);
            Assert.Equal(counties.Select(t => t.Id), shapes.Select(s => s.Id));
            Assert.All(shapes, s => Assert.False(s.Shape.IsEmpty, $"{s.Id} is not drawn at zoom {zoom}."));
            var invalid = shapes.Where(s => !s.Shape.IsValid).Select(s => s.Id).ToList();
            Assert.True(invalid.Count == 0, $"Invalid at zoom {zoom}: {string.Join(", ", invalid)}");

            // A hairline gap between neighbours is a hole in the union that the counties did not have;
            // an overlap is area counted twice. Only beside a county drawn alone may either show.
            var besideAlone = shapes.Where(s => alone.Contains(s.Id)).Select(s => s.Shape.Buffer(TerritoryDrawing.Tolerance(zoom))).ToList();
            var holes = Holes(shapes.Select(s => s.Shape));
            var newHoles = holes.Where(hole => !besideAlone.Any(hole.Intersects)).ToList();
            var (overlap, total) = Overlap(shapes.Where(s => !alone.Contains(s.Id)).Select(s => s.Shape));
            output.WriteLine($"zoom {zoom}: drawn in {drawnIn.TotalMilliseconds:F0} ms, {json.Length:N0} bytes, holes {holes.Count} ({newHoles.Count} away from counties drawn alone; originally {originalHoles}), overlap {overlap / total:E2} of the area");
            Assert.True(newHoles.Count <= originalHoles, $"Zoom {zoom}: the union of the drawn counties has {newHoles.Count} holes away from counties drawn alone, e.g. at {newHoles.FirstOrDefault()?.Centroid}; the counties had {originalHoles}.");
            Assert.True(overlap < 1e-9 * total, $"Zoom {zoom}: {overlap / total:E2} of the area is drawn twice.");
        }

        // The check above sees the hairline gaps of simplifying each county alone (what the page drew before).
        var oneByOne = counties.Select(t => TopologyPreservingSimplifier.Simplify(t.Geometry, TerritoryDrawing.Tolerance(6))).ToList();
        var oneByOneHoles = HoleCount(oneByOne);
        output.WriteLine($"zoom 6 county by county: holes {oneByOneHoles}");
        Assert.True(oneByOneHoles > originalHoles + 100, $"Simplifying county by county left only {oneByOneHoles} holes.");
    }

    [Fact]
    public void A_layer_whose_territories_overlap_is_still_drawn_whole_with_the_clean_part_as_a_coverage()
    {
        var counties = TestDatasets.UsCountiesExtract();
        // A square across several Colorado counties, overlapping them (as priorities allow).
        var overlay = new Territory
        {
            Id = "overlay",
            OwnerId = "rep-overlay",
            Priority = 1,
            Geometry = Factory.ToGeometry(new Envelope(-105.5, -104.5, 39, 40)),
        };
        var map = new TerritoryMapWriter().Apply(new MapChange(1, [.. counties, overlay], []));
        var drawing = new TerritoryDrawing(new MemoryCache(new MemoryCacheOptions()), NullLogger<TerritoryDrawing>.Instance);

        var alone = drawing.DrawnAlone(map, "", "geo");
        Assert.Contains("overlay", alone);
        Assert.True(alone.Count < counties.Count / 4, $"{alone.Count} of {counties.Count + 1} territories are simplified alone.");
        var shapes = Read(drawing.Draw(map, "", "geo", 7));
        Assert.Equal(counties.Count + 1, shapes.Count);
        Assert.All(shapes, s => Assert.True(!s.Shape.IsEmpty && s.Shape.IsValid, $"{s.Id} is empty or invalid."));
    }

    [Fact]
    public void Drawings_of_the_counties_grow_with_the_zoom_and_stay_well_under_the_full_map()
    {
        var map = Counties.Value;
        var drawing = new TerritoryDrawing(new MemoryCache(new MemoryCacheOptions()), NullLogger<TerritoryDrawing>.Instance);
        var fullVertices = map.Territories.Values.Sum(entry => (long)entry.Territory.Geometry.NumPoints);
        var fullBytes = new FileInfo(TestDatasets.FullUsAtlasFile("us-counties.geojson")).Length;
        var previous = 0L;
        foreach (var zoom in new[] { 0, 3, 5, 7, 9 })
        {
            var drawn = drawing.Drawing(map, "", "geo", zoom);
            var vertices = Read(drawn.Json).Sum(s => (long)s.Shape.NumPoints);
            output.WriteLine($"zoom {zoom}: {vertices:N0} of {fullVertices:N0} vertices, {drawn.Json.Length:N0} bytes ({drawn.Gzip.Length:N0} gzip) of {fullBytes:N0}");
            Assert.True(vertices > previous, $"Zoom {zoom} draws {vertices} vertices, zoom before {previous}.");
            Assert.True(vertices < fullVertices, $"Zoom {zoom} draws {vertices} of {fullVertices} vertices.");
            // Every county keeps its corners with its neighbours (the nodes of the coverage), so the
            // vertices fall only so far; the bytes sent fall much further.
            Assert.True(drawn.Gzip.Length * 5 < fullBytes, $"Zoom {zoom} sends {drawn.Gzip.Length} bytes; the file has {fullBytes}.");
            previous = vertices;
        }
    }

    private static int HoleCount(IEnumerable<Geometry> shapes) => Holes(shapes).Count;

    private static List<Polygon> Holes(IEnumerable<Geometry> shapes)
    {
        var union = UnaryUnionOp.Union(Factory.BuildGeometry([.. shapes]));
        var holes = new List<Polygon>();
        for (var i = 0; i < union.NumGeometries; i++)
        {
            holes.AddRange(((Polygon)union.GetGeometryN(i)).InteriorRings.Select(ring => Factory.CreatePolygon((LinearRing)ring)));
        }

        return holes;
    }

    private static (double Overlap, double Total) Overlap(IEnumerable<Geometry> shapes)
    {
        var list = shapes.ToList();
        var sum = list.Sum(s => s.Area);
        return (sum - UnaryUnionOp.Union(Factory.BuildGeometry(list)).Area, sum);
    }

    // The drawing's features as NTS geometries, in the drawing's order.
    internal static List<(string Id, Geometry Shape)> Read(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var result = new List<(string, Geometry)>();
        foreach (var feature in document.RootElement.GetProperty("features").EnumerateArray())
        {
            var geometry = feature.GetProperty("geometry");
            var coordinates = geometry.GetProperty("coordinates");
            var polygons = geometry.GetProperty("type").GetString() == "Polygon"
                ? [Polygon(coordinates)]
                : coordinates.EnumerateArray().Select(Polygon).ToArray();
            result.Add((feature.GetProperty("id").GetString()!, polygons.Length == 1 ? polygons[0] : Factory.CreateMultiPolygon(polygons)));
        }

        return result;
    }

    private static Polygon Polygon(JsonElement rings)
    {
        var linear = rings.EnumerateArray()
            .Select(ring => Factory.CreateLinearRing([.. ring.EnumerateArray().Select(p => new Coordinate(p[0].GetDouble(), p[1].GetDouble()))]))
            .ToArray();
        return Factory.CreatePolygon(linear[0], linear[1..]);
    }
}

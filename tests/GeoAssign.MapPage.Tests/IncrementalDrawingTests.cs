// A new map version is drawn from the previous one's work: the same drawing as from scratch, computing only around the edit.
using GeoAssign.Index;
using GeoAssign.Index.Model;
using GeoAssign.Server.MapPage;
using GeoAssign.Testing;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging.Abstractions;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Union;
using Xunit.Abstractions;

namespace GeoAssign.MapPage.Tests;

public sealed class IncrementalDrawingTests(ITestOutputHelper output)
{
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);
    private static readonly int[] Zooms = [4, 7];

    [Fact]
    public void A_version_after_a_border_edit_draws_as_from_scratch_recomputing_only_the_territories_near_the_edit()
    {
        var counties = TestDatasets.UsCountiesExtract();
        var writer = new TerritoryMapWriter();
        var before = writer.Apply(new MapChange(1, counties, []));

        // Two neighbouring counties move their border: a square across it goes to the first.
        var (first, second) = Neighbours(counties);
        var shared = first.Geometry.Intersection(second.Geometry).Coordinates[0];
        var square = Factory.ToGeometry(new Envelope(shared.X - 0.05, shared.X + 0.05, shared.Y - 0.05, shared.Y + 0.05));
        var after = writer.Apply(new MapChange(2,
        [
            first with { Geometry = first.Geometry.Union(second.Geometry.Intersection(square)) },
            second with { Geometry = second.Geometry.Difference(square) },
        ], []));

        var drawing = new TerritoryDrawing(new MemoryCache(new MemoryCacheOptions()), NullLogger<TerritoryDrawing>.Instance);
        foreach (var zoom in Zooms)
        {
            drawing.Draw(before, "", "geo", zoom);
        }

        var (checkedBefore, splitBefore, levelsBefore) = (drawing.Counters.TerritoriesChecked, drawing.Counters.TerritoriesSplit, drawing.Counters.EdgeLevels);
        var incremental = Zooms.Select(zoom => drawing.Drawing(after, "", "geo", zoom)).ToList();
        var (checkedAfter, splitAfter, levelsAfter) = (drawing.Counters.TerritoriesChecked - checkedBefore, drawing.Counters.TerritoriesSplit - splitBefore, drawing.Counters.EdgeLevels - levelsBefore);

        var scratch = new TerritoryDrawing(new MemoryCache(new MemoryCacheOptions()), NullLogger<TerritoryDrawing>.Instance);
        var fromScratch = Zooms.Select(zoom => scratch.Drawing(after, "", "geo", zoom)).ToList();
        output.WriteLine($"{counties.Count} counties, edit of {first.Id} and {second.Id}: checked {checkedAfter} (from scratch {scratch.Counters.TerritoriesChecked}), split {splitAfter} (from scratch {scratch.Counters.TerritoriesSplit}), edge levels simplified {levelsAfter} (from scratch {scratch.Counters.EdgeLevels})");

        for (var k = 0; k < Zooms.Length; k++)
        {
            Assert.Equal(fromScratch[k].Json, incremental[k].Json);
            Assert.Equal(fromScratch[k].ETag, incremental[k].ETag);
        }

        Assert.Contains(first.Id, System.Text.Encoding.UTF8.GetString(incremental[0].Json), StringComparison.Ordinal);
        Assert.NotEqual(drawing.Draw(before, "", "geo", Zooms[0]), incremental[0].Json);

        // Only the two counties and those whose envelope meets theirs are checked and split again.
        Assert.Equal(counties.Count, scratch.Counters.TerritoriesChecked);
        Assert.InRange(checkedAfter, 2, counties.Count / 4);
        Assert.InRange(splitAfter, 2, counties.Count / 4);
        Assert.InRange(levelsAfter, 1, scratch.Counters.EdgeLevels / 4);

        // The moved border stays shared: no hairline gap or overlap appears beside the edit.
        var neighbourhood = new[] { first.Id, second.Id };
        var alone = drawing.DrawnAlone(after, "", "geo");
        Assert.DoesNotContain(first.Id, alone);
        Assert.DoesNotContain(second.Id, alone);
        var shapes = CoverageDrawingTests.Read(incremental[1].Json);
        var area = UnaryUnionOp.Union(Factory.BuildGeometry([.. shapes.Where(s => neighbourhood.Contains(s.Id)).Select(s => s.Shape)]));
        Assert.Equal(1, area.NumGeometries);
        Assert.Equal(0, ((Polygon)area.GetGeometryN(0)).NumInteriorRings);
        var sum = shapes.Where(s => neighbourhood.Contains(s.Id)).Sum(s => s.Shape.Area);
        Assert.True(sum - area.Area < 1e-9 * sum, $"{(sum - area.Area) / sum:E2} of the two counties' area is drawn twice.");
    }

    // Two clean neighbours sharing a border of some length, from the middle of the extract.
    private static (Territory First, Territory Second) Neighbours(IReadOnlyList<Territory> counties)
    {
        foreach (var first in counties.OrderBy(t => t.Id, StringComparer.Ordinal).Skip(counties.Count / 2))
        {
            foreach (var second in counties)
            {
                if (!ReferenceEquals(first, second) && first.Geometry.EnvelopeInternal.Intersects(second.Geometry.EnvelopeInternal)
                    && first.Geometry.Intersection(second.Geometry) is { Length: > 0.2 } border && border.Dimension == NetTopologySuite.Geometries.Dimension.Curve)
                {
                    return (first, second);
                }
            }
        }

        throw new InvalidOperationException("No neighbouring counties in the extract.");
    }
}

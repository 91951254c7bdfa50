// Blocks from a layer: adjacency, centroid and area against independent computations, overlaps and gaps.
using System.Diagnostics;
using GeoAssign.Index.Analysis;
using GeoAssign.Index.Model;
using GeoAssign.Proposals.Blocks;
using GeoAssign.Testing;
using NetTopologySuite.Geometries;
using Xunit;
using Xunit.Abstractions;

namespace GeoAssign.Proposals.Tests.Blocks;

public sealed class LayerBlocksTests(ITestOutputHelper output)
{
    private static readonly GeometryFactory Factory = new();

    internal static Territory Square(string id, double x0, double y0, double x1, double y1, int priority = 0) => new()
    {
        Id = id,
        OwnerId = "o-" + id,
        Priority = priority,
        Geometry = Factory.CreatePolygon([new(x0, y0), new(x1, y0), new(x1, y1), new(x0, y1), new(x0, y0)]),
    };

    [Fact]
    public void County_adjacency_equals_the_pairs_whose_boundaries_share_a_line()
    {
        var counties = TestDatasets.UsCountiesExtract();
        var watch = Stopwatch.StartNew();
        var blocks = LayerBlocks.Build(counties).Blocks;
        output.WriteLine($"{counties.Count} counties in {watch.Elapsed.TotalMilliseconds:F0} ms");

        // Independent: every pair, the length of the intersection of the two boundaries.
        var ordered = counties.OrderBy(static t => t.Id, StringComparer.Ordinal).ToArray();
        Assert.Equal(ordered.Select(static t => t.Id), blocks.Blocks.Select(static b => b.Id));
        var expected = 0;
        for (var i = 0; i < ordered.Length; i++)
        {
            for (var j = i + 1; j < ordered.Length; j++)
            {
                var shared = ordered[i].Geometry.EnvelopeInternal.Intersects(ordered[j].Geometry.EnvelopeInternal)
                    && ordered[i].Geometry.Boundary.Intersection(ordered[j].Geometry.Boundary).Length > 0;
                Assert.True(shared == blocks.Blocks[i].Neighbours.Contains(j), $"{ordered[i].Id} / {ordered[j].Id}: shared border {shared}");
                Assert.Equal(shared, blocks.Blocks[j].Neighbours.Contains(i));
                expected += shared ? 1 : 0;
            }
        }

        Assert.True(expected > 400, $"only {expected} borders");
    }

    [Fact]
    public void Centroid_and_area_are_those_of_the_territory()
    {
        var counties = TestDatasets.UsCountiesExtract();
        var blocks = LayerBlocks.Build(counties).Blocks;
        var whole = 0;
        foreach (var county in counties)
        {
            var block = blocks.Blocks[blocks.IndexOf(county.Id)];
            Assert.Equal(EllipsoidArea.AreaKm2(block.Geometry), block.AreaKm2, 9);

            // The few repaired counties that overlap a neighbour lose the overlap to the winner; the others are whole.
            var overlapped = counties.Any(other => other != county && other.Geometry.Relate(county.Geometry).IsOverlaps(Dimension.Surface, Dimension.Surface));
            if (!overlapped)
            {
                whole++;
                Assert.Equal(EllipsoidArea.AreaKm2(county.Geometry), block.AreaKm2, 9);
                Assert.Equal(county.Geometry.Centroid.X, block.CentroidLng, 12);
                Assert.Equal(county.Geometry.Centroid.Y, block.CentroidLat, 12);
            }
            else
            {
                Assert.True(block.AreaKm2 <= EllipsoidArea.AreaKm2(county.Geometry));
            }
        }

        Assert.True(whole > 200, $"only {whole} counties whole");
    }

    [Fact]
    public void A_gap_below_the_tolerance_is_a_border_and_a_corner_is_not()
    {
        var blocks = LayerBlocks.Build(
        [
            Square("a", 0, 0, 1, 1),
            Square("b", 1.000001, 0, 2, 1),   // 1e-6° gap along a whole side
            Square("c", 1, 1, 2, 2),          // corner of a only; side of b across the 1e-6° gap
            Square("d", 3, 0, 4, 1),          // far away
        ]).Blocks;
        Assert.Equal([1], blocks.Blocks[0].Neighbours.ToArray());
        Assert.Equal([0, 2], blocks.Blocks[1].Neighbours.ToArray());
        Assert.Equal([1], blocks.Blocks[2].Neighbours.ToArray());
        Assert.Empty(blocks.Blocks[3].Neighbours);

        var exact = LayerBlocks.Build([Square("a", 0, 0, 1, 1), Square("b", 1.000001, 0, 2, 1)], toleranceDegrees: 0).Blocks;
        Assert.Empty(exact.Blocks[0].Neighbours);
    }

    [Fact]
    public void An_overlap_goes_to_the_territory_lookups_answer_and_the_blocks_then_border()
    {
        var result = LayerBlocks.Build([Square("a", 0, 0, 2, 1), Square("b", 1, 0, 3, 1, priority: 5), Square("c", 2.5, 0.2, 2.8, 0.8)]);
        var blocks = result.Blocks;
        Assert.Equal(["c"], result.Swallowed.ToArray());
        Assert.Equal(2, blocks.Count);
        Assert.Equal(1.0, blocks.Blocks[0].Geometry.Area, 12);
        Assert.Equal(2.0, blocks.Blocks[1].Geometry.Area, 12);
        Assert.Equal([1], blocks.Blocks[0].Neighbours.ToArray());
        Assert.Equal(0.0, blocks.Blocks[0].Geometry.Intersection(blocks.Blocks[1].Geometry).Area, 12);
    }

    [Fact]
    public void All_us_counties_build_with_symmetric_adjacency_and_every_county_bordered()
    {
        var counties = TestDatasets.UsCountiesFull();
        var watch = Stopwatch.StartNew();
        var blocks = LayerBlocks.Build(counties).Blocks;
        output.WriteLine($"{counties.Count} counties in {watch.Elapsed.TotalMilliseconds:F0} ms");
        var islands = 0;
        for (var i = 0; i < blocks.Count; i++)
        {
            foreach (var n in blocks.Blocks[i].Neighbours)
            {
                Assert.Contains(i, blocks.Blocks[n].Neighbours);
            }

            islands += blocks.Blocks[i].Neighbours.Length == 0 ? 1 : 0;
        }

        output.WriteLine($"{islands} counties with no neighbour");
        Assert.True(islands < 40, $"{islands} counties with no neighbour");

        // A proposal problem accepts the adjacency as it is.
        ProposalProblem.Create(blocks.ToProposalBlocks(), [new ProposalTerritory("t", "o")], []);
    }
}

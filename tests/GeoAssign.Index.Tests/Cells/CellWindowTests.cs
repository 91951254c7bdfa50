// CellWindow (the map page's "look inside") finds every leaf that holds a point of the box, with the kind lookups decide.
using Xunit;
using GeoAssign.Index.Cells;
using GeoAssign.Index.Model;
using H3Api = GeoAssign.H3.H3;

namespace GeoAssign.Index.Tests.Cells;

public sealed class CellWindowTests
{
    [Theory]
    [InlineData("us-counties-extract", -109.1, 36.9, -102.0, 41.1)]
    [InlineData("antimeridian", 170.0, -60.0, -170.0, 60.0)]
    [InlineData("north-pole", -180.0, 60.0, 180.0, 90.0)]
    [InlineData("pentagon-norway", -10.0, 50.0, 30.0, 75.0)]
    public void Every_point_of_the_box_lies_in_a_kept_leaf_whose_kind_is_how_the_lookup_answers(string dataset, double west, double south, double east, double north)
    {
        var territories = LayerIndexAgreementTests.Load(dataset);
        var map = new TerritoryMapWriter().Apply(new MapChange(1, territories, []));
        var index = map.Layers[Territory.DefaultLayer];
        var window = CellWindow.Collect(index, west, south, east, north, int.MaxValue);
        Assert.True(window.TotalIsExact);
        Assert.Equal(window.Total, window.Cells.Count);
        var leaves = window.Cells.ToDictionary(c => c.Cell);
        // Coarsest first.
        Assert.True(window.Cells.Zip(window.Cells.Skip(1)).All(p => p.First.Cell.Resolution <= p.Second.Cell.Resolution));

        var random = new Random(21);
        var width = east >= west ? east - west : east + 360 - west;
        int checkedPoints = 0;
        for (int i = 0; i < 20_000; i++)
        {
            var lat = south + random.NextDouble() * (north - south);
            var lng = west + random.NextDouble() * width;
            lng = lng > 180 ? lng - 360 : lng;
            var answer = index.Resolve(lat, lng);
            var finest = H3Api.LatLngToCell(lat, lng, index.Resolution);
            var leaf = Enumerable.Range(0, index.Resolution + 1).Select(r => H3Api.CellToParent(finest, r)).Where(leaves.ContainsKey).ToList();
            if (answer.Reason == AssignmentReason.Unassigned && leaf.Count == 0)
            {
                // An empty leaf: not kept.
                continue;
            }

            var cell = leaves[Assert.Single(leaf)];
            Assert.Equal(answer.Reason == AssignmentReason.InteriorCell, cell.Interior);
            if (answer.Territory is not null)
            {
                Assert.Contains(answer.Territory, cell.Candidates.Select(c => c.Territory));
            }

            checkedPoints++;
        }

        Assert.True(checkedPoints > 500, $"Only {checkedPoints} points of the box fell in territories.");
    }

    [Fact]
    public void A_capped_window_keeps_the_coarsest_leaves_and_counts_the_rest()
    {
        var map = new TerritoryMapWriter().Apply(new MapChange(1, LayerIndexAgreementTests.Load("us-counties-extract"), []));
        var index = map.Layers[Territory.DefaultLayer];
        var all = CellWindow.Collect(index, -109.1, 36.9, -102.0, 41.1, int.MaxValue);
        var capped = CellWindow.Collect(index, -109.1, 36.9, -102.0, 41.1, 50);
        Assert.Equal(50, capped.Cells.Count);
        Assert.Equal(all.Total, capped.Total);
        Assert.True(capped.TotalIsExact);
        Assert.Equal(all.Cells.Take(50).Select(c => (c.Cell, c.Interior)), capped.Cells.Select(c => (c.Cell, c.Interior)));
        Assert.Empty(CellWindow.Collect(index, 10, 10, 20, 20, 50).Cells);
    }
}

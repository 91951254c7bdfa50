// Coverage checks with known overlaps, gaps and slivers, and the real US counties against their states.
using System.Diagnostics;
using System.Text.Json;
using GeoAssign.Index.Analysis;
using GeoAssign.Index.Model;
using GeoAssign.Testing;
using Xunit;
using Xunit.Abstractions;
using NtsGeometry = NetTopologySuite.Geometries.Geometry;

namespace GeoAssign.Index.Tests.Analysis;

public sealed class CoverageCheckTests(ITestOutputHelper output)
{
    [Fact]
    public void Overlapping_pairs_are_found_with_their_area_and_winner_and_touching_ones_are_not()
    {
        var territories = new[]
        {
            T("a", Shapes.Rectangle(0, 0, 2, 2)),
            T("b", Shapes.Rectangle(1, 1, 3, 3)),
            T("c", Shapes.Rectangle(3, 0, 4, 1)), // touches b at a point
            T("d", Shapes.Rectangle(2, 0, 3, 1)), // touches a and b along edges, c along an edge
            T("g", Shapes.Rectangle(10, 0, 12, 2)),
            T("h", Shapes.Rectangle(11, 0, 13, 2), priority: 5),
        };

        var report = CoverageCheck.CheckLayer(territories, "geo");

        Assert.Equal([("a", "b", "a"), ("g", "h", "h")], report.Overlaps.Select(o => (o.FirstId, o.SecondId, o.WinnerId)));
        Assert.Equal(EllipsoidArea.RectangleAreaKm2(1, 1, 2, 2), report.Overlaps[0].AreaKm2, 1e-6);
        Assert.True(report.Overlaps[0].Geometry.EqualsTopologically(Shapes.Rectangle(1, 1, 2, 2)));
        Assert.Equal(EllipsoidArea.RectangleAreaKm2(11, 0, 12, 2), report.Overlaps[1].AreaKm2, 1e-6);
        Assert.All(report.Overlaps, o => Assert.False(o.IsSliver));
        Assert.Empty(report.Gaps);
        Assert.Equal(6, report.TerritoryCount);
    }

    [Fact]
    public void Overlaps_and_gaps_below_the_threshold_are_slivers_and_the_threshold_is_configurable()
    {
        // A 1 m x 5.5 km overlap (about 0.006 km²) and a 1 m x 11 km gap (about 0.012 km²).
        var territories = new[]
        {
            T("e", Shapes.Rectangle(4, 0, 5, 1)),
            T("f", Shapes.Rectangle(4.99999, 0, 6, 0.05)),
            T("k", Shapes.Rectangle(4, 1, 4.99999, 1.1)),
            T("m", Shapes.Rectangle(5, 1, 6, 1.1)),
        };
        var area = CoverageArea.Polygon(Shapes.Rectangle(4, 0, 6, 1.1), "region-1");
        var overlapKm2 = EllipsoidArea.RectangleAreaKm2(4.99999, 0, 5, 0.05);
        var gapKm2 = EllipsoidArea.RectangleAreaKm2(4.99999, 1, 5, 1.1);
        var uncovered = EllipsoidArea.RectangleAreaKm2(5, 0.05, 6, 1);

        var strict = CoverageCheck.CheckLayer(territories, "geo", area);
        var lenient = CoverageCheck.CheckLayer(territories, "geo", area, new CoverageOptions { SliverAreaKm2 = 0.05 });

        var overlap = Assert.Single(strict.Overlaps);
        Assert.Equal(overlapKm2, overlap.AreaKm2, 1e-9);
        Assert.True(overlap.IsSliver);
        Assert.Equal([gapKm2, uncovered], strict.Gaps.Select(g => g.AreaKm2).Order(), new ToleranceComparer(1e-9));
        Assert.Equal([false, false], strict.Gaps.Select(g => g.IsSliver));
        Assert.All(strict.Gaps, g => Assert.Equal("region-1", g.CoverageId));
        Assert.Single(lenient.Gaps, g => g.IsSliver && Math.Abs(g.AreaKm2 - gapKm2) < 1e-9);
        Assert.False(strict.HasOnlySlivers);
    }

    [Fact]
    public void Territories_smaller_than_the_threshold_are_listed()
    {
        var territories = new[] { T("big", Shapes.Rectangle(0, 0, 1, 1)), T("tiny", Shapes.Rectangle(3, 3, 3.0005, 3.0005)) };

        var report = CoverageCheck.CheckLayer(territories, "geo");

        var small = Assert.Single(report.SmallTerritories);
        Assert.Equal("tiny", small.Id);
        Assert.Equal(EllipsoidArea.RectangleAreaKm2(3, 3, 3.0005, 3.0005), small.AreaKm2, 1e-12);
    }

    [Fact]
    public void Gaps_are_found_per_territory_of_the_parent_layer()
    {
        var territories = new[]
        {
            T("S1", Shapes.Rectangle(0, 0, 2, 2), layer: "state"),
            T("S2", Shapes.Rectangle(2, 0, 4, 2), layer: "state"),
            T("c1", Shapes.Rectangle(0, 0, 1, 2)),
            T("c2", Shapes.Rectangle(1, 0, 2, 2)),
            T("c3", Shapes.Rectangle(2, 0, 4, 1)),
            T("c4", Shapes.Rectangle(3, 1.5, 4, 2)),
            T("c5", Shapes.Rectangle(4, 0, 5, 1)), // outside every state: no gap, no problem
        };

        var report = CoverageCheck.CheckLayer(territories, "geo", CoverageArea.Layer("state"));

        var gap = Assert.Single(report.Gaps);
        Assert.Equal("S2", gap.CoverageId);
        Assert.True(gap.Geometry.EqualsTopologically(Shapes.Polygon([2, 1, 4, 1, 4, 1.5, 3, 1.5, 3, 2, 2, 2])), gap.Geometry.ToText());
        Assert.Equal(EllipsoidArea.RectangleAreaKm2(2, 1, 4, 2) - EllipsoidArea.RectangleAreaKm2(3, 1.5, 4, 2), gap.AreaKm2, 1e-6);
    }

    [Fact]
    public void Gaps_of_a_parent_area_are_connected_polygons_ordered_west_to_east()
    {
        var territories = new[]
        {
            T("S1", Shapes.Rectangle(0, 0, 3, 1), layer: "state"),
            T("c1", Shapes.Rectangle(1, 0, 2, 1)),
        };

        var report = CoverageCheck.CheckLayer(territories, "geo", CoverageArea.Layer("state"));

        Assert.Equal(2, report.Gaps.Length);
        Assert.True(report.Gaps[0].Geometry.EqualsTopologically(Shapes.Rectangle(0, 0, 1, 1)));
        Assert.True(report.Gaps[1].Geometry.EqualsTopologically(Shapes.Rectangle(2, 0, 3, 1)));
    }

    [Fact]
    public void An_empty_layer_leaves_the_whole_coverage_area_as_a_gap()
    {
        var report = CoverageCheck.CheckLayer([T("S1", Shapes.Rectangle(0, 0, 1, 1), layer: "state")], "geo", CoverageArea.Layer("state"));

        var gap = Assert.Single(report.Gaps);
        Assert.Equal(EllipsoidArea.RectangleAreaKm2(0, 0, 1, 1), gap.AreaKm2, 1e-6);
        Assert.Equal(0, report.TerritoryCount);
        Assert.Throws<ArgumentException>(() => CoverageCheck.CheckLayer([], "geo", CoverageArea.Layer("geo")));
        Assert.Throws<ArgumentOutOfRangeException>(() => CoverageCheck.CheckLayer([], "geo", null, new CoverageOptions { SliverAreaKm2 = -1 }));
    }

    [Fact]
    public void Every_layer_of_an_indexed_map_is_checked_with_its_own_coverage_area()
    {
        var map = new TerritoryMapWriter().Apply(new MapChange(1,
        [
            T("S1", Shapes.Rectangle(0, 0, 2, 1), layer: "state"),
            T("S2", Shapes.Rectangle(1.5, 0, 3, 1), layer: "state"),
            T("c1", Shapes.Rectangle(0, 0, 1, 1)),
            T("c2", Shapes.Rectangle(1, 0, 2, 0.5)),
        ], []));

        var reports = CoverageCheck.CheckLayers(map, new Dictionary<string, CoverageArea> { ["geo"] = CoverageArea.Layer("state") });

        Assert.Equal(["geo", "state"], reports.Select(r => r.Layer));
        Assert.Equal(["S1", "S2"], reports[0].Gaps.Select(g => g.CoverageId));
        Assert.Equal(EllipsoidArea.RectangleAreaKm2(1, 0.5, 2, 1), reports[0].Gaps[0].AreaKm2, 1e-6);
        Assert.Equal(EllipsoidArea.RectangleAreaKm2(1.5, 0, 3, 1) - EllipsoidArea.RectangleAreaKm2(1.5, 0, 2, 0.5), reports[0].Gaps[1].AreaKm2, 1e-6);
        Assert.Empty(reports[0].Overlaps);
        Assert.Equal(("S1", "S2", "S1"), (reports[1].Overlaps.Single().FirstId, reports[1].Overlaps.Single().SecondId, reports[1].Overlaps.Single().WinnerId));
        Assert.Empty(reports[1].Gaps);
        Assert.Equal(reports[0].Gaps.Select(g => g.ToString()), CoverageCheck.CheckLayer(map, "geo", CoverageArea.Layer("state")).Gaps.Select(g => g.ToString()));
    }

    [Fact]
    public void Results_do_not_depend_on_the_order_of_the_territories()
    {
        var synthetic = SyntheticTerritories.Generate(new SyntheticRegion("coverage", 10, 10, 14, 13), new SyntheticMapOptions { Seed = 3, CellCount = 80, OverlayCount = 10 });
        var random = new Random(4);
        var shuffled = synthetic.OrderBy(_ => random.Next()).ToList();
        var area = CoverageArea.Polygon(Shapes.Rectangle(9.5, 9.5, 14.5, 13.5));

        var first = CoverageCheck.CheckLayer(synthetic, "geo", area);
        var second = CoverageCheck.CheckLayer(shuffled, "geo", area);

        Assert.NotEmpty(first.Overlaps);
        Assert.NotEmpty(first.Gaps);
        Assert.Equal(first.Overlaps.Select(o => o.ToString()), second.Overlaps.Select(o => o.ToString()));
        Assert.Equal(first.Gaps.Select(g => g.Geometry.ToText()), second.Gaps.Select(g => g.Geometry.ToText()));
        Assert.True(first.Overlaps.SequenceEqual(first.Overlaps.OrderBy(o => o.FirstId, StringComparer.Ordinal).ThenBy(o => o.SecondId, StringComparer.Ordinal)));
    }

    [Fact]
    public void Overlap_areas_agree_with_brute_force_sampling_of_covering_counts()
    {
        // Every point covered by k territories lies in k(k-1)/2 pair overlaps; gaps are points covered by none.
        var region = new SyntheticRegion("coverage", 10, 10, 14, 13);
        var synthetic = SyntheticTerritories.Generate(region, new SyntheticMapOptions { Seed = 5, CellCount = 60, OverlayCount = 12, HoleFraction = 0.3 });
        var box = new GeoAssign.Index.Geometry.LngLatRect(region.MinLng, region.MinLat, region.MaxLng, region.MaxLat);
        var report = CoverageCheck.CheckLayer(synthetic, "geo", CoverageArea.Polygon(Shapes.Rectangle(box.MinLng, box.MinLat, box.MaxLng, box.MaxLat)));
        var resolver = new BruteForceResolver(synthetic);
        var points = OwnerChangeOracle.EqualArea(new Random(6), 80_000, box);

        var pairs = new double[points.Count];
        var gaps = new double[points.Count];
        for (var i = 0; i < points.Count; i++)
        {
            var k = resolver.Covering("geo", points[i].Lng, points[i].Lat).Count;
            pairs[i] = k * (k - 1) / 2;
            gaps[i] = k == 0 ? 1 : 0;
        }

        var boxArea = EllipsoidArea.RectangleAreaKm2(box.MinLng, box.MinLat, box.MaxLng, box.MaxLat);
        Assert.True(report.Overlaps.Length > 5 && report.Gaps.Length > 5, $"{report.Overlaps.Length} overlaps, {report.Gaps.Length} gaps");
        AssertMean("pair overlaps", report.Overlaps.Sum(o => o.AreaKm2) / boxArea, pairs);
        AssertMean("gaps", report.Gaps.Sum(g => g.AreaKm2) / boxArea, gaps);
        output.WriteLine($"{report.Overlaps.Length} overlaps, {report.Gaps.Length} gaps; pair share {pairs.Average():P3}, gap share {gaps.Average():P3}");
    }

    [Fact]
    public void The_findings_are_written_as_geojson_overlaps_then_gaps()
    {
        var territories = new[] { T("S", Shapes.Rectangle(0, 0, 3, 1), layer: "state"), T("a", Shapes.Rectangle(0, 0, 1, 1)), T("b", Shapes.Rectangle(0.5, 0, 1.5, 1)) };
        var report = CoverageCheck.CheckLayer(territories, "geo", CoverageArea.Layer("state"));

        using var json = JsonDocument.Parse(AnalysisGeoJsonWriter.CoverageToString(report));

        var kinds = json.RootElement.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("kind").GetString());
        Assert.Equal(["overlap", "gap"], kinds);
        var overlap = json.RootElement.GetProperty("features")[0].GetProperty("properties");
        Assert.Equal("a", overlap.GetProperty("winner_id").GetString());
        Assert.Equal("S", json.RootElement.GetProperty("features")[1].GetProperty("properties").GetProperty("coverage_id").GetString());
    }

    [Fact]
    public void The_us_counties_cover_their_states_but_for_thin_gaps_and_overlap_in_seven_known_pairs()
    {
        // states-10m and counties-10m of us-atlas are simplified separately, so their outlines part by
        // tens to hundreds of metres along coasts and borders; GeometryFixer's repairs leave a few overlaps.
        var counties = TestDatasets.UsCountiesFull();
        var states = TestDatasets.UsStatesFull().Select(s => s with { Id = "S" + s.Id, Layer = "state" }).ToList();
        var stopwatch = Stopwatch.StartNew();

        var report = CoverageCheck.CheckLayer(counties.Concat(states), "geo", CoverageArea.Layer("state"));

        stopwatch.Stop();
        Assert.Equal(
            ["06001/06077", "06001/06085", "06077/06085", "22067/22073", "22067/22083", "22073/22083", "51093/51620"],
            report.Overlaps.Select(o => $"{o.FirstId}/{o.SecondId}"));
        Assert.All(report.Overlaps, o => Assert.True(o.AreaKm2 < 0.5, o.ToString()));
        Assert.Equal(4, report.Overlaps.Count(o => o.IsSliver));
        Assert.Empty(report.SmallTerritories);

        var stateArea = states.ToDictionary(s => s.Id, s => EllipsoidArea.AreaKm2(s.Geometry));
        var gapsByState = report.Gaps.GroupBy(g => g.CoverageId).ToDictionary(g => g.Key, g => g.Sum(x => x.AreaKm2));
        var totalGap = gapsByState.Values.Sum();
        Assert.InRange(totalGap / stateArea.Values.Sum(), 1e-5, 1e-4);
        Assert.All(gapsByState, g => Assert.True(g.Value < 0.01 * stateArea[g.Key], $"{g.Key}: {g.Value} km² uncovered of {stateArea[g.Key]} km²"));
        Assert.All(report.Gaps, g => Assert.True(g.AreaKm2 < 20, g.ToString()));
        Assert.Equal(22, states.Count(s => !gapsByState.ContainsKey(s.Id)));
        output.WriteLine($"{report.Overlaps.Length} overlaps; {report.Gaps.Length} gaps ({report.Gaps.Count(g => g.IsSliver)} slivers) of {totalGap:N1} km² " +
                         $"in {gapsByState.Count} of {states.Count} states, largest {report.Gaps.Max(g => g.AreaKm2):N2} km²; {stopwatch.ElapsedMilliseconds} ms");
    }

    // The sample mean of per-point values against the computed share, within five standard errors.
    private static void AssertMean(string what, double expected, double[] values)
    {
        var mean = values.Average();
        var variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
        var sigma = Math.Sqrt(Math.Max(variance, 1.0 / values.Length) / values.Length);
        Assert.True(Math.Abs(mean - expected) <= 5 * sigma, $"{what}: sampled {mean:E4}, computed {expected:E4}, σ {sigma:E2}");
    }

    private static Territory T(string id, NtsGeometry geometry, int priority = 0, string layer = "geo") =>
        Shapes.Territory(id, geometry, priority, layer);

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}

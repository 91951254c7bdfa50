// Balance figures against a straightforward computation on random data, edge cases, and the tally's grouping.
using GeoAssign.Index.Analysis;
using GeoAssign.Index.Model;
using Xunit;

namespace GeoAssign.Index.Tests.Analysis;

public sealed class BalanceFiguresTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Figures_equal_the_definitions_computed_the_long_way_on_random_data(int seed)
    {
        var random = new Random(seed);
        for (var round = 0; round < 50; round++)
        {
            var n = random.Next(1, 200);
            // Counts (integers, zeros and ties) in some rounds, skewed weights in others.
            var values = Enumerable.Range(0, n)
                .Select(_ => round % 2 == 0 ? random.Next(0, 20) : Math.Pow(random.NextDouble(), 3) * 1e6)
                .ToArray();

            var figures = BalanceFigures.Of(values);

            var mean = values.Sum() / n;
            Assert.Equal(n, figures.Count);
            Assert.Equal(values.Min(), figures.Min);
            Assert.Equal(values.Max(), figures.Max);
            if (mean == 0)
            {
                Assert.Equal(new BalanceFigures(n, 0, 0, 0, 0, 0, 0), figures);
                continue;
            }

            var variance = values.Sum(v => (v - mean) * (v - mean)) / n;
            var pairs = 0.0;
            foreach (var a in values)
            {
                foreach (var b in values)
                {
                    pairs += Math.Abs(a - b);
                }
            }

            Assert.Equal(mean, figures.Mean, 1e-9 * mean);
            Assert.Equal(values.Max() / mean, figures.MaxOverMean, 1e-9);
            Assert.Equal(Math.Sqrt(variance) / mean, figures.CoefficientOfVariation, 1e-9);
            Assert.Equal(pairs / (2.0 * n * n * mean), figures.Gini, 1e-9);
        }
    }

    [Fact]
    public void Even_shares_have_no_imbalance_and_one_owner_with_everything_has_the_most()
    {
        var even = BalanceFigures.Of([5, 5, 5, 5]);
        Assert.Equal(new BalanceFigures(4, 5, 5, 5, 1, 0, 0), even);

        var all = BalanceFigures.Of([0, 0, 0, 12]);
        Assert.Equal(4, all.MaxOverMean, 12);
        Assert.Equal(Math.Sqrt(3), all.CoefficientOfVariation, 12);
        Assert.Equal(0.75, all.Gini, 12);
    }

    [Fact]
    public void No_owner_or_nothing_to_share_gives_zero_figures_and_bad_values_are_refused()
    {
        Assert.Equal(default, BalanceFigures.Of([]));
        Assert.Equal(new BalanceFigures(3, 0, 0, 0, 0, 0, 0), BalanceFigures.Of([0, 0, 0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => BalanceFigures.Of([1, -1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => BalanceFigures.Of([1, double.NaN]));
        Assert.Throws<ArgumentOutOfRangeException>(() => BalanceFigures.Of([double.PositiveInfinity]));
    }

    [Fact]
    public void A_tally_groups_accounts_by_territory_owner_and_tier_and_keeps_empty_territories_and_owners()
    {
        var tally = new BalanceTally([T("t2", "rep-b"), T("t1", "rep-a"), T("t3", "rep-a"), T("t4", "")]);

        tally.Add("t1", "rep-a", tier: 0, weight: 2, overridden: false);
        tally.Add("t1", "rep-c", tier: 1, weight: 3, overridden: true); // an override's owner, counted toward t1
        tally.Add(null, "rep-c", tier: 1, weight: 4, overridden: true);
        tally.Add("t4", "", tier: 0, weight: 1, overridden: false); // a territory without owner
        tally.Add(null, "", tier: 2, weight: 7, overridden: false); // nothing covers it

        Assert.Equal(5, tally.Count);
        Assert.Equal(2, tally.OverrideCount);
        Assert.Equal(1, tally.UncoveredCount);
        Assert.True(tally.HasTerritory("t3"));
        Assert.False(tally.HasTerritory("t9"));
        Assert.Throws<ArgumentException>(() => tally.Add("t9", "rep-a", 0, 1, false));

        var territories = tally.Territories();
        Assert.Equal(["t1", "t2", "t3", "t4"], territories.Select(t => t.TerritoryId));
        Assert.Equal(["rep-a", "rep-b", "rep-a", ""], territories.Select(t => t.OwnerId));
        Assert.Equal((2L, 5.0, 1L), (territories[0].Load.Count, territories[0].Load.Weight, territories[0].Load.OverrideCount));
        Assert.Equal([new TierLoad(0, 1, 2), new TierLoad(1, 1, 3)], territories[0].Load.Tiers);
        Assert.Equal(0, territories[1].Load.Count);
        Assert.Empty(territories[1].Load.Tiers);

        var owners = tally.Owners();
        Assert.Equal(["rep-a", "rep-b", "rep-c"], owners.Select(o => o.OwnerId));
        Assert.Equal([2, 1, 0], owners.Select(o => o.TerritoryCount));
        Assert.Equal([1L, 0L, 2L], owners.Select(o => o.Load.Count));
        Assert.Equal([new TierLoad(1, 2, 7)], owners[2].Load.Tiers);

        var unassigned = tally.UnassignedLoad();
        Assert.Equal((2L, 8.0), (unassigned.Count, unassigned.Weight));
        Assert.Equal([new TierLoad(0, 1, 1), new TierLoad(2, 1, 7)], unassigned.Tiers);

        Assert.Equal(BalanceFigures.Of([1, 0, 2]), tally.CountFigures());
        Assert.Equal(BalanceFigures.Of([2, 0, 7]), tally.WeightFigures());
    }

    [Fact]
    public void Adding_accounts_to_known_territories_owners_and_tiers_allocates_nothing()
    {
        var tally = new BalanceTally([T("t1", "rep-a"), T("t2", "rep-b")]);
        string?[] territories = ["t1", "t2", null];
        string[] owners = ["rep-a", "rep-b", "", "rep-key"];
        // Warm up: every key the loop below uses exists afterwards.
        foreach (var territory in territories)
        {
            foreach (var owner in owners)
            {
                for (var tier = 0; tier < 3; tier++)
                {
                    tally.Add(territory, owner, tier, 1, owner == "rep-key");
                }
            }
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            tally.Add(territories[i % 3], owners[i % 4], i % 3, i * 0.5, i % 4 == 3);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(10_036, tally.Count);
    }

    private static Territory T(string id, string owner) => new()
    {
        Id = id,
        OwnerId = owner,
        Geometry = Shapes.Rectangle(0, 0, 1, 1),
    };
}

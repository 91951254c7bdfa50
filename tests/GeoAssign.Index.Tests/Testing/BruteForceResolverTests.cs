using GeoAssign.Testing;
using Xunit;

namespace GeoAssign.Index.Tests.Testing;

public sealed class BruteForceResolverTests
{
    [Fact]
    public void The_highest_priority_covering_territory_wins()
    {
        var resolver = new BruteForceResolver([Shapes.Square("low", 0, 0, 10, priority: 1), Shapes.Square("high", 2, 2, 2, priority: 5)]);

        Assert.Equal("high", resolver.ResolveId("geo", 3, 3));
        Assert.Equal("low", resolver.ResolveId("geo", 1, 1));
    }

    [Fact]
    public void Between_equal_priorities_the_ordinal_smallest_id_wins()
    {
        var resolver = new BruteForceResolver([Shapes.Square("b", 0, 0, 10), Shapes.Square("B", 0, 0, 10), Shapes.Square("a", 0, 0, 10)]);

        Assert.Equal("B", resolver.ResolveId("geo", 5, 5));
        Assert.Equal(["B", "a", "b"], resolver.Covering("geo", 5, 5).Select(t => t.Id));
    }

    [Fact]
    public void A_point_on_a_shared_border_belongs_to_both_and_the_rule_decides()
    {
        var resolver = new BruteForceResolver([Shapes.Square("west", 0, 0), Shapes.Square("east", 1, 0)]);

        Assert.Equal(["east", "west"], resolver.Covering("geo", 1, 0.5).Select(t => t.Id));
        Assert.Equal("east", resolver.ResolveId("geo", 1, 0.5));
        Assert.Equal("west", resolver.ResolveId("geo", 0.999999, 0.5));
    }

    [Fact]
    public void A_point_that_no_territory_covers_is_unassigned()
    {
        var resolver = new BruteForceResolver([Shapes.Territory("holed", Shapes.Polygon([0, 0, 10, 0, 10, 10, 0, 10], [4, 4, 6, 4, 6, 6, 4, 6]))]);

        Assert.Null(resolver.ResolveId("geo", 5, 5));
        Assert.Null(resolver.ResolveId("geo", 20, 5));
        Assert.Equal("holed", resolver.ResolveId("geo", 4, 5));
    }

    [Fact]
    public void Layers_are_independent()
    {
        var resolver = new BruteForceResolver([Shapes.Square("g", 0, 0, 10), Shapes.Square("e", 0, 0, 10, priority: 9, layer: "enterprise")]);

        Assert.Equal("g", resolver.ResolveId("geo", 5, 5));
        Assert.Equal("e", resolver.ResolveId("enterprise", 5, 5));
        Assert.Null(resolver.ResolveId("unknown-layer", 5, 5));
        Assert.Equal(2, resolver.TerritoryCount);
    }
}

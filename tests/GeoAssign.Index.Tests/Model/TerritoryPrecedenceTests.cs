using GeoAssign.Index.Model;
using Xunit;

namespace GeoAssign.Index.Tests.Model;

public sealed class TerritoryPrecedenceTests
{
    [Fact]
    public void The_higher_priority_wins_whatever_the_ids()
    {
        Assert.True(TerritoryPrecedence.Wins(5, "z", 1, "a"));
        Assert.False(TerritoryPrecedence.Wins(-1, "a", 0, "z"));
    }

    [Fact]
    public void Between_equal_priorities_the_ordinal_smaller_id_wins()
    {
        Assert.True(TerritoryPrecedence.Wins(0, "a", 0, "b"));

        // Ordinal, not culture or numeric order: upper case before lower case, "T10" before "T9".
        Assert.True(TerritoryPrecedence.Wins(0, "Z", 0, "a"));
        Assert.True(TerritoryPrecedence.Wins(0, "T10", 0, "T9"));
        Assert.True(TerritoryPrecedence.Wins(0, "ab", 0, "abc"));
    }

    [Fact]
    public void The_comparer_puts_the_winner_first()
    {
        var territories = new List<Territory>
        {
            Shapes.Square("b", 0, 0, priority: 1),
            Shapes.Square("c", 0, 0, priority: 2),
            Shapes.Square("a", 0, 0, priority: 1),
            Shapes.Square("A", 0, 0, priority: 0),
        };

        territories.Sort(TerritoryPrecedence.Comparer);

        Assert.Equal(["c", "a", "b", "A"], territories.Select(t => t.Id));
    }

    [Fact]
    public void A_territory_neither_wins_nor_loses_against_itself()
    {
        var territory = Shapes.Square("a", 0, 0);

        Assert.False(TerritoryPrecedence.Wins(territory, territory));
        Assert.Equal(0, TerritoryPrecedence.Comparer.Compare(territory, territory));
    }
}

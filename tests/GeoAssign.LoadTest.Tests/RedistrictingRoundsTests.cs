// The activate scenario's plans: redistricting rounds and the rounds that restore them.
using System.Globalization;
using GeoAssign.LoadTest.Scenarios;
using GeoAssign.Protos.V1;

namespace GeoAssign.LoadTest.Tests;

public sealed class RedistrictingRoundsTests
{
    [Fact]
    public void A_round_changes_the_share_asked_for_as_other_owners_and_moved_borders()
    {
        var grid = Grid(6);
        var rounds = RedistrictingRounds.Create(grid, share: 0.3, borderMoves: 2, seed: 1);

        var change = rounds.Current();

        Assert.Equal((7, 2), (rounds.ReassignCount, rounds.BorderMoveCount));
        Assert.False(change.Restores);
        Assert.Equal((7, 2), (change.Reassigned, change.BorderMoves));
        Assert.Equal(11, change.Territories.Count);
        Assert.Equal(11, change.Territories.Select(t => t.Id).Distinct().Count());
        var before = grid.ToDictionary(t => t.Id);
        var moved = change.Territories.Where(t => t.GeometryGeojson != before[t.Id].GeometryGeojson).ToList();
        var reassigned = change.Territories.Where(t => t.OwnerId != before[t.Id].OwnerId).ToList();
        Assert.Equal(4, moved.Count);
        Assert.Equal(7, reassigned.Count);
        Assert.Empty(moved.Intersect(reassigned));
        // Every other field travels unchanged, so the plan holds whole territories.
        Assert.All(change.Territories, t => Assert.Equal((before[t.Id].Name, before[t.Id].Layer, before[t.Id].Priority), (t.Name, t.Layer, t.Priority)));
        Assert.Same(change, rounds.Current());
    }

    [Fact]
    public void The_next_round_restores_exactly_what_the_round_before_changed_and_the_one_after_redistricts_anew()
    {
        var grid = Grid(6);
        var before = grid.ToDictionary(t => t.Id);
        var rounds = RedistrictingRounds.Create(grid, share: 0.3, borderMoves: 2, seed: 1);
        var first = rounds.Current();

        rounds.Advance();
        var restore = rounds.Current();
        rounds.Advance();
        var third = rounds.Current();

        Assert.Equal(1, restore.Round);
        Assert.True(restore.Restores);
        Assert.Equal(first.Territories.Select(t => t.Id), restore.Territories.Select(t => t.Id));
        Assert.All(restore.Territories, t => Assert.Equal(before[t.Id], t));
        Assert.Equal(2, third.Round);
        Assert.False(third.Restores);
        Assert.Equal(11, third.Territories.Count);
        Assert.NotEqual(first.Territories.Select(t => t.Id).Order(), third.Territories.Select(t => t.Id).Order());
    }

    [Fact]
    public void Border_moves_are_capped_at_a_quarter_of_a_small_rounds_changes()
    {
        var rounds = RedistrictingRounds.Create(Grid(4), share: 0.5, borderMoves: 30, seed: 3);

        Assert.Equal((2, 4), (rounds.BorderMoveCount, rounds.ReassignCount));
        Assert.Equal(8, rounds.Current().Territories.Count);
    }

    // n × n squares of 0.1° that share their corners, each with its own owner.
    private static List<Territory> Grid(int n)
    {
        var territories = new List<Territory>();
        for (var row = 0; row < n; row++)
        {
            for (var column = 0; column < n; column++)
            {
                double west = -100 + (column * 0.1), south = 40 + (row * 0.1), east = west + 0.1, north = south + 0.1;
                territories.Add(new Territory
                {
                    Id = $"t{row}-{column}",
                    Name = $"square {row} {column}",
                    OwnerId = $"rep-{(row * n) + column}",
                    Layer = "geo",
                    GeometryGeojson = string.Create(CultureInfo.InvariantCulture,
                        $"{{\"type\":\"Polygon\",\"coordinates\":[[[{west},{south}],[{east},{south}],[{east},{north}],[{west},{north}],[{west},{south}]]]}}"),
                });
            }
        }

        return territories;
    }
}

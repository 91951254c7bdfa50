// A proposal problem refuses indexes, adjacency and weights that do not fit together.
using Xunit;

namespace GeoAssign.Proposals.Tests;

public sealed class ProposalProblemTests
{
    private static ProposalBlock Block(string id, params int[] neighbours) => new(id, 0, 0, 1, neighbours);

    [Fact]
    public void A_consistent_problem_is_created()
    {
        var problem = ProposalProblem.Create(
            [Block("a", 1), Block("b", 0)],
            [new ProposalTerritory("t1", "o1"), new ProposalTerritory("t2", "o2")],
            [new ProposalAccount(0, 0, 0, 2, CurrentTerritory: 1), new ProposalAccount(1, 0, 0, 1, PinnedTerritory: 0)]);
        Assert.Equal(2, problem.Blocks.Count);
        Assert.Equal(2, problem.Accounts.Count);
    }

    [Fact]
    public void One_sided_adjacency_is_refused_naming_both_blocks()
    {
        var error = Assert.Throws<ArgumentException>(() => ProposalProblem.Create([Block("a", 1), Block("b")], [new ProposalTerritory("t", "o")], []));
        Assert.Contains("'a' borders 'b'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void More_territories_than_blocks_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => ProposalProblem.Create([Block("a")], [new ProposalTerritory("t1", "o"), new ProposalTerritory("t2", "o")], []));
        Assert.Contains("2 territories cannot be drawn from 1 blocks", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_bad_account_weight_is_refused(double weight)
    {
        var error = Assert.Throws<ArgumentException>(() => ProposalProblem.Create([Block("a")], [new ProposalTerritory("t", "o")], [new ProposalAccount(0, 0, 0, weight)]));
        Assert.Contains("Account 0 has weight", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_account_in_a_missing_block_or_territory_is_refused()
    {
        Assert.Throws<ArgumentException>(() => ProposalProblem.Create([Block("a")], [new ProposalTerritory("t", "o")], [new ProposalAccount(3, 0, 0, 1)]));
        Assert.Throws<ArgumentException>(() => ProposalProblem.Create([Block("a")], [new ProposalTerritory("t", "o")], [new ProposalAccount(0, 0, 0, 1, PinnedTerritory: 1)]));
    }

    [Fact]
    public void Repeated_ids_and_bad_capacity_are_refused()
    {
        Assert.Throws<ArgumentException>(() => ProposalProblem.Create([Block("a"), Block("a")], [new ProposalTerritory("t", "o")], []));
        Assert.Throws<ArgumentException>(() => ProposalProblem.Create([Block("a"), Block("b")], [new ProposalTerritory("t", "o"), new ProposalTerritory("t", "p")], []));
        Assert.Throws<ArgumentException>(() => ProposalProblem.Create([Block("a")], [new ProposalTerritory("t", "o", Capacity: 0)], []));
    }
}

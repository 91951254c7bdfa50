// On the real US counties (adjacency recomputed from their geometry by the test): hard rules, figures, the moved cap.
using Xunit;

namespace GeoAssign.Proposals.Tests;

public sealed class UsCountiesProposalTests
{
    [Fact]
    public void Fifty_territories_from_scratch_keep_the_hard_rules_and_true_figures()
    {
        var test = SyntheticProblems.UsCounties(50, seed: 1);
        var result = ProposalEngine.Propose(test.Problem, new ProposalOptions(Seed: 3) { IterationBudget = 300_000 });
        IndependentChecks.AssertHardRules(test, result);
        IndependentChecks.AssertFigures(test.Problem, result);
        // Alaska, Hawaii and the island counties need virtual edges; some territory spans them.
        Assert.True(result.Figures.VirtualEdges > 0);
        Assert.Contains(result.Figures.Territories, t => t.ReliesOnVirtualEdge);
    }

    [Fact]
    public void Rebalancing_a_live_map_respects_the_moved_cap_and_improves_balance()
    {
        // The live map: a short proposal for other accounts (contiguous, unbalanced for these).
        var other = SyntheticProblems.UsCounties(20, seed: 5);
        var live = ProposalEngine.Propose(other.Problem, new ProposalOptions(Seed: 1) { IterationBudget = 100_000 }).BlockTerritory;
        var test = SyntheticProblems.UsCounties(20, seed: 2, adjust: (b, block) => block with { CurrentTerritory = live[b] });
        var before = ProposalFigures.Compute(test.Problem, live);
        var result = ProposalEngine.Propose(test.Problem, new ProposalOptions(Seed: 3, MaxMovedShare: 0.10) { IterationBudget = 300_000 });
        IndependentChecks.AssertHardRules(test, result);
        IndependentChecks.AssertFigures(test.Problem, result);
        var moved = test.Problem.Accounts.Count(a => a.CurrentTerritory != result.BlockTerritory[a.Block]);
        Assert.True(moved <= 0.10 * test.Problem.Accounts.Count, $"{moved} of {test.Problem.Accounts.Count} moved");
        Assert.True(result.Figures.CoefficientOfVariation < before.CoefficientOfVariation, $"live {before.CoefficientOfVariation:P1}, proposal {result.Figures.CoefficientOfVariation:P1}");
        Assert.True(result.Figures.MaxDeviation <= before.MaxDeviation, $"live {before.MaxDeviation:P1}, proposal {result.Figures.MaxDeviation:P1}");
    }
}

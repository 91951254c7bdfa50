// The engine keeps the hard rules, reports true figures, is deterministic per seed and stops when told.
using Xunit;

namespace GeoAssign.Proposals.Tests;

public sealed class ProposalEngineTests
{
    private static readonly ProposalOptions Small = new(Seed: 7) { IterationBudget = 200_000 };

    [Fact]
    public void A_grid_from_scratch_is_contiguous_balanced_and_its_figures_are_true()
    {
        var test = SyntheticProblems.Grid(30, 30, 12, seed: 1);
        var result = ProposalEngine.Propose(test.Problem, Small);
        IndependentChecks.AssertHardRules(test, result);
        IndependentChecks.AssertFigures(test.Problem, result);
        Assert.True(result.Figures.MaxDeviation <= 0.05, $"max deviation {result.Figures.MaxDeviation:P1}");
        Assert.Equal(0, result.Figures.MovedAccounts);
    }

    [Fact]
    public void The_proposal_beats_the_k_means_baseline_on_balance()
    {
        var test = SyntheticProblems.Grid(30, 30, 12, seed: 2);
        var proposal = ProposalEngine.Propose(test.Problem, Small);
        var baseline = KMeansBaseline.Propose(test.Problem, seed: 7);
        IndependentChecks.AssertFigures(test.Problem, baseline);
        Assert.True(proposal.Figures.MaxDeviation < baseline.Figures.MaxDeviation, $"proposal {proposal.Figures.MaxDeviation:P1}, baseline {baseline.Figures.MaxDeviation:P1}");
    }

    [Fact]
    public void Locked_blocks_stay_and_pinned_accounts_count_at_their_territory_without_moving()
    {
        // Column 0 locked to territory 3, row 29 locked to territory 0; every tenth account pinned to territory 5.
        var grid = SyntheticProblems.Grid(30, 30, 8, seed: 3, locked: (r, c) => c == 0 ? 3 : r == 29 ? 0 : -1, current: (_, c) => c / 4);
        var accounts = grid.Problem.Accounts.Select((a, i) => i % 10 == 0 ? a with { PinnedTerritory = 5 } : a).ToList();
        var test = grid with { Problem = ProposalProblem.Create(grid.Problem.Blocks, grid.Problem.Territories, accounts) };
        var result = ProposalEngine.Propose(test.Problem, Small);
        IndependentChecks.AssertHardRules(test, result);
        IndependentChecks.AssertFigures(test.Problem, result);
        var pinnedWeight = accounts.Where(a => a.PinnedTerritory == 5).Sum(a => a.Weight);
        Assert.True(result.Figures.Territories[5].Weight >= pinnedWeight);
    }

    [Fact]
    public void Rebalancing_moves_at_most_the_capped_share_and_improves_balance()
    {
        // Live map: eight vertical stripes of very different widths.
        int[] edges = [2, 4, 5, 8, 14, 20, 27, 30];
        var test = SyntheticProblems.Grid(30, 30, 8, seed: 4, current: (_, c) => Array.FindIndex(edges, e => c < e));
        var live = test.Problem.Blocks.Select(b => b.CurrentTerritory).ToArray();
        var before = ProposalFigures.Compute(test.Problem, live);
        var result = ProposalEngine.Propose(test.Problem, Small with { MaxMovedShare = 0.10 });
        IndependentChecks.AssertHardRules(test, result);
        IndependentChecks.AssertFigures(test.Problem, result);
        var moved = test.Problem.Accounts.Count(a => a.CurrentTerritory != result.BlockTerritory[a.Block]);
        Assert.True(moved <= 0.10 * test.Problem.Accounts.Count, $"{moved} of {test.Problem.Accounts.Count} accounts moved");
        Assert.True(moved > 0);
        Assert.True(result.Figures.MaxDeviation < before.MaxDeviation, $"before {before.MaxDeviation:P1}, after {result.Figures.MaxDeviation:P1}");
    }

    [Fact]
    public void The_same_seed_gives_the_same_plan_and_other_seeds_may_differ()
    {
        var test = SyntheticProblems.Grid(24, 24, 10, seed: 5);
        var first = ProposalEngine.Propose(test.Problem, Small);
        var second = ProposalEngine.Propose(test.Problem, Small);
        Assert.Equal(ProposalStopReason.Converged, first.StopReason == ProposalStopReason.IterationBudget ? ProposalStopReason.Converged : first.StopReason);
        Assert.Equal(first.BlockTerritory, second.BlockTerritory);
        Assert.Equal(first.Iterations, second.Iterations);
        var others = new[] { 8, 9, 10 }.Select(seed => ProposalEngine.Propose(test.Problem, Small with { Seed = seed }).BlockTerritory).ToList();
        Assert.Contains(others, other => !other.SequenceEqual(first.BlockTerritory));
    }

    [Fact]
    public void A_time_limit_stops_the_run_with_a_valid_plan()
    {
        var test = SyntheticProblems.Grid(60, 60, 30, seed: 6, maxAccounts: 4);
        var result = ProposalEngine.Propose(test.Problem, new ProposalOptions(Seed: 1, TimeLimit: TimeSpan.FromMilliseconds(1)) { IterationBudget = long.MaxValue });
        Assert.Equal(ProposalStopReason.TimeLimit, result.StopReason);
        IndependentChecks.AssertHardRules(test, result);
        IndependentChecks.AssertFigures(test.Problem, result);
    }

    [Fact]
    public void Cancellation_stops_the_run_with_a_valid_plan()
    {
        var test = SyntheticProblems.Grid(40, 40, 20, seed: 7, maxAccounts: 4);
        using var cancellation = new CancellationTokenSource();
        var phases = new List<string>();
        var progress = new SynchronousProgress(p =>
        {
            phases.Add(p.Phase);
            if (p.Phase == "improving")
            {
                cancellation.Cancel();
            }
        });
        var result = ProposalEngine.Propose(test.Problem, new ProposalOptions(Seed: 1) { IterationBudget = long.MaxValue }, progress, cancellation.Token);
        Assert.Equal(ProposalStopReason.Cancelled, result.StopReason);
        Assert.Equal(["seeding", "growing", "improving"], phases.Distinct().Take(3));
        Assert.Equal("done", phases[^1]);
        IndependentChecks.AssertHardRules(test, result);
    }

    [Fact]
    public void Islands_are_joined_by_a_virtual_edge_and_the_territories_using_it_are_named()
    {
        // Two grids 1° apart: a territory may only span both through the stated virtual edge.
        var test = SyntheticProblems.Grid(12, 20, 5, seed: 8, islandGapAfterColumn: 16);
        var result = ProposalEngine.Propose(test.Problem, Small);
        IndependentChecks.AssertHardRules(test, result);
        Assert.Equal(1, result.Figures.VirtualEdges);
    }

    [Fact]
    public void Home_bases_anchor_compactness_and_the_figures_measure_to_them()
    {
        var grid = SyntheticProblems.Grid(20, 20, 4, seed: 9);
        var territories = new[] { (40.2, -99.8), (40.2, -98.2), (41.8, -99.8), (41.8, -98.2) }
            .Select((home, t) => new ProposalTerritory($"t{t}", $"o{t}", 1, home.Item1, home.Item2)).ToList();
        var test = grid with { Problem = ProposalProblem.Create(grid.Problem.Blocks, territories, grid.Problem.Accounts) };
        var result = ProposalEngine.Propose(test.Problem, Small);
        IndependentChecks.AssertHardRules(test, result);
        IndependentChecks.AssertFigures(test.Problem, result);
        // The corner block nearest each home base belongs to that territory.
        Assert.Equal(0, result.BlockTerritory[0]);
        Assert.Equal(3, result.BlockTerritory[(20 * 20) - 1]);
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<ProposalProgress> report) : IProgress<ProposalProgress>
    {
        public void Report(ProposalProgress value) => report(value);
    }
}

// The balanced Lloyd start and the swap polish: known optima on uniform grids, and the hard rules they must keep.
using Xunit;

namespace GeoAssign.Proposals.Tests;

public sealed class CompactnessTests
{
    private static readonly ProposalOptions Small = new(Seed: 7) { IterationBudget = 200_000 };

    /// <summary>Compactness may exceed the known optimum by this share (block granularity, centres from accounts).</summary>
    private const double OptimumTolerance = 0.02;

    [Theory]
    [InlineData(20, 2)]
    [InlineData(18, 3)]
    public void A_uniform_square_grid_reaches_the_compactness_of_its_square_split(int side, int perSide)
    {
        // Every cell one account of weight 1 at its centre: the balanced optimum is the split into perSide ×
        // perSide equal squares (quadrants for 2 × 2), whose compactness the test computes itself.
        var test = UniformGrid(side, perSide * perSide);
        var cell = side / perSide;
        var squares = Enumerable.Range(0, side * side).Select(b => (b / side / cell * perSide) + (b % side / cell)).ToArray();
        var optimum = ProposalFigures.Compute(test.Problem, squares);
        Assert.Equal(0, optimum.MaxDeviation, 9);
        foreach (var seed in new[] { 1, 2, 3 })
        {
            var result = ProposalEngine.Propose(test.Problem, Small with { Seed = seed });
            IndependentChecks.AssertHardRules(test, result);
            IndependentChecks.AssertFigures(test.Problem, result);
            Assert.True(result.Figures.MaxDeviation <= 0.05, $"seed {seed}: max deviation {result.Figures.MaxDeviation:P1}");
            Assert.True(
                result.Figures.CompactnessKm <= optimum.CompactnessKm * (1 + OptimumTolerance),
                $"seed {seed}: {result.Figures.CompactnessKm:0.00} km, optimum {optimum.CompactnessKm:0.00} km");
        }
    }

    [Fact]
    public void The_proposal_is_more_compact_than_stripes_of_equal_weight()
    {
        // A random grid: vertical stripes of equal weight are balanced but long; the proposal must do better on both.
        var test = SyntheticProblems.Grid(30, 30, 9, seed: 11);
        var result = ProposalEngine.Propose(test.Problem, Small);
        IndependentChecks.AssertHardRules(test, result);
        var stripes = EqualWeightStripes(test.Problem, 30, 9);
        var striped = ProposalFigures.Compute(test.Problem, stripes);
        Assert.True(result.Figures.CompactnessKm < striped.CompactnessKm * 0.8, $"proposal {result.Figures.CompactnessKm:0.0} km, stripes {striped.CompactnessKm:0.0} km");
        Assert.True(result.Figures.MaxDeviation <= 0.05, $"max deviation {result.Figures.MaxDeviation:P1}");
    }

    [Fact]
    public void From_scratch_locked_blocks_stay_and_pinned_accounts_count_without_moving()
    {
        // No live map, so the balanced Lloyd start runs: two locked columns far apart, every seventh account pinned.
        var grid = SyntheticProblems.Grid(24, 24, 6, seed: 12, locked: (r, c) => c == 0 && r < 12 ? 2 : c == 23 && r > 12 ? 4 : -1);
        var accounts = grid.Problem.Accounts.Select((a, i) => i % 7 == 0 ? a with { PinnedTerritory = 1 } : a).ToList();
        var test = grid with { Problem = ProposalProblem.Create(grid.Problem.Blocks, grid.Problem.Territories, accounts) };
        foreach (var seed in new[] { 1, 2 })
        {
            var result = ProposalEngine.Propose(test.Problem, Small with { Seed = seed });
            IndependentChecks.AssertHardRules(test, result);
            IndependentChecks.AssertFigures(test.Problem, result);
            Assert.Equal(0, result.Figures.MovedAccounts);
            var pinnedWeight = accounts.Where(a => a.PinnedTerritory == 1).Sum(a => a.Weight);
            Assert.True(result.Figures.Territories[1].Weight >= pinnedWeight);
        }
    }

    [Fact]
    public void The_swap_polish_keeps_the_moved_cap_locks_and_contiguity_when_rebalancing()
    {
        // Stripes of unequal width as the live map, the first row locked to its stripes: the polish may only
        // trade blocks within the cap.
        int[] edges = [3, 5, 9, 12, 18, 24];
        var test = SyntheticProblems.Grid(24, 24, 6, seed: 13, current: (_, c) => Array.FindIndex(edges, e => c < e), locked: (r, c) => r == 0 ? Array.FindIndex(edges, e => c < e) : -1);
        foreach (var share in new[] { 0.05, 0.2 })
        {
            var result = ProposalEngine.Propose(test.Problem, Small with { MaxMovedShare = share });
            IndependentChecks.AssertHardRules(test, result);
            IndependentChecks.AssertFigures(test.Problem, result);
            var moved = test.Problem.Accounts.Count(a => a.CurrentTerritory != result.BlockTerritory[a.Block]);
            Assert.True(moved <= share * test.Problem.Accounts.Count, $"cap {share:P0}: {moved} of {test.Problem.Accounts.Count} moved");
        }
    }

    [Fact]
    public void The_new_phases_are_deterministic_per_seed_with_locks_islands_and_home_bases()
    {
        var grid = SyntheticProblems.Grid(16, 24, 6, seed: 14, islandGapAfterColumn: 19, locked: (r, c) => r == 0 && c == 0 ? 0 : -1);
        var territories = grid.Problem.Territories.Select((t, i) => i == 3 ? t with { HomeLat = 40.5, HomeLng = -98.5 } : t).ToList();
        var test = grid with { Problem = ProposalProblem.Create(grid.Problem.Blocks, territories, grid.Problem.Accounts) };
        var first = ProposalEngine.Propose(test.Problem, Small);
        var second = ProposalEngine.Propose(test.Problem, Small);
        IndependentChecks.AssertHardRules(test, first);
        Assert.Equal(first.BlockTerritory, second.BlockTerritory);
        Assert.Equal(first.Iterations, second.Iterations);
        var other = ProposalEngine.Propose(test.Problem, Small with { Seed = 8 });
        IndependentChecks.AssertHardRules(test, other);
    }

    [Fact]
    public void A_small_island_is_balanced_through_its_virtual_edge()
    {
        // Three columns of island carry about a sixth of a territory's target: its territory must reach the
        // mainland through the virtual edge and be balanced like the rest.
        var test = SyntheticProblems.Grid(12, 24, 4, seed: 15, islandGapAfterColumn: 20);
        var result = ProposalEngine.Propose(test.Problem, Small);
        IndependentChecks.AssertHardRules(test, result);
        Assert.True(result.Figures.MaxDeviation <= 0.05, $"max deviation {result.Figures.MaxDeviation:P1}");
    }

    private static TestProblem UniformGrid(int side, int territories)
    {
        var borders = new List<int>[side * side];
        var blocks = new ProposalBlock[side * side];
        var accounts = new List<ProposalAccount>();
        for (var r = 0; r < side; r++)
        {
            for (var c = 0; c < side; c++)
            {
                var b = (r * side) + c;
                var list = new List<int>();
                if (r > 0)
                {
                    list.Add(b - side);
                }

                if (r < side - 1)
                {
                    list.Add(b + side);
                }

                if (c > 0)
                {
                    list.Add(b - 1);
                }

                if (c < side - 1)
                {
                    list.Add(b + 1);
                }

                borders[b] = list;

                // Square cells near the equator, so the square split is the optimum on the sphere too.
                var lat = (r * 0.1) + 0.05;
                var lng = (c * 0.1) + 0.05;
                blocks[b] = new ProposalBlock($"u{r}-{c}", lat, lng, 123, list);
                accounts.Add(new ProposalAccount(b, lat, lng, 1));
            }
        }

        var owners = Enumerable.Range(0, territories).Select(t => new ProposalTerritory($"t{t}", $"o{t}")).ToList();
        return new TestProblem(ProposalProblem.Create(blocks, owners, accounts), borders);
    }

    private static int[] EqualWeightStripes(ProposalProblem problem, int columns, int k)
    {
        var columnWeight = new double[columns];
        foreach (var account in problem.Accounts)
        {
            columnWeight[account.Block % columns] += account.Weight;
        }

        var total = columnWeight.Sum();
        var stripeOf = new int[columns];
        double sum = 0;
        for (var c = 0; c < columns; c++)
        {
            stripeOf[c] = Math.Min(k - 1, (int)(sum / total * k));
            sum += columnWeight[c];
        }

        return Enumerable.Range(0, problem.Blocks.Count).Select(b => stripeOf[b % columns]).ToArray();
    }
}

// How a proposal is searched for: objective weights, the disruption cap, the seed and the time limit.
namespace GeoAssign.Proposals;

/// <summary>
/// Settings of one proposal run. Immutable. The same problem, options and seed give the same result
/// (when the run is not cut short by <see cref="TimeLimit"/>: then the result is the best found in time).
/// </summary>
/// <param name="Seed">Seed of every random choice.</param>
/// <param name="TimeLimit">Wall-clock limit; the run stops with the best plan found.</param>
/// <param name="BalanceWeight">Weight of the balance objective (deviation of each territory's weight from its target).</param>
/// <param name="CompactnessWeight">Weight of the compactness objective (weighted distance of accounts to the territory centre or home base).</param>
/// <param name="DisruptionWeight">Weight of the disruption objective (accounts whose owner changes against the live map).</param>
/// <param name="MaxMovedShare">Hard cap on the share of accounts (by count) whose owner changes, 0..1, or null for none.</param>
public sealed record ProposalOptions(
    int Seed = 1,
    TimeSpan? TimeLimit = null,
    double BalanceWeight = 1,
    double CompactnessWeight = 0.1,
    double DisruptionWeight = 0.1,
    double? MaxMovedShare = null)
{
    /// <summary>
    /// Border-block visits of the local search after which the run stops (the deterministic stopping rule
    /// besides convergence), or null for 1,000 per block.
    /// </summary>
    public long? IterationBudget { get; init; }

    /// <summary>
    /// Relative deviation from target that the compactness polish may spend, or null for no polish. The
    /// search proper gets 80 % of the time limit and of the iteration budget; the polish then minimises
    /// compactness alone (a Lloyd-like descent over contiguous moves) while every territory stays within
    /// this deviation, or within its own deviation when that is larger. Default 0.05 (5 %).
    /// </summary>
    public double? BalanceTolerance { get; init; } = 0.05;
}

/// <summary>Progress of a running proposal, reported now and then. Immutable value.</summary>
/// <param name="Phase">What the engine is doing ("seeding", "growing", "improving", "polishing", "done").</param>
/// <param name="Iteration">Improvement steps so far.</param>
/// <param name="Elapsed">Time since the run started.</param>
/// <param name="MaxDeviation">Largest relative deviation of a territory's weight from its target in the best plan so far (0.05 = 5 %).</param>
/// <param name="Score">Objective of the best plan so far (lower is better).</param>
public readonly record struct ProposalProgress(string Phase, long Iteration, TimeSpan Elapsed, double MaxDeviation, double Score);

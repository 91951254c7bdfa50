// What a proposal run returns: the block assignment, its figures, why and when it stopped.
namespace GeoAssign.Proposals;

/// <summary>Why a proposal run stopped.</summary>
public enum ProposalStopReason
{
    /// <summary>The search found no better plan for a fixed number of rounds in a row (deterministic).</summary>
    Converged,

    /// <summary>The iteration budget (<see cref="ProposalOptions.IterationBudget"/>) was used up (deterministic).</summary>
    IterationBudget,

    /// <summary>The time limit was reached; the best plan found by then is returned.</summary>
    TimeLimit,

    /// <summary>The run was cancelled; the best plan found by then is returned.</summary>
    Cancelled,
}

/// <summary>The outcome of a proposal run (or of the baseline). Immutable.</summary>
/// <param name="BlockTerritory">Territory index per block.</param>
/// <param name="Figures">Balance, compactness, disruption and contiguity of the assignment.</param>
/// <param name="StopReason">Why the run stopped.</param>
/// <param name="Iterations">Improvement steps made (border-block visits of the local search; Lloyd rounds for the baseline).</param>
/// <param name="Elapsed">Wall-clock time of the run.</param>
public sealed record ProposalResult(
    IReadOnlyList<int> BlockTerritory,
    ProposalFigures Figures,
    ProposalStopReason StopReason,
    long Iterations,
    TimeSpan Elapsed);

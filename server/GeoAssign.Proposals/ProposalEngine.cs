// Draws balanced, contiguous, compact territories from blocks: balanced Lloyd start, local search, polish.
using System.Diagnostics;

namespace GeoAssign.Proposals;

/// <summary>
/// The redistricting engine. See docs/proposals.md for the algorithm: a start (locked blocks, the live
/// map, or from scratch balanced Lloyd cells: k-means centres and a power diagram tuned for balance),
/// contiguity repair by region growing that always feeds the lightest territory, then iterated local
/// search moving border blocks between neighbouring territories while both stay contiguous, with
/// perturbation and return to the best plan, and a compactness polish of single moves and pair swaps.
/// </summary>
/// <remarks>Stateless and thread-safe: every call works on its own state.</remarks>
public static class ProposalEngine
{
    /// <summary>
    /// Proposes an assignment of the problem's blocks to its territories. Deterministic for a seed unless the
    /// time limit or the cancellation token cuts the run short (then the best plan found by then).
    /// </summary>
    /// <param name="problem">The problem.</param>
    /// <param name="options">Objective weights, seed, limits.</param>
    /// <param name="progress">Receives progress now and then, on the calling thread.</param>
    /// <param name="cancellationToken">Stops the search; the best plan so far is returned with <see cref="ProposalStopReason.Cancelled"/>.</param>
    public static ProposalResult Propose(ProposalProblem problem, ProposalOptions options, IProgress<ProposalProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxMovedShare is { } share && !(share >= 0 && share <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), share, "MaxMovedShare is a share between 0 and 1.");
        }

        var stopwatch = Stopwatch.StartNew();
        var graph = BlockGraph.Build(problem);
        var search = new ProposalSearch(problem, graph, options, progress, stopwatch, cancellationToken);
        var (assignment, reason, iterations) = search.Run();
        var figures = ProposalFigures.Compute(problem, graph, assignment);
        progress?.Report(new ProposalProgress("done", iterations, stopwatch.Elapsed, figures.MaxDeviation, search.BestScore));
        return new ProposalResult(assignment, figures, reason, iterations, stopwatch.Elapsed);
    }
}

// The baseline a proposal is measured against: weighted k-means on the accounts, blocks to the nearest centre.
using System.Diagnostics;

namespace GeoAssign.Proposals;

/// <summary>
/// The simple baseline of the benchmarks: Lloyd's k-means (k-means++ seeding from the seed) on the accounts
/// weighted by their weight, then every block to the territory of the centre nearest its centroid (a locked
/// block to its locked territory). When accounts have current territories, centres are matched to
/// territories greedily by the accounts they share, so disruption is not inflated by numbering. It ignores
/// contiguity, balance and the moved-accounts cap; its figures say how it fares.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class KMeansBaseline
{
    /// <summary>Lloyd rounds at most.</summary>
    private const int MaxRounds = 100;

    /// <summary>The baseline assignment of the problem, with the same figures as a proposal.</summary>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static ProposalResult Propose(ProposalProblem problem, int seed = 1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var stopwatch = Stopwatch.StartNew();
        var graph = BlockGraph.Build(problem);
        var k = graph.TerritoryCount;
        var accounts = problem.Accounts;
        var m = accounts.Count;
        var x = new double[m];
        var y = new double[m];
        var z = new double[m];
        var w = new double[m];
        double total = 0;
        for (var a = 0; a < m; a++)
        {
            (x[a], y[a], z[a]) = Sphere.ToVector(accounts[a].Lat, accounts[a].Lng);
            w[a] = accounts[a].Weight;
            total += w[a];
        }

        if (m < k || !(total > 0))
        {
            // Too few accounts to cluster: the block centroids, each weighing 1, stand in for them.
            m = graph.BlockCount;
            x = (double[])graph.CentroidX.Clone();
            y = (double[])graph.CentroidY.Clone();
            z = (double[])graph.CentroidZ.Clone();
            w = new double[m];
            Array.Fill(w, 1.0);
        }

        var centres = new double[3 * k];
        var rounds = WeightedKMeans.Run(x, y, z, w, k, new Random(seed), MaxRounds, centres, cancellationToken);
        var territoryOf = MatchCentres(problem, centres, k);
        var assignment = new int[graph.BlockCount];
        for (var b = 0; b < assignment.Length; b++)
        {
            if (graph.Locked[b] >= 0)
            {
                assignment[b] = graph.Locked[b];
                continue;
            }

            assignment[b] = territoryOf[Nearest(graph.CentroidX[b], graph.CentroidY[b], graph.CentroidZ[b], centres, k)];
        }

        var figures = ProposalFigures.Compute(problem, graph, assignment);
        return new ProposalResult(assignment, figures, ProposalStopReason.Converged, rounds, stopwatch.Elapsed);
    }

    /// <summary>Centre → territory: identity, or greedy by shared accounts (most first) when accounts have current territories.</summary>
    private static int[] MatchCentres(ProposalProblem problem, double[] centres, int k)
    {
        var shared = new long[k * k];
        var any = false;
        foreach (var account in problem.Accounts)
        {
            if (account.CurrentTerritory < 0)
            {
                continue;
            }

            any = true;
            var (x, y, z) = Sphere.ToVector(account.Lat, account.Lng);
            shared[(Nearest(x, y, z, centres, k) * k) + account.CurrentTerritory]++;
        }

        var territoryOf = new int[k];
        if (!any)
        {
            for (var c = 0; c < k; c++)
            {
                territoryOf[c] = c;
            }

            return territoryOf;
        }

        var pairs = new int[k * k];
        for (var i = 0; i < pairs.Length; i++)
        {
            pairs[i] = i;
        }

        // Most shared first; ties by index so the match is deterministic.
        Array.Sort(pairs, (a, b) => shared[a] != shared[b] ? shared[b].CompareTo(shared[a]) : a.CompareTo(b));
        var centreTaken = new bool[k];
        var territoryTaken = new bool[k];
        foreach (var pair in pairs)
        {
            var c = pair / k;
            var t = pair % k;
            if (!centreTaken[c] && !territoryTaken[t])
            {
                centreTaken[c] = true;
                territoryTaken[t] = true;
                territoryOf[c] = t;
            }
        }

        return territoryOf;
    }

    private static int Nearest(double x, double y, double z, double[] centres, int k)
    {
        var best = 0;
        var bestDot = double.NegativeInfinity;
        for (var c = 0; c < k; c++)
        {
            var dot = (x * centres[3 * c]) + (y * centres[(3 * c) + 1]) + (z * centres[(3 * c) + 2]);
            if (dot > bestDot)
            {
                bestDot = dot;
                best = c;
            }
        }

        return best;
    }
}

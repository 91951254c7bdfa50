// Balance, compactness, disruption and contiguity of any block assignment, from the accounts themselves.
namespace GeoAssign.Proposals;

/// <summary>The figures of one territory in an assignment. Immutable value.</summary>
/// <param name="Index">Territory index.</param>
/// <param name="Id">Territory id.</param>
/// <param name="Weight">Σ weight of the accounts that follow the territory's blocks plus those pinned to it.</param>
/// <param name="Accounts">Number of those accounts.</param>
/// <param name="Target">Target weight: total weight × capacity / Σ capacities.</param>
/// <param name="Deviation">(Weight − Target) / Target; 0 when the target is 0.</param>
/// <param name="Blocks">Blocks assigned to the territory.</param>
/// <param name="Contiguous">The territory has at least one block and its blocks form one component over real borders plus virtual (island) edges.</param>
/// <param name="BorderComponents">Components of the territory's blocks over real borders only (1 for a territory that needs no virtual edge).</param>
/// <param name="ReliesOnVirtualEdge">Contiguous only thanks to a virtual edge (an island or exclave joined to its nearest block).</param>
/// <param name="MeanDistanceKm">Account-weighted mean great-circle distance of its accounts to its centre (home base, or weighted centre of its accounts).</param>
public readonly record struct TerritoryFigures(
    int Index,
    string Id,
    double Weight,
    int Accounts,
    double Target,
    double Deviation,
    int Blocks,
    bool Contiguous,
    int BorderComponents,
    bool ReliesOnVirtualEdge,
    double MeanDistanceKm);

/// <summary>
/// The figures of an assignment of blocks to territories: the same for a proposal, the baseline and the
/// live map, because they are computed from the accounts by <see cref="Compute(ProposalProblem, IReadOnlyList{int})"/>. Immutable.
/// </summary>
/// <remarks>
/// Compactness is the account-weighted mean great-circle distance, in km, of every account to its
/// territory's centre: the owner's home base when the territory has one, else the weighted centre of the
/// territory's accounts. An account moves when it follows its block (not pinned), has a current territory
/// and lands in another; accounts without a current territory are new assignments, not moves; pinned
/// accounts never move and count toward their pinned territory.
/// </remarks>
/// <param name="Territories">Figures per territory, by index.</param>
/// <param name="MaxDeviation">Largest |relative deviation| of a territory's weight from its target (0.05 = 5 %).</param>
/// <param name="MaxDeviationLowerBound">No assignment can do better than this: a block heavier than every target forces it (0 when no block is).</param>
/// <param name="CoefficientOfVariation">Standard deviation / mean of Weight / Target over the territories.</param>
/// <param name="CompactnessKm">Account-weighted mean distance of the accounts to their territory's centre, km.</param>
/// <param name="MovedAccounts">Accounts whose territory changes against their current territory.</param>
/// <param name="MovedShare">MovedAccounts / all accounts (0 without accounts).</param>
/// <param name="MovedWeight">Σ weight of the moved accounts.</param>
/// <param name="AllContiguous">Every territory is <see cref="TerritoryFigures.Contiguous"/>.</param>
/// <param name="VirtualEdges">Virtual edges the block graph needed to be connected (islands, exclaves).</param>
public sealed record ProposalFigures(
    IReadOnlyList<TerritoryFigures> Territories,
    double MaxDeviation,
    double MaxDeviationLowerBound,
    double CoefficientOfVariation,
    double CompactnessKm,
    int MovedAccounts,
    double MovedShare,
    double MovedWeight,
    bool AllContiguous,
    int VirtualEdges)
{
    /// <summary>Territories contiguous only thanks to a virtual edge.</summary>
    public IEnumerable<TerritoryFigures> RelyingOnVirtualEdges => Territories.Where(t => t.ReliesOnVirtualEdge);

    /// <summary>
    /// Figures of any assignment of the problem's blocks (a territory index per block, -1 for none). Reads
    /// every account; O(blocks + edges + accounts) plus the joining of islands. Thread-safe.
    /// </summary>
    /// <exception cref="ArgumentException">The assignment's length is not the number of blocks or an index is out of range.</exception>
    public static ProposalFigures Compute(ProposalProblem problem, IReadOnlyList<int> blockTerritory)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return Compute(problem, BlockGraph.Build(problem), blockTerritory);
    }

    internal static ProposalFigures Compute(ProposalProblem problem, BlockGraph graph, IReadOnlyList<int> blockTerritory)
    {
        ArgumentNullException.ThrowIfNull(blockTerritory);
        var n = graph.BlockCount;
        var k = graph.TerritoryCount;
        if (blockTerritory.Count != n)
        {
            throw new ArgumentException($"The assignment has {blockTerritory.Count} entries for {n} blocks.", nameof(blockTerritory));
        }

        for (var b = 0; b < n; b++)
        {
            if (blockTerritory[b] < -1 || blockTerritory[b] >= k)
            {
                throw new ArgumentException($"Block {b} is assigned to territory {blockTerritory[b]}, which does not exist.", nameof(blockTerritory));
            }
        }

        var weight = new double[k];
        var count = new int[k];
        var sumX = new double[k];
        var sumY = new double[k];
        var sumZ = new double[k];
        var moved = 0;
        double movedWeight = 0;
        var accounts = problem.Accounts;
        var accountTerritory = new int[accounts.Count];
        for (var a = 0; a < accounts.Count; a++)
        {
            var account = accounts[a];
            var t = account.PinnedTerritory >= 0 ? account.PinnedTerritory : blockTerritory[account.Block];
            accountTerritory[a] = t;
            if (account.PinnedTerritory < 0 && account.CurrentTerritory >= 0 && account.CurrentTerritory != t)
            {
                moved++;
                movedWeight += account.Weight;
            }

            if (t < 0)
            {
                continue;
            }

            var (x, y, z) = Sphere.ToVector(account.Lat, account.Lng);
            weight[t] += account.Weight;
            count[t]++;
            sumX[t] += account.Weight * x;
            sumY[t] += account.Weight * y;
            sumZ[t] += account.Weight * z;
        }

        // Centres: home base, else weighted centre of the accounts, else the mean of the block centroids.
        var blocks = new int[k];
        var fallbackX = new double[k];
        var fallbackY = new double[k];
        var fallbackZ = new double[k];
        for (var b = 0; b < n; b++)
        {
            var t = blockTerritory[b];
            if (t >= 0)
            {
                blocks[t]++;
                fallbackX[t] += graph.CentroidX[b];
                fallbackY[t] += graph.CentroidY[b];
                fallbackZ[t] += graph.CentroidZ[b];
            }
        }

        for (var t = 0; t < k; t++)
        {
            if (graph.HasHome[t])
            {
                (sumX[t], sumY[t], sumZ[t]) = (graph.HomeX[t], graph.HomeY[t], graph.HomeZ[t]);
            }
            else if (!Sphere.TryNormalise(ref sumX[t], ref sumY[t], ref sumZ[t]))
            {
                (sumX[t], sumY[t], sumZ[t]) = (fallbackX[t], fallbackY[t], fallbackZ[t]);
                if (!Sphere.TryNormalise(ref sumX[t], ref sumY[t], ref sumZ[t]))
                {
                    (sumX[t], sumY[t], sumZ[t]) = (1, 0, 0);
                }
            }
        }

        var distance = new double[k];
        double totalDistance = 0;
        double assignedWeight = 0;
        for (var a = 0; a < accounts.Count; a++)
        {
            var t = accountTerritory[a];
            if (t < 0)
            {
                continue;
            }

            var account = accounts[a];
            var (x, y, z) = Sphere.ToVector(account.Lat, account.Lng);
            var d = account.Weight * Sphere.DistanceKm(x, y, z, sumX[t], sumY[t], sumZ[t]);
            distance[t] += d;
            totalDistance += d;
            assignedWeight += account.Weight;
        }

        var (allComponents, borderComponents) = Contiguity(graph, blockTerritory);
        var territories = new TerritoryFigures[k];
        double maxDeviation = 0;
        double ratioSum = 0;
        double ratioSquares = 0;
        var allContiguous = true;
        for (var t = 0; t < k; t++)
        {
            var target = graph.Target[t];
            var deviation = target > 0 ? (weight[t] - target) / target : 0;
            maxDeviation = Math.Max(maxDeviation, Math.Abs(deviation));
            var ratio = 1 + deviation;
            ratioSum += ratio;
            ratioSquares += ratio * ratio;
            var contiguous = blocks[t] > 0 && allComponents[t] == 1;
            allContiguous &= contiguous;
            territories[t] = new TerritoryFigures(
                t,
                problem.Territories[t].Id,
                weight[t],
                count[t],
                target,
                deviation,
                blocks[t],
                contiguous,
                borderComponents[t],
                contiguous && borderComponents[t] > 1,
                weight[t] > 0 ? distance[t] / weight[t] : 0);
        }

        var mean = ratioSum / k;
        var variance = Math.Max(0, (ratioSquares / k) - (mean * mean));
        return new ProposalFigures(
            territories,
            maxDeviation,
            LowerBound(graph),
            mean > 0 ? Math.Sqrt(variance) / mean : 0,
            assignedWeight > 0 ? totalDistance / assignedWeight : 0,
            moved,
            accounts.Count > 0 ? (double)moved / accounts.Count : 0,
            movedWeight,
            allContiguous,
            graph.VirtualEdges.Count);
    }

    /// <summary>A block goes somewhere whole: its weight plus that territory's pinned weight against its target bounds the deviation.</summary>
    private static double LowerBound(BlockGraph graph)
    {
        double bound = 0;
        for (var b = 0; b < graph.BlockCount; b++)
        {
            var best = double.PositiveInfinity;
            for (var t = 0; t < graph.TerritoryCount; t++)
            {
                if ((graph.Locked[b] >= 0 && graph.Locked[b] != t) || graph.Target[t] <= 0)
                {
                    continue;
                }

                best = Math.Min(best, ((graph.FreeWeight[b] + graph.PinnedWeight[t]) / graph.Target[t]) - 1);
            }

            if (double.IsFinite(best))
            {
                bound = Math.Max(bound, best);
            }
        }

        return bound;
    }

    /// <summary>Components per territory over all edges and over real borders only.</summary>
    private static (int[] All, int[] Border) Contiguity(BlockGraph graph, IReadOnlyList<int> blockTerritory)
    {
        var k = graph.TerritoryCount;
        var all = new int[k];
        var border = new int[k];
        var seen = new int[graph.BlockCount];
        var queue = new int[graph.BlockCount];
        for (var pass = 0; pass < 2; pass++)
        {
            var counts = pass == 0 ? all : border;
            Array.Clear(seen);
            for (var start = 0; start < graph.BlockCount; start++)
            {
                var t = blockTerritory[start];
                if (t < 0 || seen[start] != 0)
                {
                    continue;
                }

                counts[t]++;
                seen[start] = 1;
                var head = 0;
                var tail = 0;
                queue[tail++] = start;
                while (head < tail)
                {
                    var b = queue[head++];
                    for (var i = graph.Offsets[b]; i < graph.Offsets[b + 1]; i++)
                    {
                        var neighbour = graph.Neighbours[i];
                        if ((pass == 1 && graph.IsVirtual[i]) || seen[neighbour] != 0 || blockTerritory[neighbour] != t)
                        {
                            continue;
                        }

                        seen[neighbour] = 1;
                        queue[tail++] = neighbour;
                    }
                }
            }
        }

        return (all, border);
    }
}

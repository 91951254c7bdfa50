// The problem prepared for search: adjacency with the virtual edges that join islands, weights per block.
namespace GeoAssign.Proposals;

/// <summary>
/// Everything the engine, the baseline and the figures read over and over, computed once per problem:
/// adjacency in compressed rows (real borders plus the virtual edges joining the components of the block
/// graph), block centroids and account-mass centres as unit vectors, the weight and count of the
/// accounts that follow their block, the pinned weight per territory, the accounts per block by current
/// territory (for the moved count) and the target weights.
/// </summary>
/// <remarks>
/// <para>
/// Islands and exclaves: when the blocks do not form one connected graph (islands, Alaska and Hawaii,
/// enclaves of a layer), the components are joined by virtual edges, each between the two nearest blocks
/// (by centroid) of a component and the rest, smaller components first, until the graph is connected
/// (Borůvka rounds). Contiguity everywhere means contiguity over real borders plus these virtual edges;
/// the figures say which territories rely on a virtual edge.
/// </para>
/// <para>Immutable once built; thread-safe for reading.</para>
/// </remarks>
internal sealed class BlockGraph
{
    private BlockGraph(int blockCount, int territoryCount)
    {
        BlockCount = blockCount;
        TerritoryCount = territoryCount;
        CentroidX = new double[blockCount];
        CentroidY = new double[blockCount];
        CentroidZ = new double[blockCount];
        MassX = new double[blockCount];
        MassY = new double[blockCount];
        MassZ = new double[blockCount];
        FreeWeight = new double[blockCount];
        FreeCount = new int[blockCount];
        CurrentOffsets = new int[blockCount + 1];
        PinnedWeight = new double[territoryCount];
        PinnedCount = new int[territoryCount];
        PinnedX = new double[territoryCount];
        PinnedY = new double[territoryCount];
        PinnedZ = new double[territoryCount];
        Target = new double[territoryCount];
        Locked = new int[blockCount];
        HomeX = new double[territoryCount];
        HomeY = new double[territoryCount];
        HomeZ = new double[territoryCount];
        HasHome = new bool[territoryCount];
    }

    internal int BlockCount { get; }

    internal int TerritoryCount { get; }

    /// <summary>Row starts of the adjacency (real and virtual edges), length n + 1.</summary>
    internal int[] Offsets { get; private set; } = [];

    /// <summary>Neighbour of each adjacency entry.</summary>
    internal int[] Neighbours { get; private set; } = [];

    /// <summary>Whether each adjacency entry is a virtual edge (no shared border).</summary>
    internal bool[] IsVirtual { get; private set; } = [];

    /// <summary>The virtual edges added, as block index pairs (lower index first).</summary>
    internal IReadOnlyList<(int A, int B)> VirtualEdges { get; private set; } = [];

    internal double[] CentroidX { get; }

    internal double[] CentroidY { get; }

    internal double[] CentroidZ { get; }

    /// <summary>Weighted centre of the block's following accounts as a unit vector (the centroid when it has no weight).</summary>
    internal double[] MassX { get; }

    internal double[] MassY { get; }

    internal double[] MassZ { get; }

    /// <summary>Σ weight of the accounts in the block that follow it (not pinned).</summary>
    internal double[] FreeWeight { get; }

    /// <summary>Number of accounts in the block that follow it.</summary>
    internal int[] FreeCount { get; }

    /// <summary>Rows of (territory, count) of following accounts by current territory (accounts with none left out).</summary>
    internal int[] CurrentOffsets { get; }

    internal int[] CurrentTerritory { get; private set; } = [];

    internal int[] CurrentCount { get; private set; } = [];

    /// <summary>Following accounts of the block with a current territory (each moves unless the block lands there).</summary>
    internal int[] CurrentTotal { get; private set; } = [];

    internal double[] PinnedWeight { get; }

    internal int[] PinnedCount { get; }

    /// <summary>Weighted vector sum of the pinned accounts per territory (not normalised).</summary>
    internal double[] PinnedX { get; }

    internal double[] PinnedY { get; }

    internal double[] PinnedZ { get; }

    /// <summary>Target weight per territory: total weight × capacity share.</summary>
    internal double[] Target { get; }

    /// <summary>Locked territory per block, or -1.</summary>
    internal int[] Locked { get; }

    internal bool[] HasHome { get; }

    internal double[] HomeX { get; }

    internal double[] HomeY { get; }

    internal double[] HomeZ { get; }

    internal double TotalWeight { get; private set; }

    internal int AccountCount { get; private set; }

    /// <summary>Σ block areas, km².</summary>
    internal double TotalAreaKm2 { get; private set; }

    /// <summary>Following accounts of the block that change territory when the block goes to <paramref name="territory"/> (pinned accounts never move).</summary>
    internal int Moved(int block, int territory)
    {
        var moved = CurrentTotal[block];
        for (var i = CurrentOffsets[block]; i < CurrentOffsets[block + 1]; i++)
        {
            if (CurrentTerritory[i] == territory)
            {
                moved -= CurrentCount[i];
                break;
            }
        }

        return moved;
    }

    /// <summary>Prepares a problem. O(blocks + edges + accounts), plus the joining of components.</summary>
    internal static BlockGraph Build(ProposalProblem problem)
    {
        var n = problem.Blocks.Count;
        var k = problem.Territories.Count;
        var graph = new BlockGraph(n, k);
        for (var b = 0; b < n; b++)
        {
            var block = problem.Blocks[b];
            (graph.CentroidX[b], graph.CentroidY[b], graph.CentroidZ[b]) = Sphere.ToVector(block.CentroidLat, block.CentroidLng);
            graph.Locked[b] = block.LockedTerritory;
            graph.TotalAreaKm2 += double.IsFinite(block.AreaKm2) && block.AreaKm2 > 0 ? block.AreaKm2 : 0;
        }

        double capacity = 0;
        for (var t = 0; t < k; t++)
        {
            var territory = problem.Territories[t];
            capacity += territory.Capacity;
            if (territory.HomeLat is { } lat && territory.HomeLng is { } lng)
            {
                graph.HasHome[t] = true;
                (graph.HomeX[t], graph.HomeY[t], graph.HomeZ[t]) = Sphere.ToVector(lat, lng);
            }
        }

        // Accounts aggregated once: the search never looks at a single account again.
        var accounts = problem.Accounts;
        var current = new Dictionary<long, int>();
        var currentTotal = new int[n];
        var massX = new double[n];
        var massY = new double[n];
        var massZ = new double[n];
        for (var a = 0; a < accounts.Count; a++)
        {
            var account = accounts[a];
            var (x, y, z) = Sphere.ToVector(account.Lat, account.Lng);
            graph.TotalWeight += account.Weight;
            if (account.PinnedTerritory >= 0)
            {
                var t = account.PinnedTerritory;
                graph.PinnedWeight[t] += account.Weight;
                graph.PinnedCount[t]++;
                graph.PinnedX[t] += account.Weight * x;
                graph.PinnedY[t] += account.Weight * y;
                graph.PinnedZ[t] += account.Weight * z;
                continue;
            }

            var b = account.Block;
            graph.FreeWeight[b] += account.Weight;
            graph.FreeCount[b]++;
            massX[b] += account.Weight * x;
            massY[b] += account.Weight * y;
            massZ[b] += account.Weight * z;
            if (account.CurrentTerritory >= 0)
            {
                currentTotal[b]++;
                var key = ((long)b * k) + account.CurrentTerritory;
                current[key] = current.GetValueOrDefault(key) + 1;
            }
        }

        graph.AccountCount = accounts.Count;
        graph.CurrentTotal = currentTotal;
        for (var b = 0; b < n; b++)
        {
            double x = massX[b], y = massY[b], z = massZ[b];
            if (!Sphere.TryNormalise(ref x, ref y, ref z))
            {
                (x, y, z) = (graph.CentroidX[b], graph.CentroidY[b], graph.CentroidZ[b]);
            }

            graph.MassX[b] = x;
            graph.MassY[b] = y;
            graph.MassZ[b] = z;
        }

        // Current-territory counts in rows per block, in key order so the layout is deterministic.
        var keys = new long[current.Count];
        current.Keys.CopyTo(keys, 0);
        Array.Sort(keys);
        graph.CurrentTerritory = new int[keys.Length];
        graph.CurrentCount = new int[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            var b = (int)(keys[i] / k);
            graph.CurrentOffsets[b + 1]++;
            graph.CurrentTerritory[i] = (int)(keys[i] % k);
            graph.CurrentCount[i] = current[keys[i]];
        }

        for (var b = 0; b < n; b++)
        {
            graph.CurrentOffsets[b + 1] += graph.CurrentOffsets[b];
        }

        for (var t = 0; t < k; t++)
        {
            graph.Target[t] = graph.TotalWeight * problem.Territories[t].Capacity / capacity;
        }

        graph.BuildAdjacency(problem);
        return graph;
    }

    private void BuildAdjacency(ProposalProblem problem)
    {
        var n = BlockCount;
        var extra = new List<int>[n];
        var virtualEdges = new List<(int A, int B)>();
        var component = new int[n];
        var queue = new int[n];
        while (true)
        {
            var components = Components(problem, extra, component, queue);
            if (components <= 1)
            {
                break;
            }

            // Borůvka round: every component but the largest links to its nearest block outside it.
            var size = new int[components];
            for (var b = 0; b < n; b++)
            {
                size[component[b]]++;
            }

            var largest = 0;
            for (var c = 1; c < components; c++)
            {
                if (size[c] > size[largest])
                {
                    largest = c;
                }
            }

            var bestDot = new double[components];
            var bestFrom = new int[components];
            var bestTo = new int[components];
            Array.Fill(bestDot, double.NegativeInfinity);
            for (var a = 0; a < n; a++)
            {
                var ca = component[a];
                if (ca == largest)
                {
                    continue;
                }

                for (var b = 0; b < n; b++)
                {
                    if (component[b] == ca)
                    {
                        continue;
                    }

                    var dot = (CentroidX[a] * CentroidX[b]) + (CentroidY[a] * CentroidY[b]) + (CentroidZ[a] * CentroidZ[b]);
                    if (dot > bestDot[ca])
                    {
                        bestDot[ca] = dot;
                        bestFrom[ca] = a;
                        bestTo[ca] = b;
                    }
                }
            }

            for (var c = 0; c < components; c++)
            {
                if (c == largest)
                {
                    continue;
                }

                var (a, b) = (Math.Min(bestFrom[c], bestTo[c]), Math.Max(bestFrom[c], bestTo[c]));
                if (virtualEdges.Contains((a, b)))
                {
                    continue;
                }

                virtualEdges.Add((a, b));
                (extra[a] ??= []).Add(b);
                (extra[b] ??= []).Add(a);
            }
        }

        var offsets = new int[n + 1];
        for (var b = 0; b < n; b++)
        {
            offsets[b + 1] = offsets[b] + problem.Blocks[b].Neighbours.Count + (extra[b]?.Count ?? 0);
        }

        var neighbours = new int[offsets[n]];
        var isVirtual = new bool[offsets[n]];
        for (var b = 0; b < n; b++)
        {
            var i = offsets[b];
            foreach (var neighbour in problem.Blocks[b].Neighbours)
            {
                neighbours[i++] = neighbour;
            }

            if (extra[b] is { } links)
            {
                foreach (var neighbour in links)
                {
                    isVirtual[i] = true;
                    neighbours[i++] = neighbour;
                }
            }
        }

        Offsets = offsets;
        Neighbours = neighbours;
        IsVirtual = isVirtual;
        VirtualEdges = virtualEdges;
    }

    private static int Components(ProposalProblem problem, List<int>[] extra, int[] component, int[] queue)
    {
        Array.Fill(component, -1);
        var count = 0;
        for (var start = 0; start < component.Length; start++)
        {
            if (component[start] >= 0)
            {
                continue;
            }

            component[start] = count;
            var head = 0;
            var tail = 0;
            queue[tail++] = start;
            while (head < tail)
            {
                var b = queue[head++];
                foreach (var neighbour in problem.Blocks[b].Neighbours)
                {
                    if (component[neighbour] < 0)
                    {
                        component[neighbour] = count;
                        queue[tail++] = neighbour;
                    }
                }

                if (extra[b] is { } links)
                {
                    foreach (var neighbour in links)
                    {
                        if (component[neighbour] < 0)
                        {
                            component[neighbour] = count;
                            queue[tail++] = neighbour;
                        }
                    }
                }
            }

            count++;
        }

        return count;
    }
}

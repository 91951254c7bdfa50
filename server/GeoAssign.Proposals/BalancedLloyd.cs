// Start of a proposal from scratch: weighted k-means centres, then a power diagram balanced by additive weights.
namespace GeoAssign.Proposals;

/// <summary>
/// Balanced Lloyd: weighted k-means++ centres over the blocks (what the k-means baseline does), then rounds of
/// a power-diagram assignment — each block to the territory minimising distance to its centre minus the
/// territory's additive weight, the weights tuned so every territory approaches its target — followed by
/// fresh centres. The additive weights are the Lagrange multipliers of the capacity constraints, so the
/// cells are the most compact ones for their weights; they are nearly contiguous, and the search repairs
/// the rest. Locked blocks stay, home bases are fixed centres, pinned weight counts. Deterministic for a
/// <see cref="Random"/> state. Not thread-safe (one call, one caller).
/// </summary>
internal static class BalancedLloyd
{
    /// <summary>Nearest centres a block may go to (the others are too far to matter for balance).</summary>
    private const int Candidates = 16;

    /// <summary>Lloyd rounds: balanced assignment, then fresh centres.</summary>
    private const int LloydRounds = 10;

    /// <summary>Updates of the additive weights in the first Lloyd round.</summary>
    private const int FirstBalanceRounds = 60;

    /// <summary>Updates of the additive weights in the later Lloyd rounds (warm-started, centres move little).</summary>
    private const int LaterBalanceRounds = 30;

    /// <summary>First step of an additive weight, in units of the reference length, per unit of relative deviation.</summary>
    private const double FirstStep = 0.5;

    /// <summary>First step in the later Lloyd rounds, which start from the previous round's weights.</summary>
    private const double LaterStep = 0.2;

    /// <summary>Bound of an additive weight, in units of the reference length.</summary>
    private const double MaxAdditive = 3;

    /// <summary>A territory below this share of its target after balancing moves its centre into the most overweight territory.</summary>
    private const double Stranded = 0.5;

    /// <summary>Decay of the step per update (the dual ascent needs a shrinking step to settle).</summary>
    private const double StepDecay = 0.92;

    /// <summary>
    /// Territory per block (locked blocks in theirs). A territory may come out in pieces or, rarely, empty; the
    /// caller repairs that.
    /// </summary>
    /// <param name="graph">The prepared problem.</param>
    /// <param name="mass">Weight of each block in the compactness term.</param>
    /// <param name="reference">Reference length (km) of a territory.</param>
    /// <param name="random">Source of the k-means++ draws.</param>
    internal static int[] Assign(BlockGraph graph, double[] mass, double reference, Random random)
    {
        var n = graph.BlockCount;
        var k = graph.TerritoryCount;
        var cx = new double[k];
        var cy = new double[k];
        var cz = new double[k];
        var fixedCentre = new bool[k];
        var assign = new int[n];
        Array.Fill(assign, -1);
        for (var b = 0; b < n; b++)
        {
            if (graph.Locked[b] >= 0)
            {
                assign[b] = graph.Locked[b];
            }
        }

        // Initial centres: home bases, the weighted centre of locked blocks, else weighted k-means++ over the blocks.
        var hasLocked = new bool[k];
        for (var b = 0; b < n; b++)
        {
            var t = assign[b];
            if (t >= 0 && !graph.HasHome[t])
            {
                hasLocked[t] = true;
                cx[t] += mass[b] * graph.MassX[b];
                cy[t] += mass[b] * graph.MassY[b];
                cz[t] += mass[b] * graph.MassZ[b];
            }
        }

        var open = new List<int>();
        for (var t = 0; t < k; t++)
        {
            if (graph.HasHome[t])
            {
                (cx[t], cy[t], cz[t]) = (graph.HomeX[t], graph.HomeY[t], graph.HomeZ[t]);
                fixedCentre[t] = true;
            }
            else if (hasLocked[t])
            {
                Sphere.TryNormalise(ref cx[t], ref cy[t], ref cz[t]);
            }
            else
            {
                open.Add(t);
            }
        }

        if (open.Count > 0)
        {
            var centres = new double[3 * open.Count];
            WeightedKMeans.Run(graph.MassX, graph.MassY, graph.MassZ, mass, open.Count, random, 20, centres, CancellationToken.None);
            for (var c = 0; c < open.Count; c++)
            {
                var t = open[c];
                (cx[t], cy[t], cz[t]) = (centres[3 * c], centres[(3 * c) + 1], centres[(3 * c) + 2]);
            }
        }

        var candidates = Math.Min(Candidates, k);
        var near = new int[n * candidates];
        var distance = new double[n * candidates];
        var additive = new double[k];
        var weight = new double[k];
        var sum = new double[3 * k];
        for (var round = 0; round < LloydRounds; round++)
        {
            NearestCentres(graph, cx, cy, cz, candidates, near, distance);
            var step = (round == 0 ? FirstStep : LaterStep) * reference;
            for (var update = 0; update < (round == 0 ? FirstBalanceRounds : LaterBalanceRounds); update++, step *= StepDecay)
            {
                PowerAssign(graph, assign, candidates, near, distance, additive, weight);
                double mean = 0;
                for (var t = 0; t < k; t++)
                {
                    var target = graph.Target[t];
                    if (target > 0)
                    {
                        // Over target: less attractive; under: more. Clamped so one huge block does not swing the rest.
                        additive[t] -= step * Math.Clamp((weight[t] - target) / target, -1, 1);
                    }

                    mean += additive[t];
                }

                // Only differences matter: centred and bounded, so a territory that cannot reach its target
                // (a centre on a small island) does not drift without end.
                mean /= k;
                for (var t = 0; t < k; t++)
                {
                    additive[t] = Math.Clamp(additive[t] - mean, -MaxAdditive * reference, MaxAdditive * reference);
                }
            }

            PowerAssign(graph, assign, candidates, near, distance, additive, weight);
            Array.Clear(sum);
            for (var b = 0; b < n; b++)
            {
                var t = assign[b];
                sum[3 * t] += mass[b] * graph.MassX[b];
                sum[(3 * t) + 1] += mass[b] * graph.MassY[b];
                sum[(3 * t) + 2] += mass[b] * graph.MassZ[b];
            }

            for (var t = 0; t < k; t++)
            {
                double x = sum[3 * t] + graph.PinnedX[t], y = sum[(3 * t) + 1] + graph.PinnedY[t], z = sum[(3 * t) + 2] + graph.PinnedZ[t];
                if (!fixedCentre[t] && Sphere.TryNormalise(ref x, ref y, ref z))
                {
                    (cx[t], cy[t], cz[t]) = (x, y, z);
                }
            }

            if (round < LloydRounds - 2)
            {
                Relocate(graph, mass, assign, weight, fixedCentre, additive, cx, cy, cz);
            }
        }

        return assign;
    }

    /// <summary>
    /// A territory stranded far below its target (its centre on an island or in a corner) restarts inside the
    /// most overweight territory that can be split (none of its blocks alone outweighs its target): its centre
    /// goes to that territory's heaviest block farthest from the territory's centre, so the next round splits it.
    /// </summary>
    private static void Relocate(BlockGraph graph, double[] mass, int[] assign, double[] weight, bool[] fixedCentre, double[] additive, double[] cx, double[] cy, double[] cz)
    {
        var k = weight.Length;
        var n = graph.BlockCount;
        var heaviestBlock = new double[k];
        for (var b = 0; b < n; b++)
        {
            heaviestBlock[assign[b]] = Math.Max(heaviestBlock[assign[b]], graph.FreeWeight[b]);
        }

        var used = new bool[k];
        for (var t = 0; t < k; t++)
        {
            if (fixedCentre[t] || graph.Target[t] <= 0 || weight[t] >= Stranded * graph.Target[t])
            {
                continue;
            }

            var heavy = -1;
            for (var u = 0; u < k; u++)
            {
                if (!used[u] && u != t && graph.Target[u] > 0 && heaviestBlock[u] < graph.Target[u] && weight[u] > graph.Target[u]
                    && (heavy < 0 || weight[u] / graph.Target[u] > weight[heavy] / graph.Target[heavy]))
                {
                    heavy = u;
                }
            }

            if (heavy < 0)
            {
                return;
            }

            used[heavy] = true;
            used[t] = true;
            var pick = -1;
            var pickKey = double.NegativeInfinity;
            for (var b = 0; b < n; b++)
            {
                if (assign[b] != heavy)
                {
                    continue;
                }

                // Far from the centre and carrying weight: the far half of the territory.
                var far = 1 - ((graph.MassX[b] * cx[heavy]) + (graph.MassY[b] * cy[heavy]) + (graph.MassZ[b] * cz[heavy]));
                var key = far * mass[b];
                if (key > pickKey)
                {
                    pickKey = key;
                    pick = b;
                }
            }

            if (pick >= 0)
            {
                (cx[t], cy[t], cz[t]) = (graph.MassX[pick], graph.MassY[pick], graph.MassZ[pick]);
                additive[t] = additive[heavy];
            }
        }
    }

    /// <summary>The nearest centres of every block and their distances, nearest first.</summary>
    private static void NearestCentres(BlockGraph graph, double[] cx, double[] cy, double[] cz, int candidates, int[] near, double[] distance)
    {
        var k = cx.Length;
        var dots = new double[candidates];
        for (var b = 0; b < graph.BlockCount; b++)
        {
            var row = b * candidates;
            var filled = 0;
            for (var t = 0; t < k; t++)
            {
                var dot = (graph.MassX[b] * cx[t]) + (graph.MassY[b] * cy[t]) + (graph.MassZ[b] * cz[t]);
                if (filled == candidates && dot <= dots[candidates - 1])
                {
                    continue;
                }

                // Insertion into the short sorted list (largest dot product first); ties keep the lower index.
                var i = filled < candidates ? filled++ : candidates - 1;
                while (i > 0 && dots[i - 1] < dot)
                {
                    dots[i] = dots[i - 1];
                    near[row + i] = near[row + i - 1];
                    i--;
                }

                dots[i] = dot;
                near[row + i] = t;
            }

            for (var i = 0; i < candidates; i++)
            {
                distance[row + i] = Sphere.EarthRadiusKm * Math.Acos(Math.Clamp(dots[i], -1, 1));
            }
        }
    }

    /// <summary>Each unlocked block to the candidate territory with the least distance minus additive weight; weights summed.</summary>
    private static void PowerAssign(BlockGraph graph, int[] assign, int candidates, int[] near, double[] distance, double[] additive, double[] weight)
    {
        Array.Copy(graph.PinnedWeight, weight, weight.Length);
        for (var b = 0; b < graph.BlockCount; b++)
        {
            if (graph.Locked[b] < 0)
            {
                var row = b * candidates;
                var best = near[row];
                var bestCost = distance[row] - additive[best];
                for (var i = 1; i < candidates; i++)
                {
                    var t = near[row + i];
                    var cost = distance[row + i] - additive[t];
                    if (cost < bestCost)
                    {
                        bestCost = cost;
                        best = t;
                    }
                }

                assign[b] = best;
            }

            weight[assign[b]] += graph.FreeWeight[b];
        }
    }
}

// One run of the engine: the mutable search state, region growing and the iterated local search.
using System.Diagnostics;

namespace GeoAssign.Proposals;

/// <summary>
/// The state of one proposal run. Scores are kept incrementally: territory weights, block counts, the
/// moved-account count and the compactness sum change per move in O(degree); centres are recomputed
/// once per sweep. Not thread-safe: one run, one thread.
/// </summary>
internal sealed class ProposalSearch
{
    /// <summary>Rounds of perturbation plus local search without a better plan after which the run has converged.</summary>
    internal const int StallRounds = 300;

    /// <summary>Relative score improvement below which a better plan still counts as a round without progress.</summary>
    private const double StallImprovement = 1e-6;

    /// <summary>A territory this far below its target (relative) may be merged away and split off the heaviest one.</summary>
    private const double MergeSplitBelow = 0.25;

    /// <summary>Visits of one local search at most, in multiples of the block count (centre updates could otherwise trade tiny moves for ever).</summary>
    private const int MaxSweeps = 40;

    /// <summary>Share of the time limit and of the iteration budget the search proper gets when a compactness polish follows.</summary>
    private const double SearchShare = 0.8;

    /// <summary>Full passes of the compactness polish at most (each ends with fresh centres, as in Lloyd's algorithm).</summary>
    private const int PolishPasses = 30;

    /// <summary>Rounds between two local searches over all blocks (the others look only at what the perturbation changed).</summary>
    private const int FullSearchEvery = 50;

    /// <summary>Block visits between two looks at the clock and the cancellation token.</summary>
    private const int ClockEvery = 2048;

    /// <summary>Blocks without accounts weigh this share of the mean block weight in the compactness term, so empty land goes to the nearest centre.</summary>
    private const double EmptyBlockMassShare = 0.01;

    /// <summary>Deviation outside which a territory gets region transfers when the options set no tolerance.</summary>
    private const double DefaultTolerance = 0.05;

    /// <summary>A move must lower the score by more than this to be taken (no cycling on rounding).</summary>
    private const double Epsilon = 1e-12;

    private readonly ProposalProblem problem;
    private readonly BlockGraph graph;
    private readonly ProposalOptions options;
    private readonly IProgress<ProposalProgress>? progress;
    private readonly Stopwatch stopwatch;
    private readonly CancellationToken cancellationToken;
    private readonly Random random;
    private readonly int n;
    private readonly int k;
    private readonly int[] assign;
    private readonly double[] weight;
    private readonly int[] blockCount;
    private readonly double[] centreX;
    private readonly double[] centreY;
    private readonly double[] centreZ;
    private readonly double[] compactMass;
    private readonly double compactScale;
    private readonly double referenceKm;
    private readonly double disruptionScale;
    private readonly long movedCap;
    private readonly long iterationBudget;
    private readonly int[] visited;
    private readonly int[] targetMark;
    private readonly int[] territoryMark;
    private readonly int[] queue;
    private readonly int[] order;
    private readonly int[] work;
    private readonly bool[] queued;
    private readonly int[] transferMark;
    private readonly double[] compactOf;
    private readonly bool[] compactDirty;
    private readonly double[] bestCompactOf;
    private int transferStamp;
    private int workHead;
    private int workCount;
    private int stamp;
    private bool polishing;
    private long moved;
    private long moves;
    private long iterations;
    private ProposalStopReason? stop;
    private TimeSpan lastReport;

    internal ProposalSearch(ProposalProblem problem, BlockGraph graph, ProposalOptions options, IProgress<ProposalProgress>? progress, Stopwatch stopwatch, CancellationToken cancellationToken)
    {
        this.problem = problem;
        this.graph = graph;
        this.options = options;
        this.progress = progress;
        this.stopwatch = stopwatch;
        this.cancellationToken = cancellationToken;
        random = new Random(options.Seed);
        n = graph.BlockCount;
        k = graph.TerritoryCount;
        assign = new int[n];
        weight = new double[k];
        blockCount = new int[k];
        centreX = new double[k];
        centreY = new double[k];
        centreZ = new double[k];
        visited = new int[n];
        targetMark = new int[n];
        territoryMark = new int[k];
        queue = new int[n];
        order = new int[n];
        work = new int[n];
        queued = new bool[n];
        transferMark = new int[n];
        compactOf = new double[k];
        compactDirty = new bool[k];
        bestCompactOf = new double[k];
        compactMass = new double[n];
        double freeTotal = 0;
        for (var b = 0; b < n; b++)
        {
            freeTotal += graph.FreeWeight[b];
        }

        var floor = freeTotal > 0 ? EmptyBlockMassShare * freeTotal / n : EmptyBlockMassShare;
        double massTotal = 0;
        for (var b = 0; b < n; b++)
        {
            compactMass[b] = Math.Max(graph.FreeWeight[b], floor);
            massTotal += compactMass[b];
        }

        // Compactness is measured in units of the side of a territory-sized square, so its weight means
        // the same for counties and for H3 cells, and counted k times (the balance term sums k territories).
        referenceKm = graph.TotalAreaKm2 > 0 ? Math.Sqrt(graph.TotalAreaKm2 / k) : 100;
        compactScale = options.CompactnessWeight * k / (massTotal * referenceKm);
        disruptionScale = graph.AccountCount > 0 ? options.DisruptionWeight / graph.AccountCount : 0;
        movedCap = options.MaxMovedShare is { } share ? (long)Math.Floor(share * graph.AccountCount) : long.MaxValue;
        iterationBudget = options.IterationBudget ?? (1000L * n);
    }

    /// <summary>Score of the best plan (lower is better).</summary>
    internal double BestScore { get; private set; } = double.PositiveInfinity;

    internal (int[] Assignment, ProposalStopReason Reason, long Iterations) Run()
    {
        Report("seeding", force: true);
        var fromScratch = Start(balanced: true);
        Report("growing", force: true);
        Grow();
        var best = Improve();

        // From scratch, a converged search has time left: a second start (k-means++ seeds grown by balance)
        // often finds another optimum — the better-balanced one when compactness weighs little, the more
        // compact one when it weighs much. The better score wins.
        if (fromScratch && stop == ProposalStopReason.Converged)
        {
            var first = best;
            var firstScore = BestScore;
            stop = null;
            Start(balanced: false);
            Grow();
            best = Improve();
            if (firstScore <= BestScore)
            {
                best = first;
                BestScore = firstScore;
            }
        }

        var reason = stop ?? ProposalStopReason.Converged;
        if (options.BalanceTolerance is { } tolerance && reason != ProposalStopReason.Cancelled)
        {
            Array.Copy(best, assign, n);
            Recompute();
            stop = null;
            polishing = true;
            Report("polishing", force: true);
            Polish(tolerance);
            Array.Copy(assign, best, n);
            BestScore = Score();
            reason = stop ?? reason;
        }

        return (best, reason, iterations);
    }

    /// <summary>Iterated local search from the current (complete) plan until convergence or a stop; returns the best plan and sets <see cref="BestScore"/>.</summary>
    private int[] Improve()
    {
        Recompute();
        var best = (int[])assign.Clone();
        BestScore = Score();
        Array.Copy(compactOf, bestCompactOf, k);
        Report("improving", force: true);
        var stall = 0;
        var full = true;
        for (var round = 1; ; round++)
        {
            LocalSearch(full);
            var score = Score();
            if (score < BestScore - (Epsilon * Math.Max(1, Math.Abs(BestScore))))
            {
                // Only a real improvement restarts the stall count: a long tail of tiny gains would otherwise never converge.
                stall = score < BestScore - (StallImprovement * Math.Abs(BestScore)) ? 0 : stall + 1;
                BestScore = score;
                Array.Copy(assign, best, n);
                Array.Copy(compactOf, bestCompactOf, k);
            }
            else
            {
                stall++;
                Array.Copy(best, assign, n);
                Recompute();

                // Back at the best plan: its compactness terms hold again, no territory needs a new one.
                Array.Copy(bestCompactOf, compactOf, k);
                Array.Clear(compactDirty);
            }

            Report("improving", force: false);
            if (stop is not null)
            {
                return best;
            }

            if (stall >= StallRounds)
            {
                stop = ProposalStopReason.Converged;
                return best;
            }

            Perturb();

            // Centres drift with the moves of many rounds: every so often all blocks are looked at again.
            full = round % FullSearchEvery == 0;
            if (!full)
            {
                EnqueueChanged(best);
            }
        }
    }

    /// <summary>
    /// Compactness polish: full worklist passes whose moves lower the compactness and disruption terms
    /// only and keep every territory within the tolerance (or its deviation before the move, when
    /// larger), each pass ending with fresh centres, until a pass moves nothing.
    /// </summary>
    private void Polish(double tolerance)
    {
        for (var pass = 0; pass < PolishPasses && stop is null; pass++)
        {
            var before = iterations;
            var movedBefore = moves;
            LocalSearch(full: true, tolerance);
            if (stop is not null || iterations == before)
            {
                return;
            }

            // Single moves exhausted: swaps trade blocks between territories held at the tolerance.
            if (moves == movedBefore && !SwapPass(tolerance))
            {
                return;
            }
        }
    }

    /// <summary>
    /// One pass of pair swaps: every unlocked block, in a seeded order, is swapped with a block of a
    /// neighbouring territory (one of its neighbours or theirs, bordering the block's territory elsewhere) when
    /// that lowers the compactness and disruption terms, keeps both territories within the tolerance (or their
    /// own deviation), both contiguous, and the moved count within the cap. Returns whether anything moved;
    /// the centres are fresh at the end.
    /// </summary>
    private bool SwapPass(double tolerance)
    {
        var swapped = false;
        Shuffle();
        for (var i = 0; i < n; i++)
        {
            if (++iterations % ClockEvery == 0 && CheckStop())
            {
                break;
            }

            var b = order[i];
            var t = assign[b];
            if (graph.Locked[b] >= 0 || blockCount[t] < 2)
            {
                continue;
            }

            for (var e = graph.Offsets[b]; e < graph.Offsets[b + 1]; e++)
            {
                var u = assign[graph.Neighbours[e]];
                if (u == t || SeenEarlier(b, e, u))
                {
                    continue;
                }

                if (TrySwap(b, t, u, tolerance))
                {
                    swapped = true;
                    break;
                }
            }
        }

        UpdateCentres();
        return swapped;
    }

    /// <summary>Whether an earlier neighbour of b (before edge e) is already in territory u.</summary>
    private bool SeenEarlier(int b, int e, int u)
    {
        for (var f = graph.Offsets[b]; f < e; f++)
        {
            if (assign[graph.Neighbours[f]] == u)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Swaps block b (in t) with the best partner block of u, when one lowers the polish objective; see <see cref="SwapPass"/>.</summary>
    private bool TrySwap(int b, int t, int u, double tolerance)
    {
        var wb = graph.FreeWeight[b];
        var changeB = graph.Moved(b, u) - graph.Moved(b, t);
        var gainB = compactScale * compactMass[b] * (DistanceTo(b, u) - DistanceTo(b, t));
        var partner = -1;
        var partnerDelta = -Epsilon;
        for (var e = graph.Offsets[b]; e < graph.Offsets[b + 1]; e++)
        {
            var m = graph.Neighbours[e];
            if (assign[m] == u)
            {
                Consider(m);
            }

            for (var f = graph.Offsets[m]; f < graph.Offsets[m + 1]; f++)
            {
                var c = graph.Neighbours[f];
                if (assign[c] == u)
                {
                    Consider(c);
                }
            }
        }

        if (partner < 0 || !CanRemove(b, t))
        {
            return false;
        }

        Apply(b, t, u);
        if (!CanRemove(partner, u))
        {
            Apply(b, u, t);
            return false;
        }

        Apply(partner, u, t);
        moves += 2;
        return true;

        void Consider(int c)
        {
            if (graph.Locked[c] >= 0 || c == partner)
            {
                return;
            }

            var wc = graph.FreeWeight[c];
            var change = changeB + graph.Moved(c, t) - graph.Moved(c, u);
            if ((change > 0 && moved + change > movedCap) || !WithinTolerance(t, wc - wb, tolerance) || !WithinTolerance(u, wb - wc, tolerance))
            {
                return;
            }

            var delta = gainB + (compactScale * compactMass[c] * (DistanceTo(c, t) - DistanceTo(c, u))) + (disruptionScale * change);
            if (delta < partnerDelta && BordersBesides(c, t, b))
            {
                partnerDelta = delta;
                partner = c;
            }
        }
    }

    /// <summary>Whether block c has a neighbour in territory t other than block b (so it still borders t once b has left).</summary>
    private bool BordersBesides(int c, int t, int b)
    {
        for (var e = graph.Offsets[c]; e < graph.Offsets[c + 1]; e++)
        {
            var m = graph.Neighbours[e];
            if (m != b && assign[m] == t)
            {
                return true;
            }
        }

        return false;
    }

    private double DistanceTo(int b, int t) =>
        Sphere.DistanceKm(graph.MassX[b], graph.MassY[b], graph.MassZ[b], centreX[t], centreY[t], centreZ[t]);

    /// <summary>
    /// Locked blocks, the live map or from scratch (when balanced) the balanced Lloyd cells, repaired to
    /// contiguity, and one seed block per territory still without one. Returns whether the run is from scratch.
    /// </summary>
    private bool Start(bool balanced)
    {
        var rebalance = false;
        for (var b = 0; b < n; b++)
        {
            var block = problem.Blocks[b];
            assign[b] = block.LockedTerritory >= 0 ? block.LockedTerritory : block.CurrentTerritory;
            rebalance |= block.CurrentTerritory >= 0;
        }

        if (!rebalance && balanced)
        {
            // From scratch: balanced Lloyd cells (k-means centres, power diagram tuned for balance); the
            // pieces cut off from their territory's main one are grown again like a live map's.
            Array.Copy(BalancedLloyd.Assign(graph, compactMass, referenceKm, random), assign, n);
        }

        KeepMainComponents();

        Recompute();
        var needSeed = new List<int>();
        for (var t = 0; t < k; t++)
        {
            if (blockCount[t] == 0)
            {
                needSeed.Add(t);
            }
        }

        if (needSeed.Count == 0)
        {
            return !rebalance;
        }

        // Free blocks: not assigned yet. Home bases take the nearest free block; the others get weighted
        // k-means++ centres over the free blocks, each the nearest free block to its centre.
        var free = new List<int>();
        for (var b = 0; b < n; b++)
        {
            if (assign[b] < 0)
            {
                free.Add(b);
            }
        }

        var withoutHome = new List<int>();
        foreach (var t in needSeed)
        {
            if (graph.HasHome[t] && TakeNearestFree(t, graph.HomeX[t], graph.HomeY[t], graph.HomeZ[t]))
            {
                continue;
            }

            withoutHome.Add(t);
        }

        if (withoutHome.Count > 0)
        {
            free.RemoveAll(b => assign[b] >= 0);
            if (free.Count >= withoutHome.Count)
            {
                var x = new double[free.Count];
                var y = new double[free.Count];
                var z = new double[free.Count];
                var w = new double[free.Count];
                for (var i = 0; i < free.Count; i++)
                {
                    var b = free[i];
                    (x[i], y[i], z[i], w[i]) = (graph.MassX[b], graph.MassY[b], graph.MassZ[b], compactMass[b]);
                }

                var centres = new double[3 * withoutHome.Count];
                WeightedKMeans.Run(x, y, z, w, withoutHome.Count, random, 10, centres, CancellationToken.None);
                for (var c = 0; c < withoutHome.Count; c++)
                {
                    TakeNearestFree(withoutHome[c], centres[3 * c], centres[(3 * c) + 1], centres[(3 * c) + 2]);
                }
            }
        }

        Recompute();
        foreach (var t in needSeed)
        {
            if (blockCount[t] == 0)
            {
                StealSeed(t);
            }
        }

        return !rebalance;
    }

    private bool TakeNearestFree(int t, double x, double y, double z)
    {
        var best = -1;
        var bestDot = double.NegativeInfinity;
        for (var b = 0; b < n; b++)
        {
            if (assign[b] >= 0)
            {
                continue;
            }

            var dot = (graph.CentroidX[b] * x) + (graph.CentroidY[b] * y) + (graph.CentroidZ[b] * z);
            if (dot > bestDot)
            {
                bestDot = dot;
                best = b;
            }
        }

        if (best < 0)
        {
            return false;
        }

        assign[best] = t;
        return true;
    }

    /// <summary>No free block left: the heaviest removable block of the most overweight territory (nearest the home base when there is one).</summary>
    private void StealSeed(int t)
    {
        var from = -1;
        for (var u = 0; u < k; u++)
        {
            if (blockCount[u] > 1 && (from < 0 || Ratio(u) > Ratio(from)))
            {
                from = u;
            }
        }

        var best = -1;
        var bestKey = double.NegativeInfinity;
        for (var b = 0; b < n; b++)
        {
            var owner = assign[b];
            if (graph.Locked[b] >= 0 || owner < 0 || blockCount[owner] < 2 || (!graph.HasHome[t] && owner != from))
            {
                continue;
            }

            var key = graph.HasHome[t]
                ? (graph.CentroidX[b] * graph.HomeX[t]) + (graph.CentroidY[b] * graph.HomeY[t]) + (graph.CentroidZ[b] * graph.HomeZ[t])
                : graph.FreeWeight[b];
            if (key > bestKey && CanRemove(b, owner))
            {
                bestKey = key;
                best = b;
            }
        }

        if (best < 0)
        {
            throw new InvalidOperationException($"No block can be given to territory '{problem.Territories[t].Id}': every block is locked or alone in its territory.");
        }

        Apply(best, assign[best], t);
    }

    /// <summary>A live territory in pieces keeps its main piece (with its locked blocks, else the heaviest); the rest is grown again.</summary>
    private void KeepMainComponents()
    {
        var component = new int[n];
        Array.Fill(component, -1);
        var pieces = new List<(int Territory, bool Locked, double Weight, int First, int Id)>();
        for (var start = 0; start < n; start++)
        {
            var t = assign[start];
            if (t < 0 || component[start] >= 0)
            {
                continue;
            }

            var id = pieces.Count;
            var locked = false;
            double w = 0;
            component[start] = id;
            var head = 0;
            var tail = 0;
            queue[tail++] = start;
            while (head < tail)
            {
                var b = queue[head++];
                locked |= graph.Locked[b] == t;
                w += graph.FreeWeight[b];
                for (var i = graph.Offsets[b]; i < graph.Offsets[b + 1]; i++)
                {
                    var m = graph.Neighbours[i];
                    if (component[m] < 0 && assign[m] == t)
                    {
                        component[m] = id;
                        queue[tail++] = m;
                    }
                }
            }

            pieces.Add((t, locked, w, start, id));
        }

        var main = new int[k];
        Array.Fill(main, -1);
        foreach (var piece in pieces)
        {
            var current = main[piece.Territory];
            if (current < 0 || Better(piece, pieces[current]))
            {
                main[piece.Territory] = piece.Id;
            }
        }

        for (var b = 0; b < n; b++)
        {
            if (assign[b] >= 0 && graph.Locked[b] < 0 && main[assign[b]] != component[b])
            {
                assign[b] = -1;
            }
        }

        static bool Better((int Territory, bool Locked, double Weight, int First, int Id) a, (int Territory, bool Locked, double Weight, int First, int Id) b) =>
            a.Locked != b.Locked ? a.Locked : a.Weight > b.Weight;
    }

    /// <summary>
    /// Region growing: the territory furthest below its target takes its nearest unassigned neighbouring
    /// block (by distance to its anchor), until every block is assigned.
    /// </summary>
    private void Grow()
    {
        var anchorX = new double[k];
        var anchorY = new double[k];
        var anchorZ = new double[k];
        for (var b = 0; b < n; b++)
        {
            if (assign[b] >= 0)
            {
                anchorX[assign[b]] += graph.CentroidX[b];
                anchorY[assign[b]] += graph.CentroidY[b];
                anchorZ[assign[b]] += graph.CentroidZ[b];
            }
        }

        for (var t = 0; t < k; t++)
        {
            if (graph.HasHome[t])
            {
                (anchorX[t], anchorY[t], anchorZ[t]) = (graph.HomeX[t], graph.HomeY[t], graph.HomeZ[t]);
            }
            else
            {
                Sphere.TryNormalise(ref anchorX[t], ref anchorY[t], ref anchorZ[t]);
            }
        }

        var frontier = new PriorityQueue<int, (double, int)>[k];
        for (var t = 0; t < k; t++)
        {
            frontier[t] = new PriorityQueue<int, (double, int)>();
        }

        var unassigned = 0;
        for (var b = 0; b < n; b++)
        {
            if (assign[b] < 0)
            {
                unassigned++;
                continue;
            }

            Push(b);
        }

        while (unassigned > 0)
        {
            var chosen = -1;
            var chosenRatio = double.PositiveInfinity;
            for (var t = 0; t < k; t++)
            {
                var f = frontier[t];
                while (f.Count > 0 && assign[f.Peek()] >= 0)
                {
                    f.Dequeue();
                }

                if (f.Count > 0 && Ratio(t) < chosenRatio)
                {
                    chosenRatio = Ratio(t);
                    chosen = t;
                }
            }

            if (chosen < 0)
            {
                throw new InvalidOperationException("Region growing left blocks that no territory reaches; the block graph should be connected.");
            }

            var block = frontier[chosen].Dequeue();
            assign[block] = chosen;
            weight[chosen] += graph.FreeWeight[block];
            blockCount[chosen]++;
            unassigned--;
            Push(block);
        }

        void Push(int b)
        {
            var t = assign[b];
            for (var i = graph.Offsets[b]; i < graph.Offsets[b + 1]; i++)
            {
                var m = graph.Neighbours[i];
                if (assign[m] < 0)
                {
                    var dot = (graph.CentroidX[m] * anchorX[t]) + (graph.CentroidY[m] * anchorY[t]) + (graph.CentroidZ[m] * anchorZ[t]);
                    frontier[t].Enqueue(m, (-dot, m));
                }
            }
        }
    }

    private double Ratio(int t) => graph.Target[t] > 0 ? weight[t] / graph.Target[t] : blockCount[t];

    /// <summary>
    /// Local search over a worklist: each queued block takes its best improving move, and a move queues the
    /// block's neighbours (the only blocks whose options it changes), until the list is empty. A full
    /// search queues every block in a seeded order; after a perturbation only the blocks it changed and
    /// their neighbours are queued, so a round costs its neighbourhood rather than a sweep of all blocks.
    /// Centres are recomputed after every n visits and at the end.
    /// </summary>
    private void LocalSearch(bool full, double tolerance = double.NaN)
    {
        if (full)
        {
            Shuffle();
            for (var i = 0; i < n; i++)
            {
                Enqueue(order[i]);
            }
        }

        var sinceCentres = 0;
        var movedSinceCentres = false;
        long visits = 0;
        var maxVisits = (long)MaxSweeps * n;
        while (workCount > 0)
        {
            if ((++iterations % ClockEvery == 0 && CheckStop()) || ++visits > maxVisits)
            {
                ClearWork();
                break;
            }

            var b = work[workHead];
            workHead = workHead + 1 == n ? 0 : workHead + 1;
            workCount--;
            queued[b] = false;
            if (++sinceCentres >= n)
            {
                sinceCentres = 0;
                if (movedSinceCentres)
                {
                    UpdateCentres();
                    movedSinceCentres = false;
                }
            }

            var from = assign[b];
            if (graph.Locked[b] >= 0 || blockCount[from] < 2)
            {
                continue;
            }

            var best = -1;
            var bestDelta = -Epsilon;
            var mark = ++stamp;
            for (var e = graph.Offsets[b]; e < graph.Offsets[b + 1]; e++)
            {
                var to = assign[graph.Neighbours[e]];
                if (to == from || territoryMark[to] == mark)
                {
                    continue;
                }

                territoryMark[to] = mark;
                var delta = polishing ? PolishDelta(b, from, to, tolerance) : MoveDelta(b, from, to);
                if (delta < bestDelta)
                {
                    bestDelta = delta;
                    best = to;
                }
            }

            if (best >= 0 && CanRemove(b, from))
            {
                Apply(b, from, best);
                moves++;
                movedSinceCentres = true;
                EnqueueNeighbours(b);
            }
        }

        UpdateCentres();
    }

    /// <summary>Queues the blocks whose assignment differs from the reference plan, with their neighbours.</summary>
    private void EnqueueChanged(int[] reference)
    {
        for (var b = 0; b < n; b++)
        {
            if (assign[b] != reference[b])
            {
                Enqueue(b);
                EnqueueNeighbours(b);
            }
        }
    }

    private void EnqueueNeighbours(int b)
    {
        for (var e = graph.Offsets[b]; e < graph.Offsets[b + 1]; e++)
        {
            Enqueue(graph.Neighbours[e]);
        }
    }

    private void Enqueue(int b)
    {
        if (queued[b])
        {
            return;
        }

        queued[b] = true;
        var slot = workHead + workCount;
        work[slot >= n ? slot - n : slot] = b;
        workCount++;
    }

    private void ClearWork()
    {
        Array.Clear(queued);
        workHead = 0;
        workCount = 0;
    }

    /// <summary>
    /// Kicks the plan out of a local optimum: a few border blocks of the worst territory (or, one round in
    /// four, a random one) pushed to a neighbour when it is over its target, pulled from neighbours when under.
    /// </summary>
    private void Perturb()
    {
        var t = 0;
        if (random.Next(4) == 0)
        {
            t = random.Next(k);
        }
        else
        {
            for (var u = 1; u < k; u++)
            {
                if (Math.Abs(Deviation(u)) > Math.Abs(Deviation(t)))
                {
                    t = u;
                }
            }
        }

        // A territory far below its target is usually trapped (an island group, a corner): move it instead.
        if (Deviation(t) < -MergeSplitBelow && random.Next(3) != 0 && MergeSplit(t))
        {
            UpdateCentres();
            return;
        }

        // Outside the tolerance, a few border blocks rarely help: a sparse territory's weight sits in a city deep
        // inside it. A transfer moves a whole region, with its weight, to (or from) a neighbour instead.
        if (Math.Abs(Deviation(t)) > (options.BalanceTolerance ?? DefaultTolerance) && random.Next(2) == 0 && Transfer(t))
        {
            UpdateCentres();
            return;
        }

        // Candidates in block order: t's border blocks (push) or the blocks bordering t (pull), found from t's
        // blocks only, the neighbour loops being most of the cost of a scan over many blocks.
        var push = Deviation(t) > 0;
        var candidates = new List<int>();
        var seenMark = ++transferStamp;
        for (var b = 0; b < n; b++)
        {
            if (assign[b] != t)
            {
                continue;
            }

            for (var e = graph.Offsets[b]; e < graph.Offsets[b + 1]; e++)
            {
                var m = graph.Neighbours[e];
                if (assign[m] == t)
                {
                    continue;
                }

                if (push)
                {
                    if (graph.Locked[b] < 0)
                    {
                        candidates.Add(b);
                    }

                    break;
                }

                if (graph.Locked[m] < 0 && transferMark[m] != seenMark)
                {
                    transferMark[m] = seenMark;
                    candidates.Add(m);
                }
            }
        }

        if (!push)
        {
            candidates.Sort();
        }

        var moves = 2 + random.Next(7);
        for (var m = 0; m < moves && candidates.Count > 0; m++)
        {
            var pick = random.Next(candidates.Count);
            var b = candidates[pick];
            candidates[pick] = candidates[^1];
            candidates.RemoveAt(candidates.Count - 1);
            var from = assign[b];
            var to = t;
            if (push)
            {
                // A random neighbouring territory of the block.
                var options = 0;
                for (var e = graph.Offsets[b]; e < graph.Offsets[b + 1]; e++)
                {
                    var other = assign[graph.Neighbours[e]];
                    if (other != from && random.Next(++options) == 0)
                    {
                        to = other;
                    }
                }

                if (options == 0)
                {
                    continue;
                }
            }

            if (from == to || blockCount[from] < 2 || !WithinCap(b, from, to) || !CanRemove(b, from))
            {
                continue;
            }

            Apply(b, from, to);
        }

        UpdateCentres();
    }

    /// <summary>
    /// Merge and split: the territory's blocks go to its neighbours, and the territory restarts at the
    /// removable block of the most overweight territory farthest from that one's centre, growing inside it
    /// (breadth first, keeping it contiguous) until the two weigh about the same. Returns false when
    /// nothing could be done; every step respects locks, contiguity and the moved cap.
    /// </summary>
    private bool MergeSplit(int t)
    {
        var heavy = -1;
        for (var u = 0; u < k; u++)
        {
            if (u != t && blockCount[u] > 1 && (heavy < 0 || Deviation(u) > Deviation(heavy)))
            {
                heavy = u;
            }
        }

        if (heavy < 0 || Deviation(heavy) <= 0)
        {
            return false;
        }

        for (var b = 0; b < n; b++)
        {
            if (assign[b] == t && graph.Locked[b] >= 0)
            {
                return false;
            }
        }

        // Dissolve: the territory's blocks go to the neighbouring territories, breadth first from its
        // border (each block joins a territory it touches, so all stay contiguous).
        var snapshot = (int[])assign.Clone();
        var pending = new Queue<int>();
        for (var b = 0; b < n; b++)
        {
            if (assign[b] == t)
            {
                assign[b] = -1;
            }
        }

        for (var b = 0; b < n; b++)
        {
            if (snapshot[b] == t)
            {
                pending.Enqueue(b);
            }
        }

        var stuck = 0;
        while (pending.Count > 0 && stuck <= pending.Count)
        {
            var b = pending.Dequeue();
            var to = -1;
            for (var e = graph.Offsets[b]; e < graph.Offsets[b + 1]; e++)
            {
                var u = assign[graph.Neighbours[e]];
                if (u >= 0 && (to < 0 || Ratio(u) < Ratio(to)))
                {
                    to = u;
                }
            }

            if (to < 0)
            {
                pending.Enqueue(b);
                stuck++;
                continue;
            }

            stuck = 0;
            assign[b] = to;
            compactDirty[t] = true;
            compactDirty[to] = true;
            moved += graph.Moved(b, to) - graph.Moved(b, t);
            weight[t] -= graph.FreeWeight[b];
            weight[to] += graph.FreeWeight[b];
            blockCount[t]--;
            blockCount[to]++;
        }

        if (pending.Count > 0 || moved > movedCap)
        {
            Array.Copy(snapshot, assign, n);
            Recompute();
            return false;
        }

        // The seed: the removable block of the heavy territory farthest from its centre.
        var seed = -1;
        var seedDot = double.PositiveInfinity;
        for (var b = 0; b < n; b++)
        {
            if (assign[b] != heavy || graph.Locked[b] >= 0)
            {
                continue;
            }

            var dot = (graph.MassX[b] * centreX[heavy]) + (graph.MassY[b] * centreY[heavy]) + (graph.MassZ[b] * centreZ[heavy]);
            if (dot < seedDot && WithinCap(b, heavy, t) && CanRemove(b, heavy))
            {
                seedDot = dot;
                seed = b;
            }
        }

        if (seed < 0)
        {
            Array.Copy(snapshot, assign, n);
            Recompute();
            return false;
        }

        Apply(seed, heavy, t);

        // Own queue and marks: CanRemove uses the shared ones.
        var growth = new Queue<int>();
        var seen = new bool[n];
        growth.Enqueue(seed);
        seen[seed] = true;
        while (growth.Count > 0 && weight[t] < weight[heavy] && blockCount[heavy] > 1)
        {
            var c = growth.Dequeue();
            for (var e = graph.Offsets[c]; e < graph.Offsets[c + 1]; e++)
            {
                var m = graph.Neighbours[e];
                if (seen[m] || assign[m] != heavy)
                {
                    continue;
                }

                seen[m] = true;
                if (graph.Locked[m] < 0 && blockCount[heavy] > 1 && WithinCap(m, heavy, t) && CanRemove(m, heavy))
                {
                    Apply(m, heavy, t);
                    growth.Enqueue(m);
                }
            }
        }

        return true;
    }

    /// <summary>
    /// Region transfer: an overweight territory gives, an underweight one takes, a region grown from the
    /// shared border (nearest the receiving centre first, each block keeping the giver contiguous and
    /// touching the receiver) until the two deviations are about equal. The partner is the neighbouring
    /// territory furthest the other way, one time in three a random neighbour. Returns false when nothing moved.
    /// </summary>
    private bool Transfer(int t)
    {
        var over = Deviation(t) > 0;
        var mark = NextStamp();
        var partner = -1;
        var seen = 0;
        var anyNeighbour = random.Next(3) == 0;
        for (var b = 0; b < n; b++)
        {
            if (assign[b] != t)
            {
                continue;
            }

            for (var e = graph.Offsets[b]; e < graph.Offsets[b + 1]; e++)
            {
                var u = assign[graph.Neighbours[e]];
                if (u == t || territoryMark[u] == mark)
                {
                    continue;
                }

                territoryMark[u] = mark;
                if (anyNeighbour ? random.Next(++seen) == 0 : partner < 0 || (over ? Ratio(u) < Ratio(partner) : Ratio(u) > Ratio(partner)))
                {
                    partner = u;
                }
            }
        }

        if (partner < 0)
        {
            return false;
        }

        var from = over ? t : partner;
        var to = over ? partner : t;
        var targetFrom = graph.Target[from];
        var targetTo = graph.Target[to];
        if (targetFrom <= 0 || targetTo <= 0)
        {
            return false;
        }

        // The weight that equalises the two relative deviations, a random share of it for variety.
        var amount = ((weight[from] * targetTo) - (weight[to] * targetFrom)) / (targetFrom + targetTo);
        amount *= 0.5 + (0.5 * random.NextDouble());
        if (amount <= 0)
        {
            return false;
        }

        transferStamp++;
        var frontier = new PriorityQueue<int, (double, int)>();
        for (var b = 0; b < n; b++)
        {
            if (assign[b] == from && graph.Locked[b] < 0 && Touches(b, to))
            {
                transferMark[b] = transferStamp;
                frontier.Enqueue(b, (-Dot(b, to), b));
            }
        }

        double given = 0;
        while (frontier.Count > 0 && given < amount && blockCount[from] > 1)
        {
            var c = frontier.Dequeue();
            var w = graph.FreeWeight[c];
            if (given + w > 2 * amount || !WithinCap(c, from, to) || !CanRemove(c, from))
            {
                continue;
            }

            Apply(c, from, to);
            given += w;
            for (var e = graph.Offsets[c]; e < graph.Offsets[c + 1]; e++)
            {
                var m = graph.Neighbours[e];
                if (transferMark[m] != transferStamp && assign[m] == from && graph.Locked[m] < 0)
                {
                    transferMark[m] = transferStamp;
                    frontier.Enqueue(m, (-Dot(m, to), m));
                }
            }
        }

        return given > 0;
    }

    private bool Touches(int b, int t)
    {
        for (var e = graph.Offsets[b]; e < graph.Offsets[b + 1]; e++)
        {
            if (assign[graph.Neighbours[e]] == t)
            {
                return true;
            }
        }

        return false;
    }

    private double Dot(int b, int t) => (graph.MassX[b] * centreX[t]) + (graph.MassY[b] * centreY[t]) + (graph.MassZ[b] * centreZ[t]);

    private int LightestNeighbour(int b, int t)
    {
        var best = -1;
        for (var e = graph.Offsets[b]; e < graph.Offsets[b + 1]; e++)
        {
            var u = assign[graph.Neighbours[e]];
            if (u != t && (best < 0 || Ratio(u) < Ratio(best)))
            {
                best = u;
            }
        }

        return best;
    }

    private double Deviation(int t) => graph.Target[t] > 0 ? (weight[t] - graph.Target[t]) / graph.Target[t] : 0;

    private bool WithinCap(int b, int from, int to)
    {
        var change = graph.Moved(b, to) - graph.Moved(b, from);
        return change <= 0 || moved + change <= movedCap;
    }

    /// <summary>Score change of moving block b from one territory to another; +∞ when the move breaks the moved-accounts cap.</summary>
    private double MoveDelta(int b, int from, int to)
    {
        var change = graph.Moved(b, to) - graph.Moved(b, from);
        if (change > 0 && moved + change > movedCap)
        {
            return double.PositiveInfinity;
        }

        var w = graph.FreeWeight[b];
        var delta = 0.0;
        var targetFrom = graph.Target[from];
        var targetTo = graph.Target[to];
        if (targetFrom > 0)
        {
            var before = (weight[from] - targetFrom) / targetFrom;
            var after = (weight[from] - w - targetFrom) / targetFrom;
            delta += (after * after) - (before * before);
        }

        if (targetTo > 0)
        {
            var before = (weight[to] - targetTo) / targetTo;
            var after = (weight[to] + w - targetTo) / targetTo;
            delta += (after * after) - (before * before);
        }

        delta *= options.BalanceWeight;
        var x = graph.MassX[b];
        var y = graph.MassY[b];
        var z = graph.MassZ[b];
        delta += compactScale * compactMass[b]
            * (Sphere.DistanceKm(x, y, z, centreX[to], centreY[to], centreZ[to]) - Sphere.DistanceKm(x, y, z, centreX[from], centreY[from], centreZ[from]));
        delta += disruptionScale * change;
        return delta;
    }

    /// <summary>Change of the compactness and disruption terms of moving block b; +∞ when the move breaks the cap or takes a territory outside the tolerance.</summary>
    private double PolishDelta(int b, int from, int to, double tolerance)
    {
        var change = graph.Moved(b, to) - graph.Moved(b, from);
        if (change > 0 && moved + change > movedCap)
        {
            return double.PositiveInfinity;
        }

        var w = graph.FreeWeight[b];
        if (!WithinTolerance(from, -w, tolerance) || !WithinTolerance(to, w, tolerance))
        {
            return double.PositiveInfinity;
        }

        var x = graph.MassX[b];
        var y = graph.MassY[b];
        var z = graph.MassZ[b];
        return (compactScale * compactMass[b]
            * (Sphere.DistanceKm(x, y, z, centreX[to], centreY[to], centreZ[to]) - Sphere.DistanceKm(x, y, z, centreX[from], centreY[from], centreZ[from])))
            + (disruptionScale * change);
    }

    private bool WithinTolerance(int t, double change, double tolerance)
    {
        var target = graph.Target[t];
        if (target <= 0)
        {
            return true;
        }

        var after = Math.Abs((weight[t] + change - target) / target);
        return after <= tolerance || after <= Math.Abs((weight[t] - target) / target);
    }

    private void Apply(int b, int from, int to)
    {
        moved += graph.Moved(b, to) - graph.Moved(b, from);
        weight[from] -= graph.FreeWeight[b];
        weight[to] += graph.FreeWeight[b];
        blockCount[from]--;
        blockCount[to]++;
        assign[b] = to;
        compactDirty[from] = true;
        compactDirty[to] = true;
    }

    /// <summary>
    /// Whether the territory stays connected without block b: every neighbour of b in the territory is
    /// reached from the first one by a search that avoids b (it stops as soon as all are reached).
    /// </summary>
    private bool CanRemove(int b, int t)
    {
        var targets = 0;
        var first = -1;
        var mark = NextStamp();
        for (var e = graph.Offsets[b]; e < graph.Offsets[b + 1]; e++)
        {
            var m = graph.Neighbours[e];
            if (assign[m] == t && targetMark[m] != mark)
            {
                targetMark[m] = mark;
                targets++;
                first = first < 0 ? m : first;
            }
        }

        if (targets <= 1)
        {
            return true;
        }

        visited[b] = mark;
        visited[first] = mark;
        var found = 1;
        var head = 0;
        var tail = 0;
        queue[tail++] = first;
        while (head < tail)
        {
            var c = queue[head++];
            for (var e = graph.Offsets[c]; e < graph.Offsets[c + 1]; e++)
            {
                var m = graph.Neighbours[e];
                if (visited[m] == mark || assign[m] != t)
                {
                    continue;
                }

                visited[m] = mark;
                if (targetMark[m] == mark && ++found == targets)
                {
                    return true;
                }

                queue[tail++] = m;
            }
        }

        return false;
    }

    private int NextStamp()
    {
        if (stamp == int.MaxValue)
        {
            Array.Clear(visited);
            Array.Clear(targetMark);
            Array.Clear(territoryMark);
            stamp = 0;
        }

        return ++stamp;
    }

    /// <summary>Weights, block counts and moved count from the assignment (blocks not yet assigned left out), and the centres.</summary>
    private void Recompute()
    {
        Array.Clear(weight);
        Array.Clear(blockCount);
        Array.Fill(compactDirty, true);
        moved = 0;
        for (var t = 0; t < k; t++)
        {
            weight[t] = graph.PinnedWeight[t];
        }

        for (var b = 0; b < n; b++)
        {
            var t = assign[b];
            if (t < 0)
            {
                continue;
            }

            weight[t] += graph.FreeWeight[b];
            blockCount[t]++;
            moved += graph.Moved(b, t);
        }

        UpdateCentres();
    }

    /// <summary>Centre per territory: the home base, else the weighted centre of its block masses and pinned accounts.</summary>
    private void UpdateCentres()
    {
        Array.Copy(graph.PinnedX, centreX, k);
        Array.Copy(graph.PinnedY, centreY, k);
        Array.Copy(graph.PinnedZ, centreZ, k);
        for (var b = 0; b < n; b++)
        {
            var t = assign[b];
            if (t < 0)
            {
                continue;
            }

            centreX[t] += compactMass[b] * graph.MassX[b];
            centreY[t] += compactMass[b] * graph.MassY[b];
            centreZ[t] += compactMass[b] * graph.MassZ[b];
        }

        for (var t = 0; t < k; t++)
        {
            if (graph.HasHome[t])
            {
                (centreX[t], centreY[t], centreZ[t]) = (graph.HomeX[t], graph.HomeY[t], graph.HomeZ[t]);
            }
            else if (!Sphere.TryNormalise(ref centreX[t], ref centreY[t], ref centreZ[t]))
            {
                (centreX[t], centreY[t], centreZ[t]) = (1, 0, 0);
            }
        }
    }

    /// <summary>The objective of the current plan with freshly computed centres.</summary>
    private double Score()
    {
        UpdateCentres();
        double balance = 0;
        for (var t = 0; t < k; t++)
        {
            var d = Deviation(t);
            balance += d * d;
        }

        // Only the territories whose blocks changed since the last score: a round touches a few of them, and
        // the distances are most of the cost of a score over many blocks.
        for (var t = 0; t < k; t++)
        {
            if (compactDirty[t])
            {
                compactOf[t] = 0;
            }
        }

        for (var b = 0; b < n; b++)
        {
            var t = assign[b];
            if (compactDirty[t])
            {
                compactOf[t] += compactMass[b] * Sphere.DistanceKm(graph.MassX[b], graph.MassY[b], graph.MassZ[b], centreX[t], centreY[t], centreZ[t]);
            }
        }

        Array.Clear(compactDirty);
        double compact = 0;
        for (var t = 0; t < k; t++)
        {
            compact += compactOf[t];
        }

        return (options.BalanceWeight * balance) + (compactScale * compact) + (disruptionScale * moved);
    }

    private double MaxDeviation()
    {
        double max = 0;
        for (var t = 0; t < k; t++)
        {
            max = Math.Max(max, Math.Abs(Deviation(t)));
        }

        return max;
    }

    private void Shuffle()
    {
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
        }

        for (var i = n - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }

    private bool CheckStop()
    {
        if (cancellationToken.IsCancellationRequested)
        {
            stop = ProposalStopReason.Cancelled;
        }
        else if (options.TimeLimit is { } limit && stopwatch.Elapsed >= (polishing || options.BalanceTolerance is null ? limit : limit * SearchShare))
        {
            stop = ProposalStopReason.TimeLimit;
        }
        else if (iterations >= (polishing || options.BalanceTolerance is null ? iterationBudget : (long)(iterationBudget * SearchShare)))
        {
            stop = ProposalStopReason.IterationBudget;
        }

        Report(polishing ? "polishing" : "improving", force: false);
        return stop is not null;
    }

    private void Report(string phase, bool force)
    {
        if (progress is null)
        {
            return;
        }

        var elapsed = stopwatch.Elapsed;
        if (!force && elapsed - lastReport < TimeSpan.FromMilliseconds(250))
        {
            return;
        }

        lastReport = elapsed;
        progress.Report(new ProposalProgress(phase, iterations, elapsed, MaxDeviation(), BestScore));
    }
}

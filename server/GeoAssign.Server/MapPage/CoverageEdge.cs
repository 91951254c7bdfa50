// One border of a layer's coverage between two nodes, simplified per zoom level once and shared across map versions.
namespace GeoAssign.Server.MapPage;

/// <summary>
/// One edge of a layer's coverage: the full-resolution coordinates of a border between two nodes (or a
/// whole ring that meets no other border), in a canonical direction so that both territories beside it
/// find the same edge. Its simplification per zoom level is computed once and kept with the edge, and
/// the edge object is carried into the next map version for every territory an edit did not touch, so
/// a new version simplifies only the borders that changed. Each zoom level is derived from the next
/// finer one (Visvalingam–Whyatt, endpoints fixed), so a coarse level costs a fraction of the full
/// resolution. Equality is by content. Thread-safe: a level computed twice at once is computed the same.
/// </summary>
internal sealed class CoverageEdge : IEquatable<CoverageEdge>
{
    private readonly double[]?[] _levels = new double[]?[TerritoryDrawing.MaxZoom + 1];
    private readonly int _hash;

    /// <summary>Creates an edge from interleaved x, y coordinates already in canonical direction.</summary>
    public CoverageEdge(double[] xy, bool isRing)
    {
        Xy = xy;
        IsRing = isRing;
        var hash = new HashCode();
        hash.Add(isRing);
        foreach (var value in xy)
        {
            hash.Add(value);
        }

        _hash = hash.ToHashCode();
    }

    /// <summary>The full-resolution coordinates, x and y interleaved.</summary>
    public double[] Xy { get; }

    /// <summary>Whether the edge is a whole ring (first point = last point, no node on it).</summary>
    public bool IsRing { get; }

    /// <summary>The number of points at full resolution.</summary>
    public int Count => Xy.Length / 2;

    /// <summary>
    /// The coordinates at <paramref name="stage"/>: a zoom level from 0 to <see cref="TerritoryDrawing.MaxZoom"/>,
    /// or <see cref="TerritoryDrawing.MaxZoom"/> + 1 for the full resolution. Counts each level it computes in <paramref name="counters"/>.
    /// </summary>
    public double[] At(int stage, DrawingCounters counters)
    {
        if (stage > TerritoryDrawing.MaxZoom)
        {
            return Xy;
        }

        if (Volatile.Read(ref _levels[stage]) is { } done)
        {
            return done;
        }

        // Derived from the next finer level: fewer points to look at, and the levels nest.
        var finer = At(stage + 1, counters);
        var area = 2 * TerritoryDrawing.Tolerance(stage);
        var simplified = Simplify(finer, area * area, IsRing ? 4 : 2);
        counters.CountEdgeLevel();
        Volatile.Write(ref _levels[stage], simplified);
        return simplified;
    }

    // Visvalingam–Whyatt: removes the point with the smallest triangle while it is under the area
    // tolerance; the endpoints stay (they are nodes, or the fixed start of a ring).
    private static double[] Simplify(double[] xy, double areaTolerance, int minPoints)
    {
        var n = xy.Length / 2;
        if (n <= minPoints)
        {
            return xy;
        }

        var prev = new int[n];
        var next = new int[n];
        var area = new double[n];
        for (var i = 0; i < n; i++)
        {
            prev[i] = i - 1;
            next[i] = i + 1;
        }

        var queue = new PriorityQueue<int, (double, int)>(n);
        for (var i = 1; i < n - 1; i++)
        {
            area[i] = Triangle(xy, i - 1, i, i + 1);
            if (area[i] <= areaTolerance)
            {
                queue.Enqueue(i, (area[i], i));
            }
        }

        var left = n;
        var removed = new bool[n];
        while (left > minPoints && queue.TryDequeue(out var i, out var key))
        {
            if (removed[i] || key.Item1 != area[i])
            {
                continue; // stale: the point went, or its triangle changed when a neighbour went
            }

            removed[i] = true;
            left--;
            var p = prev[i];
            var q = next[i];
            next[p] = q;
            prev[q] = p;
            foreach (var j in (ReadOnlySpan<int>)[p, q])
            {
                if (j > 0 && j < n - 1)
                {
                    area[j] = Triangle(xy, prev[j], j, next[j]);
                    if (area[j] <= areaTolerance)
                    {
                        queue.Enqueue(j, (area[j], j));
                    }
                    else
                    {
                        area[j] = double.NaN; // above the tolerance for good: stale entries never match NaN
                    }
                }
            }
        }

        var result = new double[left * 2];
        var k = 0;
        for (var i = 0; i < n; i = next[i])
        {
            result[k++] = xy[2 * i];
            result[k++] = xy[(2 * i) + 1];
        }

        return result;
    }

    private static double Triangle(double[] xy, int a, int b, int c) =>
        Math.Abs(((xy[2 * b] - xy[2 * a]) * (xy[(2 * c) + 1] - xy[(2 * a) + 1])) - ((xy[2 * c] - xy[2 * a]) * (xy[(2 * b) + 1] - xy[(2 * a) + 1]))) / 2;

    /// <inheritdoc/>
    public bool Equals(CoverageEdge? other) =>
        other is not null && (ReferenceEquals(this, other) || (_hash == other._hash && IsRing == other.IsRing && Xy.AsSpan().SequenceEqual(other.Xy)));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as CoverageEdge);

    /// <inheritdoc/>
    public override int GetHashCode() => _hash;
}

/// <summary>What the drawing computed, for tests and logs: counts only grow. Thread-safe.</summary>
internal sealed class DrawingCounters
{
    private long _territoriesChecked;
    private long _territoriesSplit;
    private long _edgeLevels;

    /// <summary>Territories whose coverage check ran (the rest kept the previous version's answer).</summary>
    public long TerritoriesChecked => Interlocked.Read(ref _territoriesChecked);

    /// <summary>Territories whose borders were split into edges (the rest kept the previous version's edges).</summary>
    public long TerritoriesSplit => Interlocked.Read(ref _territoriesSplit);

    /// <summary>Edge simplifications at one zoom level.</summary>
    public long EdgeLevels => Interlocked.Read(ref _edgeLevels);

    public void CountChecked(int count) => Interlocked.Add(ref _territoriesChecked, count);

    public void CountSplit(int count) => Interlocked.Add(ref _territoriesSplit, count);

    public void CountEdgeLevel() => Interlocked.Increment(ref _edgeLevels);
}

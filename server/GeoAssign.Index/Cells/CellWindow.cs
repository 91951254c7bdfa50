// The leaves of a layer's cell index that meet a longitude/latitude box: what the map page's "look inside" draws.
using GeoAssign.H3;
using H3Api = GeoAssign.H3.H3;

namespace GeoAssign.Index.Cells;

/// <summary>One leaf cell of a layer index: answered by the cell alone (interior) or needing the exact test (boundary).</summary>
/// <param name="Cell">The leaf's H3 cell (any resolution up to the index's).</param>
/// <param name="Interior">True when a lookup in the cell is answered without geometry (<see cref="AssignmentReason.InteriorCell"/>).</param>
/// <param name="Candidates">The territories of the leaf in precedence order, each with whether it covers the whole cell.</param>
public readonly record struct IndexCell(H3Index Cell, bool Interior, IReadOnlyList<(IndexedTerritory Territory, bool WholeCell)> Candidates);

/// <summary>
/// The non-empty leaves of a <see cref="LayerIndex"/> whose cells meet a box, coarsest first, at most
/// a limit of them; <see cref="Total"/> counts all that meet it (up to a walking budget, past which
/// <see cref="TotalIsExact"/> is false). Immutable once made.
/// </summary>
/// <param name="Cells">The leaves kept, coarsest resolution first.</param>
/// <param name="Total">Leaves that meet the box (a lower bound when <see cref="TotalIsExact"/> is false).</param>
/// <param name="TotalIsExact">False when the walk stopped counting at its budget.</param>
public sealed record CellWindow(IReadOnlyList<IndexCell> Cells, long Total, bool TotalIsExact)
{
    /// <summary>Leaves counted at most, past the kept ones: a whole-world view of a fine index has millions, and counting them all would cost seconds.</summary>
    public const int CountingBudget = 200_000;

    /// <summary>
    /// Walks <paramref name="index"/> breadth first, pruning every subtree whose cell's bounding cap
    /// misses the box, and keeps up to <paramref name="limit"/> leaves (coarsest first, so a capped
    /// answer still covers the view with the big cells). <paramref name="west"/> greater than
    /// <paramref name="east"/> is a box across the antimeridian. Thread-safe: reads an immutable index.
    /// </summary>
    public static CellWindow Collect(LayerIndex index, double west, double south, double east, double north, int limit)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        if (east < west) east += 360;
        var cells = new List<IndexCell>(Math.Min(limit, 4096));
        long total = 0;
        var level = new List<(H3Index Cell, int Value)>();
        var res0 = H3Api.GetRes0Cells();
        for (int bc = 0; bc < index.Roots.Length; bc++) level.Add((res0[bc], index.Roots[bc]));
        var next = new List<(H3Index Cell, int Value)>();
        for (int res = 0; level.Count > 0; res++)
        {
            next.Clear();
            foreach (var (cell, value) in level)
            {
                if (value == LayerIndex.EmptyLeaf || !Meets(cell, west, south, east, north)) continue;
                if (value < 0)
                {
                    total++;
                    if (cells.Count < limit) cells.Add(Leaf(index, cell, value));
                    else if (total >= limit + (long)CountingBudget) return new CellWindow(cells, total, false);
                    continue;
                }
                foreach (var child in H3Api.CellToChildren(cell, res + 1))
                {
                    next.Add((child, index.Nodes[value * LayerIndex.NodeStride + child.GetDigit(res + 1)]));
                }
            }
            (level, next) = (next, level);
        }
        return new CellWindow(cells, total, true);
    }

    private static IndexCell Leaf(LayerIndex index, H3Index cell, int value)
    {
        if (LayerIndex.IsWinnerLeaf(value))
        {
            return new IndexCell(cell, true, [(index.Slots[LayerIndex.LeafPayload(value)]!, true)]);
        }
        int offset = LayerIndex.LeafPayload(value);
        int count = index.Lists[offset];
        var candidates = new (IndexedTerritory, bool)[count];
        for (int i = 0; i < count; i++)
        {
            int entry = index.Lists[offset + 1 + i];
            candidates[i] = (index.Slots[entry >> 1]!, (entry & 1) == 0);
        }
        // As LayerIndex.Resolve: a first candidate that covers the whole cell answers without geometry.
        return new IndexCell(cell, (index.Lists[offset + 1] & 1) == 0, candidates);
    }

    // Whether the cell's bounding cap meets the box: conservative (a cap is larger than its cell), so
    // nothing that meets the box is left out; a few cells just outside it may be kept.
    private static bool Meets(H3Index cell, double west, double south, double east, double north)
    {
        var (center, radius) = H3Api.CellToBoundingCap(cell);
        // The cap's radius in degrees, with a margin for rounding (the cap is exact only up to ~1e-15 rad).
        double r = radius * (180 / Math.PI) + 1e-9;
        if (center.Lat - r > north || center.Lat + r < south) return false;
        if (center.Lat + r >= 90 || center.Lat - r <= -90) return true;
        double cos = Math.Cos(center.Lat * (Math.PI / 180));
        double sin = Math.Sin(radius);
        if (sin >= cos) return true;
        double half = Math.Asin(sin / cos) * (180 / Math.PI) + 1e-9;
        double from = center.Lng - half, to = center.Lng + half;
        for (int shift = -360; shift <= 360; shift += 360)
        {
            if (from + shift <= east && to + shift >= west) return true;
        }
        return false;
    }
}

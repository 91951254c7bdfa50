// Compacting a cell set (complete families of children → their parent) and expanding it again.
namespace GeoAssign.H3;

internal static class Compaction
{
    public static H3Index[] Compact(ReadOnlySpan<H3Index> cells)
    {
        // Work set of distinct valid cells (H3's null index is skipped, as in the reference).
        var current = new HashSet<ulong>(cells.Length);
        foreach (var cell in cells)
        {
            if (cell.Value == 0) continue;
            if (!H3.IsValidCell(cell)) throw H3.InvalidCell(cell);
            if (!current.Add(cell.Value)) throw new H3Exception(H3Error.DuplicateInput, $"Cell {cell} appears more than once in the set to compact.");
        }

        // An ancestor together with its descendant counts the same area twice.
        foreach (ulong h in current)
        {
            int res = H3Index.ResolutionOf(h);
            for (int r = res - 1; r >= 0; r--)
            {
                H3.TryCellToParent(new H3Index(h), r, out var ancestor);
                if (current.Contains(ancestor.Value))
                {
                    throw new H3Exception(H3Error.DuplicateInput, $"Cell {new H3Index(h)} and its ancestor {ancestor} are both in the set to compact.");
                }
            }
        }

        // From the finest resolution up: a parent with all of its children present replaces them.
        var result = new List<H3Index>(current.Count);
        var byRes = new List<ulong>[H3.MaxResolution + 1];
        for (int r = 0; r <= H3.MaxResolution; r++) byRes[r] = [];
        foreach (ulong h in current) byRes[H3Index.ResolutionOf(h)].Add(h);

        for (int res = H3.MaxResolution; res >= 1; res--)
        {
            var level = byRes[res];
            if (level.Count == 0) continue;
            var childCount = new Dictionary<ulong, int>();
            foreach (ulong h in level)
            {
                H3.TryCellToParent(new H3Index(h), res - 1, out var parent);
                childCount[parent.Value] = childCount.GetValueOrDefault(parent.Value) + 1;
            }
            foreach (ulong h in level)
            {
                H3.TryCellToParent(new H3Index(h), res - 1, out var parent);
                int needed = H3.IsPentagonUnchecked(parent.Value) ? 6 : 7;
                if (childCount[parent.Value] != needed) result.Add(new H3Index(h));
            }
            foreach (var (parent, count) in childCount)
            {
                if (count == (H3.IsPentagonUnchecked(parent) ? 6 : 7)) byRes[res - 1].Add(parent);
            }
        }
        foreach (ulong h in byRes[0]) result.Add(new H3Index(h));
        return [.. result];
    }

    public static H3Index[] Uncompact(ReadOnlySpan<H3Index> cells, int res)
    {
        if ((uint)res > H3.MaxResolution) throw new H3Exception(H3Error.ResDomain, $"Resolution {res} is outside 0..{H3.MaxResolution}.");
        // Resolutions are checked before validity, in the order H3 reports them.
        foreach (var cell in cells)
        {
            if (cell.Value != 0 && cell.Resolution > res) throw new H3Exception(H3Error.ResMismatch, $"Cell {cell} (resolution {cell.Resolution}) is finer than the target resolution {res}.");
        }
        long total = 0;
        foreach (var cell in cells)
        {
            if (cell.Value == 0) continue;
            if (!H3.IsValidCell(cell)) throw H3.InvalidCell(cell);
            total += H3.ChildCountUnchecked(res - cell.Resolution, H3.IsPentagonUnchecked(cell.Value));
        }
        if (total > Array.MaxLength) throw new H3Exception(H3Error.MemoryBounds, $"Uncompacting to resolution {res} yields {total} cells, more than an array can hold.");

        var result = new H3Index[total];
        int n = 0;
        foreach (var cell in cells)
        {
            if (cell.Value == 0) continue;
            foreach (var child in H3.CellToChildren(cell, res)) result[n++] = child;
        }
        return result;
    }
}

// All cells within k steps of an origin, by breadth-first search over neighbours.
namespace GeoAssign.H3;

internal static class GridDiskTraversal
{
    /// <summary>
    /// Breadth-first from the origin, ring by ring; each ring is the not-yet-seen neighbours of the
    /// previous one. Correct around pentagons, where the ring structure of a hexagonal grid breaks.
    /// </summary>
    public static int Disk(ulong origin, int k, Span<H3Index> output)
    {
        output[0] = new H3Index(origin);
        int count = 1;
        int ringStart = 0;
        HashSet<ulong>? seen = output.Length > 64 ? new HashSet<ulong> { origin } : null;
        for (int step = 0; step < k; step++)
        {
            int ringEnd = count;
            for (int i = ringStart; i < ringEnd; i++)
            {
                ulong cell = output[i].Value;
                for (int dir = 1; dir <= 6; dir++)
                {
                    int rotations = 0;
                    if (Traversal.Neighbor(cell, dir, ref rotations, out ulong neighbor) != H3Error.Success) continue;
                    if (seen is not null ? !seen.Add(neighbor) : Contains(output[..count], neighbor)) continue;
                    output[count++] = new H3Index(neighbor);
                }
            }
            ringStart = ringEnd;
        }
        return count;
    }

    private static bool Contains(ReadOnlySpan<H3Index> cells, ulong h)
    {
        foreach (var c in cells)
        {
            if (c.Value == h) return true;
        }
        return false;
    }
}

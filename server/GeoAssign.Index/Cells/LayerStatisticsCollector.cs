// Counts a layer index's leaves by kind and resolution, and its memory.
namespace GeoAssign.Index.Cells;

internal static class LayerStatisticsCollector
{
    public static LayerStatistics Collect(LayerIndex index)
    {
        var interior = new long[16];
        var boundary = new long[16];
        var empty = new long[16];
        var lists = new HashSet<int>();
        var winners = new HashSet<int>();
        long nodes = 0;
        foreach (int root in index.Roots) Walk(index, root, 0, interior, boundary, empty, lists, winners, ref nodes);

        // Area weights: a resolution-r cell is about 7^-r of a base cell.
        double interiorArea = 0, boundaryArea = 0;
        double weight = 1;
        for (int r = 0; r < 16; r++)
        {
            interiorArea += interior[r] * weight;
            boundaryArea += boundary[r] * weight;
            weight /= 7;
        }
        long listInts = 0;
        foreach (int offset in lists) listInts += 1 + index.Lists[offset];
        long shapeBytes = 0;
        int territories = 0;
        foreach (var t in index.Slots)
        {
            if (t is null) continue;
            territories++;
            shapeBytes += t.Shape.ByteCount;
        }
        return new LayerStatistics(
            territories,
            index.Resolution,
            interior,
            boundary,
            empty,
            interiorArea + boundaryArea == 0 ? 0 : boundaryArea / (interiorArea + boundaryArea),
            lists.Count + winners.Count,
            nodes * LayerIndex.NodeStride * sizeof(int) + listInts * sizeof(int) + index.Roots.Length * sizeof(int)
                + (ReachableJumps(index) * LayerIndex.JumpStride + index.Top.Length) * sizeof(int),
            shapeBytes,
            index.BuildTime,
            index.Incremental);
    }

    // The two-level nodes the current version reaches (older versions' ones are garbage in shared arrays).
    private static long ReachableJumps(LayerIndex index)
    {
        var seen = new HashSet<int>();
        var stack = new Stack<int>();
        foreach (int value in index.Top) if (value >= 0 && seen.Add(value)) stack.Push(value);
        while (stack.Count > 0)
        {
            int jump = stack.Pop();
            for (int slot = 0; slot < LayerIndex.JumpStride; slot++)
            {
                int value = index.Jumps[jump * LayerIndex.JumpStride + slot];
                if (value >= 0 && seen.Add(value)) stack.Push(value);
            }
        }
        return seen.Count;
    }

    private static void Walk(LayerIndex index, int value, int res, long[] interior, long[] boundary, long[] empty, HashSet<int> lists, HashSet<int> winners, ref long nodes)
    {
        if (value == LayerIndex.EmptyLeaf)
        {
            empty[res]++;
            return;
        }
        if (value < 0 && LayerIndex.IsWinnerLeaf(value))
        {
            // A winner leaf stands for a one-entry list (counted among the lists) and needs no test.
            winners.Add(value);
            interior[res]++;
            return;
        }
        if (value < 0)
        {
            int offset = LayerIndex.LeafPayload(value);
            lists.Add(offset);
            // A leaf whose first candidate needs no test is answered without geometry.
            if ((index.Lists[offset + 1] & 1) == 0) interior[res]++;
            else boundary[res]++;
            return;
        }
        nodes++;
        for (int digit = 0; digit < 7; digit++)
        {
            Walk(index, index.Nodes[value * LayerIndex.NodeStride + digit], res + 1, interior, boundary, empty, lists, winners, ref nodes);
        }
    }
}

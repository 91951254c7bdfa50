// Builds a layer's cell index, in full or incrementally for the cells an edit touches.
using System.Diagnostics;
using GeoAssign.H3;
using GeoAssign.Index.Geometry;
using GeoAssign.Index.Model;
using H3Api = GeoAssign.H3.H3;

namespace GeoAssign.Index.Cells;

/// <summary>
/// The single writer of one layer's index. It owns append-only arrays that successive
/// <see cref="LayerIndex"/> versions share: an edit appends the rebuilt paths of the cells whose
/// footprint meets the old or new geometry of a changed territory and reuses every other subtree, then
/// publishes a new version. Not thread-safe: one writer per layer, called under the map's write lock.
/// </summary>
internal sealed class LayerIndexWriter
{
    // An edit re-examines a subtree when this multiple of its cell's cap radius meets a changed territory:
    // it bounds the footprints of every leaf decision inside the subtree (see CellFootprint).
    private const double InfluenceFactor = 3.0;

    private readonly string _layer;
    private readonly int _resolution;
    private CellStore _store = new();
    private readonly Dictionary<string, int> _slotById = new(StringComparer.Ordinal);
    private IndexedTerritory?[] _slots = [];
    private int _slotCount;
    private LayerIndex? _current;
    private int _nodesAtLastFullBuild;

    public LayerIndexWriter(string layer, int resolution)
    {
        _layer = layer;
        _resolution = resolution;
    }

    public int Resolution => _resolution;

    public LayerIndex? Current => _current;

    /// <summary>The slot a territory id has (or gets) in this layer.</summary>
    public int SlotFor(string id)
    {
        if (!_slotById.TryGetValue(id, out int slot))
        {
            slot = _slotCount++;
            _slotById.Add(id, slot);
        }
        return slot;
    }

    /// <summary>
    /// Publishes a new version in which <paramref name="changed"/> (territories upserted into the layer)
    /// and <paramref name="removed"/> (ids deleted from or moved out of the layer) are applied, and
    /// <paramref name="refreshed"/> (entries whose geometry and precedence are unchanged, e.g. a new
    /// owner or ancestor path) replace their old entries without touching cells.
    /// </summary>
    public LayerIndex Apply(IReadOnlyList<IndexedTerritory> changed, IReadOnlyList<string> removed, IReadOnlyList<IndexedTerritory> refreshed)
    {
        var stopwatch = Stopwatch.StartNew();
        var old = _current;
        var slots = new IndexedTerritory?[Math.Max(_slotCount, 1)];
        Array.Copy(_slots, slots, Math.Min(_slots.Length, slots.Length));

        // Old and new shapes of every changed territory: the cells where either meets a border, or
        // where they disagree, must be rebuilt.
        var region = new List<ShapeChange>();
        foreach (var id in removed)
        {
            if (_slotById.TryGetValue(id, out int slot) && slots[slot] is { } gone)
            {
                region.Add(new ShapeChange(gone.Shape, null, false));
                slots[slot] = null;
            }
        }
        foreach (var entry in changed)
        {
            var previous = slots[entry.Slot];
            bool precedenceChanged = previous is not null && previous.Territory.Priority != entry.Territory.Priority;
            region.Add(new ShapeChange(previous?.Shape, entry.Shape, precedenceChanged));
            slots[entry.Slot] = entry;
        }
        foreach (var entry in refreshed) slots[entry.Slot] = entry;

        // Garbage from path copying is dropped by a full rebuild once the arrays have grown well past the last one.
        bool full = old is null || _store.NodeCount > 3 * _nodesAtLastFullBuild + (1 << 20);
        var candidates = SortedCandidates(slots);
        var roots = new int[H3Api.BaseCellCount];
        var res0 = H3Api.GetRes0Cells();
        if (full)
        {
            // Start over in fresh arrays (versions still being read keep the old ones). Base cells are
            // independent, so each is built into its own store in parallel and merged in order.
            var parts = new CellStore[roots.Length];
            var partRoots = new int[roots.Length];
            Parallel.For(0, roots.Length, bc =>
            {
                var part = new CellStore();
                partRoots[bc] = Build(part, H3Api.GetRes0Cells()[bc], 0, candidates, LayerIndex.EmptyLeaf, null);
                parts[bc] = part;
            });
            _store = new CellStore();
            for (int bc = 0; bc < roots.Length; bc++) roots[bc] = _store.Merge(parts[bc], partRoots[bc]);
            _nodesAtLastFullBuild = _store.NodeCount;
        }
        else
        {
            for (int bc = 0; bc < roots.Length; bc++) roots[bc] = Build(_store, res0[bc], 0, candidates, old!.Roots[bc], region);
        }

        _slots = slots;
        var index = new LayerIndex(_layer, _resolution, _store.Nodes, _store.Lists, roots, slots, stopwatch.Elapsed, !full);
        _current = index;
        return index;
    }

    private static List<IndexedTerritory> SortedCandidates(IndexedTerritory?[] slots)
    {
        var list = new List<IndexedTerritory>();
        foreach (var s in slots) if (s is not null) list.Add(s);
        list.Sort(static (a, b) => TerritoryPrecedence.Compare(a.Territory.Priority, a.Territory.Id, b.Territory.Priority, b.Territory.Id));
        return list;
    }

    /// <summary>The slot value for <paramref name="cell"/>: a leaf, or a node whose children are built recursively.</summary>
    private int Build(CellStore store, H3Index cell, int res, List<IndexedTerritory> parentCandidates, int oldValue, List<ShapeChange>? touch)
    {
        // One cap per visited cell serves both the change test and the footprint.
        var (center, radius) = H3Api.CellToBoundingCap(cell);
        if (touch is not null && !Touches(CellFootprint.FromCap(center, radius * InfluenceFactor), touch)) return oldValue;
        if (parentCandidates.Count == 0) return LayerIndex.EmptyLeaf;

        bool finest = res == _resolution;
        var footprint = CellFootprint.FromCap(center, finest ? radius : radius * CellFootprint.DescendantsFactor);
        // One reusable list per depth: a frame's list stays intact while its children use the next one.
        var candidates = store.CandidatesAt(res);
        Span<int> entries = stackalloc int[3];
        var longEntries = (List<int>?)null;
        int entryCount = 0;
        bool fixedAnswer = false;
        foreach (var t in parentCandidates)
        {
            var coverage = footprint.Classify(t.Shape);
            if (coverage == Coverage.None) continue;
            candidates.Add(t);
            int entry = (t.Slot << 1) | (coverage == Coverage.Full ? 0 : 1);
            if (entryCount < 3) entries[entryCount] = entry;
            else
            {
                longEntries ??= [entries[0], entries[1], entries[2]];
                longEntries.Add(entry);
            }
            entryCount++;
            // Nothing below a territory that covers the whole footprint can win.
            if (coverage == Coverage.Full)
            {
                fixedAnswer = entryCount == 1;
                break;
            }
        }

        if (entryCount == 0) return LayerIndex.EmptyLeaf;
        if (fixedAnswer || finest)
        {
            return longEntries is null ? store.InternList(entries[..entryCount]) : store.InternList(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(longEntries));
        }

        // Recurse into the children (a pentagon has none with digit 1; its slot stays empty).
        Span<int> children = stackalloc int[7];
        children.Fill(LayerIndex.EmptyLeaf);
        bool pentagon = H3Api.IsPentagon(cell);
        foreach (var child in H3Api.CellToChildren(cell, res + 1))
        {
            int digit = child.GetDigit(res + 1);
            int oldChild = oldValue >= 0 ? store.Nodes[oldValue * LayerIndex.NodeStride + digit] : oldValue;
            children[digit] = Build(store, child, res + 1, candidates, oldChild, touch);
        }

        // Identical leaves in every child collapse into one leaf here.
        int first = children[0];
        bool same = first < 0;
        for (int digit = 1; digit < 7 && same; digit++)
        {
            if (pentagon && digit == 1) continue;
            same = children[digit] == first;
        }
        if (same) return first;
        return store.AddNode(children);
    }

    /// <summary>
    /// Whether some leaf decision in the cell's subtree may change: the changed territory's old or new
    /// shape meets a border inside the subtree's influence footprint, or they cover it differently, or
    /// its precedence changed where it covers anything. Where old and new both cover the whole footprint,
    /// or neither touches it, every leaf below keeps its answer.
    /// </summary>
    private static bool Touches(CellFootprint influence, List<ShapeChange> region)
    {
        foreach (var change in region)
        {
            var before = change.Old is null ? Coverage.None : influence.Classify(change.Old);
            if (before == Coverage.Partial) return true;
            var after = change.New is null ? Coverage.None : influence.Classify(change.New);
            if (after != before) return true;
            if (change.PrecedenceChanged && after != Coverage.None) return true;
        }
        return false;
    }

    /// <summary>A territory's shape before and after a change (null where it did not exist).</summary>
    private readonly record struct ShapeChange(TerritoryShape? Old, TerritoryShape? New, bool PrecedenceChanged);

    /// <summary>
    /// Append-only trie nodes and interned candidate lists. A published <see cref="LayerIndex"/> holds the
    /// arrays as they were; growth copies into new arrays, so readers never see a write.
    /// </summary>
    private sealed class CellStore
    {
        private readonly Dictionary<(int Count, int A, int B, int C), int> _shortLists = [];
        private readonly Dictionary<string, int> _longLists = new(StringComparer.Ordinal);

        public int[] Nodes { get; private set; } = new int[LayerIndex.NodeStride * 256];

        public int NodeCount { get; private set; }

        public int[] Lists { get; private set; } = new int[256];

        public int ListLength { get; private set; }

        private readonly List<IndexedTerritory>[] _candidates = new List<IndexedTerritory>[GeoAssign.H3.H3.MaxResolution + 1];

        /// <summary>The cleared candidate list for a frame at <paramref name="res"/>.</summary>
        public List<IndexedTerritory> CandidatesAt(int res)
        {
            var list = _candidates[res] ??= [];
            list.Clear();
            return list;
        }

        public int AddNode(ReadOnlySpan<int> children)
        {
            int needed = (NodeCount + 1) * LayerIndex.NodeStride;
            if (needed > Nodes.Length)
            {
                var grown = new int[Math.Max(needed, Nodes.Length * 2)];
                Array.Copy(Nodes, grown, NodeCount * LayerIndex.NodeStride);
                Nodes = grown;
            }
            int node = NodeCount++;
            children.CopyTo(Nodes.AsSpan(node * LayerIndex.NodeStride, 7));
            Nodes[node * LayerIndex.NodeStride + 7] = 0;
            return node;
        }

        /// <summary>The leaf value of the candidate list, stored once however many cells use it.</summary>
        public int InternList(ReadOnlySpan<int> entries)
        {
            int offset;
            if (entries.Length <= 3)
            {
                var key = (entries.Length, entries.Length > 0 ? entries[0] : 0, entries.Length > 1 ? entries[1] : 0, entries.Length > 2 ? entries[2] : 0);
                if (!_shortLists.TryGetValue(key, out offset))
                {
                    offset = AppendList(entries);
                    _shortLists.Add(key, offset);
                }
            }
            else
            {
                var key = string.Join(',', entries.ToArray());
                if (!_longLists.TryGetValue(key, out offset))
                {
                    offset = AppendList(entries);
                    _longLists.Add(key, offset);
                }
            }
            return -2 - offset;
        }

        /// <summary>Copies another store's subtree rooted at <paramref name="value"/> into this one and returns its value here.</summary>
        public int Merge(CellStore part, int value)
        {
            if (value == LayerIndex.EmptyLeaf) return value;
            if (value < 0) return InternList(part.ListAt(-2 - value));
            int nodeBase = NodeCount;
            Span<int> children = stackalloc int[7];
            // Post-order construction means every child index is below its parent's, so nodes copy in order.
            var leafMap = new Dictionary<int, int>();
            for (int n = 0; n < part.NodeCount; n++)
            {
                for (int d = 0; d < 7; d++)
                {
                    int v = part.Nodes[n * LayerIndex.NodeStride + d];
                    if (v >= 0) v += nodeBase;
                    else if (v != LayerIndex.EmptyLeaf)
                    {
                        if (!leafMap.TryGetValue(v, out int mapped)) leafMap[v] = mapped = InternList(part.ListAt(-2 - v));
                        v = mapped;
                    }
                    children[d] = v;
                }
                AddNode(children);
            }
            return value + nodeBase;
        }

        private ReadOnlySpan<int> ListAt(int offset) => Lists.AsSpan(offset + 1, Lists[offset]);

        private int AppendList(ReadOnlySpan<int> entries)
        {
            int needed = ListLength + 1 + entries.Length;
            if (needed > Lists.Length)
            {
                var grown = new int[Math.Max(needed, Lists.Length * 2)];
                Array.Copy(Lists, grown, ListLength);
                Lists = grown;
            }
            int offset = ListLength;
            Lists[offset] = entries.Length;
            entries.CopyTo(Lists.AsSpan(offset + 1));
            ListLength = needed;
            return offset;
        }
    }
}

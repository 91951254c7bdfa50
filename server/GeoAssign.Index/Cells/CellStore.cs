// The append-only arena of a layer's cell trie: nodes, interned candidate lists, two-level nodes.
namespace GeoAssign.Index.Cells;

/// <summary>
/// Append-only trie nodes and interned candidate lists. A published <see cref="LayerIndex"/> holds the
/// arrays as they were; growth copies into new arrays, so readers never see a write. Not thread-safe:
/// one writer at a time (the layer's writer for the main store, one build thread for a part).
/// </summary>
internal sealed class CellStore
{
    private readonly Dictionary<(int Count, int A, int B, int C), int> _shortLists = [];
    private readonly Dictionary<string, int> _longLists = new(StringComparer.Ordinal);

    // A part's own nodes and lists are numbered from here: above every node and list of the main
    // store, whose nodes and lists (the previous version's) a part refers to as they are.
    private const int PartNodeBase = 1 << 29;
    private const int PartListBase = 1 << 28;

    private readonly int _nodeBase;
    private readonly int _listBase;

    // The main store of a part: lists it already holds are used as they are, so that equal leaves
    // stay equal values and identical children still collapse.
    private readonly CellStore? _main;

    public CellStore()
    {
        Nodes = new int[LayerIndex.NodeStride * 256];
        Lists = new int[256];
    }

    /// <summary>A part of an edit: written by one thread while <paramref name="main"/> is only read.</summary>
    public CellStore(CellStore main)
    {
        _main = main;
        _nodeBase = PartNodeBase;
        _listBase = PartListBase;
        Nodes = new int[LayerIndex.NodeStride * 16];
        Lists = new int[16];
    }

    public int[] Nodes { get; private set; }

    public int NodeCount { get; private set; }

    /// <summary>Cells whose cap the builds into this store computed: the work of a build or edit.</summary>
    public long CellsExamined { get; set; }

    public int[] Lists { get; private set; }

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
        return _nodeBase + node;
    }

    /// <summary>The leaf value of the candidate list, stored once however many cells use it.</summary>
    public int InternList(ReadOnlySpan<int> entries)
    {
        // One territory covering the whole cell needs no list at all.
        if (entries.Length == 1 && (entries[0] & 1) == 0) return LayerIndex.WinnerLeaf(entries[0] >> 1);
        if (_main is not null && _main.TryFindList(entries, out int existing)) return existing;
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
        return LayerIndex.ListLeaf(_listBase + offset);
    }

    private bool TryFindList(ReadOnlySpan<int> entries, out int leaf)
    {
        int offset;
        bool found = entries.Length <= 3
            ? _shortLists.TryGetValue((entries.Length, entries.Length > 0 ? entries[0] : 0, entries.Length > 1 ? entries[1] : 0, entries.Length > 2 ? entries[2] : 0), out offset)
            : _longLists.TryGetValue(string.Join(',', entries.ToArray()), out offset);
        leaf = found ? LayerIndex.ListLeaf(offset) : 0;
        return found;
    }

    /// <summary>Copies another store's subtree rooted at <paramref name="value"/> into this one and returns its value here.</summary>
    public int Merge(CellStore part, int value)
    {
        if (value == LayerIndex.EmptyLeaf || (value < 0 && LayerIndex.IsWinnerLeaf(value))) return value;
        if (value < 0) return InternList(part.ListAt(LayerIndex.LeafPayload(value)));
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
                else if (v != LayerIndex.EmptyLeaf && !LayerIndex.IsWinnerLeaf(v))
                {
                    if (!leafMap.TryGetValue(v, out int mapped)) leafMap[v] = mapped = InternList(part.ListAt(LayerIndex.LeafPayload(v)));
                    v = mapped;
                }
                children[d] = v;
            }
            AddNode(children);
        }
        return value + nodeBase;
    }

    /// <summary>Two-level nodes derived from the trie, <see cref="LayerIndex.JumpStride"/> ints each.</summary>
    public int[] Jumps { get; private set; } = [];

    public int JumpCount { get; private set; }

    // The two-level node derived from each trie node, plus one (0: not derived yet). Trie nodes never
    // change once added, so neither does what is derived from them, and versions share both.
    private int[] _jumpOf = [];

    /// <summary>
    /// The lookup's entry table for these roots (see <see cref="LayerIndex.Top"/>), deriving the two-level
    /// nodes of every trie node that has none yet: after an edit, only those on the rebuilt paths.
    /// </summary>
    public int[] DeriveTop(int[] roots, int resolution)
    {
        if (_jumpOf.Length < NodeCount) Array.Resize(ref _jumpOf, Math.Max(NodeCount, 2 * _jumpOf.Length));
        if (Jumps.Length == 0) Jumps = new int[LayerIndex.JumpStride * 64];
        if ((resolution & 1) == 0)
        {
            var even = new int[roots.Length];
            for (int bc = 0; bc < roots.Length; bc++) even[bc] = Derive(roots[bc]);
            return even;
        }

        // Odd R: the table also takes digit 1, so that every two-level node below ends at R.
        var odd = new int[roots.Length * 7];
        for (int bc = 0; bc < roots.Length; bc++)
        {
            for (int digit = 0; digit < 7; digit++)
            {
                int root = roots[bc];
                odd[bc * 7 + digit] = root < 0 ? root : Derive(Nodes[root * LayerIndex.NodeStride + digit]);
            }
        }
        return odd;
    }

    // The two-level node of a trie node (its children and grandchildren, leaves repeated where a child is
    // a leaf), or the leaf itself.
    private int Derive(int value)
    {
        if (value < 0) return value;
        if (_jumpOf[value] != 0) return _jumpOf[value] - 1;
        Span<int> slots = stackalloc int[LayerIndex.JumpStride];
        for (int d1 = 0; d1 < 7; d1++)
        {
            int child = Nodes[value * LayerIndex.NodeStride + d1];
            for (int d2 = 0; d2 < 7; d2++)
            {
                slots[d1 * 7 + d2] = child < 0 ? child : Derive(Nodes[child * LayerIndex.NodeStride + d2]);
            }
        }
        int needed = (JumpCount + 1) * LayerIndex.JumpStride;
        if (needed > Jumps.Length)
        {
            var grown = new int[Math.Max(needed, Jumps.Length * 2)];
            Array.Copy(Jumps, grown, JumpCount * LayerIndex.JumpStride);
            Jumps = grown;
        }
        int jump = JumpCount++;
        slots.CopyTo(Jumps.AsSpan(jump * LayerIndex.JumpStride));
        _jumpOf[value] = jump + 1;
        return jump;
    }

    /// <summary>
    /// Appends a part's nodes (numbered from <see cref="PartNodeBase"/>; lower values are the previous
    /// version's nodes, shared as they are) and lists, and returns <paramref name="value"/> as it reads here.
    /// </summary>
    public int MergePart(CellStore part, int value)
    {
        int nodeBase = NodeCount;
        var leafMap = new Dictionary<int, int>();
        Span<int> children = stackalloc int[7];
        for (int n = 0; n < part.NodeCount; n++)
        {
            for (int d = 0; d < 7; d++) children[d] = Map(part.Nodes[n * LayerIndex.NodeStride + d]);
            AddNode(children);
        }
        return Map(value);

        int Map(int v)
        {
            if (v >= PartNodeBase) return v - PartNodeBase + nodeBase;
            if (v >= -1 || LayerIndex.IsWinnerLeaf(v) || LayerIndex.LeafPayload(v) < PartListBase) return v;
            if (!leafMap.TryGetValue(v, out int mapped)) leafMap[v] = mapped = InternList(part.ListAt(LayerIndex.LeafPayload(v)));
            return mapped;
        }
    }

    private ReadOnlySpan<int> ListAt(int payload) => Lists.AsSpan(payload - _listBase + 1, Lists[payload - _listBase]);

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

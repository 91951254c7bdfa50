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
    // it bounds the footprints of every leaf decision inside the subtree. A descendant j levels down has
    // its centre within ρ(1 + r + … + r^(j-1)) of the cell's centre and its cap radius is at most ρ r^j
    // (r = CellFootprint.ChildRadiusRatio = 1/2); its leaf footprint reaches twice its cap, or once at
    // resolution R, so every footprint in the subtree lies within ρ(2 - 2^(1-j)) + ρ 2^(1-j) = 2ρ: the
    // footprint of the cell's descendants. (The true ratio is at most 0.471, which leaves room for rounding.)
    private const double InfluenceFactor = CellFootprint.DescendantsFactor;

    private readonly string _layer;
    private readonly int _resolution;
    private CellStore _store = new();
    private readonly Dictionary<string, int> _slotById = new(StringComparer.Ordinal);
    private IndexedTerritory?[] _slots = [];
    private int _slotCount;
    private LayerIndex? _current;
    private int _nodesAtLastFullBuild;

    // The layer's territories in precedence order, kept from one version to the next.
    private List<IndexedTerritory> _sorted = [];

    // An edit builds the children of each touched cell at this resolution in parallel: deep enough that
    // every subtree is small, shallow enough that a long border gives many of them.
    private readonly int _forkResolution;

    public LayerIndexWriter(string layer, int resolution)
    {
        _layer = layer;
        _resolution = resolution;
        _forkResolution = Math.Max(0, resolution - 5);
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
        var candidates = SortedCandidates(slots, removed, changed, refreshed);
        var roots = new int[H3Api.BaseCellCount];
        var res0 = H3Api.GetRes0Cells();
        long examinedBefore = full ? 0 : _store.CellsExamined;
        long examined;
        if (full)
        {
            // Start over in fresh arrays (versions still being read keep the old ones). Base cells are
            // independent, so each is built into its own store in parallel and merged in order.
            var parts = new CellStore[roots.Length];
            var partRoots = new int[roots.Length];
            Parallel.For(0, roots.Length, bc =>
            {
                var part = new CellStore();
                partRoots[bc] = Build(part, H3Api.GetRes0Cells()[bc], 0, candidates, LayerIndex.EmptyLeaf, null, []);
                parts[bc] = part;
            });
            _store = new CellStore();
            for (int bc = 0; bc < roots.Length; bc++) roots[bc] = _store.Merge(parts[bc], partRoots[bc]);
            _nodesAtLastFullBuild = _store.NodeCount;
            examined = 0;
            foreach (var part in parts) examined += part.CellsExamined;
        }
        else
        {
            var oldNodes = _store.Nodes;
            for (int bc = 0; bc < roots.Length; bc++) roots[bc] = Build(_store, res0[bc], 0, candidates, old!.Roots[bc], region, oldNodes);
            examined = _store.CellsExamined - examinedBefore;
        }

        var top = _store.DeriveTop(roots, _resolution);
        _slots = slots;
        _sorted = candidates;
        var shapeData = new double[]?[slots.Length];
        for (int slot = 0; slot < slots.Length; slot++) shapeData[slot] = slots[slot]?.Shape.QueryData;
        var index = new LayerIndex(_layer, _resolution, _store.Nodes, _store.Lists, roots, top, _store.Jumps, slots, shapeData, stopwatch.Elapsed, !full) { CellsExamined = examined };
        _current = index;
        return index;
    }

    /// <summary>
    /// The layer's territories in precedence order: the previous order without the entries this change
    /// touches, merged with their new entries, so an edit compares a handful of ids, not all of them.
    /// </summary>
    private List<IndexedTerritory> SortedCandidates(IndexedTerritory?[] slots, IReadOnlyList<string> removed,
        IReadOnlyList<IndexedTerritory> changed, IReadOnlyList<IndexedTerritory> refreshed)
    {
        var affected = new HashSet<int>();
        foreach (var id in removed) if (_slotById.TryGetValue(id, out int slot)) affected.Add(slot);
        foreach (var entry in changed) affected.Add(entry.Slot);
        foreach (var entry in refreshed) affected.Add(entry.Slot);
        var added = new List<IndexedTerritory>();
        foreach (int slot in affected) if (slots[slot] is { } entry) added.Add(entry);
        added.Sort(static (a, b) => Compare(a, b));

        var list = new List<IndexedTerritory>(_sorted.Count + added.Count);
        int next = 0;
        foreach (var entry in _sorted)
        {
            if (affected.Contains(entry.Slot)) continue;
            while (next < added.Count && Compare(added[next], entry) < 0) list.Add(added[next++]);
            list.Add(entry);
        }
        while (next < added.Count) list.Add(added[next++]);
        return list;

        static int Compare(IndexedTerritory a, IndexedTerritory b) =>
            TerritoryPrecedence.Compare(a.Territory.Priority, a.Territory.Id, b.Territory.Priority, b.Territory.Id);
    }

    /// <summary>The slot value for <paramref name="cell"/>: a leaf, or a node whose children are built recursively.</summary>
    /// <remarks>
    /// <paramref name="oldNodes"/> holds the previous version's trie (where <paramref name="oldValue"/> points),
    /// which may be another array than <paramref name="store"/>'s: an edit's parallel parts write to their own.
    /// </remarks>
    private int Build(CellStore store, H3Index cell, int res, List<IndexedTerritory> parentCandidates, int oldValue, List<ShapeChange>? touch, int[] oldNodes, double parentRadius = 0)
    {
        // Below a base cell, a cheaper and looser cap comes first: the cell's centre alone (a fifth of the
        // cost of its exact cap, which needs its boundary) with the radius bounded by the parent's
        // (ρ ≤ ChildRadiusRatio × the parent's), so it contains the exact cap. An edit rules out most of
        // the cells it visits with it: the loose influence contains the exact one.
        bool finest = res == _resolution;
        if (parentRadius > 0)
        {
            var looseCenter = H3Api.CellToLatLng(cell);
            double looseRadius = parentRadius * CellFootprint.ChildRadiusRatio;
            if (touch is not null && !Touches(CellFootprint.FromCap(looseCenter, looseRadius * InfluenceFactor), touch)) return oldValue;

            // In a full build the same bound decides many cells without their exact cap: the exact
            // footprint lies inside the loose one, so a territory that the loose one shows outside or
            // covering it whole is so for the exact one too. When every candidate up to the first
            // covering one is decided this way, the leaf is what the exact footprint would give. (The
            // cells an edit rebuilds lie near a moved border, where this seldom decides anything.)
            if (touch is null)
            {
                var loose = CellFootprint.FromCap(looseCenter, finest ? looseRadius : looseRadius * CellFootprint.DescendantsFactor);
                bool decided = true;
                foreach (var t in parentCandidates)
                {
                    var coverage = loose.Classify(t.Shape);
                    if (coverage == Coverage.Full) return LayerIndex.WinnerLeaf(t.Slot);
                    if (coverage == Coverage.Partial)
                    {
                        decided = false;
                        break;
                    }
                }
                if (decided) return LayerIndex.EmptyLeaf;
            }
        }

        // One cap per visited cell serves both the change test and the footprint.
        var (center, radius) = H3Api.CellToBoundingCap(cell);
        store.CellsExamined++;
        if (touch is not null && !Touches(CellFootprint.FromCap(center, radius * InfluenceFactor), touch)) return oldValue;
        if (parentCandidates.Count == 0) return LayerIndex.EmptyLeaf;

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
        if (touch is not null && res == _forkResolution)
        {
            BuildChildrenInParallel(store, cell, res, radius, candidates, oldValue, touch, oldNodes, children);
        }
        else
        {
            foreach (var child in H3Api.CellToChildren(cell, res + 1))
            {
                int digit = child.GetDigit(res + 1);
                int oldChild = oldValue >= 0 ? oldNodes[oldValue * LayerIndex.NodeStride + digit] : oldValue;
                children[digit] = Build(store, child, res + 1, candidates, oldChild, touch, oldNodes, radius);
            }
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
    /// An edit's children of one touched cell, each built into a store of its own on the thread pool and
    /// then appended to <paramref name="store"/> in digit order, so the result does not depend on timing.
    /// </summary>
    private void BuildChildrenInParallel(CellStore store, H3Index cell, int res, double radius, List<IndexedTerritory> candidates, int oldValue,
        List<ShapeChange> touch, int[] oldNodes, Span<int> children)
    {
        var cells = new H3Index[7];
        var digits = new int[7];
        int count = 0;
        foreach (var child in H3Api.CellToChildren(cell, res + 1))
        {
            digits[count] = child.GetDigit(res + 1);
            cells[count++] = child;
        }
        var parts = new CellStore[count];
        var values = new int[count];
        Parallel.For(0, count, i =>
        {
            var part = new CellStore(store);
            int oldChild = oldValue >= 0 ? oldNodes[oldValue * LayerIndex.NodeStride + digits[i]] : oldValue;
            values[i] = Build(part, cells[i], res + 1, candidates, oldChild, touch, oldNodes, radius);
            parts[i] = part;
        });
        for (int i = 0; i < count; i++)
        {
            children[digits[i]] = store.MergePart(parts[i], values[i]);
            store.CellsExamined += parts[i].CellsExamined;
        }
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
}

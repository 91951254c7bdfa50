// One layer's immutable H3 cell index: a trie over H3 digits whose leaves name the answer or the candidates.
using System.Runtime.CompilerServices;
using GeoAssign.H3;
using GeoAssign.Index.Geometry;
using H3Api = GeoAssign.H3.H3;

namespace GeoAssign.Index.Cells;

/// <summary>Why a point was assigned as it was (or not at all).</summary>
public enum AssignmentReason
{
    /// <summary>No territory of the layer covers the point.</summary>
    Unassigned = 0,
    /// <summary>Decided by an interior cell, without touching geometry.</summary>
    InteriorCell = 1,
    /// <summary>Decided by the exact geometry test in a boundary cell.</summary>
    ExactTest = 2,
}

/// <summary>The assignment of one point in one layer: the winning territory (null when unassigned) and why.</summary>
public readonly record struct LayerAssignment(IndexedTerritory? Territory, AssignmentReason Reason);

/// <summary>
/// One layer's index at one map version. Every resolution-R cell is either outside every territory
/// (empty), inside one winner (answered without geometry), or a boundary cell listing its candidates
/// in precedence order, each marked "covers the whole cell" or "needs the exact test". Uniform regions
/// are stored once at the coarsest cell that holds them. The trie lives in flat integer arrays shared
/// with later versions (they only ever append), so lookups chase array indices, lock nothing and
/// allocate nothing. Immutable and thread-safe.
/// </summary>
public sealed class LayerIndex
{
    // Node layout: 8 ints per node (7 child slots for digits 0..6, one unused for alignment).
    internal const int NodeStride = 8;

    // Lookups walk two levels per step: a two-level node holds the 49 grandchildren of a trie node
    // (child digit × 7 + grandchild digit), a leaf repeated 7 times where the child is a leaf.
    internal const int JumpStride = 49;

    // A slot value ≥ 0 is a node; -1 is an empty leaf; ≤ -2 is a leaf whose code -2 - value names either
    // the one territory that covers the whole cell (even code: its slot × 2), so that an interior answer
    // reads nothing but the slot table, or a candidate list (odd code: its offset × 2 + 1).
    internal const int EmptyLeaf = -1;

    /// <summary>The leaf of a cell that one territory, in <paramref name="slot"/>, covers whole.</summary>
    internal static int WinnerLeaf(int slot) => -2 - (slot << 1);

    /// <summary>The leaf of a cell whose candidates are the list at <paramref name="offset"/> of <see cref="Lists"/>.</summary>
    internal static int ListLeaf(int offset) => -2 - ((offset << 1) | 1);

    /// <summary>Whether the leaf <paramref name="value"/> (≤ -2) is a <see cref="WinnerLeaf"/>.</summary>
    internal static bool IsWinnerLeaf(int value) => ((-2 - value) & 1) == 0;

    /// <summary>The slot of a <see cref="WinnerLeaf"/>, or the list offset of a <see cref="ListLeaf"/>.</summary>
    internal static int LeafPayload(int value) => (-2 - value) >> 1;

    private readonly Lazy<LayerStatistics> _statistics;

    internal LayerIndex(string layer, int resolution, int[] nodes, int[] lists, int[] roots, int[] top, int[] jumps, IndexedTerritory?[] slots, double[]?[] shapeData, TimeSpan buildTime, bool incremental)
    {
        ShapeData = shapeData;
        Top = top;
        Jumps = jumps;
        Layer = layer;
        Resolution = resolution;
        Nodes = nodes;
        Lists = lists;
        Roots = roots;
        Slots = slots;
        BuildTime = buildTime;
        Incremental = incremental;
        // Counting walks the whole trie, so it happens on first request, not on every edit.
        _statistics = new Lazy<LayerStatistics>(() => LayerStatisticsCollector.Collect(this), LazyThreadSafetyMode.ExecutionAndPublication);
        _checksum = new Lazy<string>(ComputeChecksum, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    private readonly Lazy<string> _checksum;

    /// <summary><see cref="ComputeChecksum"/>, computed on first use and cached.</summary>
    public string Checksum => _checksum.Value;

    /// <summary>Time taken to build this version (full or incremental).</summary>
    public TimeSpan BuildTime { get; }

    /// <summary>Whether this version was built incrementally from the previous one.</summary>
    public bool Incremental { get; }

    /// <summary>Cells examined (cap computed) to build this version: the work of a full build or an edit, independent of the machine's load.</summary>
    internal long CellsExamined { get; init; }

    /// <summary>The layer's name.</summary>
    public string Layer { get; }

    /// <summary>The finest H3 resolution R of the index.</summary>
    public int Resolution { get; }

    /// <summary>Counts, sizes and timings of this index (computed on first use).</summary>
    public LayerStatistics Statistics => _statistics.Value;

    internal int[] Nodes { get; }

    internal int[] Lists { get; }

    internal int[] Roots { get; }

    // Where a lookup starts: by base cell when R is even, by base cell and digit 1 (base cell × 7 + digit)
    // when R is odd; then two-level nodes (Jumps) whose last step always ends at resolution R.
    internal int[] Top { get; }

    internal int[] Jumps { get; }

    internal IndexedTerritory?[] Slots { get; }

    // Each slot's TerritoryShape.QueryData: the exact test reads it without visiting the territory or its shape.
    internal double[]?[] ShapeData { get; }

    /// <summary>Every territory of the layer by slot (nulls for removed ones).</summary>
    internal ReadOnlySpan<IndexedTerritory?> Territories => Slots;

    /// <summary>
    /// The territory that owns the point under the border rule. Coordinates must already be valid
    /// (finite, latitude within ±90, longitude within ±180). Allocates nothing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public LayerAssignment Resolve(double lat, double lng)
    {
        ulong h = H3Api.LatLngToCell(lat, lng, Resolution).Value;
        int baseCell = (int)((h >> 45) & 0x7F);
        int value, shift;
        if ((Resolution & 1) == 0)
        {
            value = Top[baseCell];
            shift = 42;
        }
        else
        {
            value = Top[baseCell * 7 + (int)((h >> 42) & 7)];
            shift = 39;
        }
        var jumps = Jumps;
        // Two digits per step until a leaf: the child's digit at shift, the grandchild's 3 bits below.
        while (value >= 0)
        {
            value = jumps[value * JumpStride + (int)((h >> shift) & 7) * 7 + (int)((h >> (shift - 3)) & 7)];
            shift -= 6;
        }
        if (value == EmptyLeaf) return new LayerAssignment(null, AssignmentReason.Unassigned);
        int code = -2 - value;
        if ((code & 1) == 0) return new LayerAssignment(Slots[code >> 1], AssignmentReason.InteriorCell);
        return ResolveCandidates(code >> 1, lat, lng);
    }

    private LayerAssignment ResolveCandidates(int offset, double lat, double lng)
    {
        var lists = Lists;
        int count = lists[offset];
        bool tested = false;
        for (int i = 1; i <= count; i++)
        {
            int entry = lists[offset + i];
            if ((entry & 1) == 0) return new LayerAssignment(Slots[entry >> 1], tested ? AssignmentReason.ExactTest : AssignmentReason.InteriorCell);
            if (TerritoryShape.CoversIn(ShapeData[entry >> 1]!, lng, lat)) return new LayerAssignment(Slots[entry >> 1], AssignmentReason.ExactTest);
            tested = true;
        }
        return new LayerAssignment(null, AssignmentReason.Unassigned);
    }

    /// <summary>
    /// A SHA-256 of what the index decides, independent of how it was built: every leaf, in H3 digit
    /// order, as its cell and its candidates by territory id and "whole cell or exact test". Two replicas
    /// (or a replayed and a live index) with the same territories give the same checksum.
    /// </summary>
    public string ComputeChecksum()
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        Span<byte> buffer = stackalloc byte[12];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(buffer, Resolution);
        hash.AppendData(buffer[..4]);
        var res0 = H3Api.GetRes0Cells();
        for (int bc = 0; bc < Roots.Length; bc++) HashSubtree(hash, res0[bc].Value, 0, Roots[bc]);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private void HashSubtree(System.Security.Cryptography.IncrementalHash hash, ulong cell, int res, int value)
    {
        if (value >= 0)
        {
            foreach (var child in H3Api.CellToChildren(new H3Index(cell), res + 1))
            {
                HashSubtree(hash, child.Value, res + 1, Nodes[value * NodeStride + child.GetDigit(res + 1)]);
            }
            return;
        }
        if (value == EmptyLeaf) return;
        Span<byte> buffer = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(buffer, cell);
        hash.AppendData(buffer);
        // A winner leaf hashes as the one-entry list it stands for.
        if (IsWinnerLeaf(value))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Slots[LeafPayload(value)]!.Territory.Id));
            hash.AppendData("|F;"u8);
            return;
        }
        int offset = LeafPayload(value);
        for (int i = 1; i <= Lists[offset]; i++)
        {
            int entry = Lists[offset + i];
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Slots[entry >> 1]!.Territory.Id));
            hash.AppendData((entry & 1) == 0 ? "|F;"u8 : "|P;"u8);
        }
    }

    /// <summary>The candidates of the leaf that holds <paramref name="cell"/> (a resolution-R cell), for diagnostics and tests.</summary>
    internal (int Level, int Value) LeafOf(H3Index cell)
    {
        ulong h = cell.Value;
        int value = Roots[cell.BaseCell];
        int level = 0;
        int shift = 42;
        while (value >= 0)
        {
            value = Nodes[value * NodeStride + (int)((h >> shift) & 7)];
            shift -= 3;
            level++;
        }
        return (level, value);
    }
}

/// <summary>Statistics of one layer's index.</summary>
/// <param name="Territories">Territories in the layer.</param>
/// <param name="Resolution">The finest resolution R.</param>
/// <param name="InteriorCellsByResolution">Leaves answered without geometry, per resolution 0..15.</param>
/// <param name="BoundaryCellsByResolution">Leaves that need an exact test, per resolution 0..15.</param>
/// <param name="EmptyCellsByResolution">Leaves outside every territory, per resolution 0..15.</param>
/// <param name="BoundaryAreaShare">Share of the assigned area (estimated from cell counts) that lies in boundary cells, i.e. needs an exact test.</param>
/// <param name="CandidateLists">Distinct candidate lists.</param>
/// <param name="IndexBytes">Bytes in use of the trie, the two-level nodes lookups walk and the candidate lists.</param>
/// <param name="ShapeBytes">Bytes of the territories' prepared shapes.</param>
/// <param name="BuildTime">Time to build this version of the layer (full or incremental).</param>
/// <param name="Incremental">Whether this version was built incrementally from the previous one.</param>
public sealed record LayerStatistics(
    int Territories,
    int Resolution,
    long[] InteriorCellsByResolution,
    long[] BoundaryCellsByResolution,
    long[] EmptyCellsByResolution,
    double BoundaryAreaShare,
    int CandidateLists,
    long IndexBytes,
    long ShapeBytes,
    TimeSpan BuildTime,
    bool Incremental);

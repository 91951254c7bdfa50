// One layer's immutable H3 cell index: a trie over H3 digits whose leaves name the answer or the candidates.
using System.Runtime.CompilerServices;
using GeoAssign.H3;
using H3Api = GeoAssign.H3.H3;

namespace GeoAssign.Index.Cells;

/// <summary>Why a lookup gave its answer.</summary>
public enum LookupReason
{
    /// <summary>No territory of the layer covers the point.</summary>
    Unassigned = 0,
    /// <summary>Decided by an interior cell, without touching geometry.</summary>
    InteriorCell = 1,
    /// <summary>Decided by the exact geometry test in a boundary cell.</summary>
    ExactTest = 2,
}

/// <summary>The answer of one lookup: the winning territory (null when unassigned) and why.</summary>
public readonly record struct LayerLookup(IndexedTerritory? Territory, LookupReason Reason);

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

    // A slot value ≥ 0 is a node; -1 is an empty leaf; ≤ -2 is a leaf naming the candidate list at offset -2 - value.
    internal const int EmptyLeaf = -1;

    private readonly Lazy<LayerStatistics> _statistics;

    internal LayerIndex(string layer, int resolution, int[] nodes, int[] lists, int[] roots, IndexedTerritory?[] slots, TimeSpan buildTime, bool incremental)
    {
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

    /// <summary>The layer's name.</summary>
    public string Layer { get; }

    /// <summary>The finest H3 resolution R of the index.</summary>
    public int Resolution { get; }

    /// <summary>Counts, sizes and timings of this index (computed on first use).</summary>
    public LayerStatistics Statistics => _statistics.Value;

    internal int[] Nodes { get; }

    internal int[] Lists { get; }

    internal int[] Roots { get; }

    internal IndexedTerritory?[] Slots { get; }

    /// <summary>Every territory of the layer by slot (nulls for removed ones).</summary>
    internal ReadOnlySpan<IndexedTerritory?> Territories => Slots;

    /// <summary>
    /// The territory that owns the point under the border rule. Coordinates must already be valid
    /// (finite, latitude within ±90, longitude within ±180). Allocates nothing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public LayerLookup Resolve(double lat, double lng)
    {
        ulong h = H3Api.LatLngToCell(lat, lng, Resolution).Value;
        int value = Roots[(int)((h >> 45) & 0x7F)];
        var nodes = Nodes;
        // Walk the digits from resolution 1 down until a leaf.
        int shift = 42;
        while (value >= 0)
        {
            value = nodes[value * NodeStride + (int)((h >> shift) & 7)];
            shift -= 3;
        }
        if (value == EmptyLeaf) return new LayerLookup(null, LookupReason.Unassigned);
        return ResolveCandidates(-2 - value, lat, lng);
    }

    private LayerLookup ResolveCandidates(int offset, double lat, double lng)
    {
        var lists = Lists;
        int count = lists[offset];
        bool tested = false;
        for (int i = 1; i <= count; i++)
        {
            int entry = lists[offset + i];
            var territory = Slots[entry >> 1]!;
            if ((entry & 1) == 0) return new LayerLookup(territory, tested ? LookupReason.ExactTest : LookupReason.InteriorCell);
            if (territory.Shape.Covers(lng, lat)) return new LayerLookup(territory, LookupReason.ExactTest);
            tested = true;
        }
        return new LayerLookup(null, LookupReason.Unassigned);
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
        int offset = -2 - value;
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
/// <param name="IndexBytes">Bytes of the trie and candidate lists in use.</param>
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

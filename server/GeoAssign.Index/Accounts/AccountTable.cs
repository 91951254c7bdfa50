// The frozen base of an override book: one open-addressing table keyed by the account id's 64-bit hash.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Text;

namespace GeoAssign.Index.Accounts;

/// <summary>
/// Overrides by account id in one flat array of 64-byte slots, one cache line each (linear probing,
/// at most <see cref="MaxFill"/> full). A slot holds everything an in-force answer needs: the id's
/// hash, the validity window as ticks, the owner and territory as positions in small arrays of the
/// distinct values, the protected flag, and the id itself — its ASCII characters inline when it has
/// at most <see cref="InlineChars"/>, else its place in a character arena. So a lookup reads the slot
/// line (two when the probe runs on) and nothing else: no override record, no id string, no owner
/// string scattered over the heap. The records themselves sit in a parallel array for the callers
/// that want the whole override (edits, listing, single lookups). <see cref="PrefetchSlot"/> lets a
/// caller that knows its next accounts start the slot reads early. Built once, then read-only; reads
/// are thread-safe and allocate nothing.
/// </summary>
internal sealed class AccountTable
{
    /// <summary>The longest id kept inside its slot (ASCII ids only); longer ids go to the arena.</summary>
    public const int InlineChars = 28;

    /// <summary>The most slots a table can have: its slot memory is one array.</summary>
    public const int MaxSlots = (0x7FFFFFC7 - (2 << 20)) / SlotBytes;

    private const int SlotBytes = 64;
    // 5/8 full at most: a hit probes 1.8 slots on average (the home line and its neighbour are fetched).
    private const double MaxFill = 0.625;
    // The arena's chunks: an id never straddles two, and offsets stay ints within one.
    private const int ArenaChunkChars = 1 << 24;

    // Pinned (never moves), so a slot's line is where the alignment put it; _first is the first aligned byte.
    private readonly byte[] _memory;
    private readonly int _first;
    private readonly int _length;
    private readonly AccountOverride?[] _records;
    private readonly string[] _owners;
    private readonly string?[] _territories;
    private readonly char[][] _arena;

    /// <summary>A table of <paramref name="entries"/>, whose account ids are distinct.</summary>
    public AccountTable(IReadOnlyCollection<AccountOverride> entries)
        : this(entries, AccountFilter.Hash)
    {
    }

    /// <summary>
    /// A table whose slots are keyed by <paramref name="hashOf"/> instead of <see cref="AccountFilter.Hash"/>:
    /// tests force equal hashes with it (lookups take the hash from the caller).
    /// </summary>
    internal AccountTable(IReadOnlyCollection<AccountOverride> entries, Func<string, ulong> hashOf)
    {
        var wanted = (long)(entries.Count / MaxFill) + 1;
        if (wanted > MaxSlots)
        {
            throw new InvalidOperationException($"A book holds at most {(long)(MaxSlots * MaxFill):N0} overrides; this one would hold {entries.Count:N0}.");
        }

        _length = (int)wanted;
        _memory = PinnedLines.Allocate(_length * SlotBytes, out _first);
        _records = new AccountOverride?[_length];

        var owners = new Dictionary<string, int>(StringComparer.Ordinal);
        var territories = new Dictionary<string, int>(StringComparer.Ordinal);
        var arena = new ArenaBuilder(entries);
        foreach (var entry in entries)
        {
            if (entry.AccountId.Length > ushort.MaxValue)
            {
                throw new ArgumentException($"An account id has {entry.AccountId.Length:N0} characters; a book keeps ids of at most {ushort.MaxValue:N0}.", nameof(entries));
            }

            var hash = hashOf(entry.AccountId);
            var i = Home(hash);
            while (SlotAt(i).Flags != 0)
            {
                i = i + 1 == _length ? 0 : i + 1;
            }

            ref var slot = ref SlotAt(i);
            slot.Hash = hash;
            slot.FromTicks = entry.FromTicks;
            slot.UntilTicks = entry.UntilTicks;
            slot.Owner = IndexOf(owners, entry.OwnerId);
            slot.Territory = entry.TerritoryId is null ? 0 : IndexOf(territories, entry.TerritoryId) + 1;
            slot.Length = (ushort)entry.AccountId.Length;
            slot.Flags = (byte)(SlotFlags.Used | (entry.Protected ? SlotFlags.Protected : 0));
            if (entry.AccountId.Length <= InlineChars && Ascii.IsValid(entry.AccountId))
            {
                slot.Flags |= (byte)SlotFlags.Inline;
                Ascii.FromUtf16(entry.AccountId, InlineBytes(ref slot, InlineChars), out _);
            }
            else
            {
                slot.ArenaOffset = arena.Add(entry.AccountId);
            }

            _records[i] = entry;
        }

        _owners = [.. owners.OrderBy(o => o.Value).Select(o => o.Key)];
        _territories = [null, .. territories.OrderBy(t => t.Value).Select(t => t.Key)];
        _arena = arena.Chunks;
        Count = entries.Count;
    }

    [Flags]
    private enum SlotFlags : byte
    {
        Used = 1,
        Protected = 2,
        Inline = 4,
    }

    /// <summary>How many overrides the table holds.</summary>
    public int Count { get; }

    /// <summary>The slot of <paramref name="accountId"/> (whose <see cref="AccountFilter.Hash"/> is <paramref name="hash"/>), or -1.</summary>
    public int Find(string accountId, ulong hash)
    {
        var i = Home(hash);
        while (true)
        {
            ref var slot = ref SlotAt(i);
            if (slot.Flags == 0)
            {
                return -1;
            }

            // The hash narrows the probe; only the characters prove the id.
            if (slot.Hash == hash && IdEquals(ref slot, accountId))
            {
                return i;
            }

            i = i + 1 == _length ? 0 : i + 1;
        }
    }

    /// <summary>The override in slot <paramref name="index"/> (from <see cref="Find"/>).</summary>
    public AccountOverride Record(int index) => _records[index]!;

    /// <summary>
    /// The owner, territory and protection of <paramref name="accountId"/>'s override when it is in
    /// force at <paramref name="utcTicks"/>, read from its slot alone.
    /// </summary>
    public bool TryGetInForce(string accountId, ulong hash, long utcTicks, out InForceOverride answer)
    {
        var i = Find(accountId, hash);
        if (i >= 0)
        {
            ref var slot = ref SlotAt(i);
            if (slot.FromTicks <= utcTicks && utcTicks < slot.UntilTicks)
            {
                answer = new InForceOverride(_owners[slot.Owner], _territories[slot.Territory], (slot.Flags & (byte)SlotFlags.Protected) != 0);
                return true;
            }
        }

        answer = default;
        return false;
    }

    /// <summary>Every override, in slot order.</summary>
    public IEnumerable<AccountOverride> All()
    {
        foreach (var record in _records)
        {
            if (record is not null)
            {
                yield return record;
            }
        }
    }

    /// <summary>
    /// Starts loading the slots a lookup of <paramref name="hash"/> reads first into the CPU caches:
    /// the home slot's line and the next. A hint: does nothing where the CPU has no prefetch instruction.
    /// </summary>
    public unsafe void PrefetchSlot(ulong hash)
    {
        if (Sse.IsSupported)
        {
            // The memory is pinned: the address stays valid, and prefetches never fault anyway.
            var i = Home(hash);
            Sse.Prefetch0(Unsafe.AsPointer(ref SlotAt(i)));
            Sse.Prefetch0(Unsafe.AsPointer(ref SlotAt(i + 1 == _length ? 0 : i + 1)));
        }
    }

    /// <summary>
    /// Starts loading the arena characters of <paramref name="accountId"/> when its id is not kept in
    /// its slot (its slots should be cached by <see cref="PrefetchSlot"/> by now). A hint, as <see cref="PrefetchSlot"/>.
    /// </summary>
    public unsafe void PrefetchArena(string accountId, ulong hash)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        var i = Home(hash);
        while (true)
        {
            ref var slot = ref SlotAt(i);
            if (slot.Flags == 0)
            {
                return;
            }

            if (slot.Hash == hash)
            {
                if ((slot.Flags & (byte)SlotFlags.Inline) == 0)
                {
                    Sse.Prefetch0(Unsafe.AsPointer(ref ArenaRef(slot.ArenaOffset)));
                }

                return;
            }

            i = i + 1 == _length ? 0 : i + 1;
        }
    }

    private static int IndexOf(Dictionary<string, int> values, string value)
    {
        ref var index = ref CollectionsMarshal.GetValueRefOrAddDefault(values, value, out var exists);
        if (!exists)
        {
            index = values.Count - 1;
        }

        return index;
    }

    private static Span<byte> InlineBytes(ref Slot slot, int length) =>
        MemoryMarshal.CreateSpan(ref Unsafe.Add(ref Unsafe.As<Slot, byte>(ref slot), Slot.InlineStart), length);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref Slot SlotAt(int index) =>
        ref Unsafe.As<byte, Slot>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_memory), _first + (nint)index * SlotBytes));

    private bool IdEquals(ref Slot slot, string accountId)
    {
        if (slot.Length != accountId.Length)
        {
            return false;
        }

        return (slot.Flags & (byte)SlotFlags.Inline) != 0
            ? Ascii.Equals(InlineBytes(ref slot, slot.Length), accountId)
            : MemoryMarshal.CreateReadOnlySpan(ref ArenaRef(slot.ArenaOffset), slot.Length).SequenceEqual(accountId);
    }

    // An arena offset: the chunk in the high half, the character in the low.
    private ref char ArenaRef(long offset) => ref _arena[(int)(offset >> 32)][(int)offset];

    // The home slot: the hash's high half scaled to the table's length (Lemire's multiply-shift).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Home(ulong hash) => (int)(((hash >> 32) * (ulong)_length) >> 32);

    // One cache line. The id's ASCII bytes, or its arena offset, fill the line's tail.
    [StructLayout(LayoutKind.Explicit, Size = SlotBytes)]
    private struct Slot
    {
        public const int InlineStart = 36;

        [FieldOffset(0)] public ulong Hash;
        [FieldOffset(8)] public long FromTicks;
        [FieldOffset(16)] public long UntilTicks;
        [FieldOffset(24)] public int Owner;
        [FieldOffset(28)] public int Territory;
        [FieldOffset(32)] public ushort Length;
        [FieldOffset(34)] public byte Flags;
        [FieldOffset(40)] public long ArenaOffset;
    }

    // Chunks of the characters of the ids that do not fit their slots, sized to what they need.
    private sealed class ArenaBuilder
    {
        private readonly List<char[]> _chunks = [];
        private long _left;
        private int _used;

        public ArenaBuilder(IEnumerable<AccountOverride> entries)
        {
            foreach (var entry in entries)
            {
                if (entry.AccountId.Length > InlineChars || !Ascii.IsValid(entry.AccountId))
                {
                    _left += entry.AccountId.Length;
                }
            }
        }

        public char[][] Chunks => [.. _chunks];

        public long Add(string id)
        {
            if (_chunks.Count == 0 || _used + id.Length > _chunks[^1].Length)
            {
                // A chunk that no id straddles: what is left, up to the chunk size (ids are far shorter).
                _chunks.Add(new char[(int)Math.Min(ArenaChunkChars, Math.Max(_left, id.Length))]);
                _used = 0;
            }

            var offset = ((long)(_chunks.Count - 1) << 32) | (uint)_used;
            id.CopyTo(_chunks[^1].AsSpan(_used));
            _used += id.Length;
            _left -= id.Length;
            return offset;
        }
    }
}

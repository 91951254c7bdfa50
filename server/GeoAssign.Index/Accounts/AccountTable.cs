// The frozen base of an override book: one open-addressing table keyed by the account id's 64-bit hash.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace GeoAssign.Index.Accounts;

/// <summary>
/// Overrides by account id in one flat array of slots (linear probing, at most 80 % full). A slot holds
/// the id's hash and references to the id, the owner and the override, so a lookup reads one slot and
/// then the id's characters for the final equality: no bucket array, no entry chain, no string compare
/// for a slot whose hash differs. <see cref="PrefetchSlot"/> and <see cref="PrefetchEntry"/> let a
/// caller that knows its next accounts start those reads early, so that they overlap the point lookups
/// before them. Built once, then read-only; reads are thread-safe and allocate nothing.
/// </summary>
internal sealed class AccountTable
{
    private readonly Slot[] _slots;

    /// <summary>A table of <paramref name="entries"/>, whose account ids are distinct.</summary>
    public AccountTable(IReadOnlyCollection<AccountOverride> entries)
    {
        // Room for a fifth more than the entries (at least one empty slot ends every probe); the
        // home slot comes from the hash by a multiply, so the size need not be a power of two.
        _slots = new Slot[entries.Count + entries.Count / 4 + 1];
        foreach (var entry in entries)
        {
            var hash = AccountFilter.Hash(entry.AccountId);
            var i = Home(hash);
            while (_slots[i].Key is not null)
            {
                i = i + 1 == _slots.Length ? 0 : i + 1;
            }

            _slots[i] = new Slot(hash, entry.AccountId, entry.OwnerId, entry);
        }

        Count = entries.Count;
    }

    /// <summary>How many overrides the table holds.</summary>
    public int Count { get; }

    /// <summary>The override of <paramref name="accountId"/> (whose <see cref="AccountFilter.Hash"/> is <paramref name="hash"/>), or null.</summary>
    public AccountOverride? Find(string accountId, ulong hash)
    {
        var slots = _slots;
        var i = Home(hash);
        while (true)
        {
            ref var slot = ref slots[i];
            if (slot.Key is null)
            {
                return null;
            }

            if (slot.Hash == hash && string.Equals(slot.Key, accountId))
            {
                return slot.Entry;
            }

            i = i + 1 == slots.Length ? 0 : i + 1;
        }
    }

    /// <summary>Every override, in slot order.</summary>
    public IEnumerable<AccountOverride> All()
    {
        foreach (var slot in _slots)
        {
            if (slot.Entry is not null)
            {
                yield return slot.Entry;
            }
        }
    }

    /// <summary>
    /// Starts loading the slots a lookup of <paramref name="hash"/> reads first into the CPU caches.
    /// A hint: does nothing where the CPU has no prefetch instruction.
    /// </summary>
    public unsafe void PrefetchSlot(ulong hash)
    {
        if (Sse.IsSupported)
        {
            // A moved array (a GC between here and the lookup) only wastes the hint: prefetches never fault.
            ref var slot = ref _slots[Home(hash)];
            Sse.Prefetch0(Unsafe.AsPointer(ref slot));
            Sse.Prefetch0((byte*)Unsafe.AsPointer(ref slot) + 2 * Unsafe.SizeOf<Slot>());
        }
    }

    /// <summary>
    /// Starts loading the id, owner and override of the first slot whose hash is <paramref name="hash"/>
    /// (its slots should be cached by <see cref="PrefetchSlot"/> by now). A hint, as <see cref="PrefetchSlot"/>.
    /// </summary>
    public unsafe void PrefetchEntry(ulong hash)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        var slots = _slots;
        var i = Home(hash);
        while (true)
        {
            ref var slot = ref slots[i];
            if (slot.Key is null)
            {
                return;
            }

            if (slot.Hash == hash)
            {
                // The lines the lookup and its caller read next: id, owner and override in parallel.
                PrefetchObject(slot.Key);
                PrefetchObject(slot.Owner);
                PrefetchObject(slot.Entry);
                return;
            }

            i = i + 1 == slots.Length ? 0 : i + 1;
        }
    }

    // A reference's bits are the object's address (its first line holds a short string's characters).
    private static unsafe void PrefetchObject(object? item)
    {
        if (item is not null)
        {
            Sse.Prefetch0((void*)Unsafe.As<object, nint>(ref item));
        }
    }

    // The home slot: the hash's high half scaled to the table's length (Lemire's multiply-shift).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Home(ulong hash) => (int)(((hash >> 32) * (ulong)_slots.Length) >> 32);

    // 32 bytes: two slots to a cache line. The owner is kept beside the override so that its string
    // can be fetched in parallel with the override instead of after it.
    private readonly struct Slot(ulong hash, string key, string owner, AccountOverride entry)
    {
        public readonly ulong Hash = hash;
        public readonly string? Key = key;
        public readonly string? Owner = owner;
        public readonly AccountOverride? Entry = entry;
    }
}

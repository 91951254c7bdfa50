// A compact filter of account ids that answers "surely none" for most accounts without an override.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace GeoAssign.Index.Accounts;

/// <summary>
/// A register-blocked Bloom filter over account ids: each id sets <see cref="BitsPerId"/> bits in one
/// 64-bit word, 16 to 32 bits of filter per id (a power of two of words). <see cref="MayContain(string)"/> is
/// false for every id not added except about 1 in 250 or fewer: most lookups of accounts without an override (the common case) read
/// one word instead of the dictionary's bucket, entry and key, which are rarely in the CPU caches when a
/// book holds millions. Built once, then read-only; reads are thread-safe and allocate nothing.
/// </summary>
internal sealed class AccountFilter
{
    private const int BitsPerId = 5;

    private readonly ulong[] _words;
    private readonly int _shift;

    /// <summary>A filter of <paramref name="ids"/>.</summary>
    public AccountFilter(IReadOnlyCollection<string> ids)
        : this(ids.Count)
    {
        foreach (var id in ids)
        {
            Add(Hash(id));
        }
    }

    private AccountFilter(ulong[] words)
    {
        _words = words;
        _shift = 64 - BitOperations.Log2((uint)words.Length);
    }

    // A power of two of words at 16 or more bits per id: the word is the hash's top bits.
    private AccountFilter(int count)
        : this(new ulong[(int)Math.Min(1L << 30, BitOperations.RoundUpToPowerOf2((ulong)Math.Max(1, count) / 4 + 1))])
    {
    }

    /// <summary>
    /// A filter of <paramref name="all"/> (<paramref name="allCount"/> ids), which are this filter's ids
    /// and <paramref name="added"/>: a copy of this one's words with the added ids set while that keeps
    /// 16 bits or more per id (a small filter of recent changes grows by a copy, not a rebuild), else
    /// built afresh from all.
    /// </summary>
    public AccountFilter With(IEnumerable<string> added, IEnumerable<string> all, int allCount)
    {
        var grown = (long)_words.Length * 4 < allCount;
        var filter = grown ? new AccountFilter(allCount) : new AccountFilter((ulong[])_words.Clone());
        foreach (var id in grown ? all : added)
        {
            filter.Add(Hash(id));
        }

        return filter;
    }

    /// <summary>Whether <paramref name="id"/> may have been added; false means it surely was not.</summary>
    public bool MayContain(string id) => MayContain(Hash(id));

    /// <summary>Whether the id whose <see cref="Hash"/> is <paramref name="hash"/> may have been added.</summary>
    public bool MayContain(ulong hash)
    {
        var mask = Mask(hash);
        return (_words[Index(hash)] & mask) == mask;
    }

    /// <summary>Starts loading the word <paramref name="hash"/> tests into the CPU caches (a hint; nothing without a prefetch instruction).</summary>
    public unsafe void Prefetch(ulong hash)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref _words[Index(hash)]));
        }
    }

    // Only while the filter is being built: it is read-only once handed out.
    private void Add(ulong hash) => _words[Index(hash)] |= Mask(hash);

    // The word: the hash's top bits (a shift of 64 leaves the single word 0 of a one-word filter).
    private int Index(ulong hash) => _shift == 64 ? 0 : (int)(hash >> _shift);

    // Five bit positions from the low 30 bits, which the word index (at most the top 30) does not use.
    private static ulong Mask(ulong hash) =>
        (1UL << (int)(hash & 63)) | (1UL << (int)((hash >> 6) & 63)) | (1UL << (int)((hash >> 12) & 63))
        | (1UL << (int)((hash >> 18) & 63)) | (1UL << (int)((hash >> 24) & 63));

    /// <summary>A 64-bit hash of the id's UTF-16 code units, four at a time, with a final avalanche (murmur3's fmix64).</summary>
    /// <remarks>The override table keys its slots by it too: one hash per lookup serves both.</remarks>
    public static ulong Hash(string id)
    {
        var bytes = MemoryMarshal.AsBytes(id.AsSpan());
        var hash = 0x9E3779B97F4A7C15UL ^ (ulong)bytes.Length;
        while (bytes.Length >= 8)
        {
            hash = (hash ^ MemoryMarshal.Read<ulong>(bytes)) * 0xFF51AFD7ED558CCDUL;
            hash ^= hash >> 32;
            bytes = bytes[8..];
        }

        var tail = 0UL;
        for (var i = 0; i < bytes.Length; i++)
        {
            tail |= (ulong)bytes[i] << (8 * i);
        }

        hash = (hash ^ tail) * 0xC4CEB9FE1A85EC53UL;
        hash ^= hash >> 33;
        hash *= 0xFF51AFD7ED558CCDUL;
        hash ^= hash >> 33;
        hash *= 0xC4CEB9FE1A85EC53UL;
        return hash ^ (hash >> 33);
    }
}

// Every account override of one map version: a large frozen base and a small set of recent changes.
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace GeoAssign.Index.Accounts;

/// <summary>
/// The overrides of one map version, by account id. Built for millions of overrides changed a few at a
/// time: a base table (<see cref="AccountTable"/>) that is never written after it is built, and an
/// immutable set of changes since (an upsert, or null for a delete), so a new version shares the base
/// and costs only its changes; once the changes grow past an eighth of the base they are folded into a
/// new base. A filter of the base's ids answers most lookups of accounts without an override, and a
/// filter of the changed ids lets every other account skip the changes. Lookups allocate nothing.
/// Immutable and thread-safe.
/// </summary>
public sealed class OverrideBook
{
    private static readonly ImmutableDictionary<string, AccountOverride?> NoChanges = ImmutableDictionary.Create<string, AccountOverride?>(StringComparer.Ordinal);

    private readonly AccountTable _base;
    private readonly AccountFilter _baseFilter;
    private readonly ImmutableDictionary<string, AccountOverride?> _changes;
    private readonly AccountFilter _changesFilter;
    private readonly bool _hasChanges;
    private string[]? _sortedIds;

    private OverrideBook(AccountTable baseEntries, AccountFilter baseFilter, ImmutableDictionary<string, AccountOverride?> changes, AccountFilter changesFilter, int count)
    {
        _base = baseEntries;
        _baseFilter = baseFilter;
        _changes = changes;
        _changesFilter = changesFilter;
        _hasChanges = !changes.IsEmpty;
        Count = count;
    }

    /// <summary>No overrides.</summary>
    public static OverrideBook Empty { get; } = new(new AccountTable([]), new AccountFilter([]), NoChanges, new AccountFilter([]), 0);

    /// <summary>How many overrides there are.</summary>
    public int Count { get; }

    /// <summary>The override of <paramref name="accountId"/>, in force or not. Allocates nothing.</summary>
    public bool TryGet(string accountId, [MaybeNullWhen(false)] out AccountOverride entry)
    {
        var hash = AccountFilter.Hash(accountId);
        if (_hasChanges && _changesFilter.MayContain(hash) && _changes.TryGetValue(accountId, out var changed))
        {
            entry = changed;
            return changed is not null;
        }

        // Most accounts have no override: the filter turns nearly all of them away with one read.
        var slot = _baseFilter.MayContain(hash) ? _base.Find(accountId, hash) : -1;
        entry = slot < 0 ? null : _base.Record(slot);
        return entry is not null;
    }

    /// <summary>How many lookups ahead a caller starts its first <see cref="Prefetch(string, ulong, int)"/> hint.</summary>
    public const int PrefetchDistance = 4;

    /// <summary>
    /// The hash that lookups and hints key <paramref name="accountId"/> by: a caller that looks up a run
    /// of accounts computes it once per account and hands it to <see cref="Prefetch(string, ulong, int)"/>
    /// and <see cref="TryFindInForce(string, ulong, long, out InForceOverride)"/>. Thread-safe.
    /// </summary>
    public static ulong HashOf(string accountId) => AccountFilter.Hash(accountId);

    /// <summary>The hint <see cref="Prefetch(string, ulong, int)"/>, hashing the id itself.</summary>
    public void Prefetch(string accountId, int lookupsAhead) => Prefetch(accountId, HashOf(accountId), lookupsAhead);

    /// <summary>
    /// A hint that <see cref="TryFindInForce(string, ulong, long, out InForceOverride)"/> (or <see cref="TryGet"/>)
    /// of <paramref name="accountId"/> (whose <see cref="HashOf"/> is <paramref name="hash"/>) follows after
    /// <paramref name="lookupsAhead"/> point lookups: starts loading into the CPU caches what that step
    /// will read, so that the reads overlap the lookups before it instead of waiting after them. A caller
    /// that answers a run of accounts calls it for the accounts <see cref="PrefetchDistance"/>, 2 and 1
    /// lookups ahead of the current one (4 or more: the filter word; 2: the table's slot lines, when the
    /// filter passes — two lookups, so that they arrive even when memory is slow; 1: the id's characters,
    /// for the few ids too long to be kept in their slot; 3: nothing). Changes nothing, allocates nothing;
    /// a no-op where the CPU has no prefetch instruction.
    /// </summary>
    public void Prefetch(string accountId, ulong hash, int lookupsAhead)
    {
        if (lookupsAhead >= PrefetchDistance)
        {
            _baseFilter.Prefetch(hash);
        }
        else if (lookupsAhead == 2)
        {
            if (_baseFilter.MayContain(hash))
            {
                _base.PrefetchSlot(hash);
            }
        }
        else if (lookupsAhead == 1 && accountId.Length > AccountTable.InlineChars && _baseFilter.MayContain(hash))
        {
            _base.PrefetchArena(accountId, hash);
        }
    }

    /// <summary>The override of <paramref name="accountId"/> when it is in force at <paramref name="utcTicks"/>. Allocates nothing.</summary>
    public bool TryGetInForce(string accountId, long utcTicks, [MaybeNullWhen(false)] out AccountOverride entry)
    {
        if (TryGet(accountId, out entry) && entry.InForceAt(utcTicks))
        {
            return true;
        }

        // Null when not in force, so a caller that looks at the entry instead of the answer cannot apply it.
        entry = null;
        return false;
    }

    /// <summary>
    /// The owner, territory and protection of <paramref name="accountId"/>'s override when it is in
    /// force at <paramref name="utcTicks"/>: the lookups' path, which reads one slot of the base table
    /// (and no override record) for an account not changed since the last fold. Allocates nothing.
    /// </summary>
    public bool TryFindInForce(string accountId, long utcTicks, out InForceOverride answer) => TryFindInForce(accountId, HashOf(accountId), utcTicks, out answer);

    /// <summary>
    /// <see cref="TryFindInForce(string, long, out InForceOverride)"/> with the id's <see cref="HashOf"/>
    /// computed by the caller (once for its hints and its lookup). Allocates nothing.
    /// </summary>
    public bool TryFindInForce(string accountId, ulong hash, long utcTicks, out InForceOverride answer)
    {
        if (_hasChanges && _changesFilter.MayContain(hash) && _changes.TryGetValue(accountId, out var changed))
        {
            if (changed is not null && changed.InForceAt(utcTicks))
            {
                answer = new InForceOverride(changed.OwnerId, changed.TerritoryId, changed.Protected);
                return true;
            }

            answer = default;
            return false;
        }

        if (!_baseFilter.MayContain(hash))
        {
            answer = default;
            return false;
        }

        return _base.TryGetInForce(accountId, hash, utcTicks, out answer);
    }

    /// <summary>Every override, in no particular order.</summary>
    public IEnumerable<AccountOverride> All()
    {
        foreach (var entry in _base.All())
        {
            if (!_hasChanges || !_changes.ContainsKey(entry.AccountId))
            {
                yield return entry;
            }
        }

        foreach (var entry in _changes.Values)
        {
            if (entry is not null)
            {
                yield return entry;
            }
        }
    }

    /// <summary>The account ids in ordinal order (computed once per book, for paging).</summary>
    public IReadOnlyList<string> SortedIds()
    {
        return LazyInitializer.EnsureInitialized(ref _sortedIds, () =>
        {
            var ids = All().Select(o => o.AccountId).ToArray();
            Array.Sort(ids, StringComparer.Ordinal);
            return ids;
        });
    }

    /// <summary>
    /// This book with <paramref name="upserts"/> set (replacing an account's override), then
    /// <paramref name="deletes"/> removed; with <paramref name="clear"/> every override goes first.
    /// </summary>
    public OverrideBook With(IReadOnlyList<AccountOverride> upserts, IReadOnlyList<string> deletes, bool clear)
    {
        ArgumentNullException.ThrowIfNull(upserts);
        ArgumentNullException.ThrowIfNull(deletes);
        if (clear)
        {
            var fresh = new Dictionary<string, AccountOverride>(upserts.Count, StringComparer.Ordinal);
            foreach (var entry in upserts)
            {
                fresh[entry.AccountId] = entry;
            }

            foreach (var id in deletes)
            {
                fresh.Remove(id);
            }

            return WithBase(fresh);
        }

        if (upserts.Count == 0 && deletes.Count == 0)
        {
            return this;
        }

        if (upserts.Count + deletes.Count > FoldThreshold)
        {
            // A bulk change (an import) would be folded anyway: building the new base directly skips
            // an immutable dictionary of every row, which costs ten times the time of a plain one.
            return Merged(upserts, deletes);
        }

        var changes = _changes.ToBuilder();
        var count = Count;
        foreach (var entry in upserts)
        {
            count += Exists(entry.AccountId, changes) ? 0 : 1;
            changes[entry.AccountId] = entry;
        }

        foreach (var id in deletes)
        {
            count -= Exists(id, changes) ? 1 : 0;
            changes[id] = null;
        }

        if (changes.Count > FoldThreshold)
        {
            return new OverrideBook(_base, _baseFilter, changes.ToImmutable(), _changesFilter, count).Folded();
        }

        // The changes' filter grows by the ids this change names (a copy of a few kilobytes).
        var changed = changes.ToImmutable();
        var changesFilter = _changesFilter.With(upserts.Select(o => o.AccountId).Concat(deletes), changed.Keys, changed.Count);
        return new OverrideBook(_base, _baseFilter, changed, changesFilter, count);
    }

    // How many changes a book keeps beside its base before it folds them in.
    private int FoldThreshold => Math.Max(4096, _base.Count / 8);

    // This book's overrides with the upserts set and then the deletes removed, in one new base.
    private OverrideBook Merged(IReadOnlyList<AccountOverride> upserts, IReadOnlyList<string> deletes)
    {
        var capacity = Count + upserts.Count;
        var merged = new Dictionary<string, AccountOverride>(capacity, StringComparer.Ordinal);
        foreach (var entry in All())
        {
            merged[entry.AccountId] = entry;
        }

        foreach (var entry in upserts)
        {
            merged[entry.AccountId] = entry;
        }

        foreach (var id in deletes)
        {
            merged.Remove(id);
        }

        // Upserts of existing accounts leave room unused; give it back when it is a quarter or more.
        if (merged.Count < capacity / 4 * 3)
        {
            merged.TrimExcess();
        }
        return WithBase(merged);
    }

    // A book of exactly these overrides, with its filter.
    private static OverrideBook WithBase(Dictionary<string, AccountOverride> entries) =>
        new(new AccountTable(entries.Values), new AccountFilter(entries.Keys), NoChanges, Empty._changesFilter, entries.Count);

    // Whether the account has an override once the pending changes are applied.
    private bool Exists(string accountId, ImmutableDictionary<string, AccountOverride?>.Builder changes) =>
        changes.TryGetValue(accountId, out var changed) ? changed is not null : _base.Find(accountId, AccountFilter.Hash(accountId)) >= 0;

    // The same overrides in one new base: lookups check one dictionary again.
    private OverrideBook Folded()
    {
        var merged = new Dictionary<string, AccountOverride>(Count, StringComparer.Ordinal);
        foreach (var entry in All())
        {
            merged[entry.AccountId] = entry;
        }

        return WithBase(merged);
    }
}

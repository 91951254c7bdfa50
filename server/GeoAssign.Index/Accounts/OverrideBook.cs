// Every account override of one map version: a large frozen base and a small set of recent changes.
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace GeoAssign.Index.Accounts;

/// <summary>
/// The overrides of one map version, by account id. Built for millions of overrides changed a few at a
/// time: a base dictionary that is never written after it is built, and an immutable set of changes
/// since (an upsert, or null for a delete), so a new version shares the base and costs only its
/// changes; once the changes grow past an eighth of the base they are folded into a new base. A filter
/// of the base's ids answers most lookups of accounts without an override. Lookups allocate nothing.
/// Immutable and thread-safe.
/// </summary>
public sealed class OverrideBook
{
    private static readonly Dictionary<string, AccountOverride> NoBase = new(StringComparer.Ordinal);

    private readonly Dictionary<string, AccountOverride> _base;
    private readonly AccountFilter _baseFilter;
    private readonly ImmutableDictionary<string, AccountOverride?> _changes;
    private string[]? _sortedIds;

    private OverrideBook(Dictionary<string, AccountOverride> baseEntries, AccountFilter baseFilter, ImmutableDictionary<string, AccountOverride?> changes, int count)
    {
        _base = baseEntries;
        _baseFilter = baseFilter;
        _changes = changes;
        Count = count;
    }

    /// <summary>No overrides.</summary>
    public static OverrideBook Empty { get; } = new(NoBase, new AccountFilter(NoBase.Keys), ImmutableDictionary.Create<string, AccountOverride?>(StringComparer.Ordinal), 0);

    /// <summary>How many overrides there are.</summary>
    public int Count { get; }

    /// <summary>The override of <paramref name="accountId"/>, in force or not. Allocates nothing.</summary>
    public bool TryGet(string accountId, [MaybeNullWhen(false)] out AccountOverride entry)
    {
        if (!_changes.IsEmpty && _changes.TryGetValue(accountId, out var changed))
        {
            entry = changed;
            return changed is not null;
        }

        // Most accounts have no override: the filter turns nearly all of them away with one read.
        if (!_baseFilter.MayContain(accountId))
        {
            entry = null;
            return false;
        }

        return _base.TryGetValue(accountId, out entry);
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

    /// <summary>Every override, in no particular order.</summary>
    public IEnumerable<AccountOverride> All()
    {
        foreach (var (id, entry) in _base)
        {
            if (!_changes.ContainsKey(id))
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

        var book = new OverrideBook(_base, _baseFilter, changes.ToImmutable(), count);
        return changes.Count > FoldThreshold ? book.Folded() : book;
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
        new(entries, new AccountFilter(entries.Keys), Empty._changes, entries.Count);

    // Whether the account has an override once the pending changes are applied.
    private bool Exists(string accountId, ImmutableDictionary<string, AccountOverride?>.Builder changes) =>
        changes.TryGetValue(accountId, out var changed) ? changed is not null : _base.ContainsKey(accountId);

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

// Account overrides: the book against a plain dictionary, validity windows at their edges, and overrides through the writer.
using GeoAssign.Index.Accounts;
using GeoAssign.Index.Model;
using GeoAssign.Index.Validation;
using GeoAssign.Testing;
using Xunit;

namespace GeoAssign.Index.Tests.Accounts;

public sealed class OverrideBookTests
{
    private static AccountOverride Override(string account, string owner = "rep-1", DateTimeOffset? from = null, DateTimeOffset? until = null, string? territory = null) =>
        new() { AccountId = account, OwnerId = owner, ValidFrom = from, ValidUntil = until, TerritoryId = territory };

    [Fact]
    public void A_book_changed_step_by_step_holds_what_a_plain_dictionary_holds_through_folds()
    {
        var random = new Random(3);
        var book = OverrideBook.Empty;
        var expected = new Dictionary<string, AccountOverride>(StringComparer.Ordinal);
        for (var step = 0; step < 3_000; step++)
        {
            var upserts = Enumerable.Range(0, random.Next(0, 8)).Select(_ => Override($"a-{random.Next(20_000)}", $"rep-{random.Next(30)}"))
                .GroupBy(o => o.AccountId).Select(g => g.Last()).ToList();
            var deletes = Enumerable.Range(0, random.Next(0, 3)).Select(_ => $"a-{random.Next(20_000)}").Where(id => upserts.All(o => o.AccountId != id)).Distinct().ToList();
            var clear = random.Next(1_000) == 0;
            book = book.With(upserts, deletes, clear);
            if (clear)
            {
                expected.Clear();
            }

            foreach (var entry in upserts)
            {
                expected[entry.AccountId] = entry;
            }

            foreach (var id in deletes)
            {
                expected.Remove(id);
            }

            Assert.Equal(expected.Count, book.Count);
            if (step % 250 == 0)
            {
                // Every id, present, deleted or never set, answered from the base or the pending changes.
                for (var n = 0; n < 20_000; n++)
                {
                    var id = new string($"a-{n}".AsSpan());
                    Assert.Equal(expected.GetValueOrDefault(id), book.TryGet(id, out var found) ? found : null);
                }
            }
        }

        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), book.SortedIds());
        foreach (var (id, entry) in expected)
        {
            Assert.True(book.TryGet(id, out var found));
            Assert.Equal(entry, found);
        }

        Assert.False(book.TryGet("a-missing", out _));
    }

    [Fact]
    public void The_account_filter_keeps_every_id_it_was_built_of_and_turns_away_nearly_all_others()
    {
        var ids = Enumerable.Range(0, 200_000).Select(n => $"ACC-{n:D8}").ToArray();
        var filter = new AccountFilter(ids);

        Assert.All(ids, id => Assert.True(filter.MayContain(new string(id.AsSpan()))));
        var falsePositives = Enumerable.Range(200_000, 200_000).Count(n => filter.MayContain($"ACC-{n:D8}"));
        Assert.InRange(falsePositives, 0, 200_000 / 100);
        Assert.False(new AccountFilter([]).MayContain("ACC-00000001"));
        Assert.True(new AccountFilter(["x"]).MayContain("x"));
    }

    [Fact]
    public void A_bulk_change_of_a_book_with_pending_changes_holds_what_a_plain_dictionary_holds()
    {
        var book = OverrideBook.Empty.With([.. Enumerable.Range(0, 10_000).Select(n => Override($"a-{n}"))], [], clear: true)
            .With([Override("a-1", "rep-2"), Override("b-1")], ["a-2"], clear: false);
        var bulk = Enumerable.Range(5_000, 10_000).Select(n => Override($"a-{n}", "rep-3")).ToList();

        var merged = book.With(bulk, ["a-3", "b-1", "a-6000"], clear: false);

        var expected = Enumerable.Range(0, 15_000).Where(n => n is not 2 and not 3 and not 6000).Select(n => $"a-{n}").ToHashSet();
        Assert.Equal(expected.Count, merged.Count);
        Assert.Equal(expected.Order(StringComparer.Ordinal), merged.SortedIds());
        Assert.True(merged.TryGet("a-1", out var kept) && kept.OwnerId == "rep-2");
        Assert.True(merged.TryGet("a-7000", out var bulked) && bulked.OwnerId == "rep-3");
        Assert.False(merged.TryGet("b-1", out _));
        Assert.False(merged.TryGet("a-2", out _));
    }

    [Fact]
    public void Lookups_and_prefetch_hints_allocate_nothing_and_the_hints_change_no_answer()
    {
        var now = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);
        string Long(int n) => $"long-{n}-{new string('q', 40)}";
        var book = OverrideBook.Empty.With([.. Enumerable.Range(0, 50_000).Select(n => Override(n % 10 == 9 ? Long(n) : $"a-{n}", until: n % 3 == 0 ? now : null))], [], clear: true)
            .With([Override("b-1"), Override("a-7", "rep-2")], ["a-8"], clear: false);
        string[] ids = [.. new[] { "a-1", "a-3", "a-7", "a-8", "b-1", "b-2", "" }.Concat(Enumerable.Range(40_000, 20_000).Select(n => n % 10 == 9 ? Long(n) : $"a-{n}"))];
        var ticks = now.UtcTicks;
        var expected = ids.Select(id => book.TryGetInForce(id, ticks, out var e) ? e : null).ToArray();
        var found = new AccountOverride?[ids.Length];
        var answers = new InForceOverride?[ids.Length];
        for (var ahead = 1; ahead <= OverrideBook.PrefetchDistance; ahead++)
        {
            // Every method measured below runs once first: compiling it may allocate.
            book.Prefetch(ids[ahead], ahead);
            book.Prefetch(ids[ahead], OverrideBook.HashOf(ids[ahead]), ahead);
            _ = book.TryFindInForce(ids[ahead], OverrideBook.HashOf(ids[ahead]), ticks, out _);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < ids.Length; i++)
        {
            for (var ahead = 1; ahead <= OverrideBook.PrefetchDistance && i + ahead < ids.Length; ahead++)
            {
                book.Prefetch(ids[i + ahead], ahead);
                book.Prefetch(ids[i + ahead], OverrideBook.HashOf(ids[i + ahead]), ahead);
            }

            found[i] = book.TryGetInForce(ids[i], ticks, out var entry) ? entry : null;
            answers[i] = book.TryFindInForce(ids[i], OverrideBook.HashOf(ids[i]), ticks, out var answer) ? answer : null;
            _ = book.TryGet(ids[i], out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(expected, found);
        Assert.Equal(expected.Select(e => e is null ? (InForceOverride?)null : new InForceOverride(e.OwnerId, e.TerritoryId, e.Protected)), answers);
        Assert.Contains(found, e => e is not null && e.AccountId.Length > AccountTable.InlineChars);
        Assert.Equal("rep-2", found[2]!.OwnerId);
        Assert.Null(found[1]);
        Assert.Null(found[3]);
        Assert.NotNull(found[4]);
        Assert.Null(found[5]);
        Assert.Equal(50_000 - 1 + 1, book.Count);
    }

    [Fact]
    public void A_window_is_kept_as_its_utc_instant_and_equal_overrides_stay_equal()
    {
        var local = new DateTimeOffset(2027, 3, 1, 9, 30, 0, TimeSpan.FromHours(2));
        var entry = Override("a", from: local, until: local.AddDays(1));

        Assert.Equal(local, entry.ValidFrom);
        Assert.Equal(TimeSpan.Zero, entry.ValidFrom!.Value.Offset);
        Assert.Equal(Override("a", from: local.ToUniversalTime(), until: local.AddDays(1)), entry);
        Assert.NotEqual(Override("a", from: local.AddTicks(1), until: local.AddDays(1)), entry);
        Assert.Null(Override("a").ValidUntil);
        Assert.Equal(entry with { ValidFrom = null }, Override("a", until: local.AddDays(1)));
    }

    [Fact]
    public void An_override_is_in_force_from_its_start_inclusive_until_its_end_exclusive()
    {
        var from = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var until = from.AddDays(90);
        var window = Override("a", from: from, until: until);

        Assert.False(window.InForceAt(from.AddTicks(-1)));
        Assert.True(window.InForceAt(from));
        Assert.True(window.InForceAt(until.AddTicks(-1)));
        Assert.False(window.InForceAt(until));
        Assert.Equal(window.InForceAt(until), window.InForceAt(until.UtcTicks));
        Assert.True(Override("open").InForceAt(DateTimeOffset.MinValue));
        var book = OverrideBook.Empty.With([window], [], clear: false);
        Assert.True(book.TryGetInForce("a", from.UtcTicks, out _));
        Assert.False(book.TryGetInForce("a", until.UtcTicks, out _));
    }

    [Fact]
    public void Overrides_travel_with_the_live_map_and_malformed_ones_are_refused_by_index()
    {
        var writer = new TerritoryMapWriter();
        writer.Apply(new MapChange(1, [ChangeHistories.Square("t", 0, 0, 1)], []));
        var map = writer.Apply(new MapChange(2, [], []) { OverrideUpserts = [Override("a", territory: "t"), Override("b")] });
        Assert.Equal(2, map.Overrides.Count);
        Assert.Equal(2, map.Version);

        var from = DateTimeOffset.UtcNow;
        var invalid = writer.Validate(new MapChange(3, [], [])
        {
            OverrideUpserts =
            [
                Override("", "rep"),
                Override("c", ""),
                Override("d", from: from, until: from),
                Override("e", territory: "missing"),
                Override("b"),
                Override("b"),
            ],
        });
        Assert.Equal(
            [(ValidationProblemKind.InvalidOverride, 0), (ValidationProblemKind.InvalidOverride, 1), (ValidationProblemKind.InvalidOverride, 2),
             (ValidationProblemKind.UnknownOverrideTerritory, 3), (ValidationProblemKind.InvalidOverride, 5)],
            invalid.Problems.Select(p => (p.Kind, p.FeatureIndex!.Value)));

        var cleared = writer.Apply(new MapChange(3, [], ["t"]) { ClearOverrides = true, OverrideUpserts = [Override("z")] });
        Assert.Equal(["z"], cleared.Overrides.SortedIds());
    }
}

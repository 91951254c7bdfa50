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

// The override table's slots: ids inline and in the arena, forced hash collisions, windows, and the lookups' answer over pending changes.
using GeoAssign.Index.Accounts;
using Xunit;

namespace GeoAssign.Index.Tests.Accounts;

public sealed class AccountTableTests
{
    private static readonly DateTimeOffset Now = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static AccountOverride Override(string account, string owner = "rep-1", DateTimeOffset? from = null, DateTimeOffset? until = null, string? territory = null, bool isProtected = false) =>
        new() { AccountId = account, OwnerId = owner, ValidFrom = from, ValidUntil = until, TerritoryId = territory, Protected = isProtected };

    // Ids around the inline limit, long ones, non-ASCII ones (kept in the arena), and ones that differ only at the end.
    private static readonly string[] AwkwardIds =
    [
        "a", "A", new('x', AccountTable.InlineChars), new('x', AccountTable.InlineChars - 1), new('x', AccountTable.InlineChars + 1),
        "0012345678901234567890123456", "0012345678901234567890123457", "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
        "3f2504e0-4f89-11d3-9a0c-0305e82c3302", "Müller-7", "Müller-8", "客户-1", "客户-2", new('é', 300), "ACC-00012345",
    ];

    [Fact]
    public void With_every_hash_forced_equal_only_the_characters_tell_the_accounts_apart()
    {
        var entries = AwkwardIds.Select((id, n) => Override(id, $"rep-{n}")).ToArray();
        var table = new AccountTable(entries, _ => 42UL);

        for (var n = 0; n < AwkwardIds.Length; n++)
        {
            var slot = table.Find(new string(AwkwardIds[n].AsSpan()), 42UL);
            Assert.True(slot >= 0, AwkwardIds[n]);
            Assert.Same(entries[n], table.Record(slot));
            Assert.True(table.TryGetInForce(new string(AwkwardIds[n].AsSpan()), 42UL, Now.UtcTicks, out var answer));
            Assert.Equal($"rep-{n}", answer.OwnerId);
        }

        string[] strangers = ["b", "", new('x', AccountTable.InlineChars + 2), "Müller-9", "客户-3", new('é', 299), "ACC-00012346", "acc-00012345"];
        Assert.All(strangers, id => Assert.Equal(-1, table.Find(id, 42UL)));
        Assert.All(strangers, id => Assert.False(table.TryGetInForce(id, 42UL, Now.UtcTicks, out _)));
    }

    [Fact]
    public void Colliding_hashes_and_long_probe_runs_find_every_account_of_a_large_table()
    {
        // Sixteen ids to a hash: runs of equal hashes overlap the neighbours' home slots.
        var entries = Enumerable.Range(0, 50_000).Select(n => Override($"{(n % 7 == 0 ? "long-account-id-" + new string('q', 20) : "a")}-{n}", $"rep-{n % 37}")).ToArray();
        ulong Forced(string id) => AccountFilter.Hash(id) & ~0xFUL;
        var table = new AccountTable(entries, Forced);

        Assert.Equal(entries.Length, table.Count);
        foreach (var entry in entries)
        {
            var id = new string(entry.AccountId.AsSpan());
            Assert.Same(entry, table.Record(table.Find(id, Forced(id))));
        }

        Assert.Equal(entries.Select(e => e.AccountId).Order(StringComparer.Ordinal), table.All().Select(e => e.AccountId).Order(StringComparer.Ordinal));
        Assert.Equal(-1, table.Find("a-50000", Forced("a-50000")));
        Assert.Equal(-1, new AccountTable([]).Find("a", AccountFilter.Hash("a")));
    }

    [Fact]
    public void A_slot_answers_its_window_to_the_tick_with_owner_territory_and_protection()
    {
        var from = Now;
        var until = Now.AddDays(30);
        var table = new AccountTable(
        [
            Override("window", "rep-w", from, until, "t-1", isProtected: true),
            Override("from", "rep-f", from: from),
            Override("until", "rep-u", until: until, territory: "t-1"),
            Override("open", "rep-w", territory: "t-2"),
        ]);

        bool InForce(string id, DateTimeOffset at, out InForceOverride answer) => table.TryGetInForce(id, AccountFilter.Hash(id), at.UtcTicks, out answer);

        Assert.False(InForce("window", from.AddTicks(-1), out _));
        Assert.True(InForce("window", from, out var window));
        Assert.Equal(new InForceOverride("rep-w", "t-1", true), window);
        Assert.True(InForce("window", until.AddTicks(-1), out _));
        Assert.False(InForce("window", until, out _));
        Assert.False(InForce("from", from.AddTicks(-1), out _));
        Assert.True(InForce("from", DateTimeOffset.MaxValue, out var open));
        Assert.Equal(new InForceOverride("rep-f", null, false), open);
        Assert.True(InForce("until", DateTimeOffset.MinValue, out var until1));
        Assert.Equal(new InForceOverride("rep-u", "t-1", false), until1);
        Assert.False(InForce("until", until, out _));
        Assert.True(InForce("open", DateTimeOffset.MinValue, out var always));
        Assert.Equal(new InForceOverride("rep-w", "t-2", false), always);
    }

    [Fact]
    public void The_lookups_answer_equals_the_record_in_force_over_a_base_with_pending_upserts_and_deletes()
    {
        var random = new Random(14);
        var book = OverrideBook.Empty;
        var expected = new Dictionary<string, AccountOverride>(StringComparer.Ordinal);
        string Id(int n) => n % 5 == 0 ? $"long-{n}-{new string('z', 30)}" : n % 11 == 0 ? $"é-{n}" : $"a-{n}";
        for (var step = 0; step < 400; step++)
        {
            // Bulk steps fold into a new base (growth); small ones wait as pending changes beside it.
            var size = step % 50 == 0 ? 6_000 : random.Next(0, 20);
            var upserts = Enumerable.Range(0, size).Select(_ => random.Next(10_000)).Distinct().Select(n => Override(
                Id(n), $"rep-{random.Next(40)}", random.Next(4) == 0 ? Now.AddDays(random.Next(-3, 3)) : null,
                random.Next(4) == 0 ? Now.AddDays(random.Next(-3, 4)) : null, random.Next(3) == 0 ? $"t-{random.Next(9)}" : null, random.Next(10) == 0)).ToList();
            upserts.RemoveAll(o => o.ValidFrom >= o.ValidUntil);
            var deletes = Enumerable.Range(0, random.Next(0, 8)).Select(_ => Id(random.Next(10_000))).Where(id => upserts.All(o => o.AccountId != id)).Distinct().ToList();
            book = book.With(upserts, deletes, clear: false);
            upserts.ForEach(o => expected[o.AccountId] = o);
            deletes.ForEach(id => expected.Remove(id));

            if (step % 40 == 39)
            {
                foreach (var at in new[] { Now.AddDays(-2), Now, Now.AddDays(1).AddTicks(-1), Now.AddDays(1) })
                {
                    for (var n = 0; n < 10_000; n++)
                    {
                        var id = new string(Id(n).AsSpan());
                        var want = expected.GetValueOrDefault(id) is { } e && e.InForceAt(at) ? new InForceOverride(e.OwnerId, e.TerritoryId, e.Protected) : (InForceOverride?)null;
                        Assert.Equal(want, book.TryFindInForce(id, at.UtcTicks, out var answer) ? answer : null);
                    }
                }
            }
        }

        Assert.Equal(expected.Count, book.Count);
    }
}

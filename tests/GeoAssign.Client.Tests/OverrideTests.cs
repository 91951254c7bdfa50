// Account overrides through the client: upsert, get, delete, the paged listing and its filters, the CSV import.
using System.Text;
using Grpc.Core;

namespace GeoAssign.Client.Tests;

public sealed class OverrideTests(SampleServer fixture) : IClassFixture<SampleServer>
{
    private static readonly DateTimeOffset Start = new(2027, 1, 1, 9, 0, 0, TimeSpan.Zero);

    private static MemoryStream Csv(string text) => new(Encoding.UTF8.GetBytes(text));

    private static async Task<List<AccountOverride>> ListAsync(GeoAssignClient client, string? owner = null, TimeSpan? expiring = null)
    {
        var list = new List<AccountOverride>();
        await foreach (var entry in client.ListOverridesAsync(owner, expiring))
        {
            list.Add(entry);
        }

        return list;
    }

    [Fact]
    public async Task An_upserted_override_reads_back_field_for_field_and_a_second_upsert_updates_it()
    {
        using var client = fixture.Server.Client();
        var key = new AccountOverride
        {
            AccountId = "crud-key",
            OwnerId = "rep-key",
            TerritoryId = "08",
            ValidFrom = Start,
            ValidUntil = Start.AddDays(90),
            Protected = true,
            Reason = "won in Q4, \"strategic\"",
        };
        var open = new AccountOverride { AccountId = "crud-open", OwnerId = "rep-open" };
        var first = await client.UpsertOverridesAsync([key, open], message: "two accounts");
        Assert.Equal((2, 0), (first.CreatedCount, first.UpdatedCount));
        Assert.Equal(first.MapVersion, client.MinReadVersion);

        var read = await client.GetOverrideAsync("crud-key");
        Assert.Equal(key with { SetBy = read.Override.SetBy }, read.Override);
        Assert.False(read.InForce, "the window starts in 2027");
        Assert.Equal(first.MapVersion, read.MapVersion);
        var openRead = await client.GetOverrideAsync("crud-open");
        Assert.Null(openRead.Override.ValidFrom);
        Assert.Null(openRead.Override.ValidUntil);
        Assert.Null(openRead.Override.TerritoryId);
        Assert.Null(openRead.Override.Reason);
        Assert.True(openRead.InForce);

        var second = await client.UpsertOverridesAsync([open with { OwnerId = "rep-other", Protected = true }], expectedVersion: first.MapVersion);
        Assert.Equal((0, 1), (second.CreatedCount, second.UpdatedCount));
        Assert.Equal(first.MapVersion + 1, second.MapVersion);
        Assert.Equal("rep-other", (await client.GetOverrideAsync("crud-open")).Override.OwnerId);

        var stale = await Assert.ThrowsAsync<GeoAssignException>(() => client.UpsertOverridesAsync([open], expectedVersion: first.MapVersion));
        Assert.Equal(StatusCode.Aborted, stale.StatusCode);
    }

    [Fact]
    public async Task Bad_overrides_are_invalid_argument_naming_their_index_and_an_unknown_territory_a_failed_precondition()
    {
        using var client = fixture.Server.Client();
        var empty = await Assert.ThrowsAsync<GeoAssignException>(() => client.UpsertOverridesAsync(
            [new AccountOverride { AccountId = "bad-0", OwnerId = "rep-1" }, new AccountOverride { AccountId = "bad-1", OwnerId = "rep-1", ValidFrom = Start, ValidUntil = Start }]));
        Assert.Equal(StatusCode.InvalidArgument, empty.StatusCode);
        Assert.Contains("overrides[1]", empty.ServerMessage, StringComparison.Ordinal);

        var territory = await Assert.ThrowsAsync<GeoAssignException>(() => client.UpsertOverridesAsync(
            [new AccountOverride { AccountId = "bad-2", OwnerId = "rep-1", TerritoryId = "no-such-state" }]));
        Assert.Equal(StatusCode.FailedPrecondition, territory.StatusCode);
        var missing = await Assert.ThrowsAsync<GeoAssignException>(() => client.GetOverrideAsync("bad-0"));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Delete_removes_overrides_fails_on_a_missing_account_unless_allowed_and_then_changes_nothing()
    {
        using var client = fixture.Server.Client();
        await client.UpsertOverridesAsync([new AccountOverride { AccountId = "del-a", OwnerId = "rep-1" }, new AccountOverride { AccountId = "del-b", OwnerId = "rep-1" }]);

        var missing = await Assert.ThrowsAsync<GeoAssignException>(() => client.DeleteOverridesAsync(["del-a", "del-none"]));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Contains("del-none", missing.ServerMessage, StringComparison.Ordinal);
        Assert.Equal("rep-1", (await client.GetOverrideAsync("del-a")).Override.OwnerId);

        var deleted = await client.DeleteOverridesAsync(["del-a", "del-none"], allowMissing: true, message: "cleanup");
        Assert.Equal(1, deleted.DeletedCount);
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<GeoAssignException>(() => client.GetOverrideAsync("del-a"))).StatusCode);

        var nothing = await client.DeleteOverridesAsync(["del-a"], allowMissing: true);
        Assert.Equal((deleted.MapVersion, 0), (nothing.MapVersion, nothing.DeletedCount));
        await client.DeleteOverridesAsync(["del-b"]);
    }

    [Fact]
    public async Task The_listing_pages_through_every_override_in_account_order_and_filters_by_owner_and_expiry()
    {
        // Pages of 100 over 1,000 overrides: the filters must carry across pages whose matches are sparse.
        using var client = fixture.Server.Client(configure: o => o.PageSize = 100);
        var now = DateTimeOffset.UtcNow;
        var overrides = Enumerable.Range(0, 1_000).Select(i => new AccountOverride
        {
            AccountId = $"page-{i:D4}",
            OwnerId = i % 7 == 0 ? "rep-seventh" : $"rep-page-{i % 3}",
            ValidFrom = i % 10 == 3 ? now.AddDays(1) : null,
            ValidUntil = (i % 10) switch
            {
                1 => now.AddHours(6),
                2 => now.AddDays(10),
                3 => now.AddDays(2),
                4 => now.AddHours(-1),
                _ => null,
            },
        }).ToList();
        await client.UpsertOverridesAsync(overrides);

        var all = (await ListAsync(client)).Where(o => o.AccountId.StartsWith("page-", StringComparison.Ordinal)).ToList();
        Assert.Equal(overrides.Select(o => o.AccountId), all.Select(o => o.AccountId));

        var seventh = await ListAsync(client, owner: "rep-seventh");
        Assert.Equal(overrides.Where(o => o.OwnerId == "rep-seventh").Select(o => o.AccountId), seventh.Select(o => o.AccountId));

        // In force now and ending within a day: the i % 10 == 1 ones (not 3: they start tomorrow; not 4: ended).
        var soon = (await ListAsync(client, expiring: TimeSpan.FromDays(1))).Where(o => o.AccountId.StartsWith("page-", StringComparison.Ordinal)).ToList();
        Assert.Equal(overrides.Where((o, i) => i % 10 == 1).Select(o => o.AccountId), soon.Select(o => o.AccountId));
        var within30 = (await ListAsync(client, "rep-seventh", TimeSpan.FromDays(30))).ToList();
        Assert.Equal(overrides.Where((o, i) => o.OwnerId == "rep-seventh" && i % 10 is 1 or 2).Select(o => o.AccountId), within30.Select(o => o.AccountId));

        await client.DeleteOverridesAsync(overrides.Select(o => o.AccountId));
    }

    [Fact]
    public async Task Import_merges_rows_and_replace_makes_the_overrides_exactly_the_file_reporting_progress_by_bytes()
    {
        using var client = fixture.Server.Client(configure: o => o.ImportChunkBytes = 64);
        const string Header = "account_id,owner_id,territory_id,valid_from,valid_until,protected,reason\n";
        var first = Csv(Header + "imp-a,rep-1,08,2027-01-01,2027-07-01T00:00:00Z,true,\"key, account\"\nimp-b,rep-2,,,,,\nimp-c,rep-3,,,,no,\n");
        var reports = new List<long>();
        var merged = await client.ImportOverridesAsync(first, new OverrideImportOptions { Message = "first" }, new SyncProgress(reports.Add));
        Assert.Equal((3L, 3L, 0L, 0L), (merged.RowCount, merged.CreatedCount, merged.UpdatedCount, merged.DeletedCount));
        Assert.Equal(first.Length, merged.Bytes);
        Assert.Equal(first.Length, reports[^1]);
        Assert.True(reports.Count > 3, "64-byte chunks report progress more than once");
        Assert.Equal(reports.Order(), reports);
        var a = (await client.GetOverrideAsync("imp-a")).Override;
        Assert.Equal(("rep-1", "08", true, "key, account"), (a.OwnerId, a.TerritoryId, a.Protected, a.Reason));
        Assert.Equal((Start.AddHours(-9), new DateTimeOffset(2027, 7, 1, 0, 0, 0, TimeSpan.Zero)), (a.ValidFrom, a.ValidUntil));

        // Columns in another order; one account again, one new.
        var second = await client.ImportOverridesAsync(Csv("owner_id,account_id\nrep-9,imp-b\nrep-9,imp-d\n"));
        Assert.Equal((2L, 1L, 1L, 0L), (second.RowCount, second.CreatedCount, second.UpdatedCount, second.DeletedCount));
        Assert.Equal(merged.MapVersion + 1, second.MapVersion);

        var others = (await ListAsync(client)).Count(o => !o.AccountId.StartsWith("imp-", StringComparison.Ordinal));
        var replaced = await client.ImportOverridesAsync(Csv(Header + "imp-c,rep-4,,,,,\nimp-e,rep-5,,,,,\n"), new OverrideImportOptions { Replace = true, ExpectedVersion = second.MapVersion });
        Assert.Equal((2L, 1L, 1L), (replaced.RowCount, replaced.CreatedCount, replaced.UpdatedCount));
        Assert.Equal(3L + others, replaced.DeletedCount);
        Assert.Equal(["imp-c", "imp-e"], (await ListAsync(client)).Select(o => o.AccountId));

        var stale = await Assert.ThrowsAsync<GeoAssignException>(() => client.ImportOverridesAsync(Csv(Header), new OverrideImportOptions { Replace = true, ExpectedVersion = second.MapVersion }));
        Assert.Equal(StatusCode.Aborted, stale.StatusCode);
    }

    [Fact]
    public async Task A_csv_with_bad_rows_is_rejected_naming_every_bad_line_and_changes_nothing()
    {
        using var client = fixture.Server.Client(configure: o => o.ImportChunkBytes = 16);
        await client.UpsertOverridesAsync([new AccountOverride { AccountId = "err-keep", OwnerId = "rep-1" }]);
        var before = (await client.GetMapInfoAsync()).MapVersion;
        var text = "account_id,owner_id,valid_from,valid_until,protected\n"
            + "err-1,rep-1,,,\n"
            + "err-2,rep-1,tomorrow,,\n"
            + "err-3,rep-1,,,maybe\n"
            + "\n"
            + "err-1,rep-2,,,\n"
            + "err-4,rep-1,2027-02-01,2027-01-01,\n";
        var error = await Assert.ThrowsAsync<GeoAssignException>(() => client.ImportOverridesAsync(Csv(text), new OverrideImportOptions { Replace = true }));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var lines = error.ServerMessage.Split('\n');
        Assert.StartsWith("4 problems in the CSV, nothing was changed", lines[0], StringComparison.Ordinal);
        Assert.Equal(["line 3: valid_from", "line 4: protected", "line 6: account", "line 7: valid_until"], lines.Skip(1).Select(l => l[..l.IndexOfAny([' ', '"'], 8)]));
        Assert.Contains("also on line 2", lines[3], StringComparison.Ordinal);

        var header = await Assert.ThrowsAsync<GeoAssignException>(() => client.ImportOverridesAsync(Csv("account,owner_id\nx,rep-1\n")));
        Assert.Contains("line 1: unknown column \"account\"", header.ServerMessage, StringComparison.Ordinal);

        var territory = await Assert.ThrowsAsync<GeoAssignException>(() => client.ImportOverridesAsync(Csv("account_id,owner_id,territory_id\nerr-5,rep-1,08\nerr-6,rep-1,no-such\n")));
        Assert.Equal(StatusCode.FailedPrecondition, territory.StatusCode);
        Assert.Contains("line 3: territory_id \"no-such\"", territory.ServerMessage, StringComparison.Ordinal);

        Assert.Equal(before, (await client.GetMapInfoAsync()).MapVersion);
        Assert.Equal("rep-1", (await client.GetOverrideAsync("err-keep")).Override.OwnerId);
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<GeoAssignException>(() => client.GetOverrideAsync("err-5"))).StatusCode);
    }

    /// <summary>Reports progress on the calling thread, in order.</summary>
    private sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}

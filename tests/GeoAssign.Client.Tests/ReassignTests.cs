// ReassignAsync: only the accounts whose owner changes, in order, then a consistent summary.
using GeoAssign.Testing.Servers;
using Grpc.Core;

namespace GeoAssign.Client.Tests;

public sealed class ReassignTests(SampleServer fixture) : IClassFixture<SampleServer>
{
    private static List<Account> Accounts(int count) => [.. Enumerable.Range(0, count).Select(i =>
        new Account($"acct-{i}", 20 + (i % 301) * 0.1, -130 + (i / 301 % 600) * 0.1, (i % 7) switch { 0 => null, 1 => "", _ => $"rep-{i % 5}" }))];

    [Fact]
    public async Task Only_changed_accounts_come_back_in_input_order_and_the_summary_adds_up()
    {
        using var client = fixture.Server.Client(configure: o =>
        {
            o.ChunkSize = 1_000;
            o.MaxChunksInFlight = 2;
        });
        var accounts = Accounts(12_000);
        var answers = new List<Assignment>();
        await foreach (var answer in client.ResolveManyAsync(accounts.Select(a => new GeoPoint(a.Lat, a.Lng, a.Id))))
        {
            answers.Add(answer);
        }

        var owners = answers.Select(a => a.OwnerId).ToList();

        var run = client.ReassignAsync(accounts);
        var changes = new List<OwnerChange>();
        await foreach (var change in run)
        {
            changes.Add(change);
        }

        var expected = accounts.Select((a, i) => (Account: a, Index: i, Owner: owners[i]))
            .Where(x => (x.Account.CurrentOwnerId ?? "") != (x.Owner ?? "")).ToList();
        Assert.Equal(expected.Select(x => (long)x.Index), changes.Select(c => c.AccountIndex));
        Assert.Equal(expected.Select(x => x.Account.Id), changes.Select(c => c.AccountId));
        Assert.Equal(expected.Select(x => NullIfEmpty(x.Account.CurrentOwnerId)), changes.Select(c => c.OldOwnerId));
        Assert.Equal(expected.Select(x => x.Owner), changes.Select(c => c.NewOwnerId));

        var summary = run.Summary!;
        Assert.Equal(12_000, summary.TotalCount);
        Assert.Equal(changes.Count, summary.ChangedCount);
        Assert.Equal(12_000 - changes.Count, summary.UnchangedCount);
        Assert.Equal(answers.Count(a => !a.IsAssigned), summary.UnassignedCount);
        Assert.Equal(changes.Count, summary.Transitions.Sum(t => t.Count));
        Assert.Equal(summary.Transitions.OrderByDescending(t => t.Count).Select(t => t.Count), summary.Transitions.Select(t => t.Count));
        Assert.Equal("geo", summary.Layer);
        Assert.Equal(run.MapVersion, summary.MapVersion);
        Assert.Equal(12_000, run.ProcessedCount);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    [Fact]
    public async Task The_summary_alone_runs_the_reassignment_and_a_run_enumerates_once()
    {
        using var client = fixture.Server.Client();
        var run = client.ReassignAsync(Accounts(300));
        var summary = await run.GetSummaryAsync();
        Assert.Equal(300, summary.TotalCount);
        Assert.Same(summary, await run.GetSummaryAsync());
        Assert.Throws<InvalidOperationException>(() => run.GetAsyncEnumerator());
    }

    [Fact]
    public async Task No_accounts_give_an_empty_summary()
    {
        using var client = fixture.Server.Client();
        var summary = await client.ReassignAsync(Array.Empty<Account>()).GetSummaryAsync();
        Assert.Equal((0, 0, 0), (summary.TotalCount, summary.ChangedCount, summary.UnchangedCount));
    }

    [Fact]
    public async Task A_bad_account_is_invalid_argument_naming_its_index_and_id()
    {
        using var client = fixture.Server.Client(configure: o => o.ChunkSize = 100);
        var accounts = Accounts(1_000);
        accounts[640] = new Account("acct-bad", 40, 200, "rep-1");
        var error = await Assert.ThrowsAsync<GeoAssignException>(() => client.ReassignAsync(accounts).GetSummaryAsync());
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("Reassign", error.Method);
        Assert.Contains("640", error.ServerMessage, StringComparison.Ordinal);
        Assert.Contains("acct-bad", error.ServerMessage, StringComparison.Ordinal);

        accounts[640] = new Account("", 40, -100, "rep-1");
        var empty = await Assert.ThrowsAsync<GeoAssignException>(() => client.ReassignAsync(accounts).GetSummaryAsync());
        Assert.Equal(StatusCode.InvalidArgument, empty.StatusCode);

        var unknownLayer = await Assert.ThrowsAsync<GeoAssignException>(() => client.ReassignAsync(Accounts(10), "nowhere").GetSummaryAsync());
        Assert.Equal(StatusCode.NotFound, unknownLayer.StatusCode);
    }
}

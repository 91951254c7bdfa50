// The live map's history through the client: ListVersions, answers as of a past version or instant,
// plans and diffs from past versions, and rollback.
using GeoAssign.Testing.Servers;
using Grpc.Core;

namespace GeoAssign.Client.Tests;

public sealed class HistoryTests : IAsyncLifetime
{
    private const string Key = "editor-key-0123456789";

    // v1: west (rep-a) and east (rep-b); v2: east to rep-c; a plan in between (not a live version); v3: west deleted.
    private TestServer _server = null!;
    private GeoAssignClient _client = null!;
    private ulong _v1, _v2, _v3, _planVersion;
    private DateTimeOffset _afterV1;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["GeoAssign:ApiKeys:0:Key"] = Key,
            ["GeoAssign:ApiKeys:0:Role"] = "editor",
            ["GeoAssign:ApiKeys:0:Name"] = "sales-ops",
        });
        _client = _server.Client(Key);
        _v1 = (await _client.UpsertAsync([PlanTests.Square("west", 0, "rep-a"), PlanTests.Square("east", 1, "rep-b")], new EditOptions { Message = "seed" })).MapVersion;
        // v1 took effect before its answer came; v2 takes effect after the clock moved past this instant,
        // so it lies strictly between them.
        _afterV1 = DateTimeOffset.UtcNow;
        await ClockPastAsync(_afterV1.AddMilliseconds(20));
        _v2 = (await _client.UpsertAsync([PlanTests.Square("east", 1, "rep-c")], new EditOptions { Message = "east to rep-c" })).MapVersion;
        _planVersion = (await _client.CreatePlanAsync("p")).Version;
        _v3 = (await _client.DeleteAsync(["west"], new EditOptions { Message = "drop west" })).MapVersion;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task The_history_lists_live_versions_newest_first_with_author_message_and_counts_across_pages()
    {
        var versions = await ToListAsync(_client.ListVersionsAsync());

        Assert.Equal([_v3, _v2, _v1], versions.Select(v => v.Version));
        Assert.Equal(["drop west", "east to rep-c", "seed"], versions.Select(v => v.Message));
        Assert.All(versions, v => Assert.Equal("sales-ops", v.Author));
        Assert.Equal([(0, 1), (1, 0), (2, 0)], versions.Select(v => (v.UpsertedCount, v.DeletedCount)));
        Assert.All(versions, v => Assert.Null(v.ActivatedPlan));
        Assert.True(versions[0].Time >= versions[1].Time && versions[1].Time > versions[2].Time);

        using var paged = _server.Client(Key, o => o.PageSize = 1);
        Assert.Equal([_v3, _v2, _v1], (await ToListAsync(paged.ListVersionsAsync())).Select(v => v.Version));
        Assert.Equal([_v2, _v1], (await ToListAsync(paged.ListVersionsAsync(beforeVersion: _v3))).Select(v => v.Version));
    }

    [Fact]
    public async Task Lookups_answer_from_a_past_version_or_instant_while_the_live_map_stays_current()
    {
        var atV1 = await _client.ResolveAsync(0.5, 1.5, null, MapView.AtVersion(_v1));
        Assert.Equal(("rep-b", _v1), (atV1.OwnerId, atV1.MapVersion));
        Assert.Equal("rep-c", (await _client.ResolveAsync(0.5, 1.5, null, MapView.AtVersion(_v2))).OwnerId);
        var asOf = await _client.ResolveAsync(0.5, 1.5, null, MapView.AtTime(_afterV1));
        Assert.Equal(("rep-b", _v1), (asOf.OwnerId, asOf.MapVersion));
        Assert.Equal("rep-c", (await _client.ResolveAsync(0.5, 1.5)).OwnerId);
        Assert.False((await _client.ResolveAsync(0.5, 0.5)).IsAssigned);

        var many = await ToListAsync(_client.ResolveManyAsync([new GeoPoint(0.5, 0.5, "w"), new GeoPoint(0.5, 1.5, "e")], null, MapView.AtVersion(_v1)));
        Assert.Equal(["rep-a", "rep-b"], many.Select(a => a.OwnerId));
        Assert.All(many, a => Assert.Equal(_v1, a.MapVersion));

        var summary = await _client.ReassignAsync([new Account("e", 0.5, 1.5, "rep-c")], null, MapView.AtTime(_afterV1)).GetSummaryAsync();
        Assert.Equal((1L, _v1), (summary.ChangedCount, summary.MapVersion));
        Assert.Equal([new OwnerCount("rep-b", 0, 1), new OwnerCount("rep-c", 1, 0)], summary.OwnerCounts);

        // A plan's version is not a version of the live map.
        Assert.Equal(StatusCode.FailedPrecondition,
            (await Assert.ThrowsAsync<GeoAssignException>(() => _client.ResolveAsync(0.5, 1.5, null, MapView.AtVersion(_planVersion)))).StatusCode);
    }

    [Fact]
    public async Task A_plan_starts_from_a_past_version_and_two_versions_diff_like_a_plan()
    {
        var old = await _client.CreatePlanAsync("from-v1", fromVersion: _v1, message: "as it was");
        Assert.Equal((_v1, 2), (old.BaseVersion, old.TerritoryCount));
        Assert.Equal("rep-a", (await _client.ResolveAsync(0.5, 0.5, null, MapView.ForPlan("from-v1"))).OwnerId);

        var diff = await _client.DiffPlanAsync(_v1, _v3);
        Assert.Equal((_v1, _v3), (diff.FromVersion, diff.ToVersion));
        Assert.Equal([("east", TerritoryDiffKind.Changed), ("west", TerritoryDiffKind.Deleted)], diff.Territories.Select(t => (t.Id, t.Kind)));
        Assert.Equal(("rep-b", "rep-c"), (diff.Territories[0].OldOwnerId, diff.Territories[0].NewOwnerId));
        Assert.InRange(Assert.Single(diff.Transfers, t => t.NewOwnerId == "rep-c").AreaKm2, 12_200, 12_400);
        Assert.Equal(_v3, (await _client.DiffPlanAsync(_v1)).ToVersion);
    }

    [Fact]
    public async Task A_rollback_makes_a_past_version_live_again_as_a_new_version_guarded_by_the_expected_one()
    {
        var stale = await Assert.ThrowsAsync<GeoAssignException>(() => _client.RollbackAsync(_v1, expectedVersion: _v2));
        Assert.Equal(StatusCode.Aborted, stale.StatusCode);

        var rolledBack = await _client.RollbackAsync(_v1, expectedVersion: _v3, message: "undo");

        Assert.True(rolledBack.MapVersion > _v3);
        Assert.Equal((2, 0), (rolledBack.UpsertedCount, rolledBack.DeletedCount));
        Assert.Equal(rolledBack.MapVersion, _client.MinReadVersion);
        var east = await _client.ResolveAsync(0.5, 1.5);
        Assert.Equal(("rep-b", rolledBack.MapVersion), (east.OwnerId, east.MapVersion));
        Assert.Equal("rep-a", (await _client.ResolveAsync(0.5, 0.5)).OwnerId);
        var newest = (await ToListAsync(_client.ListVersionsAsync())).First();
        Assert.Equal((rolledBack.MapVersion, $"Rollback to version {_v1}: undo"), (newest.Version, newest.Message));

        Assert.Equal(StatusCode.FailedPrecondition, (await Assert.ThrowsAsync<GeoAssignException>(() => _client.RollbackAsync(_planVersion))).StatusCode);
    }

    /// <summary>Waits until the clock has passed <paramref name="instant"/> (a few ms), checking it rather than sleeping a fixed time.</summary>
    internal static async Task ClockPastAsync(DateTimeOffset instant)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(5);
        while (DateTimeOffset.UtcNow <= instant)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "the clock did not move on");
            await Task.Delay(5);
        }
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }
}

// Redistricting plans through the client: drafts beside the live map, edits and reads naming them, diff,
// coverage, preview, activation now or scheduled, and read-your-writes across plan versions.
using GeoAssign.Testing.Servers;
using Grpc.Core;

namespace GeoAssign.Client.Tests;

public sealed class PlanTests : IAsyncLifetime
{
    // Two 1°×1° squares side by side at the equator, "west" owned by rep-a and "east" by rep-b (about 12,300 km² each).
    private TestServer _server = null!;
    private GeoAssignClient _client = null!;
    private ulong _seeded;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _client = _server.Client();
        _seeded = (await _client.UpsertAsync([Square("west", 0, "rep-a"), Square("east", 1, "rep-b")])).MapVersion;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    internal static Territory Square(string id, double lng, string owner, double lat = 0, double width = 1, int priority = 0) => new()
    {
        Id = id,
        OwnerId = owner,
        Priority = priority,
        GeometryGeoJson = Rectangle(lng, lat, width, 1),
    };

    /// <summary>A rectangle of <paramref name="width"/>° by <paramref name="height"/>° as GeoJSON geometry text.</summary>
    internal static string Rectangle(double lng, double lat, double width, double height) => FormattableString.Invariant(
        $"{{\"type\":\"Polygon\",\"coordinates\":[[[{lng},{lat}],[{lng + width},{lat}],[{lng + width},{lat + height}],[{lng},{lat + height}],[{lng},{lat}]]]}}");

    [Fact]
    public async Task A_plan_is_created_listed_described_and_edited_beside_a_live_map_that_stays_untouched()
    {
        var created = await _client.CreatePlanAsync("fy27", message: "next year");
        Assert.Equal(("fy27", _seeded, PlanStatus.Draft, 2, "next year"), (created.Name, created.BaseVersion, created.Status, created.TerritoryCount, created.Message));
        Assert.Equal(["geo"], created.Layers);
        Assert.True(created.Version > _seeded);
        Assert.NotNull(created.CreatedTime);
        Assert.Null(created.ActivatedVersion);
        Assert.Equal(created.Version, _client.MinReadVersion);

        var edit = await _client.UpsertAsync([Square("east", 1, "rep-c")], new EditOptions { Plan = "fy27", Message = "east to rep-c", ExpectedVersion = created.Version });
        Assert.True(edit.MapVersion > created.Version);
        Assert.Equal(edit.MapVersion, _client.MinReadVersion);

        // The plan answers with its edit; the live map, read with the plan edit's min_version, does not move.
        var inPlan = await _client.ResolveAsync(0.5, 1.5, null, MapView.ForPlan("fy27"));
        Assert.Equal(("rep-c", edit.MapVersion), (inPlan.OwnerId, inPlan.MapVersion));
        var live = await _client.ResolveAsync(0.5, 1.5);
        Assert.Equal(("rep-b", _seeded), (live.OwnerId, live.MapVersion));
        Assert.Equal("rep-c", (await _client.GetTerritoryAsync("east", "fy27")).OwnerId);
        Assert.Equal("rep-b", (await _client.GetTerritoryAsync("east")).OwnerId);
        var listed = new List<Territory>();
        await foreach (var territory in _client.ListTerritoriesAsync(null, "rep-c", includeGeometry: false, "fy27"))
        {
            listed.Add(territory);
        }

        Assert.Equal(["east"], listed.Select(t => t.Id));

        var info = await _client.GetMapInfoAsync();
        Assert.Equal(_seeded, info.MapVersion);
        Assert.Equal(edit.MapVersion, info.Replica.AppliedVersion);

        var plans = await _client.ListPlansAsync();
        var plan = Assert.Single(plans);
        Assert.Equal(("fy27", edit.MapVersion), (plan.Name, plan.Version));
        var described = await _client.GetPlanAsync("fy27");
        Assert.Equal((plan.Name, plan.Version, plan.BaseVersion, plan.CreatedTime, plan.Message), (described.Name, described.Version, described.BaseVersion, described.CreatedTime, described.Message));

        // The plan's version guards its edits; an unknown plan is NOT_FOUND.
        var stale = await Assert.ThrowsAsync<GeoAssignException>(() => _client.UpsertAsync([Square("east", 1, "rep-d")], new EditOptions { Plan = "fy27", ExpectedVersion = created.Version }));
        Assert.Equal(StatusCode.Aborted, stale.StatusCode);
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<GeoAssignException>(() => _client.GetPlanAsync("nope"))).StatusCode);
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<GeoAssignException>(() => _client.ResolveAsync(0.5, 0.5, null, MapView.ForPlan("nope")))).StatusCode);
        Assert.Equal(StatusCode.AlreadyExists, (await Assert.ThrowsAsync<GeoAssignException>(() => _client.CreatePlanAsync("fy27"))).StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, (await Assert.ThrowsAsync<GeoAssignException>(() => _client.CreatePlanAsync("has space"))).StatusCode);
    }

    [Fact]
    public async Task Imports_and_deletes_name_the_plan_and_leave_the_live_map_alone()
    {
        await _client.CreatePlanAsync("p");
        var geoJson = "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"id\":\"north\",\"properties\":{\"owner_id\":\"rep-n\"},\"geometry\":"
            + Rectangle(0, 1, 1, 1) + "}]}";
        using var text = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(geoJson));
        var imported = await _client.ImportGeoJsonAsync(text, new GeoJsonImportOptions { Plan = "p", Message = "add north" });
        Assert.Equal(1, imported.CreatedCount);
        Assert.Equal(imported.MapVersion, _client.MinReadVersion);

        var deleted = await _client.DeleteAsync(["west"], new EditOptions { Plan = "p" });
        Assert.Equal(1, deleted.DeletedCount);
        Assert.True(deleted.MapVersion > imported.MapVersion);

        Assert.Equal("rep-n", (await _client.ResolveAsync(1.5, 0.5, null, MapView.ForPlan("p"))).OwnerId);
        Assert.False((await _client.ResolveAsync(0.5, 0.5, null, MapView.ForPlan("p"))).IsAssigned);
        Assert.Equal("rep-a", (await _client.ResolveAsync(0.5, 0.5)).OwnerId);
        Assert.False((await _client.ResolveAsync(1.5, 0.5)).IsAssigned);
        var plan = await _client.GetPlanAsync("p");
        Assert.Equal((2, deleted.MapVersion), (plan.TerritoryCount, plan.Version));
    }

    [Fact]
    public async Task An_empty_plan_starts_with_nothing_and_branches_from_the_live_version()
    {
        var live = (await _client.GetMapInfoAsync()).MapVersion;
        var empty = await _client.CreatePlanAsync("blank", empty: true);

        // plans.proto: an empty plan's base is the live version when it was created; it activates as exactly its own territories.
        Assert.Equal((0, live), (empty.TerritoryCount, empty.BaseVersion));
        Assert.Empty(empty.Layers);
    }

    [Fact]
    public async Task Contradictory_plan_starts_and_map_views_are_refused_before_sending()
    {
        using var client = _server.Client(configure: o => o.OnRetry = _ => Assert.Fail("nothing is sent"));
        await Assert.ThrowsAsync<ArgumentException>(() => client.CreatePlanAsync("both", empty: true, fromVersion: 1));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.CreatePlanAsync("zero", fromVersion: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => MapView.AtVersion(0));
        Assert.Throws<ArgumentException>(() => MapView.ForPlan(""));
        Assert.Empty(await client.ListPlansAsync());
    }

    [Fact]
    public async Task Delete_honours_the_plans_expected_version_then_the_plan_is_gone()
    {
        var plan = await _client.CreatePlanAsync("gone");
        var stale = await Assert.ThrowsAsync<GeoAssignException>(() => _client.DeletePlanAsync("gone", expectedVersion: plan.Version - 1));
        Assert.Equal(StatusCode.Aborted, stale.StatusCode);

        var version = await _client.DeletePlanAsync("gone", expectedVersion: plan.Version);
        Assert.True(version > plan.Version);
        Assert.Equal(version, _client.MinReadVersion);
        Assert.Empty(await _client.ListPlansAsync());
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<GeoAssignException>(() => _client.DeletePlanAsync("gone"))).StatusCode);
    }

    [Fact]
    public async Task A_diff_lists_changed_territories_and_the_area_that_changes_owner_with_geojson_on_request()
    {
        await _client.CreatePlanAsync("p");
        await _client.UpsertAsync([Square("east", 1, "rep-c"), Square("north", 0, "rep-a", lat: 2)], new EditOptions { Plan = "p" });

        var diff = await _client.DiffPlanAsync("p", includeGeoJson: true);

        Assert.Equal(_seeded, diff.FromVersion);
        Assert.Equal((await _client.GetPlanAsync("p")).Version, diff.ToVersion);
        Assert.Equal(["east", "north"], diff.Territories.Select(t => t.Id));
        var east = diff.Territories[0];
        Assert.Equal((TerritoryDiffKind.Changed, "rep-b", "rep-c", "geo", "geo"), (east.Kind, east.OldOwnerId, east.NewOwnerId, east.OldLayer, east.NewLayer));
        Assert.Equal(["owner"], east.Fields);
        var north = diff.Territories[1];
        Assert.Equal((TerritoryDiffKind.Created, null, "rep-a"), (north.Kind, north.OldOwnerId, north.NewOwnerId));
        Assert.Empty(north.Fields);
        var toC = Assert.Single(diff.Transfers, t => t.NewOwnerId == "rep-c");
        Assert.Equal(("geo", "rep-b", 1), (toC.Layer, toC.OldOwnerId, toC.PieceCount));
        Assert.InRange(toC.AreaKm2, 12_200, 12_400);
        Assert.Null(Assert.Single(diff.Transfers, t => t.NewOwnerId == "rep-a").OldOwnerId);
        Assert.Contains("WGS84", diff.AreaMethod, StringComparison.Ordinal);
        Assert.Contains("\"new_owner_id\":\"rep-c\"", diff.ChangedAreasGeoJson, StringComparison.Ordinal);

        Assert.Null((await _client.DiffPlanAsync("p")).ChangedAreasGeoJson);
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<GeoAssignException>(() => _client.DiffPlanAsync("nope"))).StatusCode);
    }

    [Fact]
    public async Task A_coverage_check_finds_the_plans_overlap_and_the_gaps_inside_the_coverage_polygon()
    {
        await _client.CreatePlanAsync("p");
        // "east" grows west over half of "west" and wins there: an overlap of 0.5°×1°.
        await _client.UpsertAsync([Square("east", 0.5, "rep-b", width: 1.5, priority: 1)], new EditOptions { Plan = "p" });

        var report = await _client.CheckCoverageAsync("p", coverageGeoJson: Rectangle(0, 0, 3, 3), includeGeoJson: true);

        Assert.False(report.IsClean);
        var layer = Assert.Single(report.Layers);
        Assert.Equal(("geo", 2, false), (layer.Layer, layer.TerritoryCount, layer.IsClean));
        var overlap = Assert.Single(layer.Overlaps);
        Assert.Equal(("east", "west", "east", false), (overlap.FirstId, overlap.SecondId, overlap.WinnerId, overlap.IsSliver));
        Assert.InRange(overlap.AreaKm2, 6_100, 6_200);
        Assert.InRange(layer.Gaps.Sum(g => g.AreaKm2), 7 * 12_250, 7 * 12_350);
        Assert.All(layer.Gaps, g => Assert.Equal("coverage", g.CoverageId));
        Assert.Contains("\"kind\":\"overlap\"", layer.GeoJson, StringComparison.Ordinal);

        var liveCheck = await _client.CheckCoverageAsync();
        Assert.True(liveCheck.IsClean);
        Assert.Null(Assert.Single(liveCheck.Layers).GeoJson);
        await Assert.ThrowsAsync<ArgumentException>(() => _client.CheckCoverageAsync(coverageLayer: "state", coverageGeoJson: Rectangle(0, 0, 3, 3)));
        Assert.Equal(StatusCode.InvalidArgument, (await Assert.ThrowsAsync<GeoAssignException>(() => _client.CheckCoverageAsync(coverageGeoJson: "{\"type\":\"Point\",\"coordinates\":[0,0]}"))).StatusCode);
    }

    [Fact]
    public async Task Activation_makes_the_plan_live_as_one_version_that_later_lookups_wait_for()
    {
        await _client.CreatePlanAsync("p");
        await _client.UpsertAsync([Square("east", 1, "rep-c")], new EditOptions { Plan = "p" });
        await _client.DeleteAsync(["west"], new EditOptions { Plan = "p" });
        var planVersion = (await _client.GetPlanAsync("p")).Version;

        var activation = await _client.ActivatePlanAsync("p", expectedLiveVersion: _seeded, expectedPlanVersion: planVersion, message: "go live");

        Assert.False(activation.Scheduled);
        Assert.Equal((1, 1), (activation.UpsertedCount, activation.DeletedCount));
        Assert.Empty(activation.NewOverlaps);
        Assert.Equal(activation.Version, _client.MinReadVersion);
        var answer = await _client.ResolveAsync(0.5, 1.5);
        Assert.Equal(("rep-c", activation.Version), (answer.OwnerId, answer.MapVersion));
        var plan = await _client.GetPlanAsync("p");
        Assert.Equal((PlanStatus.Activated, (ulong?)activation.Version), (plan.Status, plan.ActivatedVersion));

        // Activated plans are read-only and do not go live twice.
        Assert.Equal(StatusCode.FailedPrecondition, (await Assert.ThrowsAsync<GeoAssignException>(() =>
            _client.UpsertAsync([Square("x", 5, "r")], new EditOptions { Plan = "p" }))).StatusCode);
        Assert.Equal(StatusCode.FailedPrecondition, (await Assert.ThrowsAsync<GeoAssignException>(() => _client.ActivatePlanAsync("p"))).StatusCode);
    }

    [Fact]
    public async Task A_live_map_that_moved_aborts_the_activation_until_it_is_rebased()
    {
        await _client.CreatePlanAsync("p");
        await _client.UpsertAsync([Square("east", 1, "rep-c")], new EditOptions { Plan = "p" });
        var moved = await _client.UpsertAsync([Square("south", 0, "rep-s", lat: -1)]);

        var refused = await Assert.ThrowsAsync<GeoAssignException>(() => _client.ActivatePlanAsync("p"));
        Assert.Equal(StatusCode.Aborted, refused.StatusCode);
        Assert.Contains("rebase", refused.ServerMessage, StringComparison.Ordinal);
        var expected = await Assert.ThrowsAsync<GeoAssignException>(() => _client.ActivatePlanAsync("p", rebase: true, expectedLiveVersion: _seeded));
        Assert.Equal(StatusCode.Aborted, expected.StatusCode);
        Assert.Equal(moved.MapVersion, (await _client.GetMapInfoAsync()).MapVersion);

        var rebased = await _client.ActivatePlanAsync("p", rebase: true, expectedLiveVersion: moved.MapVersion);
        Assert.Equal((1, 0), (rebased.UpsertedCount, rebased.DeletedCount));
        Assert.Equal("rep-c", (await _client.ResolveAsync(0.5, 1.5)).OwnerId);
        Assert.Equal("rep-s", (await _client.ResolveAsync(-0.5, 0.5)).OwnerId);
    }

    [Fact]
    public async Task New_overlaps_refuse_an_activation_unless_forced_and_come_back_with_it()
    {
        await _client.CreatePlanAsync("p");
        await _client.UpsertAsync([Square("east", 0.5, "rep-b", width: 1.5)], new EditOptions { Plan = "p" });

        var refused = await Assert.ThrowsAsync<GeoAssignException>(() => _client.ActivatePlanAsync("p"));
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains("east/west", refused.ServerMessage, StringComparison.Ordinal);

        var forced = await _client.ActivatePlanAsync("p", force: true);
        var overlap = Assert.Single(forced.NewOverlaps);
        Assert.Equal(("east", "west"), (overlap.FirstId, overlap.SecondId));
        Assert.InRange(overlap.AreaKm2, 6_100, 6_200);
    }

    [Fact]
    public async Task A_scheduled_activation_is_described_by_the_plan_and_can_be_cancelled()
    {
        await _client.CreatePlanAsync("p");
        var at = DateTimeOffset.UtcNow.AddHours(1);

        var scheduled = await _client.ActivatePlanAsync("p", at: at, rebase: true, message: "Q1");

        Assert.True(scheduled.Scheduled);
        Assert.Equal(scheduled.Version, _client.MinReadVersion);
        var plan = await _client.GetPlanAsync("p");
        Assert.Equal((PlanStatus.Scheduled, scheduled.Version, true, false), (plan.Status, plan.Version, plan.ScheduledRebase, plan.ScheduledForce));
        Assert.Equal(at.ToUnixTimeMilliseconds(), plan.EffectiveAt!.Value.ToUnixTimeMilliseconds());
        Assert.Equal(_seeded, (await _client.GetMapInfoAsync()).MapVersion);

        var cancelled = await _client.CancelActivationAsync("p");
        Assert.True(cancelled > scheduled.Version);
        var draft = await _client.GetPlanAsync("p");
        Assert.Equal((PlanStatus.Draft, (DateTimeOffset?)null), (draft.Status, draft.EffectiveAt));
        Assert.Equal(StatusCode.FailedPrecondition, (await Assert.ThrowsAsync<GeoAssignException>(() => _client.CancelActivationAsync("p"))).StatusCode);
    }

    [Fact]
    public async Task Many_points_and_a_reassignment_answer_from_the_plan_and_the_summary_counts_each_owners_book()
    {
        await _client.CreatePlanAsync("p");
        await _client.UpsertAsync([Square("east", 1, "rep-c")], new EditOptions { Plan = "p" });
        using var streaming = _server.Client(configure: o =>
        {
            o.BatchThreshold = 10;
            o.ChunkSize = 7;
        });
        streaming.RequireVersion(_client.MinReadVersion);
        var points = Enumerable.Range(0, 40).Select(i => new GeoPoint(0.05 + i * 0.02, 0.05 + i * 0.045, $"pt-{i}")).ToList();

        foreach (var client in new[] { _client, streaming })
        {
            var answers = new List<Assignment>();
            await foreach (var answer in client.ResolveManyAsync(points, null, MapView.ForPlan("p")))
            {
                answers.Add(answer);
            }

            Assert.Equal(points.Select(p => p.Lng < 1 ? "rep-a" : "rep-c"), answers.Select(a => a.OwnerId));
        }

        var run = _client.ReassignAsync([new Account("a1", 0.5, 0.5, "rep-a"), new Account("a2", 0.5, 1.5, "rep-b"), new Account("a3", 0.2, 1.2, "rep-b")], null, MapView.ForPlan("p"));
        var changes = new List<OwnerChange>();
        await foreach (var change in run)
        {
            changes.Add(change);
        }

        Assert.Equal(MapView.ForPlan("p"), run.View);
        Assert.Equal(["a2", "a3"], changes.Select(c => c.AccountId));
        Assert.Equal([new OwnerCount("rep-a", 1, 1), new OwnerCount("rep-b", 2, 0), new OwnerCount("rep-c", 0, 2)], run.Summary!.OwnerCounts);

        var live = await _client.ReassignAsync([new Account("a2", 0.5, 1.5, "rep-b"), new Account("a4", 5, 5, null)]).GetSummaryAsync();
        Assert.Equal([new OwnerCount(null, 1, 1), new OwnerCount("rep-b", 1, 1)], live.OwnerCounts);
    }

    [Fact]
    public async Task A_plan_creation_that_never_reached_the_server_is_retried()
    {
        var port = TestServer.FreePort();
        var failed = new TaskCompletionSource<GeoAssignRetry>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var client = new GeoAssignClient(new GeoAssignClientOptions
        {
            Address = new Uri($"http://127.0.0.1:{port}"),
            // About 25 s of retrying: a loaded machine may take seconds to start a server.
            MaxRetries = 100,
            RetryBaseDelay = TimeSpan.FromMilliseconds(50),
            RetryMaxDelay = TimeSpan.FromMilliseconds(250),
            OnRetry = retry => failed.TrySetResult(retry),
        });

        var create = client.CreatePlanAsync("late");
        Assert.Equal("CreatePlan", (await failed.Task.WaitAsync(TimeSpan.FromSeconds(60))).Method);
        await using var server = await TestServer.StartAsync(port: port);
        Assert.Equal("late", (await create.WaitAsync(TimeSpan.FromSeconds(60))).Name);
    }
}

// Redistricting plans through a real server: drafts beside the live map, diff, coverage, activation, schedules, restarts.
using GeoAssign.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using GeoAssign.Testing.Servers;
using Grpc.Core;

namespace GeoAssign.Server.Tests;

public sealed class PlanServiceTests
{
    // Two squares side by side, owned by rep-a and rep-b, in layer "geo".
    private static async Task<ulong> SeedAsync(TestServer server)
    {
        var response = await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Territories =
            {
                Shapes.Territory("west", Shapes.Square(0, 0, 1), owner: "rep-a"),
                Shapes.Territory("east", Shapes.Square(1, 0, 1), owner: "rep-b"),
            },
        });
        return response.MapVersion;
    }

    private static PlanService.PlanServiceClient Plans(TestServer server) => new(server.Channel);

    private static async Task<Assignment> ResolveAsync(TestServer server, double lat, double lng, string plan = "", ulong minVersion = 0) =>
        (await server.Assignments.ResolveAsync(new ResolveRequest { Lat = lat, Lng = lng, Plan = plan, MinVersion = minVersion })).Assignment;

    [Fact]
    public async Task A_plan_is_edited_and_resolved_beside_the_live_map_which_stays_untouched()
    {
        await using var server = await TestServer.StartAsync();
        var live = await SeedAsync(server);
        var created = await Plans(server).CreatePlanAsync(new CreatePlanRequest { Name = "fy27", Message = "next year" });
        Assert.Equal(live, created.Plan.BaseVersion);
        Assert.Equal(2u, created.Plan.TerritoryCount);
        Assert.Equal(PlanStatus.Draft, created.Plan.Status);
        Assert.Equal("next year", created.Plan.Message);

        var edit = await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Plan = "fy27",
            ExpectedVersion = created.Plan.Version,
            Territories = { Shapes.Territory("east", Shapes.Square(1, 0, 1), owner: "rep-c") },
        });
        Assert.True(edit.MapVersion > created.Plan.Version);

        // The plan answers with its edit; the live map and its version do not move.
        var inPlan = await ResolveAsync(server, 0.5, 1.5, plan: "fy27", minVersion: edit.MapVersion);
        Assert.Equal("rep-c", inPlan.OwnerId);
        Assert.Equal(edit.MapVersion, inPlan.MapVersion);
        var inLive = await ResolveAsync(server, 0.5, 1.5, minVersion: edit.MapVersion);
        Assert.Equal("rep-b", inLive.OwnerId);
        Assert.Equal(live, inLive.MapVersion);
        Assert.Equal(live, (await server.Territories.GetMapInfoAsync(new GetMapInfoRequest())).MapVersion);
        Assert.Equal("rep-c", (await server.Territories.GetTerritoryAsync(new GetTerritoryRequest { Id = "east", Plan = "fy27" })).Territory.OwnerId);

        // The plan's own version guards its edits.
        await RpcAssert.FailsAsync(StatusCode.Aborted, () => server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Plan = "fy27",
            ExpectedVersion = created.Plan.Version,
            Territories = { Shapes.Territory("east", Shapes.Square(1, 0, 1), owner: "rep-d") },
        }));
    }

    [Fact]
    public async Task Plans_that_do_not_exist_or_are_named_badly_are_refused_by_name()
    {
        await using var server = await TestServer.StartAsync();
        await SeedAsync(server);
        var missing = await RpcAssert.FailsAsync(StatusCode.NotFound, () => server.Assignments.ResolveAsync(new ResolveRequest { Lat = 0.5, Lng = 0.5, Plan = "nope" }));
        Assert.Contains("no plan named \"nope\"", missing.Status.Detail);
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Plan = "nope",
            Territories = { Shapes.Territory("x", Shapes.Square(5, 5, 1)) },
        }));
        var bad = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Plans(server).CreatePlanAsync(new CreatePlanRequest { Name = "has space" }));
        Assert.Contains("name \"has space\"", bad.Status.Detail);
        await Plans(server).CreatePlanAsync(new CreatePlanRequest { Name = "twice" });
        await RpcAssert.FailsAsync(StatusCode.AlreadyExists, () => Plans(server).CreatePlanAsync(new CreatePlanRequest { Name = "twice" }));
    }

    [Fact]
    public async Task A_diff_lists_the_changed_territories_and_the_area_that_changes_owner()
    {
        await using var server = await TestServer.StartAsync();
        await SeedAsync(server);
        await Plans(server).CreatePlanAsync(new CreatePlanRequest { Name = "p" });
        await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Plan = "p",
            Territories = { Shapes.Territory("east", Shapes.Square(1, 0, 1), owner: "rep-c"), Shapes.Territory("north", Shapes.Square(0, 2, 1), owner: "rep-a") },
        });

        var diff = await Plans(server).DiffPlanAsync(new DiffPlanRequest { Plan = "p", IncludeGeojson = true });

        Assert.Equal(["east", "north"], diff.Territories.Select(t => t.Id));
        var east = diff.Territories[0];
        Assert.Equal(TerritoryDiff.Types.Kind.Changed, east.Kind);
        Assert.Equal(["owner"], east.Fields);
        Assert.Equal(("rep-b", "rep-c"), (east.OldOwnerId, east.NewOwnerId));
        Assert.Equal(TerritoryDiff.Types.Kind.Created, diff.Territories[1].Kind);
        // A 1°×1° square at the equator is about 12,300 km².
        var toC = Assert.Single(diff.Transfers, t => t.NewOwnerId == "rep-c");
        Assert.Equal("rep-b", toC.OldOwnerId);
        Assert.InRange(toC.AreaKm2, 12_200, 12_400);
        var toA = Assert.Single(diff.Transfers, t => t.NewOwnerId == "rep-a");
        Assert.Equal("", toA.OldOwnerId);
        Assert.Contains("WGS84", diff.AreaMethod);
        Assert.Contains("\"new_owner_id\":\"rep-c\"", diff.ChangedAreasGeojson.ToStringUtf8());
    }

    [Fact]
    public async Task A_coverage_check_finds_overlaps_and_gaps_inside_the_declared_area()
    {
        await using var server = await TestServer.StartAsync();
        await SeedAsync(server);
        await Plans(server).CreatePlanAsync(new CreatePlanRequest { Name = "p" });
        // "east" grows west over half of "west": an overlap of 0.5°×1°.
        await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Plan = "p",
            Territories = { Shapes.Territory("east", Shapes.Polygon((0.5, 0), (2, 0), (2, 1), (0.5, 1), (0.5, 0)), owner: "rep-b", priority: 1) },
        });

        var check = await Plans(server).CheckCoverageAsync(new CheckCoverageRequest
        {
            Plan = "p",
            CoverageGeojson = Shapes.Square(0, 0, 3),
        });

        var layer = Assert.Single(check.Layers);
        Assert.False(layer.Clean);
        var overlap = Assert.Single(layer.Overlaps);
        Assert.Equal(("east", "west"), (overlap.FirstId, overlap.SecondId));
        Assert.Equal("east", overlap.WinnerId);
        Assert.InRange(overlap.AreaKm2, 6_100, 6_200);
        // The 3°×3° area minus the two squares' 2°×1°.
        Assert.InRange(layer.Gaps.Sum(g => g.AreaKm2), 7 * 12_250, 7 * 12_350);

        var liveCheck = await Plans(server).CheckCoverageAsync(new CheckCoverageRequest());
        Assert.Empty(Assert.Single(liveCheck.Layers).Overlaps);
    }

    [Fact]
    public async Task Activation_makes_the_live_map_the_plan_as_one_version_and_closes_the_plan()
    {
        await using var server = await TestServer.StartAsync();
        await SeedAsync(server);
        await Plans(server).CreatePlanAsync(new CreatePlanRequest { Name = "p" });
        await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest { Plan = "p", Territories = { Shapes.Territory("east", Shapes.Square(1, 0, 1), owner: "rep-c") } });
        await server.Territories.DeleteTerritoriesAsync(new DeleteTerritoriesRequest { Plan = "p", Ids = { "west" } });
        var before = (await server.Territories.GetMapInfoAsync(new GetMapInfoRequest())).MapVersion;

        var activated = await Plans(server).ActivatePlanAsync(new ActivatePlanRequest { Name = "p", ExpectedLiveVersion = before, Message = "go live" });

        Assert.False(activated.Scheduled);
        Assert.Equal((1u, 1u), (activated.UpsertedCount, activated.DeletedCount));
        var info = await server.Territories.GetMapInfoAsync(new GetMapInfoRequest { });
        Assert.Equal(activated.Version, info.MapVersion);
        Assert.Equal("rep-c", (await ResolveAsync(server, 0.5, 1.5, minVersion: activated.Version)).OwnerId);
        Assert.True((await ResolveAsync(server, 0.5, 0.5)).TerritoryId.Length == 0);
        var plan = (await Plans(server).GetPlanAsync(new GetPlanRequest { Name = "p" })).Plan;
        Assert.Equal(PlanStatus.Activated, plan.Status);
        Assert.Equal(activated.Version, plan.ActivatedVersion);

        // Activated plans are read-only and cannot go live twice.
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Plan = "p",
            Territories = { Shapes.Territory("x", Shapes.Square(5, 5, 1)) },
        }));
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => Plans(server).ActivatePlanAsync(new ActivatePlanRequest { Name = "p" }));
    }

    [Fact]
    public async Task When_the_live_map_moved_activation_names_both_sides_and_a_rebase_applies_only_the_plans_changes()
    {
        await using var server = await TestServer.StartAsync();
        await SeedAsync(server);
        await Plans(server).CreatePlanAsync(new CreatePlanRequest { Name = "p" });
        await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest { Plan = "p", Territories = { Shapes.Territory("east", Shapes.Square(1, 0, 1), owner: "rep-c") } });
        // The live map moves on: a new territory, and "west" changes owner.
        await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Territories = { Shapes.Territory("south", Shapes.Square(0, -1, 1), owner: "rep-s"), Shapes.Territory("west", Shapes.Square(0, 0, 1), owner: "rep-w") },
        });

        var moved = await RpcAssert.FailsAsync(StatusCode.Aborted, () => Plans(server).ActivatePlanAsync(new ActivatePlanRequest { Name = "p" }));
        Assert.Contains("No territory changed on both sides", moved.Status.Detail);
        Assert.Contains("rebase", moved.Status.Detail);

        var rebased = await Plans(server).ActivatePlanAsync(new ActivatePlanRequest { Name = "p", Rebase = true });
        Assert.Equal(1u, rebased.UpsertedCount);
        Assert.Equal(0u, rebased.DeletedCount);
        Assert.Equal("rep-c", (await ResolveAsync(server, 0.5, 1.5, minVersion: rebased.Version)).OwnerId);
        Assert.Equal("rep-w", (await ResolveAsync(server, 0.5, 0.5)).OwnerId);
        Assert.Equal("rep-s", (await ResolveAsync(server, -0.5, 0.5)).OwnerId);
    }

    [Fact]
    public async Task A_rebase_refuses_territories_changed_on_both_sides_to_different_results_and_changes_nothing()
    {
        await using var server = await TestServer.StartAsync();
        await SeedAsync(server);
        await Plans(server).CreatePlanAsync(new CreatePlanRequest { Name = "p" });
        await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest { Plan = "p", Territories = { Shapes.Territory("east", Shapes.Square(1, 0, 1), owner: "rep-c") } });
        var live = await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest { Territories = { Shapes.Territory("east", Shapes.Square(1, 0, 1), owner: "rep-x") } });

        var conflict = await RpcAssert.FailsAsync(StatusCode.Aborted, () => Plans(server).ActivatePlanAsync(new ActivatePlanRequest { Name = "p", Rebase = true }));

        Assert.Contains("\"east\"", conflict.Status.Detail);
        Assert.Equal(live.MapVersion, (await server.Territories.GetMapInfoAsync(new GetMapInfoRequest())).MapVersion);
        Assert.Equal(PlanStatus.Draft, (await Plans(server).GetPlanAsync(new GetPlanRequest { Name = "p" })).Plan.Status);
    }

    [Fact]
    public async Task New_overlaps_refuse_an_activation_unless_it_is_forced()
    {
        await using var server = await TestServer.StartAsync();
        await SeedAsync(server);
        await Plans(server).CreatePlanAsync(new CreatePlanRequest { Name = "p" });
        await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Plan = "p",
            Territories = { Shapes.Territory("east", Shapes.Polygon((0.5, 0), (2, 0), (2, 1), (0.5, 1), (0.5, 0)), owner: "rep-b") },
        });
        var before = (await server.Territories.GetMapInfoAsync(new GetMapInfoRequest())).MapVersion;

        var refused = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => Plans(server).ActivatePlanAsync(new ActivatePlanRequest { Name = "p" }));
        Assert.Contains("east/west", refused.Status.Detail);
        Assert.Equal(before, (await server.Territories.GetMapInfoAsync(new GetMapInfoRequest())).MapVersion);

        var forced = await Plans(server).ActivatePlanAsync(new ActivatePlanRequest { Name = "p", Force = true });
        Assert.Equal(("east", "west"), (forced.NewOverlaps.Single().FirstId, forced.NewOverlaps.Single().SecondId));
    }

    [Fact]
    public async Task A_scheduled_activation_happens_once_at_its_instant_with_that_instant_as_its_time()
    {
        await using var server = await TestServer.StartAsync();
        await SeedAsync(server);
        await Plans(server).CreatePlanAsync(new CreatePlanRequest { Name = "p" });
        await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest { Plan = "p", Territories = { Shapes.Territory("east", Shapes.Square(1, 0, 1), owner: "rep-c") } });
        var at = DateTimeOffset.UtcNow.AddSeconds(1.5);
        var live = (await server.Territories.GetMapInfoAsync(new GetMapInfoRequest())).MapVersion;
        using var watch = server.Territories.WatchMap(new WatchMapRequest { AfterVersion = live });

        var scheduled = await Plans(server).ActivatePlanAsync(new ActivatePlanRequest { Name = "p", EffectiveAt = Timestamp.FromDateTimeOffset(at), Message = "Q1" });
        Assert.True(scheduled.Scheduled);
        var plan = (await Plans(server).GetPlanAsync(new GetPlanRequest { Name = "p" })).Plan;
        Assert.Equal(PlanStatus.Scheduled, plan.Status);
        Assert.Equal(at.ToUnixTimeMilliseconds(), plan.EffectiveAt.ToDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.Equal("rep-b", (await ResolveAsync(server, 0.5, 1.5)).OwnerId);

        // The next live version is the activation, stamped with the scheduled instant.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Assert.True(await watch.ResponseStream.MoveNext(deadline.Token));
        var change = watch.ResponseStream.Current;
        Assert.Equal(at.ToUnixTimeMilliseconds(), change.AppliedTime.ToDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.True(DateTimeOffset.UtcNow >= at);
        Assert.Equal(["east"], change.UpsertedIds);
        Assert.Equal("rep-c", (await ResolveAsync(server, 0.5, 1.5, minVersion: change.MapVersion)).OwnerId);
        Assert.Equal(PlanStatus.Activated, (await Plans(server).GetPlanAsync(new GetPlanRequest { Name = "p" })).Plan.Status);
    }

    [Fact]
    public async Task A_cancelled_schedule_does_not_activate()
    {
        await using var server = await TestServer.StartAsync();
        await SeedAsync(server);
        await Plans(server).CreatePlanAsync(new CreatePlanRequest { Name = "p" });
        await Plans(server).ActivatePlanAsync(new ActivatePlanRequest { Name = "p", EffectiveAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(1)) });

        var cancelled = await Plans(server).CancelActivationAsync(new CancelActivationRequest { Name = "p" });

        var plan = (await Plans(server).GetPlanAsync(new GetPlanRequest { Name = "p", MinVersion = cancelled.Version })).Plan;
        Assert.Equal(PlanStatus.Draft, plan.Status);
        Assert.Null(plan.EffectiveAt);
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => Plans(server).CancelActivationAsync(new CancelActivationRequest { Name = "p" }));
    }

    [Fact]
    public async Task Plans_and_their_schedules_survive_a_restart_and_deleting_a_plan_removes_it()
    {
        var folder = Path.Combine(Path.GetTempPath(), "geoassign-plan-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var at = DateTimeOffset.UtcNow.AddHours(2);
            await using (var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["GeoAssign:SnapshotEveryChanges"] = "3" }, dataDirectory: folder))
            {
                await SeedAsync(server);
                await Plans(server).CreatePlanAsync(new CreatePlanRequest { Name = "kept", Message = "m" });
                await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest { Plan = "kept", Territories = { Shapes.Territory("east", Shapes.Square(1, 0, 1), owner: "rep-c") } });
                await Plans(server).ActivatePlanAsync(new ActivatePlanRequest { Name = "kept", EffectiveAt = Timestamp.FromDateTimeOffset(at), Rebase = true });
                await Plans(server).CreatePlanAsync(new CreatePlanRequest { Name = "gone", Empty = true });
                await Plans(server).DeletePlanAsync(new DeletePlanRequest { Name = "gone" });
                await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest { Territories = { Shapes.Territory("west", Shapes.Square(0, 0, 1), owner: "rep-w") } });
            }

            await using (var restarted = await TestServer.StartAsync(dataDirectory: folder))
            {
                var plans = (await Plans(restarted).ListPlansAsync(new ListPlansRequest())).Plans;
                var kept = Assert.Single(plans);
                Assert.Equal("kept", kept.Name);
                Assert.Equal(PlanStatus.Scheduled, kept.Status);
                Assert.True(kept.ScheduledRebase);
                Assert.Equal(at.ToUnixTimeMilliseconds(), kept.EffectiveAt.ToDateTimeOffset().ToUnixTimeMilliseconds());
                Assert.Equal("m", kept.Message);
                Assert.Equal("rep-c", (await ResolveAsync(restarted, 0.5, 1.5, plan: "kept")).OwnerId);
                Assert.Equal("rep-w", (await ResolveAsync(restarted, 0.5, 0.5)).OwnerId);

                // The plan still knows what it started from: a rebase sees that only the live map changed "west".
                var activated = await Plans(restarted).ActivatePlanAsync(new ActivatePlanRequest { Name = "kept", Rebase = true });
                Assert.Equal(1u, activated.UpsertedCount);
                Assert.Equal("rep-w", (await ResolveAsync(restarted, 0.5, 0.5, minVersion: activated.Version)).OwnerId);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Reassign_against_a_plan_previews_it_with_per_owner_counts_before_and_after()
    {
        await using var server = await TestServer.StartAsync();
        await SeedAsync(server);
        await Plans(server).CreatePlanAsync(new CreatePlanRequest { Name = "p" });
        await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest { Plan = "p", Territories = { Shapes.Territory("east", Shapes.Square(1, 0, 1), owner: "rep-c") } });
        using var call = server.Reassignments.Reassign();
        await call.RequestStream.WriteAsync(new ReassignRequest
        {
            Plan = "p",
            Accounts = new AccountChunk
            {
                Ids = { "a1", "a2", "a3" },
                Lat = { 0.5, 0.5, 0.2 },
                Lng = { 0.5, 1.5, 1.2 },
                CurrentOwnerIds = { "rep-a", "rep-b", "rep-b" },
            },
        });
        await call.RequestStream.CompleteAsync();
        var responses = new List<ReassignResponse>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            responses.Add(call.ResponseStream.Current);
        }

        Assert.Equal(["a2", "a3"], responses[0].Changes.Changes.Select(c => c.AccountId));
        var summary = responses[^1].Summary;
        Assert.Equal(
            [("rep-a", 1ul, 1ul), ("rep-b", 2ul, 0ul), ("rep-c", 0ul, 2ul)],
            summary.OwnerCounts.Select(o => (o.OwnerId, o.Before, o.After)));
    }

    [Fact]
    public async Task Plan_edits_need_an_editor_key_and_record_its_name()
    {
        var settings = new Dictionary<string, string?>
        {
            ["GeoAssign:ApiKeys:0:Key"] = "reader-key-0123456789",
            ["GeoAssign:ApiKeys:0:Role"] = "reader",
            ["GeoAssign:ApiKeys:1:Key"] = "editor-key-0123456789",
            ["GeoAssign:ApiKeys:1:Role"] = "editor",
            ["GeoAssign:ApiKeys:1:Name"] = "sales-ops",
        };
        await using var server = await TestServer.StartAsync(settings);
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied,
            () => Plans(server).CreatePlanAsync(new CreatePlanRequest { Name = "p" }, Shapes.Key("reader-key-0123456789")));

        var created = await Plans(server).CreatePlanAsync(new CreatePlanRequest { Name = "p" }, Shapes.Key("editor-key-0123456789"));

        Assert.Equal("sales-ops", created.Plan.CreatedBy);
        var listed = await Plans(server).ListPlansAsync(new ListPlansRequest(), Shapes.Key("reader-key-0123456789"));
        Assert.Equal("p", Assert.Single(listed.Plans).Name);
    }
}

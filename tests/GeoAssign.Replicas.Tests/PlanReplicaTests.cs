// Plans across three replicas and one Redis: shared drafts, and a scheduled activation that flips all of them once.
using GeoAssign.Protos.V1;
using GeoAssign.Testing.Servers;
using Google.Protobuf.WellKnownTypes;

namespace GeoAssign.Replicas.Tests;

[Collection(ReplicaCollection.Name)]
public sealed class PlanReplicaTests
{
    [Fact]
    public async Task A_plan_made_on_one_replica_is_edited_on_another_and_resolved_on_a_third()
    {
        await using var cluster = await ReplicaCluster.StartAsync();
        var live = await cluster.ImportStatesAsync();
        var created = await new PlanService.PlanServiceClient(cluster[1].Channel).CreatePlanAsync(new CreatePlanRequest { Name = "fy27" });
        var edited = await cluster.Territories(2).UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Plan = "fy27",
            ExpectedVersion = created.Plan.Version,
            Territories = { Shapes.Territory("island", Shapes.Square(-140, -30, 2), owner: "rep-island") },
        });

        var inPlan = await cluster.Assignments(0).ResolveAsync(new ResolveRequest { Lat = -29, Lng = -139, Plan = "fy27", MinVersion = edited.MapVersion });
        Assert.Equal("rep-island", inPlan.Assignment.OwnerId);
        var inLive = await cluster.Assignments(0).ResolveAsync(new ResolveRequest { Lat = -29, Lng = -139, MinVersion = edited.MapVersion });
        Assert.Equal("", inLive.Assignment.TerritoryId);
        Assert.Equal(live, inLive.Assignment.MapVersion);
        foreach (var replica in cluster.Running)
        {
            var plans = await new PlanService.PlanServiceClient(cluster[replica].Channel).ListPlansAsync(new ListPlansRequest { MinVersion = edited.MapVersion });
            Assert.Equal(edited.MapVersion, Assert.Single(plans.Plans).Version);
        }
    }

    [Fact]
    public async Task A_scheduled_activation_flips_every_replica_once_also_one_that_was_down_at_the_instant()
    {
        await using var cluster = await ReplicaCluster.StartAsync();
        await cluster.ImportStatesAsync();
        var plans = new PlanService.PlanServiceClient(cluster[0].Channel);
        await plans.CreatePlanAsync(new CreatePlanRequest { Name = "q1" });
        await cluster.Territories(0).UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Plan = "q1",
            Territories = { Shapes.Territory("island", Shapes.Square(-150, -40, 40), owner: "rep-island", layer: "storm") },
        });
        var at = DateTimeOffset.UtcNow.AddSeconds(4);
        var scheduled = await plans.ActivatePlanAsync(new ActivatePlanRequest { Name = "q1", EffectiveAt = Timestamp.FromDateTimeOffset(at) });
        Assert.True(scheduled.Scheduled);
        await ClusterAssert.ConvergedAsync(cluster);

        // Replica 2 is down when the instant comes.
        cluster.KillReplica(2);
        var version = await ClusterAssert.ConvergedAsync(cluster, timeout: TimeSpan.FromSeconds(60), condition: info => info.MapVersion > scheduled.Version);

        // Exactly one change came after the schedule: the activation, stamped with the instant.
        var info = await cluster.Territories(0).GetMapInfoAsync(new GetMapInfoRequest());
        Assert.Equal(scheduled.Version + 1, info.MapVersion);
        Assert.Equal(info.MapVersion, info.Replica.AppliedVersion);
        Assert.True(DateTimeOffset.UtcNow >= at);

        await cluster.StartReplicaAsync(2);
        await ClusterAssert.ConvergedAsync(cluster, version);
        foreach (var replica in cluster.Running)
        {
            var answer = await cluster.Assignments(replica).ResolveAsync(new ResolveRequest { Lat = -29, Lng = -139, Layer = "storm" });
            Assert.Equal("rep-island", answer.Assignment.OwnerId);
            Assert.Equal(version, answer.Assignment.MapVersion);
            var plan = (await new PlanService.PlanServiceClient(cluster[replica].Channel).GetPlanAsync(new GetPlanRequest { Name = "q1" })).Plan;
            Assert.Equal(PlanStatus.Activated, plan.Status);
            Assert.Equal(version, plan.ActivatedVersion);
        }

        Assert.Equal(version, (await cluster.Territories(2).GetMapInfoAsync(new GetMapInfoRequest())).Replica.AppliedVersion);
        await ClusterAssert.IdenticalAsync(cluster, version, points: 20_000);
    }

    [Fact]
    public async Task A_replica_killed_while_it_activates_a_plan_leaves_the_old_map_or_the_new_one_never_a_mix()
    {
        await using var cluster = await ReplicaCluster.StartAsync();
        await cluster.ImportStatesAsync();
        // The agreement check below compares layers geo and storm.
        await cluster.Territories(0).UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Territories = { Shapes.Territory("storm-0", Shapes.Square(-150, -40, 40), owner: "rep-storm", layer: "storm") },
        });
        var plans = new PlanService.PlanServiceClient(cluster[0].Channel);
        await plans.CreatePlanAsync(new CreatePlanRequest { Name = "all" });
        var states = (await cluster.Territories(0).ListTerritoriesAsync(new ListTerritoriesRequest { PageSize = 1000, IncludeGeometry = true, Layer = "geo" })).Territories;
        var reassigned = new UpsertTerritoriesRequest { Plan = "all" };
        reassigned.Territories.AddRange(states.Select(t => { var copy = t.Clone(); copy.OwnerId = "rep-new"; return copy; }));
        await cluster.Territories(0).UpsertTerritoriesAsync(reassigned);
        var before = await ClusterAssert.ConvergedAsync(cluster);

        // The activation is sent and its replica killed at once: the change reached Redis whole or not at all.
        var activation = plans.ActivatePlanAsync(new ActivatePlanRequest { Name = "all" }).ResponseAsync;
        cluster.KillReplica(0);
        try
        {
            await activation;
        }
        catch (Grpc.Core.RpcException)
        {
            // The call broke off with its server: its outcome is what the other replicas serve.
        }

        var after = await ClusterAssert.ConvergedAsync(cluster);
        var owners = (await cluster.Territories(1).ListTerritoriesAsync(new ListTerritoriesRequest { PageSize = 1000, MinVersion = after, Layer = "geo" })).Territories
            .Select(t => t.OwnerId).Distinct().ToList();
        if (after == before)
        {
            Assert.DoesNotContain("rep-new", owners);
        }
        else
        {
            Assert.Equal(["rep-new"], owners);
        }

        await ClusterAssert.IdenticalAsync(cluster, after, points: 20_000);
    }
}


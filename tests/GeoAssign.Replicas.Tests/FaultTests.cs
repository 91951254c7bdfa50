// Faults of Redis and of replicas, each on its own: afterwards every acknowledged edit is present
// (after a failover: every edit acknowledged by the new primary), every replica serves the same
// version, and they answer 100,000 random points identically.
using GeoAssign.Protos.V1;
using GeoAssign.Testing.Servers;
using Grpc.Core;
using Xunit.Abstractions;

namespace GeoAssign.Replicas.Tests;

[Collection(ReplicaCollection.Name)]
public sealed class FaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Redis_restarted_during_an_edit_storm_loses_no_acknowledged_edit()
    {
        await using var cluster = await ReplicaCluster.StartAsync();
        var offset = await BaseOffsetAsync(cluster);
        var storm = new EditStorm(cluster);
        storm.Start();
        await storm.AcknowledgedAsync(40);

        cluster.Redis.Kill();
        // Meanwhile: lookups keep being served from the last map, health says degraded, edits fail
        // fast with UNAVAILABLE and change nothing.
        await WaitForStateAsync(cluster, ReplicaState.Degraded);
        foreach (var replica in cluster.Running)
        {
            var answer = await cluster.Assignments(replica).ResolveAsync(new ResolveRequest { Lat = 64, Lng = -150, Layer = "geo" });
            Assert.Equal("02", answer.Assignment.TerritoryId);
        }

        var started = DateTime.UtcNow;
        var error = await RpcAssert.FailsAsync(StatusCode.Unavailable, () => cluster.Territories(1).UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Territories = { Shapes.Territory("while-down", Shapes.Square(10, 10, 1), layer: "storm") },
        }));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(8), $"The edit took {(DateTime.UtcNow - started).TotalSeconds:F1} s to fail.");
        Assert.Contains("was not sent", error.Status.Detail);
        Assert.Contains("Nothing changed", error.Status.Detail);

        await cluster.Redis.RestartAsync();
        await storm.AcknowledgedAsync(40);
        await storm.StopAsync();
        Assert.Contains(StatusCode.Unavailable, storm.Failures);

        await AssertConsistentAsync(cluster, storm, offset);
    }

    [Fact]
    public async Task A_replica_killed_and_restarted_mid_storm_catches_up()
    {
        await using var cluster = await ReplicaCluster.StartAsync();
        var offset = await BaseOffsetAsync(cluster);
        var storm = new EditStorm(cluster);
        storm.Start();
        await storm.AcknowledgedAsync(30);
        cluster.KillReplica(1);
        await storm.AcknowledgedAsync(30);
        await cluster.StartReplicaAsync(1);
        await storm.AcknowledgedAsync(30);
        await storm.StopAsync();

        await AssertConsistentAsync(cluster, storm, offset);
    }

    [Fact]
    public async Task Dropped_subscriber_connections_are_noticed_and_replicas_catch_up()
    {
        await using var cluster = await ReplicaCluster.StartAsync();
        var offset = await BaseOffsetAsync(cluster);
        var storm = new EditStorm(cluster);
        storm.Start();
        for (var i = 0; i < 5; i++)
        {
            await storm.AcknowledgedAsync(15);
            var killed = await cluster.Redis.ExecuteAsync("CLIENT", "KILL", "TYPE", "pubsub");
            Assert.True(killed is long count && count >= cluster.Count, $"CLIENT KILL TYPE pubsub killed {killed} connections, not one per replica.");
        }

        await storm.AcknowledgedAsync(15);
        await storm.StopAsync();

        await AssertConsistentAsync(cluster, storm, offset);
    }

    [Fact]
    public async Task A_replica_left_behind_by_a_trimmed_stream_reloads_the_whole_map()
    {
        await using var cluster = await ReplicaCluster.StartAsync(settings: new Dictionary<string, string> { ["GeoAssign__Redis__StreamMaxLength"] = "100" });
        var offset = await BaseOffsetAsync(cluster);

        // Replica 2 freezes (as a paused VM would) while 300 edits go through the others, and the
        // stream keeps only the last few of them.
        cluster[2].Pause();
        var storm = new EditStorm(cluster, writers: 2);
        ulong last;
        try
        {
            for (var i = 0; i < 300; i++)
            {
                var response = await cluster.Territories(i % 2).UpsertTerritoriesAsync(new UpsertTerritoriesRequest
                {
                    Territories = { Shapes.Territory($"storm-t{i:D4}", Shapes.Square(-170 + i % 100 * 3.3, -60 + i / 100 * 30, 4), owner: $"rep-{i % 9}", layer: "storm", priority: i % 3) },
                });
                storm.Acknowledged[$"storm-t{i:D4}"] = response.MapVersion;
            }

            last = storm.Acknowledged.Values.Max();
            await cluster.Redis.ExecuteAsync("XTRIM", $"geoassign:{{{cluster.MapName}}}:changes", "MAXLEN", "10");
        }
        finally
        {
            cluster[2].Resume();
        }

        await ClusterAssert.ConvergedAsync(cluster, last);
        Assert.Contains("reloading the whole map", cluster[2].Output);
        await AssertConsistentAsync(cluster, storm, offset);
    }

    [Fact]
    public async Task An_edit_redis_did_not_confirm_is_reported_as_maybe_applied_and_is_served_if_stored()
    {
        await using var cluster = await ReplicaCluster.StartAsync(replicas: 2, settings: new Dictionary<string, string> { ["GeoAssign__Redis__OperationTimeout"] = "00:00:00.500" });
        await using var client = new GeoAssign.Client.GeoAssignClient(new GeoAssign.Client.GeoAssignClientOptions
        {
            Address = cluster[0].Address,
            RetryBaseDelay = TimeSpan.FromMilliseconds(20),
        });

        // Redis hangs (SIGSTOP) after accepting the connection: the edit is sent, no reply comes.
        await cluster.Redis.PauseAsync();
        GeoAssign.Client.GeoAssignException error;
        try
        {
            error = await Assert.ThrowsAsync<GeoAssign.Client.GeoAssignException>(() => client.UpsertAsync(
            [
                new GeoAssign.Client.Territory { Id = "unconfirmed", OwnerId = "rep-1", Layer = "storm", GeometryGeoJson = Shapes.Square(20, 20, 2) },
            ]));
        }
        finally
        {
            await cluster.Redis.ResumeAsync();
        }

        // UNKNOWN, never retried blindly, and the caller is told to check.
        Assert.Equal(StatusCode.Unknown, error.StatusCode);
        Assert.True(error.MayHaveBeenApplied);
        Assert.Contains("may or may not have been applied", error.Message);

        // Redis ran the script once it resumed: every replica learns of it and serves it.
        var version = await ClusterAssert.ConvergedAsync(cluster, 1);
        Assert.Equal(1ul, version);
        var territory = await client.GetTerritoryAsync("unconfirmed");
        Assert.Equal("rep-1", territory.OwnerId);
    }

    [Fact]
    public async Task A_sentinel_failover_mid_storm_keeps_lookups_answering_and_keeps_every_edit_the_new_primary_acknowledged()
    {
        await using var cluster = await ReplicaCluster.StartWithSentinelsAsync(settings: new Dictionary<string, string> { ["GeoAssign__Redis__OperationTimeout"] = "00:00:01" });
        var sentinels = cluster.Sentinels!;
        var offset = await BaseOffsetAsync(cluster);
        var lookups = LookupLoop.Start(cluster);
        var storm = new EditStorm(cluster);
        storm.Start();
        await storm.AcknowledgedAsync(30);

        // The primary dies (SIGKILL); the sentinels notice within about a second and promote the replica.
        sentinels.Primary.Kill();
        var killed = DateTime.UtcNow;
        var answeredAtKill = cluster.Running.Select(lookups.Answered).ToArray();
        await sentinels.WaitForPrimaryAsync(sentinels.Replica, TimeSpan.FromSeconds(30));
        var promoted = DateTime.UtcNow;
        var beforePromotion = storm.Acknowledged.ToDictionary(StringComparer.Ordinal);

        // GeoAssign follows: edits go through the new primary within a bounded time, then go on.
        await storm.AcknowledgedAsync(1, TimeSpan.FromSeconds(15));
        var resumed = DateTime.UtcNow;
        await storm.AcknowledgedAsync(30);
        await storm.StopAsync();
        var answeredDuringFailover = cluster.Running.Select(r => lookups.Answered(r) - answeredAtKill[r]).ToArray();
        await lookups.StopAsync();

        // Reads never stopped: every lookup answered, on every replica, all along.
        Assert.True(lookups.Failures.IsEmpty, $"{lookups.Failures.Count} lookups failed, e.g. {string.Join("; ", lookups.Failures.Take(5))}");
        Assert.All(answeredDuringFailover, n => Assert.True(n > 0, $"A replica answered no lookup during the failover ({string.Join(", ", answeredDuringFailover)})."));

        // Every edit the new primary acknowledged is on every replica; the replicas agree.
        var afterPromotion = storm.Acknowledged.Where(a => !beforePromotion.ContainsKey(a.Key)).ToDictionary(StringComparer.Ordinal);
        var version = await ClusterAssert.ConvergedAsync(cluster, afterPromotion.Values.Max(), TimeSpan.FromSeconds(60));
        await ClusterAssert.AllPresentAsync(cluster, afterPromotion.Keys, "storm");

        // An edit that failed with UNAVAILABLE changed nothing, failover or not; UNKNOWN ones may be there or not.
        var present = await StormIdsAsync(cluster, cluster.Running.First());
        var refused = storm.Failed.Where(f => f.Value == StatusCode.Unavailable).Select(f => f.Key).ToList();
        Assert.DoesNotContain(refused, present.Contains);
        foreach (var replica in cluster.Running.Skip(1))
        {
            Assert.Equal(present, await StormIdsAsync(cluster, replica));
        }

        // One territory per version: nothing applied twice or half applied, lost or not.
        foreach (var replica in cluster.Running)
        {
            var info = await cluster.Territories(replica).GetMapInfoAsync(new GetMapInfoRequest());
            Assert.Equal(offset, (long)info.TerritoryCount - (long)info.MapVersion);
        }

        await ClusterAssert.IdenticalAsync(cluster, version);

        // Edits the old primary acknowledged but had not yet replicated may be lost: measured, not promised.
        var lost = beforePromotion.Keys.Count(id => !present.Contains(id));
        output.WriteLine($"Failover: promoted {(promoted - killed).TotalSeconds:0.0} s after the kill, first edit through the new primary "
            + $"{(resumed - promoted).TotalSeconds:0.0} s after the promotion; lookups answered during it per replica: {string.Join(", ", answeredDuringFailover)}; "
            + $"states seen: {string.Join(", ", lookups.States.Select(s => $"{s.Key}×{s.Value}"))}; failed edits: "
            + $"{string.Join(", ", storm.Failed.GroupBy(f => f.Value).Select(g => $"{g.Key}×{g.Count()}"))}; "
            + $"acknowledged before the promotion {beforePromotion.Count}, lost {lost}.");
        Assert.True(resumed - promoted < TimeSpan.FromSeconds(15));
    }

    private static async Task<HashSet<string>> StormIdsAsync(ReplicaCluster cluster, int replica)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var token = "";
        do
        {
            var page = await cluster.Territories(replica).ListTerritoriesAsync(new ListTerritoriesRequest { Layer = "storm", PageSize = 1000, PageToken = token });
            ids.UnionWith(page.Territories.Select(t => t.Id));
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        return ids;
    }

    // Territories minus versions after importing the states; every storm edit adds one of each.
    private static async Task<long> BaseOffsetAsync(ReplicaCluster cluster)
    {
        var version = await cluster.ImportStatesAsync();
        await ClusterAssert.ConvergedAsync(cluster, version);
        var info = await cluster.Territories(0).GetMapInfoAsync(new GetMapInfoRequest());
        return (long)info.TerritoryCount - (long)info.MapVersion;
    }

    private static async Task AssertConsistentAsync(ReplicaCluster cluster, EditStorm storm, long offset)
    {
        var version = await ClusterAssert.ConvergedAsync(cluster, storm.Acknowledged.Values.Max(), TimeSpan.FromSeconds(60));
        await ClusterAssert.AllPresentAsync(cluster, storm.Acknowledged.Keys, "storm");

        // One territory per version: no change was lost, applied twice or half applied.
        foreach (var replica in cluster.Running)
        {
            var info = await cluster.Territories(replica).GetMapInfoAsync(new GetMapInfoRequest());
            Assert.Equal(offset, (long)info.TerritoryCount - (long)info.MapVersion);
        }

        await ClusterAssert.IdenticalAsync(cluster, version);
    }

    private static async Task WaitForStateAsync(ReplicaCluster cluster, ReplicaState state)
    {
        var states = new List<ReplicaState>();
        await Eventually.UntilAsync(async () =>
        {
            states.Clear();
            foreach (var replica in cluster.Running)
            {
                states.Add((await cluster.Territories(replica).GetMapInfoAsync(new GetMapInfoRequest())).Replica.State);
            }

            return states.All(s => s == state);
        }, TimeSpan.FromSeconds(20), () => $"the replicas report {state} (they report {string.Join(", ", states)})\n{cluster.Logs()}", ClusterAssert.InfoPollInterval);
    }
}

// Redis replaced under the store: a Sentinel failover, and a primary that forgot the append script.
using System.Diagnostics;
using GeoAssign.Index.Model;

namespace GeoAssign.Replication.Redis.Tests;

public sealed class RedisFailoverTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_store_follows_a_sentinel_failover_and_an_unconfirmed_append_stays_unknown()
    {
        await using var group = await SentinelGroup.StartAsync();
        // No polling: the follower learns of versions only from pub/sub and the re-read on reconnect.
        var options = new RedisMapStoreOptions
        {
            ConnectionString = group.SentinelEndpoints,
            ServiceName = group.ServiceName,
            MapName = "failover",
            PollInterval = TimeSpan.FromMinutes(5),
            OperationTimeout = TimeSpan.FromSeconds(1),
            ConnectRetryTime = TimeSpan.FromSeconds(10),
        };
        await using var writer = await RedisMapStore.ConnectAsync(options, None);
        await using var follower = await RedisMapStore.ConnectAsync(options, None);
        await using var watcher = new VersionWatcher(follower);
        for (var version = 1; version <= 10; version++)
        {
            Assert.True((await writer.AppendAsync(SmallChange(version, "w"), None)).Appended);
        }

        await watcher.WaitForAsync(10, TimeSpan.FromSeconds(5));
        await group.Replica.WaitUntilAsync(async () => await group.Replica.ExecuteAsync("GET", "geoassign:{failover}:version") is "10", "holding version 10");

        // The primary hangs (SIGSTOP) with an append sent and unanswered: the store cannot know
        // whether it ran, and says so.
        await group.Primary.PauseAsync();
        var hung = await Assert.ThrowsAsync<MapStoreException>(() => writer.AppendAsync(SmallChange(11, "hung"), None));
        Assert.True(hung.OutcomeUnknown, hung.Message);
        Assert.Contains("may or may not have been applied", hung.Message);

        // The sentinels promote the replica; the old primary is fenced off for good (killed).
        var paused = Stopwatch.GetTimestamp();
        await group.WaitForPrimaryAsync(group.Replica, TimeSpan.FromSeconds(30));
        var promotedAfter = Stopwatch.GetElapsedTime(paused);
        group.Primary.Kill();
        var promoted = Stopwatch.GetTimestamp();

        // Edits fail while the store has no primary, each saying whether it changed anything, and
        // go through on the new primary within a few seconds of the promotion (each failed attempt
        // tried again after Eventually's pause).
        var failures = new List<MapStoreException>();
        MapChange? stored = null;
        var attempt = 0;
        await Eventually.UntilAsync(async () =>
        {
            var change = SmallChange(writer.Version + 1, $"attempt{attempt++}");
            try
            {
                if ((await writer.AppendAsync(change, None)).Appended)
                {
                    stored = change;
                }
            }
            catch (MapStoreException e)
            {
                failures.Add(e);
            }

            return stored is not null;
        }, TimeSpan.FromSeconds(15), () => $"an append goes through within 15 s of the promotion; failures: {string.Join(" | ", failures.Select(f => f.Message).Distinct())}\n{group.Logs()}",
            pollInterval: TimeSpan.FromMilliseconds(50));

        var resumedAfter = Stopwatch.GetElapsedTime(promoted);
        Assert.NotNull(stored);
        Assert.Equal(11, stored.Version); // the hung append never ran on the replica that took over
        Assert.True(writer.Health.Reachable, writer.Health.Problem);

        // The follower re-subscribed (or re-read the version when it reconnected) and reads the
        // change from the new primary; the failed attempts that said nothing changed did not.
        await watcher.WaitForAsync(11, TimeSpan.FromSeconds(10));
        var changes = await follower.ReadChangesAsync(10, None);
        Assert.NotNull(changes);
        MapStoreAssert.SameChange(stored, Assert.Single(changes));

        // Pub/sub works after the failover: the next append reaches the follower without a poll.
        Assert.True((await writer.AppendAsync(SmallChange(12, "after"), None)).Appended);
        await watcher.WaitForAsync(12, TimeSpan.FromSeconds(3));
        var loaded = await follower.LoadAsync(None);
        Assert.Equal(12, loaded.Version);
        Console.WriteLine($"Failover: promoted {promotedAfter.TotalSeconds:0.0} s after the primary hung; appends resumed {resumedAfter.TotalSeconds:0.0} s after the promotion; "
            + $"{failures.Count} failed attempts ({string.Join("; ", failures.Select(f => f.Message[..Math.Min(60, f.Message.Length)]).Distinct())}).");
    }

    [Fact]
    public async Task A_store_at_a_version_redis_now_holds_with_other_changes_reloads_and_does_not_build_on_it()
    {
        // As after a failover that lost acknowledged changes which the new primary then reached again
        // with other edits: the same version, another history.
        await using var redis = await RedisServer.StartAsync();
        await using var writer = await ConnectAsync(redis);
        await using var replica = await ConnectAsync(redis);
        for (var version = 1L; version <= 5; version++)
        {
            Assert.True((await writer.AppendAsync(SmallChange(version, "old"), None)).Appended);
        }

        Assert.Equal(5, (await replica.LoadAsync(None)).Version);
        await using var watcher = new VersionWatcher(replica);
        await watcher.WaitForAsync(5, TimeSpan.FromSeconds(5));

        Assert.Equal("OK", await redis.ExecuteAsync("FLUSHALL"));
        await using var other = await ConnectAsync(redis);
        for (var version = 1L; version <= 5; version++)
        {
            Assert.True((await other.AppendAsync(SmallChange(version, "new"), None)).Appended);
        }

        // Version 5 again, but not the replica's version 5: reads say reload, the feed goes below
        // the replica's version, and an edit planned on the old history is not appended.
        await Eventually.UntilAsync(() => watcher.Seen.Contains(0), TimeSpan.FromSeconds(5), "the feed yields 0");
        Assert.Null(await replica.ReadChangesAsync(5, None));
        Assert.Equal(new AppendResult(false, 5), await replica.AppendAsync(SmallChange(6, "old"), None));
        Assert.Equal("5", await redis.ExecuteAsync("GET", "geoassign:{test}:version"));
        Assert.Equal(5L, await redis.ExecuteAsync("XLEN", "geoassign:{test}:changes"));

        // Reloaded, the replica holds Redis's history and goes on from it.
        var reloaded = await replica.LoadAsync(None);
        MapStoreAssert.SameTerritories(Replay(Enumerable.Range(1, 5).Select(v => SmallChange(v, "new"))).Values, reloaded.BaseTerritories);
        Assert.Empty(Assert.IsAssignableFrom<IReadOnlyList<MapChange>>(await replica.ReadChangesAsync(5, None)));
        Assert.True((await replica.AppendAsync(SmallChange(6, "new"), None)).Appended);
        await watcher.WaitForAsync(6, TimeSpan.FromSeconds(5));

        // The writer of the old history is told to reload too.
        Assert.Null(await writer.ReadChangesAsync(5, None));
    }

    [Fact]
    public async Task With_wait_for_replicas_an_acknowledged_append_is_on_the_replica_and_an_unconfirmed_one_is_unknown()
    {
        await using var primary = await RedisServer.StartAsync();
        await using var replica = await RedisServer.StartReplicaAsync(primary);
        await using var store = await RedisMapStore.ConnectAsync(new RedisMapStoreOptions
        {
            ConnectionString = primary.ConnectionString,
            MapName = "wait",
            OperationTimeout = TimeSpan.FromSeconds(1),
            WaitForReplicas = 1,
        }, None);

        // Acknowledged means on the replica already: no waiting here.
        for (var version = 1L; version <= 5; version++)
        {
            Assert.True((await store.AppendAsync(SmallChange(version, "w"), None)).Appended);
            Assert.Equal(version.ToString(System.Globalization.CultureInfo.InvariantCulture), await replica.ExecuteAsync("GET", "geoassign:{wait}:version"));
        }

        // The replica hangs: the primary applies the edit, nobody confirms it, so it is not acknowledged.
        await replica.PauseAsync();
        MapStoreException unconfirmed;
        try
        {
            unconfirmed = await Assert.ThrowsAsync<MapStoreException>(() => store.AppendAsync(SmallChange(6, "w"), None));
        }
        finally
        {
            await replica.ResumeAsync();
        }

        Assert.True(unconfirmed.OutcomeUnknown, unconfirmed.Message);
        Assert.Contains("only 0 of 1 replica(s) confirmed it", unconfirmed.Message);
        Assert.Equal("6", await primary.ExecuteAsync("GET", "geoassign:{wait}:version"));
        Assert.Equal(6, store.Version);

        // A refused append (wrong version) waits for nothing and reports the store's version.
        Assert.Equal(new AppendResult(false, 6), await store.AppendAsync(SmallChange(6, "late"), None));
        Assert.True((await store.AppendAsync(SmallChange(7, "w"), None)).Appended);
        Assert.Equal("7", await replica.ExecuteAsync("GET", "geoassign:{wait}:version"));
    }

    [Fact]
    public async Task An_append_after_redis_forgot_the_script_loads_it_again()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var store = await ConnectAsync(redis);
        Assert.True((await store.AppendAsync(SmallChange(1, "w"), None)).Appended);

        // As on a restarted or newly promoted server: the script cache is empty, EVALSHA says NOSCRIPT.
        Assert.Equal("OK", await redis.ExecuteAsync("SCRIPT", "FLUSH"));
        Assert.True((await store.AppendAsync(SmallChange(2, "w"), None)).Appended);
        Assert.True((await store.AppendAsync(SmallChange(3, "w"), None)).Appended);

        Assert.Equal("3", await redis.ExecuteAsync("GET", "geoassign:{test}:version"));
        Assert.Equal(3L, await redis.ExecuteAsync("XLEN", "geoassign:{test}:changes"));
        // The path was taken: Redis answered NOSCRIPT once, and the store loaded the script again.
        Assert.Contains("errorstat_NOSCRIPT:count=1", await redis.InfoAsync("errorstats"));
    }
}

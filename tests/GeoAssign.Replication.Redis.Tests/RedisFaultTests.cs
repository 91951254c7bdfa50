// Redis going away: killed mid-storm and restarted, and unreachable at start.
using System.Collections.Concurrent;
using System.Diagnostics;
using GeoAssign.Index.Model;

namespace GeoAssign.Replication.Redis.Tests;

public sealed class RedisFaultTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Every_acknowledged_append_survives_redis_killed_and_restarted_during_a_storm()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await ConnectAsync(redis, pollInterval: TimeSpan.FromMilliseconds(200));
        await using var b = await ConnectAsync(redis, pollInterval: TimeSpan.FromMilliseconds(200));
        await using var probe = await ConnectAsync(redis);
        var acknowledged = new ConcurrentDictionary<long, MapChange>();
        var failures = new ConcurrentQueue<MapStoreException>();
        using var stop = new CancellationTokenSource();
        var writers = new[] { Storm(a, "a"), Storm(b, "b") };

        await Eventually.UntilAsync(() => acknowledged.Count >= 40, TimeSpan.FromSeconds(20), "40 appends are acknowledged");
        redis.Kill();

        // While Redis is down an edit fails fast, says what to do, and the health shows it.
        var started = Stopwatch.GetTimestamp();
        var down = await Assert.ThrowsAsync<MapStoreException>(() => probe.AppendAsync(SmallChange(probe.Version + 1, "probe"), None));
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(3), $"The failed edit took {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms.");
        Assert.Matches("not sent|may or may not have been applied", down.Message);
        Assert.Contains(redis.ConnectionString, down.Message);
        await Eventually.UntilAsync(() => !probe.Health.Reachable, TimeSpan.FromSeconds(5), "the probe store reports Redis unreachable");
        Assert.Contains("does not answer", probe.Health.Problem);
        var lastContactWhileDown = probe.Health.LastContact;

        var beforeRestart = acknowledged.Count;
        await redis.RestartAsync();
        await Eventually.UntilAsync(() => acknowledged.Count >= beforeRestart + 40, TimeSpan.FromSeconds(30), "40 more appends are acknowledged after the restart");
        await stop.CancelAsync();
        await Task.WhenAll(writers);
        await Eventually.UntilAsync(() => probe.Health.Reachable, TimeSpan.FromSeconds(10), "the probe store reports Redis reachable again");
        Assert.True(probe.Health.LastContact > lastContactWhileDown);
        Assert.Null(probe.Health.Problem);
        Assert.NotEmpty(failures);
        Assert.All(failures, e => Assert.Matches("not sent|may or may not have been applied", e.Message));

        // Everything acknowledged is there, in a gapless stream whose replay is the stored map.
        await using var checker = await ConnectAsync(redis);
        var stored = await checker.LoadAsync(None);
        var stream = await checker.ReadChangesAsync(0, None);
        Assert.NotNull(stream);
        Assert.Equal(stored.Version, stream.Count);
        Assert.Equal(Enumerable.Range(1, stream.Count).Select(v => (long)v), stream.Select(c => c.Version));
        Assert.True(acknowledged.Keys.Max() <= stored.Version);
        foreach (var (version, change) in acknowledged)
        {
            MapStoreAssert.SameChange(change, stream[(int)version - 1]);
        }

        MapStoreAssert.SameTerritories(Replay(stream).Values, stored.BaseTerritories);

        async Task Storm(RedisMapStore store, string name)
        {
            var known = 0L;
            while (!stop.IsCancellationRequested)
            {
                var change = SmallChange(known + 1, name, deletes: known % 7 == 0 ? [$"{name}-{(known + 10) % 20}"] : null);
                try
                {
                    var result = await store.AppendAsync(change, None);
                    if (result.Appended)
                    {
                        Assert.True(acknowledged.TryAdd(change.Version, change), $"Version {change.Version} was acknowledged twice.");
                    }

                    known = result.StoreVersion;
                }
                catch (MapStoreException e)
                {
                    // Outcome not known (or not sent): the next append finds the store's version by its conflict.
                    failures.Enqueue(e);
                    // Pacing the storm while Redis is down, not waiting for anything: no assertion depends on it.
                    await Task.Delay(20, CancellationToken.None);
                }
            }
        }
    }

    [Fact]
    public async Task An_edit_that_redis_does_not_answer_in_time_fails_fast_as_unknown_and_may_still_apply()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var store = await ConnectAsync(redis, pollInterval: TimeSpan.FromMilliseconds(200), operationTimeout: TimeSpan.FromMilliseconds(500));
        var change = SmallChange(1, "hung");
        await redis.PauseAsync();
        MapStoreException failure;
        var started = Stopwatch.GetTimestamp();
        try
        {
            failure = await Assert.ThrowsAsync<MapStoreException>(() => store.AppendAsync(change, None));
            Assert.False(store.Health.Reachable);
        }
        finally
        {
            await redis.ResumeAsync();
        }

        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(2), $"The edit took {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms to fail.");
        Assert.Contains("may or may not have been applied; read the map version before retrying", failure.Message);

        // Redis ran the script once it woke up: this is why the outcome was reported as unknown.
        var stored = await store.ReadChangesAsync(0, None);
        MapStoreAssert.SameChange(change, Assert.Single(stored!));
        await Eventually.UntilAsync(() => store.Health.Reachable && store.Version == 1, TimeSpan.FromSeconds(5), "the store is reachable at version 1 again");
        Assert.Equal(new AppendResult(false, 1), await store.AppendAsync(change, None));
    }

    [Fact]
    public async Task Connecting_waits_for_redis_to_come_up()
    {
        await using var redis = await RedisServer.StartAsync();
        await redis.StopAsync();

        // Something that is not Redis holds the port first: it accepts and hangs up, failing each attempt.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, redis.Port);
        listener.Start();
        var connecting = ConnectAsync(redis);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var refused = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        listener.Stop();
        Assert.False(connecting.IsCompleted);
        await redis.RestartAsync();
        await using var store = await connecting.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(0, (await store.LoadAsync(None)).Version);
        Assert.True(store.Health.Reachable);
    }

    [Fact]
    public async Task Connecting_to_nothing_fails_after_the_retry_time_naming_the_address()
    {
        var port = TestServer.FreePort();
        var started = Stopwatch.GetTimestamp();
        var failure = await Assert.ThrowsAsync<MapStoreException>(() => RedisMapStore.ConnectAsync(new RedisMapStoreOptions
        {
            ConnectionString = $"127.0.0.1:{port}",
            ConnectRetryTime = TimeSpan.FromSeconds(1),
            OperationTimeout = TimeSpan.FromMilliseconds(500),
        }, None));
        Assert.InRange(Stopwatch.GetElapsedTime(started), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        Assert.Contains($"127.0.0.1:{port}", failure.Message);
    }
}

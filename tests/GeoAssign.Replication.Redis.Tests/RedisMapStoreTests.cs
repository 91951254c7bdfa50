// The Redis store's data: appends, loads, compare-and-set, the territory hash and the trimmed stream.
using GeoAssign.Index;
using GeoAssign.Index.Model;
using GeoAssign.Testing.Servers;
using GeoAssign.Testing.Servers.Stores;
using static GeoAssign.Replication.Redis.Tests.RedisStoreFixtures;
using static GeoAssign.Testing.ChangeHistories;

namespace GeoAssign.Replication.Redis.Tests;

public sealed class RedisMapStoreTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_map_loaded_by_another_store_equals_what_was_appended_bit_for_bit()
    {
        await using var redis = await RedisServer.StartAsync();
        var history = History(30);
        await using (var writer = await ConnectAsync(redis))
        {
            var empty = await writer.LoadAsync(None);
            Assert.Equal(0, empty.Version);
            Assert.Empty(empty.BaseTerritories);
            foreach (var change in history)
            {
                Assert.Equal(new AppendResult(true, change.Version), await writer.AppendAsync(change, None));
            }

            Assert.Equal(30, writer.Version);
        }

        await using var reader = await ConnectAsync(redis);
        var stored = await reader.LoadAsync(None);
        Assert.Equal(30, stored.BaseVersion);
        Assert.Empty(stored.Changes);
        Assert.Equal(30, reader.Version);
        var expected = Replay(history);
        MapStoreAssert.SameTerritories(expected.Values, stored.BaseTerritories);
        Assert.Equal(expected.Keys, stored.BaseTerritories.Select(t => t.Id)); // in id order

        // The stream holds every change exactly as appended, and the stored map replays through the one apply path.
        var changes = await reader.ReadChangesAsync(0, None);
        Assert.NotNull(changes);
        Assert.Equal(history.Count, changes.Count);
        for (var i = 0; i < history.Count; i++)
        {
            MapStoreAssert.SameChange(history[i], changes[i]);
        }

        var map = stored.ApplyTo(new TerritoryMapWriter());
        Assert.Equal(30, map.Version);
        Assert.Equal(expected.Count, map.Territories.Count);
    }

    [Fact]
    public async Task Two_stores_appending_the_same_version_at_once_store_exactly_one_change()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await ConnectAsync(redis);
        await using var b = await ConnectAsync(redis);
        for (var version = 1L; version <= 25; version++)
        {
            var fromA = SmallChange(version, "a");
            var fromB = SmallChange(version, "b");
            var results = await Task.WhenAll(a.AppendAsync(fromA, None), b.AppendAsync(fromB, None));

            Assert.Equal(1, results.Count(r => r.Appended));
            Assert.All(results, r => Assert.Equal(version, r.StoreVersion));
            var stored = Assert.Single((await a.ReadChangesAsync(version - 1, None))!);
            MapStoreAssert.SameChange(results[0].Appended ? fromA : fromB, stored);
        }

        // Stale and skipping versions append nothing.
        Assert.Equal(new AppendResult(false, 25), await a.AppendAsync(SmallChange(3, "late"), None));
        Assert.Equal(new AppendResult(false, 25), await b.AppendAsync(SmallChange(27, "early"), None));
        Assert.Equal(25L, await redis.ExecuteAsync("XLEN", "geoassign:{test}:changes"));
        Assert.Equal("25", await redis.ExecuteAsync("GET", "geoassign:{test}:version"));
        Assert.DoesNotContain((await a.LoadAsync(None)).BaseTerritories, t => t.OwnerId.StartsWith("late", StringComparison.Ordinal) || t.OwnerId.StartsWith("early", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Upserts_and_deletes_update_the_territory_hash()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var store = await ConnectAsync(redis, mapName: "hash-test");
        var a = Square("a", 1.1, 1.1, 1);
        var b = Square("b", 3.3, 1.1, 1);
        var c = Square("c", 5.5, 1.1, 1);
        var b2 = Square("b", 3.3, 1.1, 1.25, owner: "rep-2");
        Assert.True((await store.AppendAsync(new MapChange(1, [a, b, c], []), None)).Appended);
        Assert.True((await store.AppendAsync(new MapChange(2, [b2], ["a"]), None)).Appended);

        var fields = (object?[])(await redis.ExecuteAsync("HKEYS", "geoassign:{hash-test}:territories"))!;
        Assert.Equal(["b", "c"], fields.Cast<string>().Order(StringComparer.Ordinal));
        Assert.Equal("2", await redis.ExecuteAsync("GET", "geoassign:{hash-test}:version"));
        Assert.Equal(2L, await redis.ExecuteAsync("XLEN", "geoassign:{hash-test}:changes"));
        var stored = await store.LoadAsync(None);
        MapStoreAssert.SameTerritories([b2, c], stored.BaseTerritories);

        // Maps are independent: another name sees nothing.
        await using var other = await ConnectAsync(redis, mapName: "other");
        Assert.Equal(0, (await other.LoadAsync(None)).Version);
    }

    [Fact]
    public async Task A_replica_behind_the_trimmed_stream_gets_null_and_reloads_the_full_map()
    {
        // Stream nodes of 4 entries, so that approximate trimming to 8 takes effect at this size.
        await using var redis = await RedisServer.StartAsync("--stream-node-max-entries", "4");
        await using var store = await ConnectAsync(redis, streamMaxLength: 8);
        var history = new List<MapChange>();
        for (var version = 1L; version <= 60; version++)
        {
            var change = SmallChange(version, "w", ids: 9, deletes: version % 5 == 0 ? [$"w-{(version + 3) % 9}"] : null);
            history.Add(change);
            Assert.True((await store.AppendAsync(change, None)).Appended);
        }

        var length = (long)(await redis.ExecuteAsync("XLEN", "geoassign:{test}:changes"))!;
        Assert.InRange(length, 8, 12);
        var firstEntry = (object?[])(await redis.ExecuteAsync("XRANGE", "geoassign:{test}:changes", "-", "+", "COUNT", "1"))!;
        var first = long.Parse(((string)((object?[])firstEntry[0]!)[0]!).Split('-')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(61 - length, first);

        Assert.Null(await store.ReadChangesAsync(0, None));
        Assert.Null(await store.ReadChangesAsync(first - 2, None));
        var kept = await store.ReadChangesAsync(first - 1, None);
        Assert.NotNull(kept);
        Assert.Equal(Enumerable.Range((int)first, (int)length).Select(v => (long)v), kept.Select(c => c.Version));
        MapStoreAssert.SameChange(history[^1], kept[^1]);
        Assert.Empty((await store.ReadChangesAsync(60, None))!);

        var reloaded = await store.LoadAsync(None);
        Assert.Equal(60, reloaded.Version);
        MapStoreAssert.SameTerritories(Replay(history).Values, reloaded.BaseTerritories);
    }

    [Fact]
    public async Task Changes_are_read_back_in_order_across_many_pages()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var store = await ConnectAsync(redis);
        const int Count = 450; // more than two pages of the stream
        for (var version = 1L; version <= Count; version++)
        {
            Assert.True((await store.AppendAsync(SmallChange(version, "p"), None)).Appended);
        }

        var all = await store.ReadChangesAsync(0, None);
        Assert.NotNull(all);
        Assert.Equal(Enumerable.Range(1, Count).Select(v => (long)v), all.Select(c => c.Version));
        Assert.All(all, c => Assert.Equal($"p-v{c.Version}", Assert.Single(c.Upserts).OwnerId));
        Assert.Equal(Count - 201, (await store.ReadChangesAsync(201, None))!.Count);
    }

    [Fact]
    public async Task When_redis_loses_its_data_reads_say_reload_and_the_version_goes_down()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var store = await ConnectAsync(redis);
        for (var version = 1L; version <= 5; version++)
        {
            Assert.True((await store.AppendAsync(SmallChange(version, "x"), None)).Appended);
        }

        Assert.Equal(5, store.Version);
        Assert.Equal("OK", await redis.ExecuteAsync("FLUSHALL"));

        // A replica at 5 must not keep serving a map Redis no longer has: null makes it reload.
        Assert.Null(await store.ReadChangesAsync(5, None));
        Assert.Equal(0, store.Version);
        var reloaded = await store.LoadAsync(None);
        Assert.Equal(0, reloaded.Version);
        Assert.Empty(reloaded.BaseTerritories);
        Assert.Equal(new AppendResult(true, 1), await store.AppendAsync(SmallChange(1, "y"), None));
    }

    [Fact]
    public void Options_that_cannot_work_are_refused_at_start_up()
    {
        static RedisMapStoreOptions Options(string map = "m", int maxLength = 10, double pollSeconds = 1) => new()
        {
            ConnectionString = "127.0.0.1:6379",
            MapName = map,
            StreamMaxLength = maxLength,
            PollInterval = TimeSpan.FromSeconds(pollSeconds),
        };

        Options().Validate();
        Assert.Throws<ArgumentException>(() => Options(map: "a{b}").Validate());
        Assert.Throws<ArgumentException>(() => Options(map: "two words").Validate());
        Assert.Throws<ArgumentException>(() => Options(map: "").Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => Options(maxLength: 0).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => Options(pollSeconds: 0).Validate());
        Assert.Throws<ArgumentException>(() => new RedisMapStoreOptions { ConnectionString = " " }.Validate());
    }
}

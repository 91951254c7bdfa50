// The Redis store's own behaviour: its keys, paged reads, lost data and its options (what every store does:
// RedisMapStoreContractTests).
using GeoAssign.Index;
using GeoAssign.Index.Model;

namespace GeoAssign.Replication.Redis.Tests;

public sealed class RedisMapStoreTests
{
    private static readonly CancellationToken None = CancellationToken.None;

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

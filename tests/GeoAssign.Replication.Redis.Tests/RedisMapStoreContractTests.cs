// The map store contract run against the Redis store, on a redis-server of its own per test.
using GeoAssign.Index.Model;

namespace GeoAssign.Replication.Redis.Tests;

public sealed class RedisMapStoreContractTests : MapStoreContract
{
    // Approximate trimming removes whole stream nodes; the tests make them this small.
    private const int StreamNodeEntries = 4;

    private RedisServer _redis = null!;

    // Every replica has a store of its own on the one Redis.
    protected override bool SharesData => true;

    public override async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public override async Task DisposeAsync() => await _redis.DisposeAsync();

    protected override async Task<IMapStore> OpenAsync(int? retention = null)
    {
        if (retention is not null)
        {
            // Nodes of the default size (100 entries) would keep a stream of 60 untrimmed.
            await _redis.ExecuteAsync("CONFIG", "SET", "stream-node-max-entries", StreamNodeEntries.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return await ConnectAsync(_redis, streamMaxLength: retention ?? 10_000);
    }

    protected override int MostRetained(int retention) => retention + StreamNodeEntries;

    // Redis holds the whole map in its territory hash: it loads as a base, in id order, with no changes.
    protected override void AssertLoadedLayout(StoredMap stored, IReadOnlyList<MapChange> appended)
    {
        Assert.Equal(appended.Count, stored.BaseVersion);
        Assert.Empty(stored.Changes);
        Assert.Equal(Replay(appended).Keys, stored.BaseTerritories.Select(t => t.Id));
    }

    // The stream holds exactly the changes the store still reads back.
    protected override async Task AssertTrimmedAsync(IMapStore store, long oldestKept)
    {
        var length = (long)(await _redis.ExecuteAsync("XLEN", "geoassign:{test}:changes"))!;
        Assert.Equal(store.Version - oldestKept, length);
        var firstEntry = (object?[])(await _redis.ExecuteAsync("XRANGE", "geoassign:{test}:changes", "-", "+", "COUNT", "1"))!;
        var first = long.Parse(((string)((object?[])firstEntry[0]!)[0]!).Split('-')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(oldestKept + 1, first);
    }
}

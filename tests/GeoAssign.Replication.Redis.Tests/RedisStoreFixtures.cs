// Territories, changes, stores and waits for the Redis store tests.
using System.Diagnostics;
using GeoAssign.Index.Model;
using GeoAssign.Replication.Redis.Tests.Infrastructure;
using GeoAssign.Testing;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace GeoAssign.Replication.Redis.Tests;

internal static class RedisStoreFixtures
{
    /// <summary>Connects a store to <paramref name="server"/>; polls rarely unless told, so tests see what pub/sub alone delivers.</summary>
    public static Task<RedisMapStore> ConnectAsync(RedisServer server, string mapName = "test", TimeSpan? pollInterval = null,
        int streamMaxLength = 10_000, TimeSpan? operationTimeout = null) =>
        RedisMapStore.ConnectAsync(new RedisMapStoreOptions
        {
            ConnectionString = server.ConnectionString,
            MapName = mapName,
            PollInterval = pollInterval ?? TimeSpan.FromMinutes(5),
            StreamMaxLength = streamMaxLength,
            OperationTimeout = operationTimeout ?? TimeSpan.FromSeconds(2),
            ConnectRetryTime = TimeSpan.FromSeconds(10),
        }, CancellationToken.None);

    /// <summary>A small change: upserts one square whose owner names the writer and version.</summary>
    public static MapChange SmallChange(long version, string writer, int ids = 20, IEnumerable<string>? deletes = null) =>
        new(version, [ChangeHistories.Square($"{writer}-{version % ids}", -100 + (version % 40) + 0.1, 30 + (version % 15) + 0.3, 0.5, owner: $"{writer}-v{version}")],
            deletes ?? []);

    /// <summary>The territories after applying <paramref name="changes"/> in order, by id.</summary>
    public static SortedDictionary<string, Territory> Replay(IEnumerable<MapChange> changes)
    {
        var map = new SortedDictionary<string, Territory>(StringComparer.Ordinal);
        foreach (var change in changes)
        {
            foreach (var territory in change.Upserts)
            {
                map[territory.Id] = territory;
            }

            foreach (var id in change.Deletes)
            {
                map.Remove(id);
            }
        }

        return map;
    }

    /// <summary>Asserts that two sets of territories are equal, geometries bit for bit (same WKB bytes).</summary>
    public static void AssertSameTerritories(IEnumerable<Territory> expected, IEnumerable<Territory> actual)
    {
        var wkb = new WKBWriter(ByteOrder.LittleEndian, handleSRID: false, emitZ: false, emitM: false);
        var expectedById = expected.ToDictionary(t => t.Id, StringComparer.Ordinal);
        var actualById = actual.ToDictionary(t => t.Id, StringComparer.Ordinal);
        Assert.Equal(expectedById.Keys.Order(StringComparer.Ordinal), actualById.Keys.Order(StringComparer.Ordinal));
        foreach (var (id, territory) in expectedById)
        {
            var loaded = actualById[id];
            Assert.Equal(territory, loaded);
            Assert.Equal(wkb.Write(territory.Geometry), wkb.Write(loaded.Geometry));
        }
    }

    /// <summary>Asserts that two changes are equal: version, upserts (bit for bit) and deletes.</summary>
    public static void AssertSameChange(MapChange expected, MapChange actual)
    {
        Assert.Equal(expected.Version, actual.Version);
        Assert.Equal(expected.Upserts, actual.Upserts);
        AssertSameTerritories(expected.Upserts, actual.Upserts);
        Assert.Equal(expected.Deletes, actual.Deletes);
    }

    /// <summary>Waits until <paramref name="condition"/> holds, checking every 10 ms; fails after <paramref name="timeout"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var started = Stopwatch.GetTimestamp();
        while (!condition())
        {
            if (Stopwatch.GetElapsedTime(started) > timeout)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds} s waiting until {what}.");
            }

            await Task.Delay(10);
        }
    }
}

/// <summary>Follows a store's <see cref="IMapStore.WatchVersionsAsync"/> in the background and records what it yields.</summary>
internal sealed class VersionWatcher : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly List<long> _seen = [];
    private readonly Task _follow;

    public VersionWatcher(IMapStore store)
    {
        _follow = Task.Run(async () =>
        {
            await foreach (var version in store.WatchVersionsAsync(_stop.Token))
            {
                lock (_lock)
                {
                    _seen.Add(version);
                }
            }
        });
    }

    /// <summary>The versions yielded so far, in order.</summary>
    public IReadOnlyList<long> Seen
    {
        get
        {
            lock (_lock)
            {
                return [.. _seen];
            }
        }
    }

    /// <summary>The highest version yielded so far, or -1.</summary>
    public long Highest
    {
        get
        {
            lock (_lock)
            {
                return _seen.Count == 0 ? -1 : _seen.Max();
            }
        }
    }

    /// <summary>Whether the enumeration has ended (and how: a fault shows here).</summary>
    public Task Completion => _follow;

    /// <summary>Waits until a version of at least <paramref name="version"/> is yielded; returns how long that took.</summary>
    public async Task<TimeSpan> WaitForAsync(long version, TimeSpan timeout)
    {
        var started = Stopwatch.GetTimestamp();
        await RedisStoreFixtures.WaitUntilAsync(() => Highest >= version || _follow.IsCompleted, timeout, $"the watcher yields version {version} (it saw {string.Join(",", Seen)})");
        Assert.False(_follow.IsFaulted, $"The watch failed: {_follow.Exception}");
        Assert.True(Highest >= version, $"The watch ended before version {version}.");
        return Stopwatch.GetElapsedTime(started);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _follow; // a watch ends without an exception when cancelled
        _stop.Dispose();
    }
}

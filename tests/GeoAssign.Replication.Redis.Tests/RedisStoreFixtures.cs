// Stores connected to a test's redis-server (changes and assertions: ChangeHistories, MapStoreAssert).

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
}

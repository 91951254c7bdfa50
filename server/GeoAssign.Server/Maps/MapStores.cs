// Opens the store the configuration selects: embedded (the default) or Redis.
using GeoAssign.Replication;
using GeoAssign.Replication.Embedded;
using GeoAssign.Replication.Redis;
using GeoAssign.Server.Hosting;

namespace GeoAssign.Server.Maps;

/// <summary>Opens the map store that <see cref="GeoAssignServerOptions.EffectiveStore"/> selects.</summary>
internal static class MapStores
{
    /// <summary>Opens the store; a Redis store connects (retrying for its ConnectRetryTime) before it returns.</summary>
    /// <exception cref="MapStoreException">The store cannot be opened.</exception>
    public static async Task<IMapStore> OpenAsync(GeoAssignServerOptions options, string contentRoot, CancellationToken cancellationToken)
    {
        if (options.EffectiveStore != MapStoreChoice.Redis)
        {
            return OpenEmbedded(options, contentRoot);
        }

        return await RedisMapStore.ConnectAsync(options.Redis.ToStoreOptions(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens the embedded store the options describe (the default store).</summary>
    public static IMapStore OpenEmbedded(GeoAssignServerOptions options, string contentRoot) =>
        EmbeddedMapStore.Open(new EmbeddedMapStoreOptions
        {
            DataDirectory = DataDirectory(options.DataDirectory, contentRoot),
            SnapshotEveryChanges = options.SnapshotEveryChanges,
            SnapshotEveryLogBytes = options.SnapshotEveryLogBytes,
            KeepChanges = options.History.KeepChanges,
        });

    /// <summary>The data folder: the configured one, else $GEOASSIGN_DATA_DIR, else <c>data</c> under the content root.</summary>
    public static string DataDirectory(string? configured, string contentRoot)
    {
        var directory = !string.IsNullOrWhiteSpace(configured) ? configured
            : Environment.GetEnvironmentVariable("GEOASSIGN_DATA_DIR") is { Length: > 0 } fromEnvironment ? fromEnvironment
            : "data";
        return Path.GetFullPath(directory, contentRoot);
    }
}

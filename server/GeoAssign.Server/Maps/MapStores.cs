// Opens the store the configuration selects: embedded (the default) or Redis.
using GeoAssign.Replication;
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
            return MapHost.OpenEmbeddedStore(options, contentRoot);
        }

        return await RedisMapStore.ConnectAsync(options.Redis.ToStoreOptions(), cancellationToken).ConfigureAwait(false);
    }
}

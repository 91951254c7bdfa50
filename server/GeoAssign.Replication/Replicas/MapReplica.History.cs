// The replica's past versions of the live map: rebuilt on demand from the present by undoing later changes.
using GeoAssign.Index;
using GeoAssign.Index.Accounts;
using GeoAssign.Index.Gazetteer;
using GeoAssign.Index.Model;
using Microsoft.Extensions.Caching.Memory;

namespace GeoAssign.Replication.Replicas;

/// <summary>A past version of the live map was asked for that the history no longer reaches (or never had).</summary>
public sealed class PastVersionUnavailableException(string message) : Exception(message);

public sealed partial class MapReplica
{
    private MemoryCache? _pastVersions;

    private MemoryCache PastVersions => LazyInitializer.EnsureInitialized(ref _pastVersions,
        () => new MemoryCache(new MemoryCacheOptions { SizeLimit = _options.PastVersionCacheBytes }));

    /// <summary>
    /// The live map as it was at <paramref name="version"/> (after every live change up to it): the
    /// current one when nothing changed since, else rebuilt by undoing the later live changes the store
    /// still keeps, indexed, and kept under <see cref="MapReplicaOptions.PastVersionCacheBytes"/>. The
    /// first request for a version costs one index build; later ones are as fast as the live map.
    /// </summary>
    /// <exception cref="PastVersionUnavailableException">The store no longer keeps the changes after <paramref name="version"/>, or it is ahead of the live map.</exception>
    public async Task<TerritoryMap> LiveMapAtAsync(long version, CancellationToken cancellationToken)
    {
        var state = State;
        var live = state.Live;
        if (version < 0 || version > state.Position)
        {
            throw new PastVersionUnavailableException($"Version {version} is not a version of this map yet (this replica is at version {state.Position}).");
        }

        if (version >= live.Version)
        {
            return live;
        }

        var builds = PastVersions;
        var build = builds.GetOrCreate(version, entry =>
        {
            // The size is known once built; the live map's is a close estimate of a past one's.
            entry.Size = Math.Max(1, EstimateBytes(live));
            return new Lazy<Task<TerritoryMap>>(() => BuildPastAsync(version, live, cancellationToken));
        })!;
        try
        {
            return await build.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (build.Value.IsFaulted || build.Value.IsCanceled)
        {
            builds.Remove(version);
            throw;
        }
    }

    private async Task<TerritoryMap> BuildPastAsync(long version, TerritoryMap live, CancellationToken cancellationToken)
    {
        var changes = await Store.ReadChangesAsync(version, cancellationToken).ConfigureAwait(false)
            ?? throw new PastVersionUnavailableException(
                $"Version {version} is older than the history this map keeps (the store no longer holds the changes after it); raise GeoAssign:History:KeepChanges to keep more.");
        var territories = live.Territories.ToDictionary(entry => entry.Key, entry => entry.Value.Territory, StringComparer.Ordinal);
        Dictionary<string, AccountOverride>? overrides = null;
        Dictionary<PostalKey, PostalCodeEntry>? gazetteer = null;
        var liveVersionThen = 0L;
        foreach (var change in changes.Where(c => c.IsLive).Reverse())
        {
            if (change.Version > live.Version)
            {
                continue;
            }

            if (change.Replaced is null && !change.IsEmpty)
            {
                throw new PastVersionUnavailableException($"Version {change.Version} was written before this map kept history; versions before it cannot be rebuilt.");
            }

            foreach (var territory in change.Upserts)
            {
                territories.Remove(territory.Id);
            }

            foreach (var territory in change.Replaced ?? [])
            {
                territories[territory.Id] = territory;
            }

            if (change.HasOverrides)
            {
                if (change.ReplacedOverrides is null)
                {
                    throw new PastVersionUnavailableException($"Version {change.Version} was written before this map kept history; versions before it cannot be rebuilt.");
                }

                overrides ??= live.Overrides.All().ToDictionary(o => o.AccountId, StringComparer.Ordinal);
                if (change.ClearOverrides)
                {
                    overrides.Clear();
                }

                foreach (var entry in change.OverrideUpserts)
                {
                    overrides.Remove(entry.AccountId);
                }

                foreach (var entry in change.ReplacedOverrides)
                {
                    overrides[entry.AccountId] = entry;
                }
            }

            if (change.HasGazetteer)
            {
                if (change.ReplacedGazetteer is null)
                {
                    throw new PastVersionUnavailableException($"Version {change.Version} was written before this map kept history; versions before it cannot be rebuilt.");
                }

                gazetteer ??= live.Gazetteer.All().ToDictionary(e => e.Key);
                var cleared = change.GazetteerClearCountries.ToHashSet(StringComparer.Ordinal);
                if (cleared.Count > 0)
                {
                    foreach (var key in gazetteer.Keys.Where(k => cleared.Contains(k.Country)).ToList())
                    {
                        gazetteer.Remove(key);
                    }
                }

                foreach (var entry in change.GazetteerUpserts)
                {
                    gazetteer.Remove(entry.Key);
                }

                foreach (var entry in change.ReplacedGazetteer)
                {
                    gazetteer[entry.Key] = entry;
                }
            }
        }

        // The version the result is: the last live change at or before the one asked for.
        foreach (var entry in State.History)
        {
            if (entry.Version <= version)
            {
                liveVersionThen = entry.Version;
            }
        }

        var writer = new TerritoryMapWriter(_options.Index);
        var pastOverrides = overrides is null ? live.Overrides.All().ToList() : [.. overrides.Values];
        var pastGazetteer = gazetteer is null ? live.Gazetteer.All().ToList() : [.. gazetteer.Values];
        return await Task.Run(() => liveVersionThen == 0 && territories.Count == 0 && pastOverrides.Count == 0 && pastGazetteer.Count == 0
            ? TerritoryMap.Empty
            : writer.Apply(new MapChange(Math.Max(liveVersionThen, 1), territories.Values.OrderBy(t => t.Id, StringComparer.Ordinal).ToList(), [])
            {
                OverrideUpserts = pastOverrides,
                GazetteerUpserts = pastGazetteer,
            }, validate: false),
            cancellationToken).ConfigureAwait(false);
    }

    private static long EstimateBytes(TerritoryMap map)
    {
        long bytes = 0;
        foreach (var index in map.Layers.Values)
        {
            bytes += index.Statistics.IndexBytes + index.Statistics.ShapeBytes;
        }

        return bytes;
    }
}

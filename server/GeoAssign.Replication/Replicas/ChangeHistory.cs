// What each recent version changed, so that WatchMap can describe the versions a watcher missed.
using GeoAssign.Index;
using GeoAssign.Index.Model;

namespace GeoAssign.Replication.Replicas;

/// <summary>What changed from <see cref="PreviousVersion"/> to <see cref="Version"/> (ids and layers, not geometry). Immutable.</summary>
/// <param name="PreviousVersion">The version before the change.</param>
/// <param name="Version">The version after it.</param>
/// <param name="AppliedTime">When the last change of the span took effect (its recorded time; a scheduled activation's instant).</param>
/// <param name="Layers">The layers whose territories changed, in ordinal order.</param>
/// <param name="UpsertedIds">The ids created or changed, in the order they first changed.</param>
/// <param name="DeletedIds">The ids deleted, in the order they first changed.</param>
public sealed record ChangeSummary(
    long PreviousVersion,
    long Version,
    DateTimeOffset AppliedTime,
    IReadOnlyList<string> Layers,
    IReadOnlyList<string> UpsertedIds,
    IReadOnlyList<string> DeletedIds);

/// <summary>
/// The last N versions' changes (ids and layers, not geometry). Versions before the oldest kept, or
/// before the map was loaded, cannot be described. Thread-safe (a lock; writes are one per edit).
/// </summary>
internal sealed class ChangeHistory(int capacity)
{
    private readonly Lock _lock = new();
    private readonly Queue<ChangeSummary> _entries = new();
    private long _loadedVersion = -1;

    public void Record(TerritoryMap? previous, TerritoryMap map, MapChange? change)
    {
        lock (_lock)
        {
            if (change is null || previous is null)
            {
                // A load or reload: nothing before it can be described.
                _entries.Clear();
                _loadedVersion = map.Version;
                _entries.Enqueue(new ChangeSummary(map.Version, map.Version, DateTimeOffset.UtcNow, [], [], []));
                return;
            }

            var layers = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var territory in change.Upserts)
            {
                layers.Add(territory.Layer);
                if (previous.Territories.TryGetValue(territory.Id, out var old))
                {
                    layers.Add(old.Territory.Layer);
                }
            }

            foreach (var id in change.Deletes)
            {
                if (previous.Territories.TryGetValue(id, out var old))
                {
                    layers.Add(old.Territory.Layer);
                }
            }

            // The change's own time: when it was appended, or a scheduled activation's instant.
            var applied = change.Info.Time == ChangeInfo.None.Time ? DateTimeOffset.UtcNow : change.Info.Time;
            _entries.Enqueue(new ChangeSummary(previous.Version, map.Version, applied, [.. layers],
                change.Upserts.Select(t => t.Id).ToArray(), change.Deletes.ToArray()));
            while (_entries.Count > capacity)
            {
                _entries.Dequeue();
            }
        }
    }

    /// <summary>The merged change after <paramref name="afterVersion"/> up to <paramref name="version"/>, or null when not kept.</summary>
    public ChangeSummary? Describe(long afterVersion, long version)
    {
        lock (_lock)
        {
            if (afterVersion < _loadedVersion)
            {
                return null;
            }

            var layers = new SortedSet<string>(StringComparer.Ordinal);
            // The last thing that happened to each id decides whether it is upserted or deleted.
            var last = new Dictionary<string, bool>(StringComparer.Ordinal);
            var order = new List<string>();
            DateTimeOffset applied = default;
            var covered = afterVersion;
            foreach (var entry in _entries)
            {
                if (entry.Version <= afterVersion || entry.Version > version || entry.Version == entry.PreviousVersion)
                {
                    continue;
                }

                if (entry.PreviousVersion != covered)
                {
                    return null;
                }

                covered = entry.Version;
                applied = entry.AppliedTime;
                layers.UnionWith(entry.Layers);
                foreach (var id in entry.UpsertedIds)
                {
                    if (last.TryAdd(id, true)) order.Add(id); else last[id] = true;
                }

                foreach (var id in entry.DeletedIds)
                {
                    if (last.TryAdd(id, false)) order.Add(id); else last[id] = false;
                }
            }

            if (covered != version)
            {
                return null;
            }

            return new ChangeSummary(afterVersion, version, applied, [.. layers],
                order.Where(id => last[id]).ToArray(), order.Where(id => !last[id]).ToArray());
        }
    }
}

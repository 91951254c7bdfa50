// What a store holds at start-up: a base map and the changes after it.
using GeoAssign.Index;
using GeoAssign.Index.Model;

namespace GeoAssign.Replication;

/// <summary>
/// The map as a store holds it: every territory at <see cref="BaseVersion"/> (a snapshot; none at
/// version 0), then the changes after it in version order. Immutable.
/// </summary>
public sealed class StoredMap
{
    /// <summary>Creates a stored map.</summary>
    public StoredMap(long baseVersion, IReadOnlyList<Territory> baseTerritories, IReadOnlyList<MapChange> changes,
        IReadOnlyList<string>? recoveryNotes = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(baseVersion);
        ArgumentNullException.ThrowIfNull(baseTerritories);
        ArgumentNullException.ThrowIfNull(changes);
        var expected = baseVersion + 1;
        foreach (var change in changes)
        {
            if (change.Version != expected)
            {
                throw new ArgumentException($"Change versions must follow {baseVersion} without gaps; found {change.Version} where {expected} was expected.", nameof(changes));
            }

            expected++;
        }

        BaseVersion = baseVersion;
        BaseTerritories = baseTerritories;
        Changes = changes;
        RecoveryNotes = recoveryNotes ?? [];
    }

    /// <summary>The version of the snapshot.</summary>
    public long BaseVersion { get; }

    /// <summary>Every territory at <see cref="BaseVersion"/>.</summary>
    public IReadOnlyList<Territory> BaseTerritories { get; }

    /// <summary>The changes after <see cref="BaseVersion"/>, versions consecutive.</summary>
    public IReadOnlyList<MapChange> Changes { get; }

    /// <summary>The version after every change: the store's version.</summary>
    public long Version => Changes.Count == 0 ? BaseVersion : Changes[^1].Version;

    /// <summary>What recovery had to do (a torn record truncated, a damaged snapshot skipped), for the log.</summary>
    public IReadOnlyList<string> RecoveryNotes { get; }

    /// <summary>
    /// Replays the stored map into an empty writer through the one apply path: the base as one change
    /// that upserts every territory, then each change. Stored changes were validated when they were
    /// accepted, so they are not validated again (a limit lowered since then does not stop a restart).
    /// </summary>
    /// <exception cref="InvalidOperationException">The writer is not empty.</exception>
    public TerritoryMap ApplyTo(TerritoryMapWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (writer.Current.Version != 0)
        {
            throw new InvalidOperationException($"Replay needs an empty writer; this one is at version {writer.Current.Version}.");
        }

        if (BaseVersion > 0)
        {
            writer.Apply(new MapChange(BaseVersion, BaseTerritories, []), validate: false);
        }

        foreach (var change in Changes)
        {
            writer.Apply(change, validate: false);
        }

        return writer.Current;
    }
}

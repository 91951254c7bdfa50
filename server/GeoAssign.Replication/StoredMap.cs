// What a store holds at start-up: a base state (the live map and its plans) and the changes after it.
using GeoAssign.Index;
using GeoAssign.Index.Accounts;
using GeoAssign.Index.Gazetteer;
using GeoAssign.Index.Model;
using GeoAssign.Index.Plans;

namespace GeoAssign.Replication;

/// <summary>
/// The maps as a store holds them: the live map's territories and every plan at
/// <see cref="BaseVersion"/> (a snapshot; nothing at version 0), then the changes after it in version
/// order. Immutable.
/// </summary>
public sealed class StoredMap
{
    /// <summary>Creates a stored map.</summary>
    /// <param name="baseVersion">The position of the snapshot in the change sequence.</param>
    /// <param name="baseTerritories">The live territories at <paramref name="baseVersion"/>.</param>
    /// <param name="changes">The changes after <paramref name="baseVersion"/>, versions consecutive.</param>
    /// <param name="recoveryNotes">What recovery had to do, for the log.</param>
    /// <param name="baseLiveVersion">The live map's version at the snapshot (its last change); <paramref name="baseVersion"/> when null.</param>
    /// <param name="basePlans">The plans at the snapshot, with their territories.</param>
    /// <param name="baseHistory">The history of the live map up to the snapshot, oldest first.</param>
    /// <param name="baseOverrides">The live map's account overrides at the snapshot.</param>
    /// <param name="baseGazetteer">The live map's postal codes at the snapshot.</param>
    public StoredMap(long baseVersion, IReadOnlyList<Territory> baseTerritories, IReadOnlyList<MapChange> changes,
        IReadOnlyList<string>? recoveryNotes = null, long? baseLiveVersion = null, IReadOnlyList<StoredPlan>? basePlans = null,
        IReadOnlyList<LiveVersionInfo>? baseHistory = null, IReadOnlyList<AccountOverride>? baseOverrides = null,
        IReadOnlyList<PostalCodeEntry>? baseGazetteer = null)
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
        BaseLiveVersion = baseLiveVersion ?? baseVersion;
        BaseTerritories = baseTerritories;
        BasePlans = basePlans ?? [];
        BaseHistory = baseHistory ?? [];
        BaseOverrides = baseOverrides ?? [];
        BaseGazetteer = baseGazetteer ?? [];
        Changes = changes;
        RecoveryNotes = recoveryNotes ?? [];
    }

    /// <summary>The version of the snapshot.</summary>
    public long BaseVersion { get; }

    /// <summary>The live map's version at <see cref="BaseVersion"/>: the version of its last change.</summary>
    public long BaseLiveVersion { get; }

    /// <summary>Every live territory at <see cref="BaseVersion"/>.</summary>
    public IReadOnlyList<Territory> BaseTerritories { get; }

    /// <summary>Every plan at <see cref="BaseVersion"/>, with its territories.</summary>
    public IReadOnlyList<StoredPlan> BasePlans { get; }

    /// <summary>The versions of the live map up to <see cref="BaseVersion"/>, oldest first, as far back as the store keeps them.</summary>
    public IReadOnlyList<LiveVersionInfo> BaseHistory { get; }

    /// <summary>The live map's account overrides at <see cref="BaseVersion"/>.</summary>
    public IReadOnlyList<AccountOverride> BaseOverrides { get; }

    /// <summary>The live map's postal codes at <see cref="BaseVersion"/>.</summary>
    public IReadOnlyList<PostalCodeEntry> BaseGazetteer { get; }

    /// <summary>The changes after <see cref="BaseVersion"/>, versions consecutive.</summary>
    public IReadOnlyList<MapChange> Changes { get; }

    /// <summary>The version after every change: the store's version.</summary>
    public long Version => Changes.Count == 0 ? BaseVersion : Changes[^1].Version;

    /// <summary>What recovery had to do (a torn record truncated, a damaged snapshot skipped), for the log.</summary>
    public IReadOnlyList<string> RecoveryNotes { get; }

    /// <summary>
    /// Replays the stored maps into an empty writer through the one apply path: the base state, then
    /// each change. Stored changes were validated when they were accepted, so they are not validated
    /// again (a limit lowered since then does not stop a restart).
    /// </summary>
    /// <exception cref="InvalidOperationException">The writer is not empty.</exception>
    public MapState ApplyTo(BranchedMapWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Restore(BaseVersion, BaseLiveVersion, BaseTerritories, BasePlans, BaseHistory, BaseOverrides, BaseGazetteer);
        foreach (var change in Changes)
        {
            writer.Apply(change, validate: false);
        }

        return writer.Current;
    }

    /// <summary>
    /// Replays the live map alone into an empty writer (plans and their changes are left out): the base
    /// as one change that upserts every live territory, then each change of the live map.
    /// </summary>
    /// <exception cref="InvalidOperationException">The writer is not empty.</exception>
    public TerritoryMap ApplyTo(TerritoryMapWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (writer.Current.Version != 0)
        {
            throw new InvalidOperationException($"Replay needs an empty writer; this one is at version {writer.Current.Version}.");
        }

        if (BaseLiveVersion > 0)
        {
            writer.Apply(new MapChange(BaseLiveVersion, BaseTerritories, []) { OverrideUpserts = BaseOverrides, GazetteerUpserts = BaseGazetteer }, validate: false);
        }

        foreach (var change in Changes)
        {
            if (change.IsLive)
            {
                writer.Apply(change, validate: false);
            }
        }

        return writer.Current;
    }
}

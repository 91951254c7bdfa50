// Where a replica stands with its store: state, versions, lag, last sync, last error.
using GeoAssign.Index;

namespace GeoAssign.Replication.Replicas;

/// <summary>Replication states of a replica (ReplicaState in the API).</summary>
public enum ReplicaState
{
    /// <summary>Up to date with the store as far as it knows.</summary>
    Serving,

    /// <summary>Behind the store (applying changes or reloading); answering from the map it has.</summary>
    CatchingUp,

    /// <summary>The store is unreachable (or lost changes); answering from the last map, edits fail.</summary>
    Degraded,
}

/// <summary>Where a replica stands with its store, read at one moment. Immutable.</summary>
/// <param name="State">Serving, catching up or degraded.</param>
/// <param name="Map">The live map the replica served at that moment.</param>
/// <param name="Position">The last version the replica applied (of the live map or a plan) at that moment.</param>
/// <param name="StoreVersion">The newest version the replica knows the store holds (never below what the replica applied).</param>
/// <param name="LagVersions">How many versions (changes of the live map or of plans) the replica is behind the store.</param>
/// <param name="Lag">How long the replica has known of a version it has not applied; zero when in step.</param>
/// <param name="LastSyncTime">When the replica last knew it was up to date with its store.</param>
/// <param name="LastError">What went wrong, while not serving; null otherwise.</param>
public sealed record ReplicaStatus(
    ReplicaState State,
    TerritoryMap Map,
    long Position,
    long StoreVersion,
    long LagVersions,
    TimeSpan Lag,
    DateTimeOffset LastSyncTime,
    string? LastError)
{
    /// <summary>The version of <see cref="Map"/>.</summary>
    public long MapVersion => Map.Version;
}

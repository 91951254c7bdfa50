// Settings of a replica: who it is, how it builds its index, how much history it keeps.
using GeoAssign.Index;

namespace GeoAssign.Replication.Replicas;

/// <summary>Settings of a <see cref="MapReplica"/>. Immutable once the replica is created.</summary>
public sealed class MapReplicaOptions
{
    /// <summary>This replica's id, as reported by GetMapInfo and in logs.</summary>
    public required string ReplicaId { get; init; }

    /// <summary>How the index is built and what validation allows; the defaults when not set.</summary>
    public TerritoryIndexOptions Index { get; init; } = TerritoryIndexOptions.Default;

    /// <summary>How many versions a watcher can be told about after the fact. Default 1,024.</summary>
    public int HistoryLength { get; init; } = 1024;

    /// <summary>How many versions of the live map the replica lists (ListVersions, as-of by instant). Default 10,000.</summary>
    public int VersionHistoryLength { get; init; } = global::GeoAssign.Index.Plans.BranchedMapWriter.DefaultHistoryLength;

    /// <summary>
    /// The memory budget, in bytes, of the indexes of past versions built for as-of answers; the least
    /// recently used go first. Default 1 GiB.
    /// </summary>
    public long PastVersionCacheBytes { get; init; } = 1L << 30;

    /// <summary>
    /// How often an edit without an expected version is planned again when other replicas keep
    /// winning the race to append. Default 5.
    /// </summary>
    public int MaxEditAttempts { get; init; } = 5;

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ReplicaId);
        ArgumentOutOfRangeException.ThrowIfLessThan(HistoryLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxEditAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(VersionHistoryLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(PastVersionCacheBytes, 1);
        Index.Validate();
    }
}

// Options of the embedded store, with their defaults.
namespace GeoAssign.Replication.Embedded;

/// <summary>Options of <see cref="EmbeddedMapStore"/>. Immutable once constructed; thread-safe.</summary>
public sealed class EmbeddedMapStoreOptions
{
    /// <summary>The folder that holds the change log, the snapshots and the lock file. Required; created when missing.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>
    /// A snapshot is written after this many changes since the last one. Default 1,000: replaying
    /// that many small edits at start takes well under a second.
    /// </summary>
    public int SnapshotEveryChanges { get; init; } = 1_000;

    /// <summary>
    /// A snapshot is also written once the current log segment holds this many bytes. Default 64 MiB,
    /// so that a few large imports do not make the log, and so the start-up replay, long.
    /// </summary>
    public long SnapshotEveryLogBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>
    /// How many of the latest changes the log keeps readable (ReadChangesAsync), at least: the history
    /// that as-of answers, rollbacks and plans from a past version reach back through. Older log
    /// segments are deleted once a newer snapshot stands for them. Default 10,000.
    /// </summary>
    public int KeepChanges { get; init; } = 10_000;

    /// <summary>Throws when an option is out of range, so bad configuration fails at start-up.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new ArgumentException("The data directory is required.", nameof(DataDirectory));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(SnapshotEveryChanges);
        ArgumentOutOfRangeException.ThrowIfNegative(KeepChanges);
        ArgumentOutOfRangeException.ThrowIfLessThan(SnapshotEveryLogBytes, 4096);
    }
}

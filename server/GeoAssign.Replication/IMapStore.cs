// The seam between the map and where it is kept: the embedded store, or Redis for replicas.
using GeoAssign.Index;
using GeoAssign.Index.Model;
using GeoAssign.Index.Plans;

namespace GeoAssign.Replication;

/// <summary>
/// Where the territory map and its plans are kept durably, and how a server learns of changes. A
/// server loads them at start (<see cref="LoadAsync"/>), appends every accepted change before it
/// acknowledges it (<see cref="AppendAsync(MapChange, CancellationToken)"/>), and follows <see cref="WatchVersionsAsync"/> to learn of
/// changes that other servers appended (with Redis; the embedded store has one writer). Every change it
/// applies, loaded or appended or followed, goes through <see cref="Index.Plans.BranchedMapWriter.Apply"/>.
/// </summary>
/// <remarks>
/// <para>Versions: the store holds one sequence of changes 1..<see cref="Version"/> without gaps, of
/// the live map and of every plan alike; a map's version is that of its own last change. A change appends
/// only when its <see cref="MapChange.Version"/> is exactly the store's version + 1 (compare and set),
/// so a server validates a change against a map at the store's version and cannot apply it twice.
/// A caller's <c>expected_version</c> is checked against that map first.</para>
/// <para>Implementations are thread-safe; <see cref="AppendAsync(MapChange, CancellationToken)"/> calls are serialised by the
/// caller (one writer per server), which the embedded store also enforces.</para>
/// </remarks>
public interface IMapStore : IAsyncDisposable
{
    /// <summary>What kind of store this is (reported by GetMapInfo).</summary>
    MapStoreKind Kind { get; }

    /// <summary>The latest version this server knows the store holds.</summary>
    long Version { get; }

    /// <summary>
    /// Whether the store answered this server's last request, and when it last did. While the store
    /// is unreachable a server keeps serving its last map (health: degraded) and edits fail fast.
    /// </summary>
    MapStoreHealth Health { get; }

    /// <summary>
    /// Loads the map the store holds: a base (every territory at one version) and the changes after
    /// it, in order. Called once at start; replay them with <see cref="StoredMap.ApplyTo(GeoAssign.Index.Plans.BranchedMapWriter)"/>.
    /// </summary>
    /// <exception cref="MapStoreException">The store cannot be read or its content is corrupt.</exception>
    Task<StoredMap> LoadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Appends a change durably and atomically, when the store is at <c>change.Version - 1</c>;
    /// otherwise appends nothing and reports the store's version. Returns only once the change is
    /// durable (on disk for the embedded store, accepted by Redis for Redis).
    /// </summary>
    /// <exception cref="MapStoreException">The store could not be written; the change is not stored.</exception>
    Task<AppendResult> AppendAsync(MapChange change, CancellationToken cancellationToken);

    /// <summary>
    /// Appends a change as <see cref="AppendAsync(MapChange, CancellationToken)"/> does, given the state
    /// it was planned against, from which a store derives what it keeps beside the change (the Redis
    /// store keeps each plan's description, <see cref="BranchedMapWriter.PlanInfoAfter"/>). The one a
    /// replica calls; a store that keeps nothing beside the change needs only the other.
    /// </summary>
    /// <exception cref="MapStoreException">The store could not be written; the change is not stored.</exception>
    Task<AppendResult> AppendAsync(MapChange change, MapState before, CancellationToken cancellationToken) => AppendAsync(change, cancellationToken);

    /// <summary>
    /// The changes after <paramref name="afterVersion"/> up to the store's version, in order; null when
    /// the store no longer keeps changes that far back (the caller then reloads with <see cref="LoadAsync"/>).
    /// </summary>
    Task<IReadOnlyList<MapChange>?> ReadChangesAsync(long afterVersion, CancellationToken cancellationToken);

    /// <summary>
    /// The change feed: yields a version each time the store learns that it holds a newer one (a change
    /// appended by this server or, with Redis, by another), until cancelled. Versions may be skipped
    /// (only the latest matters), so a follower reads the changes it lacks with <see cref="ReadChangesAsync"/>.
    /// </summary>
    IAsyncEnumerable<long> WatchVersionsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Tells the store that <paramref name="state"/> (the live map and its plans) is now published, so that it may checkpoint it
    /// (the embedded store writes a snapshot in the background every so many changes). Called by the
    /// single writer after each applied change; cheap.
    /// </summary>
    void OnStatePublished(MapState state);
}

/// <summary>Kinds of map store.</summary>
public enum MapStoreKind
{
    /// <summary>A change log and snapshots in a local folder (one server).</summary>
    Embedded = 1,

    /// <summary>Redis, followed by every replica.</summary>
    Redis = 2,
}

/// <summary>How a store looks from this server.</summary>
/// <param name="Reachable">Whether the store answered the last request (always true for the embedded store).</param>
/// <param name="LastContact">When the store last answered (or, for the embedded store, when it was opened or last written).</param>
/// <param name="Problem">What went wrong with the last failed request, and what to do; null while reachable.</param>
public readonly record struct MapStoreHealth(bool Reachable, DateTimeOffset LastContact, string? Problem);

/// <summary>The outcome of <see cref="IMapStore.AppendAsync(MapChange, CancellationToken)"/>.</summary>
/// <param name="Appended">Whether the change is now stored.</param>
/// <param name="StoreVersion">The store's version afterwards: the change's version when appended, else the version the store holds.</param>
public readonly record struct AppendResult(bool Appended, long StoreVersion);

/// <summary>The store cannot be used: unreadable, corrupt, locked by another server, or unreachable.</summary>
public sealed class MapStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What happened and what to do.</param>
    /// <param name="innerException">The cause.</param>
    /// <param name="outcomeUnknown">An append reached the store but its reply did not: it may or may not be stored.</param>
    public MapStoreException(string message, Exception? innerException = null, bool outcomeUnknown = false) : base(message, innerException)
    {
        OutcomeUnknown = outcomeUnknown;
    }

    /// <summary>
    /// True when a failed <see cref="IMapStore.AppendAsync(MapChange, CancellationToken)"/> may nevertheless have stored the change
    /// (sent, but not confirmed); false when the change is known not to be stored.
    /// </summary>
    public bool OutcomeUnknown { get; }
}

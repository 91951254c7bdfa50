// The replica: owns the served map, loads it from the store, publishes each new version.
using System.Collections.Immutable;
using System.Diagnostics;
using GeoAssign.Index;
using GeoAssign.Index.Model;
using GeoAssign.Index.Plans;
using Microsoft.Extensions.Logging;

namespace GeoAssign.Replication.Replicas;

/// <summary>
/// One replica of the territory map and its plans: the single owner of the served <see cref="MapState"/>,
/// its <see cref="BranchedMapWriter"/> and its <see cref="IMapStore"/>. Readers take <see cref="State"/>
/// or <see cref="Current"/> (immutable snapshots) without a lock. Every change goes through one path: an edit is planned and
/// validated against the current map, appended to the store (durable), applied through the writer and
/// published, and only then acknowledged (<see cref="EditAsync"/>); changes appended by other replicas
/// arrive through the store's change feed and take the same lock and the same apply
/// (MapReplica.Following.cs).
/// </summary>
/// <remarks>Thread-safe. Knows nothing of gRPC or ASP.NET Core: a host starts and stops it.</remarks>
public sealed partial class MapReplica : IAsyncDisposable
{
    private readonly MapReplicaOptions _options;
    private readonly ILogger<MapReplica> _logger;
    private readonly Action _stopServing;
    private readonly Func<CancellationToken, Task<IMapStore>> _openStore;
    private readonly SemaphoreSlim _editLock = new(1, 1);
    private readonly ChangeHistory _history;
    private readonly CancellationTokenSource _stopping = new();
    private BranchedMapWriter _writer;
    private TaskCompletionSource _published = NewSignal();
    private ImmutableDictionary<string, long> _layerBuiltVersions = ImmutableDictionary.Create<string, long>(StringComparer.Ordinal);
    private IMapStore? _store;
    private Task _follower = Task.CompletedTask;

    /// <summary>Creates a replica; <see cref="StartAsync"/> opens the store and loads the map.</summary>
    /// <param name="openStore">Opens the store this replica follows.</param>
    /// <param name="options">Who the replica is and how it builds its index.</param>
    /// <param name="logger">Where the replica logs.</param>
    /// <param name="stopServing">
    /// Called when the replica can no longer serve what its store holds (a stored change it failed to
    /// apply): the host should stop, so that a restart or another replica serves the map.
    /// </param>
    public MapReplica(Func<CancellationToken, Task<IMapStore>> openStore, MapReplicaOptions options, ILogger<MapReplica> logger, Action stopServing)
    {
        ArgumentNullException.ThrowIfNull(openStore);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _openStore = openStore;
        _options = options;
        _logger = logger;
        _stopServing = stopServing;
        _history = new ChangeHistory(options.HistoryLength);
        _writer = new BranchedMapWriter(options.Index, options.VersionHistoryLength);
    }

    /// <summary>The live map served now. Lock-free; never null (the empty map at version 0 before any change).</summary>
    public TerritoryMap Current => State.Live;

    /// <summary>The live map and the plans served now, at <see cref="MapState.Position"/>. Lock-free.</summary>
    public MapState State => Volatile.Read(ref _writer).Current;

    /// <summary>This replica's id.</summary>
    public string ReplicaId => _options.ReplicaId;

    /// <summary>The store; available once started.</summary>
    public IMapStore Store => _store ?? throw new InvalidOperationException("The replica has not started.");

    /// <summary>The map version at which a layer's index was last (re)built.</summary>
    public long LayerBuiltVersion(string layer) => Volatile.Read(ref _layerBuiltVersions).GetValueOrDefault(layer);

    /// <summary>Opens the store, replays it through the writer and starts following its change feed.</summary>
    /// <exception cref="MapStoreException">The store cannot be opened or read.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var store = await _openStore(cancellationToken).ConfigureAwait(false);
        try
        {
            var stored = await store.LoadAsync(cancellationToken).ConfigureAwait(false);
            foreach (var note in stored.RecoveryNotes)
            {
                LogRecovery(note);
            }

            var state = stored.ApplyTo(_writer);
            _store = store;
            Publish(null, state, null);
            LogLoaded(state.Live.Version, state.Live.Count, state.Plans.Count, store.Kind.ToString(), stored.BaseVersion, stored.Changes.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _follower = Task.Run(() => FollowAsync(_stopping.Token), CancellationToken.None);
    }

    /// <summary>Stops following the store and closes it once no edit is in flight.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _follower.ConfigureAwait(false);
        if (_store is not null)
        {
            // Edits in flight finish their append first.
            await _editLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await _store.DisposeAsync().ConfigureAwait(false);
                _store = null;
                LogStopped(Current.Version);
            }
            finally
            {
                _editLock.Release();
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync().ConfigureAwait(false);
            _store = null;
        }

        _pastVersions?.Dispose();
        _stopping.Dispose();
    }

    /// <summary>
    /// The current state once this replica has applied every change up to <paramref name="minVersion"/>
    /// (of the live map or of a plan), waiting at most <paramref name="wait"/> for a publish (no
    /// polling); null when it is still behind then. Asks the store at once for what it lacks, rather
    /// than wait for the change feed.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired (the call's deadline or cancellation).</exception>
    public async Task<MapState?> WaitForVersionAsync(long minVersion, TimeSpan wait, CancellationToken cancellationToken)
    {
        var state = State;
        if (state.Position >= minVersion)
        {
            return state;
        }

        RequestCatchUp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(wait);
        try
        {
            while (true)
            {
                // Take the signal before reading the map, so that a publish in between is not missed.
                var signal = Volatile.Read(ref _published).Task;
                state = State;
                if (state.Position >= minVersion)
                {
                    return state;
                }

                await signal.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Completes with the live map once its version is above <paramref name="afterVersion"/>.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public async Task<TerritoryMap> WaitForNewerAsync(long afterVersion, CancellationToken cancellationToken) =>
        (await WaitUntilAsync(state => state.Live.Version > afterVersion, cancellationToken).ConfigureAwait(false)).Live;

    /// <summary>Completes with the state once this replica applied a change after position <paramref name="afterPosition"/> (of any map).</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public Task<MapState> WaitForChangeAsync(long afterPosition, CancellationToken cancellationToken) =>
        WaitUntilAsync(state => state.Position > afterPosition, cancellationToken);

    // Waits for a publish until the state satisfies the condition; the signal is taken before the
    // state is read, so a publish in between is not missed.
    private async Task<MapState> WaitUntilAsync(Func<MapState, bool> condition, CancellationToken cancellationToken)
    {
        while (true)
        {
            var signal = Volatile.Read(ref _published).Task;
            var state = State;
            if (condition(state))
            {
                return state;
            }

            await signal.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>What changed after <paramref name="afterVersion"/> up to <paramref name="version"/>; null when the history no longer reaches back.</summary>
    public ChangeSummary? DescribeChanges(long afterVersion, long version) => _history.Describe(afterVersion, version);

    // Applies a change that is in the store already; failing here would leave the served maps behind
    // the store, so the host stops rather than serve maps that differ from what it acknowledged.
    private MapState ApplyStored(MapChange change)
    {
        var previous = State;
        MapState state;
        try
        {
            state = _writer.Apply(change, validate: false);
        }
        catch (Exception e)
        {
            LogApplyFailed(e, change.Version);
            _stopServing();
            throw;
        }

        Publish(previous, state, change);
        Store.OnStatePublished(state);
        return state;
    }

    // Makes a new state visible: records which live layers were rebuilt and what changed, notes the
    // sync, and wakes every waiter.
    private void Publish(MapState? previous, MapState state, MapChange? change)
    {
        var map = state.Live;
        var previousMap = previous?.Live;
        if (change is null || change.IsLive)
        {
            var built = Volatile.Read(ref _layerBuiltVersions).ToBuilder();
            foreach (var (layer, index) in map.Layers)
            {
                if (previousMap is null || change is null || !previousMap.Layers.TryGetValue(layer, out var old) || !ReferenceEquals(old, index))
                {
                    built[layer] = map.Version;
                }
            }

            foreach (var layer in built.Keys.ToList())
            {
                if (!map.Layers.ContainsKey(layer))
                {
                    built.Remove(layer);
                }
            }

            Volatile.Write(ref _layerBuiltVersions, built.ToImmutable());
            _history.Record(change is null ? null : previousMap, map, change);
        }

        if (_store is null || state.Position >= _store.Version)
        {
            MarkSynced();
        }

        if (change is not null)
        {
            LogApplied(change.Version, change.Plan ?? "(live)", change.Upserts.Count, change.Deletes.Count);
        }

        Interlocked.Exchange(ref _published, NewSignal()).TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded map version {Version} with {TerritoryCount} territories and {PlanCount} plans from the {StoreKind} store (snapshot {SnapshotVersion} + {ReplayedChanges} logged changes) in {ElapsedMs:F0} ms")]
    private partial void LogLoaded(long version, int territoryCount, int planCount, string storeKind, long snapshotVersion, int replayedChanges, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Store recovery: {Note}")]
    private partial void LogRecovery(string note);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied version {Version} to {Map}: {UpsertCount} upserts, {DeleteCount} deletes")]
    private partial void LogApplied(long version, string map, int upsertCount, int deleteCount);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Map version {Version} is in the store but could not be applied; stopping the server")]
    private partial void LogApplyFailed(Exception exception, long version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed the map store at version {Version}")]
    private partial void LogStopped(long version);
}

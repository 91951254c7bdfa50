// Owns the served map: loads it from the store at start, applies edits one at a time, publishes versions.
using System.Collections.Immutable;
using System.Diagnostics;
using GeoAssign.Index;
using GeoAssign.Index.Model;
using GeoAssign.Replication;
using GeoAssign.Replication.Embedded;
using GeoAssign.Server.Hosting;
using Microsoft.Extensions.Options;

namespace GeoAssign.Server.Maps;

/// <summary>
/// The single owner of the served <see cref="TerritoryMap"/>, its <see cref="TerritoryMapWriter"/>
/// and its <see cref="IMapStore"/>. Readers take <see cref="Current"/> (an immutable snapshot)
/// without a lock. Edits are serialised: under one lock an edit is planned and validated against
/// the current map, appended to the store (durable), applied through the writer (the one apply path)
/// and published; only then is it acknowledged. Changes appended by other servers (Redis) arrive
/// through the store's change feed and take the same lock and path.
/// </summary>
/// <remarks>Thread-safe.</remarks>
internal sealed partial class MapHost : IHostedService, IAsyncDisposable
{
    /// <summary>How many versions WatchMap can describe after the fact.</summary>
    public const int HistoryLength = 1024;

    /// <summary>How often an edit without an expected version is planned again when other replicas keep winning the race.</summary>
    private const int MaxEditAttempts = 5;

    private static readonly TimeSpan MinFollowBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxFollowBackoff = TimeSpan.FromSeconds(5);

    private readonly GeoAssignServerOptions _options;
    private readonly string _dataDirectory;
    private readonly ILogger<MapHost> _logger;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly Func<CancellationToken, Task<IMapStore>> _openStore;
    private TerritoryMapWriter _writer;
    private readonly SemaphoreSlim _editLock = new(1, 1);
    private readonly ChangeHistory _history = new(HistoryLength);
    private readonly CancellationTokenSource _stopping = new();
    private TaskCompletionSource _published = NewSignal();
    private ImmutableDictionary<string, long> _layerBuiltVersions = ImmutableDictionary.Create<string, long>(StringComparer.Ordinal);
    private IMapStore? _store;
    private Task _follower = Task.CompletedTask;
    private long _lastSyncTicks = DateTimeOffset.UtcNow.UtcTicks;
    private long _behindSinceTicks;
    private int _catchUpRequested;
    private volatile bool _reloading;
    private volatile string? _lastError;

    public MapHost(IOptions<GeoAssignServerOptions> options, IHostEnvironment environment, ILogger<MapHost> logger,
        IHostApplicationLifetime lifetime, Func<CancellationToken, Task<IMapStore>> openStore)
    {
        _options = options.Value;
        _logger = logger;
        _lifetime = lifetime;
        _openStore = openStore;
        _writer = new TerritoryMapWriter(_options.ToIndexOptions());
        _dataDirectory = ResolveDataDirectory(_options.DataDirectory, environment.ContentRootPath);
        ReplicaId = string.IsNullOrWhiteSpace(_options.ReplicaId) ? $"{Environment.MachineName}-{Environment.ProcessId}" : _options.ReplicaId;
    }

    /// <summary>The map served now. Lock-free; never null (the empty map at version 0 before any change).</summary>
    public TerritoryMap Current => Volatile.Read(ref _writer).Current;

    /// <summary>This replica's id.</summary>
    public string ReplicaId { get; }

    /// <summary>The data folder of the embedded store (the configured or default one, whichever store is used).</summary>
    public string DataDirectory => _dataDirectory;

    /// <summary>The store; available once started.</summary>
    public IMapStore Store => _store ?? throw new InvalidOperationException("The map host has not started.");

    /// <summary>When this replica last knew it was up to date with its store.</summary>
    public DateTimeOffset LastSyncTime => new(Interlocked.Read(ref _lastSyncTicks), TimeSpan.Zero);

    /// <summary>Where this replica stands with its store: state, versions, lag, last sync and last error.</summary>
    public ReplicaStatus Status
    {
        get
        {
            var map = Current;
            if (_store is not { } store)
            {
                return new ReplicaStatus(ReplicaStatusState.CatchingUp, map.Version, 0, TimeSpan.Zero, LastSyncTime, "The map is loading.");
            }

            var health = store.Health;
            var storeVersion = Math.Max(store.Version, map.Version);
            var lagVersions = storeVersion - map.Version;
            var behindSince = Interlocked.Read(ref _behindSinceTicks);
            var lag = lagVersions > 0 && behindSince > 0 ? TimeSpan.FromTicks(Math.Max(0, DateTimeOffset.UtcNow.UtcTicks - behindSince)) : TimeSpan.Zero;
            var state = !health.Reachable ? ReplicaStatusState.Degraded
                : lagVersions > 0 || _reloading ? ReplicaStatusState.CatchingUp
                : ReplicaStatusState.Serving;
            var error = !health.Reachable ? health.Problem ?? "The store does not answer."
                : state == ReplicaStatusState.Serving ? null
                : _lastError;
            if (store.Version < map.Version && health.Reachable)
            {
                // The store lost changes this replica applied (e.g. Redis restarted without persistence).
                error = $"The store is at version {store.Version}, behind this replica's map version {map.Version}: it lost acknowledged changes. Check the store's persistence; this replica reloads the store's map.";
                state = ReplicaStatusState.Degraded;
            }

            return new ReplicaStatus(state, storeVersion, lagVersions, lag, LastSyncTime, error);
        }
    }

    /// <summary>The map version at which a layer's index was last (re)built.</summary>
    public long LayerBuiltVersion(string layer) => Volatile.Read(ref _layerBuiltVersions).GetValueOrDefault(layer);

    /// <summary>Opens the embedded store the options describe (the default store).</summary>
    public static IMapStore OpenEmbeddedStore(GeoAssignServerOptions options, string contentRoot) =>
        EmbeddedMapStore.Open(new EmbeddedMapStoreOptions
        {
            DataDirectory = ResolveDataDirectory(options.DataDirectory, contentRoot),
            SnapshotEveryChanges = options.SnapshotEveryChanges,
            SnapshotEveryLogBytes = options.SnapshotEveryLogBytes,
        });

    /// <summary>The data folder: the configured one, else $GEOASSIGN_DATA_DIR, else <c>data</c> under the content root.</summary>
    public static string ResolveDataDirectory(string? configured, string contentRoot)
    {
        var directory = !string.IsNullOrWhiteSpace(configured) ? configured
            : Environment.GetEnvironmentVariable("GEOASSIGN_DATA_DIR") is { Length: > 0 } fromEnvironment ? fromEnvironment
            : "data";
        return Path.GetFullPath(directory, contentRoot);
    }

    /// <summary>Opens the store, replays it through the writer and starts following its change feed.</summary>
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

            var map = stored.ApplyTo(_writer);
            _store = store;
            Publish(null, map, null);
            LogLoaded(map.Version, map.Count, store.Kind.ToString(), stored.BaseVersion, stored.Changes.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _follower = Task.Run(() => FollowAsync(_stopping.Token), CancellationToken.None);
    }

    /// <summary>
    /// The current map once its version is at least <paramref name="minVersion"/>, waiting at most
    /// <paramref name="wait"/> for a publish (no polling); null when it is still behind then.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired (the call's deadline or cancellation).</exception>
    public async Task<TerritoryMap?> WaitForVersionAsync(long minVersion, TimeSpan wait, CancellationToken cancellationToken)
    {
        var map = Current;
        if (map.Version >= minVersion)
        {
            return map;
        }

        // The caller knows of a version this replica has not seen yet: ask the store now rather than
        // wait for the change feed or the next poll.
        RequestCatchUp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(wait);
        try
        {
            while (true)
            {
                // Take the signal before reading the map, so that a publish in between is not missed.
                var signal = Volatile.Read(ref _published).Task;
                map = Current;
                if (map.Version >= minVersion)
                {
                    return map;
                }

                await signal.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Completes with the map once its version is above <paramref name="afterVersion"/>.</summary>
    public async Task<TerritoryMap> WaitForNewerAsync(long afterVersion, CancellationToken cancellationToken)
    {
        while (true)
        {
            var signal = Volatile.Read(ref _published).Task;
            var map = Current;
            if (map.Version > afterVersion)
            {
                return map;
            }

            await signal.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>What changed after <paramref name="afterVersion"/> up to <paramref name="version"/>; null when the history no longer reaches back.</summary>
    public ChangeSummary? DescribeChanges(long afterVersion, long version) => _history.Describe(afterVersion, version);

    /// <summary>
    /// Applies one edit: under the edit lock, checks <paramref name="expectedVersion"/>, lets
    /// <paramref name="plan"/> turn the current map into a change (it may throw an RpcException for
    /// a precondition), validates the change, appends it to the store, applies and publishes it.
    /// Nothing changes when any step before the append fails.
    /// </summary>
    /// <exception cref="MapVersionConflictException">The map is not at <paramref name="expectedVersion"/>.</exception>
    /// <exception cref="Index.Validation.TerritoryValidationException">The change is invalid.</exception>
    /// <exception cref="MapStoreException">The store could not take the change.</exception>
    /// <remarks>A plan that returns no change (nothing to do) leaves the map as it is and creates no version.</remarks>
    public async Task<(TerritoryMap Map, T Plan)> EditAsync<T>(ulong? expectedVersion, Func<TerritoryMap, (MapChange? Change, T Plan)> plan,
        CancellationToken cancellationToken)
    {
        await _editLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                // With Redis another replica may have changed the map: plan against the store's latest.
                if (Store.Version > Current.Version)
                {
                    await CatchUpLockedAsync(cancellationToken).ConfigureAwait(false);
                }

                var current = Current;
                if (expectedVersion is { } expected && (long)expected != current.Version)
                {
                    throw new MapVersionConflictException((long)expected, current.Version);
                }

                var (change, planned) = plan(current);
                if (change is null)
                {
                    return (current, planned);
                }

                if (change.Version != current.Version + 1)
                {
                    throw new InvalidOperationException($"A planned change must produce version {current.Version + 1}, not {change.Version}.");
                }

                _writer.Validate(change).ThrowIfInvalid();
                cancellationToken.ThrowIfCancellationRequested();

                // From here on the change goes through whatever the caller does: once it is in the store it
                // must be applied here too, or the served map would lag behind what is durable.
                AppendResult appended;
                try
                {
                    appended = await Store.AppendAsync(change, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not MapStoreException)
                {
                    // A store that fails in a way it did not foresee may have written the change or not.
                    throw new MapStoreException($"The store failed while taking version {change.Version} ({e.GetType().Name}: {e.Message}).", e, outcomeUnknown: true);
                }

                if (appended.Appended)
                {
                    TerritoryMap applied;
                    try
                    {
                        applied = ApplyStored(change, current);
                    }
                    catch (Exception e)
                    {
                        // The change is durable, but this server could not build it and is stopping; a
                        // restart (or another replica) serves it.
                        throw new MapStoreException(
                            $"Version {change.Version} is in the store, but this server failed to build its index ({e.GetType().Name}: {e.Message}) and is stopping.",
                            e, outcomeUnknown: true);
                    }

                    return (applied, planned);
                }

                // Another replica appended first. Catch up; an edit that named its expected version
                // conflicts, one that did not is planned again against the newer map.
                LogAppendRaced(change.Version, appended.StoreVersion, attempt);
                NoteStoreVersion(appended.StoreVersion);
                await CatchUpLockedAsync(cancellationToken).ConfigureAwait(false);
                if (expectedVersion is { } stale)
                {
                    throw new MapVersionConflictException((long)stale, Current.Version);
                }

                if (attempt >= MaxEditAttempts)
                {
                    throw new MapStoreException(
                        $"The map changed under this edit {attempt} times in a row (other replicas are editing it); nothing was changed. Retry the edit.");
                }
            }
        }
        finally
        {
            _editLock.Release();
        }
    }

    // Applies a change that is in the store already; failing here would leave the served map behind
    // the store, so the server stops rather than serve a map that differs from what it acknowledged.
    private TerritoryMap ApplyStored(MapChange change, TerritoryMap previous)
    {
        TerritoryMap map;
        try
        {
            map = _writer.Apply(change, validate: false);
        }
        catch (Exception e)
        {
            LogApplyFailed(e, change.Version);
            _lifetime.StopApplication();
            throw;
        }

        Publish(previous, map, change);
        Store.OnMapPublished(map);
        return map;
    }

    private void Publish(TerritoryMap? previous, TerritoryMap map, MapChange? change)
    {
        var built = Volatile.Read(ref _layerBuiltVersions).ToBuilder();
        foreach (var (layer, index) in map.Layers)
        {
            if (previous is null || !previous.Layers.TryGetValue(layer, out var old) || !ReferenceEquals(old, index))
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
        _history.Record(previous, map, change);
        if (_store is null || map.Version >= _store.Version)
        {
            MarkSynced();
        }
        if (change is not null)
        {
            LogApplied(map.Version, change.Upserts.Count, change.Deletes.Count);
        }

        Interlocked.Exchange(ref _published, NewSignal()).TrySetResult();
    }

    // Follows the change feed: applies what other servers appended (Redis). With the embedded store
    // every version it reports is one this server applied already. Survives store outages: a failed
    // watch or read is logged, remembered for the status, and retried with a growing back-off.
    private async Task FollowAsync(CancellationToken cancellationToken)
    {
        var backoff = MinFollowBackoff;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var version in Store.WatchVersionsAsync(cancellationToken).ConfigureAwait(false))
                {
                    NoteStoreVersion(version);
                    if (version != Current.Version)
                    {
                        // Ahead: apply what is missing. Behind: the store lost changes; reload its map.
                        await CatchUpAsync(cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        MarkSynced();
                    }

                    backoff = MinFollowBackoff;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _lastError = $"Following the store failed: {e.Message}";
                LogFollowFailed(e, backoff.TotalMilliseconds);
            }

            try
            {
                await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxFollowBackoff.Ticks));
        }
    }

    /// <summary>
    /// Asks for a catch-up with the store in the background (a caller waits for a version this
    /// replica has not applied). At most one runs at a time; failures are left to the follower.
    /// </summary>
    public void RequestCatchUp()
    {
        if (_store is null || _stopping.IsCancellationRequested || Interlocked.Exchange(ref _catchUpRequested, 1) == 1)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await CatchUpAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception e)
            {
                _lastError = $"Catching up with the store failed: {e.Message}";
                LogCatchUpFailed(e);
            }
            finally
            {
                Volatile.Write(ref _catchUpRequested, 0);
            }
        });
    }

    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        await _editLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await CatchUpLockedAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _editLock.Release();
        }
    }

    // Under the edit lock: applies the changes the store holds after the served version, or reloads
    // the whole map when the store no longer keeps them.
    private async Task CatchUpLockedAsync(CancellationToken cancellationToken)
    {
        var from = Current.Version;
        var changes = await Store.ReadChangesAsync(from, cancellationToken).ConfigureAwait(false);
        if (changes is null)
        {
            await ReloadLockedAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        foreach (var change in changes)
        {
            if (change.Version <= Current.Version)
            {
                continue;
            }

            if (change.Version != Current.Version + 1)
            {
                // Not expected from a store that keeps its promise; a full load is always right.
                LogStreamGap(change.Version, Current.Version);
                await ReloadLockedAsync(cancellationToken).ConfigureAwait(false);
                return;
            }

            ApplyStored(change, Current);
        }

        if (Current.Version >= Store.Version)
        {
            MarkSynced();
        }
    }

    // Under the edit lock: loads the whole map from the store into a new writer and swaps it in.
    // Readers keep the old map until the one reference swap.
    private async Task ReloadLockedAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var previous = Current;
        _reloading = true;
        try
        {
            LogReloading(previous.Version, Store.Version);
            var stored = await Store.LoadAsync(cancellationToken).ConfigureAwait(false);
            if (stored.Version < previous.Version)
            {
                // The store lost acknowledged changes (e.g. Redis restarted without persistence, or
                // was flushed). It is the source of truth: every replica follows it, so that they keep
                // agreeing with one another and edits can go on, and the loss is reported loudly.
                LogStoreWentBack(stored.Version, previous.Version);
            }

            var writer = new TerritoryMapWriter(_options.ToIndexOptions());
            var map = await Task.Run(() => stored.ApplyTo(writer), cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _writer, writer);
            Publish(null, map, null);
            LogReloaded(map.Version, map.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        finally
        {
            _reloading = false;
        }
    }

    private void NoteStoreVersion(long version)
    {
        if (version > Current.Version)
        {
            Interlocked.CompareExchange(ref _behindSinceTicks, DateTimeOffset.UtcNow.UtcTicks, 0);
        }
    }

    private void MarkSynced()
    {
        Interlocked.Exchange(ref _lastSyncTicks, DateTimeOffset.UtcNow.UtcTicks);
        Interlocked.Exchange(ref _behindSinceTicks, 0);
        _lastError = null;
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

    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync().ConfigureAwait(false);
            _store = null;
        }

        _stopping.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded map version {Version} with {TerritoryCount} territories from the {StoreKind} store (snapshot {SnapshotVersion} + {ReplayedChanges} logged changes) in {ElapsedMs:F0} ms")]
    private partial void LogLoaded(long version, int territoryCount, string storeKind, long snapshotVersion, int replayedChanges, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Store recovery: {Note}")]
    private partial void LogRecovery(string note);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied map version {Version}: {UpsertCount} upserts, {DeleteCount} deletes")]
    private partial void LogApplied(long version, int upsertCount, int deleteCount);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Map version {Version} is in the store but could not be applied; stopping the server")]
    private partial void LogApplyFailed(Exception exception, long version);

    [LoggerMessage(Level = LogLevel.Error, Message = "Following the store's change feed failed; serving the last map and retrying in {BackoffMs:F0} ms")]
    private partial void LogFollowFailed(Exception exception, double backoffMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The store returned change {Version} right after version {CurrentVersion}; reloading the whole map")]
    private partial void LogStreamGap(long version, long currentVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Catching up with the store failed; the change feed will retry")]
    private partial void LogCatchUpFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Another replica appended version {Version} first (store at {StoreVersion}, attempt {Attempt}); catching up")]
    private partial void LogAppendRaced(long version, long storeVersion, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The store no longer keeps the changes after version {Version} (store at {StoreVersion}); reloading the whole map")]
    private partial void LogReloading(long version, long storeVersion);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The store holds map version {StoreVersion}, older than the version {ServedVersion} this replica served: it lost acknowledged changes. Following the store; check its persistence (Redis: appendonly yes, appendfsync always)")]
    private partial void LogStoreWentBack(long storeVersion, long servedVersion);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reloaded map version {Version} with {TerritoryCount} territories in {ElapsedMs:F0} ms")]
    private partial void LogReloaded(long version, int territoryCount, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed the map store at version {Version}")]
    private partial void LogStopped(long version);
}

/// <summary>The map is not at the version an edit expected.</summary>
internal sealed class MapVersionConflictException(long expected, long actual)
    : Exception($"The edit expected map version {expected} but the map is at version {actual}; nothing was changed. Read the map again and retry with expected_version = {actual}.")
{
    public long Expected { get; } = expected;

    public long Actual { get; } = actual;
}

/// <summary>Replication states of a replica (ReplicaState in the API).</summary>
internal enum ReplicaStatusState
{
    /// <summary>Up to date with the store as far as it knows.</summary>
    Serving,

    /// <summary>Behind the store (applying changes or reloading); answering from the map it has.</summary>
    CatchingUp,

    /// <summary>The store is unreachable (or lost changes); answering from the last map, edits fail.</summary>
    Degraded,
}

/// <summary>Where a replica stands with its store.</summary>
internal sealed record ReplicaStatus(
    ReplicaStatusState State,
    long StoreVersion,
    long LagVersions,
    TimeSpan Lag,
    DateTimeOffset LastSyncTime,
    string? LastError);

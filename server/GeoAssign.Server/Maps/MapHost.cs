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

    private readonly GeoAssignServerOptions _options;
    private readonly string _dataDirectory;
    private readonly ILogger<MapHost> _logger;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly Func<IMapStore> _openStore;
    private readonly TerritoryMapWriter _writer;
    private readonly SemaphoreSlim _editLock = new(1, 1);
    private readonly ChangeHistory _history = new(HistoryLength);
    private readonly CancellationTokenSource _stopping = new();
    private TaskCompletionSource _published = NewSignal();
    private ImmutableDictionary<string, long> _layerBuiltVersions = ImmutableDictionary.Create<string, long>(StringComparer.Ordinal);
    private IMapStore? _store;
    private Task _follower = Task.CompletedTask;
    private long _lastSyncTicks = DateTimeOffset.UtcNow.UtcTicks;

    public MapHost(IOptions<GeoAssignServerOptions> options, IHostEnvironment environment, ILogger<MapHost> logger,
        IHostApplicationLifetime lifetime, Func<IMapStore> openStore)
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
    public TerritoryMap Current => _writer.Current;

    /// <summary>This replica's id.</summary>
    public string ReplicaId { get; }

    /// <summary>The data folder of the embedded store (the configured or default one, whichever store is used).</summary>
    public string DataDirectory => _dataDirectory;

    /// <summary>The store; available once started.</summary>
    public IMapStore Store => _store ?? throw new InvalidOperationException("The map host has not started.");

    /// <summary>When this replica last knew it was up to date with its store.</summary>
    public DateTimeOffset LastSyncTime => new(Interlocked.Read(ref _lastSyncTicks), TimeSpan.Zero);

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
        var store = _openStore();
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
            var appended = await Store.AppendAsync(change, CancellationToken.None).ConfigureAwait(false);
            if (!appended.Appended)
            {
                throw new MapStoreException(
                    $"The store is at version {appended.StoreVersion}, not {current.Version}: another server changed the map. Retry the edit.");
            }

            var map = ApplyStored(change, current);
            return (map, planned);
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
        Interlocked.Exchange(ref _lastSyncTicks, DateTimeOffset.UtcNow.UtcTicks);
        if (change is not null)
        {
            LogApplied(map.Version, change.Upserts.Count, change.Deletes.Count);
        }

        Interlocked.Exchange(ref _published, NewSignal()).TrySetResult();
    }

    // Applies changes other servers appended (Redis); with the embedded store every version it
    // reports is one this server applied already.
    private async Task FollowAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var version in Store.WatchVersionsAsync(cancellationToken).ConfigureAwait(false))
            {
                if (version <= Current.Version)
                {
                    Interlocked.Exchange(ref _lastSyncTicks, DateTimeOffset.UtcNow.UtcTicks);
                    continue;
                }

                await _editLock.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    var changes = await Store.ReadChangesAsync(Current.Version, cancellationToken).ConfigureAwait(false);
                    foreach (var change in changes ?? [])
                    {
                        if (change.Version == Current.Version + 1)
                        {
                            ApplyStored(change, Current);
                        }
                    }
                }
                finally
                {
                    _editLock.Release();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogFollowFailed(e);
        }
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Following the store's change feed failed")]
    private partial void LogFollowFailed(Exception exception);

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

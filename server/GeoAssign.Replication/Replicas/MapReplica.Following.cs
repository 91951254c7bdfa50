// The replica's standing with its store: following the change feed, catching up, reloading, status and lag.
using System.Diagnostics;
using GeoAssign.Index;
using GeoAssign.Index.Plans;
using Microsoft.Extensions.Logging;

namespace GeoAssign.Replication.Replicas;

public sealed partial class MapReplica
{
    private static readonly TimeSpan MinFollowBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxFollowBackoff = TimeSpan.FromSeconds(5);

    private long _lastSyncTicks = DateTimeOffset.UtcNow.UtcTicks;
    private long _behindSinceTicks;
    private int _catchUpRequested;
    private volatile bool _reloading;
    private volatile string? _lastError;

    /// <summary>When this replica last knew it was up to date with its store.</summary>
    public DateTimeOffset LastSyncTime => new(Interlocked.Read(ref _lastSyncTicks), TimeSpan.Zero);

    /// <summary>Where this replica stands with its store: state, versions, lag, last sync and last error.</summary>
    public ReplicaStatus Status
    {
        get
        {
            var current = State;
            var map = current.Live;
            if (_store is not { } store)
            {
                return new ReplicaStatus(ReplicaState.CatchingUp, map, current.Position, current.Position, 0, TimeSpan.Zero, LastSyncTime, "The map is loading.");
            }

            var health = store.Health;
            var storeVersion = Math.Max(store.Version, current.Position);
            var lagVersions = storeVersion - current.Position;
            var behindSince = Interlocked.Read(ref _behindSinceTicks);
            var lag = lagVersions > 0 && behindSince > 0 ? TimeSpan.FromTicks(Math.Max(0, DateTimeOffset.UtcNow.UtcTicks - behindSince)) : TimeSpan.Zero;
            var state = !health.Reachable ? ReplicaState.Degraded
                : lagVersions > 0 || _reloading ? ReplicaState.CatchingUp
                : ReplicaState.Serving;
            var error = !health.Reachable ? health.Problem ?? "The store does not answer."
                : state == ReplicaState.Serving ? null
                : _lastError;
            if (store.Version < current.Position && health.Reachable)
            {
                // The store lost changes this replica applied (e.g. Redis restarted without persistence).
                error = $"The store is at version {store.Version}, behind this replica's version {current.Position}: it lost acknowledged changes. Check the store's persistence; this replica reloads the store's map.";
                state = ReplicaState.Degraded;
            }

            return new ReplicaStatus(state, map, current.Position, storeVersion, lagVersions, lag, LastSyncTime, error);
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

    // Follows the change feed: applies what other replicas appended (Redis). With the embedded store
    // every version it reports is one this replica applied already. Survives store outages: a failed
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
                    if (version != State.Position)
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
        var changes = await Store.ReadChangesAsync(State.Position, cancellationToken).ConfigureAwait(false);
        if (changes is null)
        {
            await ReloadLockedAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        foreach (var change in changes)
        {
            if (change.Version <= State.Position)
            {
                continue;
            }

            if (change.Version != State.NextVersion)
            {
                // Not expected from a store that keeps its promise; a full load is always right.
                LogStreamGap(change.Version, State.Position);
                await ReloadLockedAsync(cancellationToken).ConfigureAwait(false);
                return;
            }

            ApplyStored(change);
        }

        if (State.Position >= Store.Version)
        {
            MarkSynced();
        }
    }

    // Under the edit lock: loads the whole map from the store into a new writer and swaps it in.
    // Readers keep the old map until the one reference swap.
    private async Task ReloadLockedAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var previous = State;
        _reloading = true;
        try
        {
            LogReloading(previous.Position, Store.Version);
            var stored = await Store.LoadAsync(cancellationToken).ConfigureAwait(false);
            if (stored.Version < previous.Position)
            {
                // The store lost acknowledged changes (e.g. Redis restarted without persistence, or
                // was flushed). It is the source of truth: every replica follows it, so that they keep
                // agreeing with one another and edits can go on, and the loss is reported loudly.
                LogStoreWentBack(stored.Version, previous.Position);
            }

            var writer = new BranchedMapWriter(_options.Index, _options.VersionHistoryLength);
            var state = await Task.Run(() => stored.ApplyTo(writer), cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _writer, writer);
            // A store that went back may reuse version numbers for other content: past maps are rebuilt anew.
            _pastVersions?.Compact(1.0);
            Publish(null, state, null);
            LogReloaded(state.Live.Version, state.Live.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        finally
        {
            _reloading = false;
        }
    }

    private void NoteStoreVersion(long version)
    {
        if (version > State.Position)
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Following the store's change feed failed; serving the last map and retrying in {BackoffMs:F0} ms")]
    private partial void LogFollowFailed(Exception exception, double backoffMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The store returned change {Version} right after version {CurrentVersion}; reloading the whole map")]
    private partial void LogStreamGap(long version, long currentVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Catching up with the store failed; the change feed will retry")]
    private partial void LogCatchUpFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The store no longer keeps the changes after version {Version} (store at {StoreVersion}); reloading the whole map")]
    private partial void LogReloading(long version, long storeVersion);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The store holds map version {StoreVersion}, older than the version {ServedVersion} this replica served: it lost acknowledged changes. Following the store; check its persistence (Redis: appendonly yes, appendfsync always)")]
    private partial void LogStoreWentBack(long storeVersion, long servedVersion);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reloaded map version {Version} with {TerritoryCount} territories in {ElapsedMs:F0} ms")]
    private partial void LogReloaded(long version, int territoryCount, double elapsedMs);
}

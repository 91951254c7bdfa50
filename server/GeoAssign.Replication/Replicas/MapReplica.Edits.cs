// The replica's edit path: plan against the current map, validate, append to the store, apply.
using GeoAssign.Index;
using GeoAssign.Index.Model;
using GeoAssign.Index.Validation;
using Microsoft.Extensions.Logging;

namespace GeoAssign.Replication.Replicas;

public sealed partial class MapReplica
{
    /// <summary>
    /// Applies one edit: under the edit lock, checks <paramref name="expectedVersion"/>, lets
    /// <paramref name="plan"/> turn the current map into a change, validates the change, appends it to
    /// the store, applies and publishes it. Nothing changes when any step before the append fails.
    /// When another replica appended first, the edit is planned again against the newer map (at most
    /// <see cref="MapReplicaOptions.MaxEditAttempts"/> times), unless it named an expected version.
    /// </summary>
    /// <param name="expectedVersion">The version the map must be at, or null for any.</param>
    /// <param name="plan">
    /// Turns the current map into the change (version = current + 1) and a result for the caller; may
    /// throw to refuse the edit (nothing is changed then); returns a null change when there is nothing to do.
    /// </param>
    /// <param name="cancellationToken">Cancels the edit until it reaches the store; never after.</param>
    /// <returns>The map after the edit (the current map when the plan had nothing to do) and the plan's result.</returns>
    /// <exception cref="MapVersionConflictException">The map is not at <paramref name="expectedVersion"/>.</exception>
    /// <exception cref="TerritoryValidationException">The change is invalid.</exception>
    /// <exception cref="MapStoreException">The store could not take the change (<see cref="MapStoreException.OutcomeUnknown"/> when it may have).</exception>
    public async Task<(TerritoryMap Map, T Plan)> EditAsync<T>(ulong? expectedVersion, Func<TerritoryMap, (MapChange? Change, T Plan)> plan,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
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
                        // The change is durable, but this replica could not build it and is stopping; a
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

                if (attempt >= _options.MaxEditAttempts)
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Another replica appended version {Version} first (store at {StoreVersion}, attempt {Attempt}); catching up")]
    private partial void LogAppendRaced(long version, long storeVersion, int attempt);
}

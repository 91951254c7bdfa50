// The replica's edit path: plan against the current map, validate, append to the store, apply.
using GeoAssign.Index;
using GeoAssign.Index.Model;
using GeoAssign.Index.Plans;
using GeoAssign.Index.Validation;
using Microsoft.Extensions.Logging;

namespace GeoAssign.Replication.Replicas;

public sealed partial class MapReplica
{
    /// <summary>
    /// Applies one edit of the live map (<paramref name="plan"/> null) or of a plan: under the edit
    /// lock, checks <paramref name="expectedVersion"/> against that map's version, lets
    /// <paramref name="planChange"/> turn the current state into a change, validates the change, appends
    /// it to the store, applies and publishes it. Nothing changes when any step before the append fails.
    /// When another replica appended first, the edit is planned again against the newer state (at most
    /// <see cref="MapReplicaOptions.MaxEditAttempts"/> times), unless the map it expected moved.
    /// </summary>
    /// <param name="plan">The plan the edit changes; null for the live map.</param>
    /// <param name="expectedVersion">The version the edited map must be at, or null for any.</param>
    /// <param name="planChange">
    /// Turns the current state into the change (version = <see cref="MapState.NextVersion"/>, <see cref="MapChange.Plan"/>
    /// = <paramref name="plan"/>) and a result for the caller; may throw to refuse the edit (nothing is
    /// changed then); returns a null change when there is nothing to do. A change without a time gets
    /// the time it is appended.
    /// </param>
    /// <param name="cancellationToken">Cancels the edit until it reaches the store; never after.</param>
    /// <returns>The state after the edit (the current one when the plan had nothing to do) and the plan's result.</returns>
    /// <exception cref="MapVersionConflictException">The edited map is not at <paramref name="expectedVersion"/>.</exception>
    /// <exception cref="TerritoryValidationException">The change is invalid.</exception>
    /// <exception cref="MapStoreException">The store could not take the change (<see cref="MapStoreException.OutcomeUnknown"/> when it may have).</exception>
    public async Task<(MapState State, T Plan)> EditAsync<T>(string? plan, ulong? expectedVersion, Func<MapState, (MapChange? Change, T Plan)> planChange,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(planChange);
        await _editLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                // With Redis another replica may have changed the maps: plan against the store's latest.
                if (Store.Version > State.Position)
                {
                    await CatchUpLockedAsync(cancellationToken).ConfigureAwait(false);
                }

                var current = State;
                CheckExpected(current, plan, expectedVersion);
                var (change, planned) = planChange(current);
                if (change is null)
                {
                    return (current, planned);
                }

                if (change.Version != current.NextVersion || change.Plan != plan)
                {
                    throw new InvalidOperationException(
                        $"A planned change must produce version {current.NextVersion} of {plan ?? "the live map"}, not version {change.Version} of {change.Plan ?? "the live map"}.");
                }

                if (change.Info.Time == ChangeInfo.None.Time)
                {
                    change = change.WithInfo(change.Info with { Time = DateTimeOffset.UtcNow });
                }

                if (change.IsLive)
                {
                    // What it replaces travels with it, so that past versions can be rebuilt from the present.
                    change = change.WithReplacedFrom(current.Live);
                }

                _writer.Validate(change).ThrowIfInvalid();
                cancellationToken.ThrowIfCancellationRequested();

                // From here on the change goes through whatever the caller does: once it is in the store it
                // must be applied here too, or the served maps would lag behind what is durable.
                AppendResult appended;
                try
                {
                    appended = await Store.AppendAsync(change, current, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not MapStoreException)
                {
                    // A store that fails in a way it did not foresee may have written the change or not.
                    throw new MapStoreException($"The store failed while taking version {change.Version} ({e.GetType().Name}: {e.Message}).", e, outcomeUnknown: true);
                }

                if (appended.Appended)
                {
                    MapState applied;
                    try
                    {
                        applied = ApplyStored(change);
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

                // Another replica appended first. Catch up; an edit whose map moved under its expected
                // version conflicts, any other is planned again against the newer state.
                LogAppendRaced(change.Version, appended.StoreVersion, attempt);
                NoteStoreVersion(appended.StoreVersion);
                await CatchUpLockedAsync(cancellationToken).ConfigureAwait(false);
                CheckExpected(State, plan, expectedVersion);
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

    /// <summary>The version of the live map (null plan) or of a plan; null when the plan does not exist.</summary>
    public static long? VersionOf(MapState state, string? plan) =>
        plan is null ? state.Live.Version : state.Plans.TryGetValue(plan, out var branch) ? branch.Version : null;

    // A plan that does not exist is left to the planner, which says so in its own words.
    private static void CheckExpected(MapState state, string? plan, ulong? expectedVersion)
    {
        if (expectedVersion is { } expected && VersionOf(state, plan) is { } actual && (long)expected != actual)
        {
            throw new MapVersionConflictException((long)expected, actual);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Another replica appended version {Version} first (store at {StoreVersion}, attempt {Attempt}); catching up")]
    private partial void LogAppendRaced(long version, long storeVersion, int attempt);
}

// Gives a call the map it may answer from: at least its min_version, waiting a bounded time.
using GeoAssign.Index;
using GeoAssign.Index.Plans;
using Google.Protobuf.WellKnownTypes;
using GeoAssign.Replication.Replicas;
using GeoAssign.Server.Hosting;
using GeoAssign.Server.Services;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace GeoAssign.Server.Maps;

/// <summary>
/// Read-your-writes for every read RPC: the current map when its version is at least the call's
/// <c>min_version</c>; else waits for a publish up to <see cref="GeoAssignServerOptions.MinVersionWait"/>
/// (never past the deadline), then fails with UNAVAILABLE (or DEADLINE_EXCEEDED) carrying the
/// replica's version in the <c>geoassign-map-version</c> trailer. Thread-safe.
/// </summary>
internal sealed class MapReader(MapReplica maps, IOptions<GeoAssignServerOptions> options)
{
    private readonly TimeSpan _wait = options.Value.MinVersionWait;

    /// <summary>The replica the reads are answered from.</summary>
    public MapReplica Replica => maps;

    /// <summary>
    /// The live map, or the map of <paramref name="plan"/>, once this replica has applied every change
    /// up to <paramref name="minVersion"/> (of any map: a plan edit's version works too). NOT_FOUND
    /// when there is no such plan.
    /// </summary>
    public ValueTask<TerritoryMap> AtLeastAsync(ulong minVersion, ServerCallContext context, string plan = "")
    {
        var state = maps.State;
        return minVersion <= (ulong)state.Position ? ValueTask.FromResult(Select(state, plan)) : new ValueTask<TerritoryMap>(WaitAsync(minVersion, context, plan));
    }

    /// <summary>
    /// What a lookup answers from: the map <see cref="TargetAsync"/> names, the account overrides and
    /// the gazetteer that apply (the map's own for the live map and past versions, the live map's for a
    /// plan), and the instant overrides must be in force at (<paramref name="asOf"/>, else now).
    /// </summary>
    public async ValueTask<LookupTarget> LookupAsync(ulong minVersion, ServerCallContext context, string plan, ulong version, Timestamp? asOf)
    {
        var map = await TargetAsync(minVersion, context, plan, version, asOf).ConfigureAwait(false);
        // A plan has neither overrides nor a gazetteer of its own: it uses the live map's.
        var live = plan.Length == 0 ? map : maps.State.Live;
        return new LookupTarget(map, live.Overrides, asOf is null ? null : asOf.ToDateTimeOffset().UtcTicks, live.Gazetteer);
    }

    /// <summary>
    /// The map a lookup names: the live map, a plan (<paramref name="plan"/>), or the live map as it
    /// was at <paramref name="version"/> or at the instant <paramref name="asOf"/> — at most one of the
    /// three — once this replica has applied <paramref name="minVersion"/>. INVALID_ARGUMENT when more
    /// than one is given, NOT_FOUND for an unknown plan, FAILED_PRECONDITION for a past version the
    /// history no longer reaches.
    /// </summary>
    public ValueTask<TerritoryMap> TargetAsync(ulong minVersion, ServerCallContext context, string plan, ulong version, Timestamp? asOf)
    {
        if (version == 0 && asOf is null)
        {
            return AtLeastAsync(minVersion, context, RequestChecks.Plan(plan));
        }

        if ((plan.Length != 0 ? 1 : 0) + (version != 0 ? 1 : 0) + (asOf is null ? 0 : 1) > 1)
        {
            throw RpcErrors.InvalidArgument("plan, version and as_of each name a map to answer from; give at most one of them.");
        }

        return new ValueTask<TerritoryMap>(PastAsync(minVersion, context, version, asOf));
    }

    private async Task<TerritoryMap> PastAsync(ulong minVersion, ServerCallContext context, ulong version, Timestamp? asOf)
    {
        await AtLeastAsync(minVersion, context).ConfigureAwait(false);
        var state = maps.State;
        long target;
        if (asOf is not null)
        {
            DateTimeOffset instant;
            try
            {
                instant = asOf.ToDateTimeOffset();
            }
            catch (InvalidOperationException e)
            {
                throw RpcErrors.InvalidArgument($"as_of is not a valid instant: {e.Message}");
            }

            target = state.LiveVersionAt(instant) ?? throw RpcErrors.WithMapVersion(StatusCode.FailedPrecondition,
                $"as_of {instant:O} is before the oldest version the history keeps ({(state.History.IsEmpty ? "none" : $"version {state.History[0].Version} of {state.History[0].Info.Time:O}")}); "
                + "raise GeoAssign:History:KeepChanges to keep more.", state.Position);
        }
        else
        {
            target = version > long.MaxValue ? long.MaxValue : (long)version;
            if (target != state.Live.Version && !state.HistoryContains(target))
            {
                var oldest = state.History.IsEmpty ? state.Live.Version : state.History[0].Version;
                throw RpcErrors.WithMapVersion(StatusCode.FailedPrecondition, target < oldest
                    ? $"Version {target} is older than the history kept (its oldest version is {oldest}); raise GeoAssign:History:KeepChanges to keep more."
                    : $"Version {target} is not a version of the live map (it is a plan's change, or not made yet; the live map is at version {state.Live.Version}); the history (ListVersions) lists the live versions.",
                    state.Position);
            }
        }

        try
        {
            return await maps.LiveMapAtAsync(target, context.CancellationToken).ConfigureAwait(false);
        }
        catch (PastVersionUnavailableException e)
        {
            throw RpcErrors.WithMapVersion(StatusCode.FailedPrecondition, e.Message, state.Position);
        }
    }

    /// <summary>The live map (empty <paramref name="plan"/>) or the plan's map; NOT_FOUND naming the plan when it does not exist.</summary>
    public static TerritoryMap Select(MapState state, string plan)
    {
        if (plan.Length == 0)
        {
            return state.Live;
        }

        return state.Plans.TryGetValue(plan, out var branch)
            ? branch.Map
            : throw RpcErrors.WithMapVersion(StatusCode.NotFound,
                $"There is no plan named \"{RequestChecks.Shorten(plan)}\" at version {state.Position}; ListPlans shows the plans there are.", state.Position);
    }

    private async Task<TerritoryMap> WaitAsync(ulong minVersion, ServerCallContext context, string plan)
    {
        var target = minVersion > long.MaxValue ? long.MaxValue : (long)minVersion;
        var untilDeadline = context.Deadline == DateTime.MaxValue ? Timeout.InfiniteTimeSpan : context.Deadline - DateTime.UtcNow;
        // When the deadline comes first, the wait ends at the deadline and the call reports that,
        // whatever the timer's jitter (a timer may fire a moment before the clock says the deadline passed).
        var deadlineFirst = untilDeadline != Timeout.InfiniteTimeSpan && untilDeadline < _wait;
        var wait = deadlineFirst ? untilDeadline : _wait;
        MapState? state = null;
        try
        {
            if (wait > TimeSpan.Zero)
            {
                state = await maps.WaitForVersionAsync(target, wait, context.CancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The deadline or the client's cancellation: reported below with the version.
        }

        if (state is not null)
        {
            return Select(state, plan);
        }

        var version = maps.State.Position;
        if (deadlineFirst || (context.Deadline != DateTime.MaxValue && context.Deadline <= DateTime.UtcNow.AddMilliseconds(1)))
        {
            throw RpcErrors.WithMapVersion(StatusCode.DeadlineExceeded,
                $"The deadline passed while waiting for min_version {minVersion}; this replica is at version {version}.", version);
        }

        if (context.CancellationToken.IsCancellationRequested)
        {
            throw RpcErrors.WithMapVersion(StatusCode.Cancelled, "The call was cancelled while waiting for min_version.", version);
        }

        throw RpcErrors.WithMapVersion(StatusCode.Unavailable,
            $"This replica is at version {version}, below min_version {minVersion}, and did not catch up within {wait.TotalMilliseconds:F0} ms. Retry, possibly on another replica.",
            version);
    }
}

/// <summary>
/// The map a lookup answers from, the overrides that apply, the instant they must be in force at (null: now), and
/// the gazetteer postal codes are found in (the map's own; the live map's for a plan).
/// </summary>
internal readonly record struct LookupTarget(TerritoryMap Map, Index.Accounts.OverrideBook Overrides, long? AtTicks, Index.Gazetteer.PostalGazetteer Gazetteer)
{
    /// <summary>The instant overrides must be in force at, as UTC ticks.</summary>
    public long Ticks => AtTicks ?? DateTime.UtcNow.Ticks;
}

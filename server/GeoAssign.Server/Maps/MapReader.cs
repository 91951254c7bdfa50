// Gives a call the map it may answer from: at least its min_version, waiting a bounded time.
using GeoAssign.Index;
using GeoAssign.Index.Plans;
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

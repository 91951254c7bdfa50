// Gives a call the map it may answer from: at least its min_version, waiting a bounded time.
using GeoAssign.Index;
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

    public ValueTask<TerritoryMap> AtLeastAsync(ulong minVersion, ServerCallContext context)
    {
        var map = maps.Current;
        return minVersion <= (ulong)map.Version ? ValueTask.FromResult(map) : new ValueTask<TerritoryMap>(WaitAsync(minVersion, context));
    }

    private async Task<TerritoryMap> WaitAsync(ulong minVersion, ServerCallContext context)
    {
        var target = minVersion > long.MaxValue ? long.MaxValue : (long)minVersion;
        var untilDeadline = context.Deadline == DateTime.MaxValue ? Timeout.InfiniteTimeSpan : context.Deadline - DateTime.UtcNow;
        // When the deadline comes first, the wait ends at the deadline and the call reports that,
        // whatever the timer's jitter (a timer may fire a moment before the clock says the deadline passed).
        var deadlineFirst = untilDeadline != Timeout.InfiniteTimeSpan && untilDeadline < _wait;
        var wait = deadlineFirst ? untilDeadline : _wait;
        TerritoryMap? map = null;
        try
        {
            if (wait > TimeSpan.Zero)
            {
                map = await maps.WaitForVersionAsync(target, wait, context.CancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The deadline or the client's cancellation: reported below with the version.
        }

        if (map is not null)
        {
            return map;
        }

        var version = maps.Current.Version;
        if (deadlineFirst || (context.Deadline != DateTime.MaxValue && context.Deadline <= DateTime.UtcNow.AddMilliseconds(1)))
        {
            throw RpcErrors.WithMapVersion(StatusCode.DeadlineExceeded,
                $"The deadline passed while waiting for min_version {minVersion}; this replica serves map version {version}.", version);
        }

        if (context.CancellationToken.IsCancellationRequested)
        {
            throw RpcErrors.WithMapVersion(StatusCode.Cancelled, "The call was cancelled while waiting for min_version.", version);
        }

        throw RpcErrors.WithMapVersion(StatusCode.Unavailable,
            $"This replica serves map version {version}, below min_version {minVersion}, and did not catch up within {wait.TotalMilliseconds:F0} ms. Retry, possibly on another replica.",
            version);
    }
}

// Runs an edit through the replica and turns its outcomes into the statuses the protos promise.
using GeoAssign.Index.Model;
using GeoAssign.Index.Plans;
using GeoAssign.Index.Validation;
using GeoAssign.Replication;
using GeoAssign.Replication.Replicas;
using GeoAssign.Server.Maps;
using GeoAssign.Server.Telemetry;
using Grpc.Core;

namespace GeoAssign.Server.Services;

/// <summary>
/// The one way every service edits a map (the live map or a plan): runs the edit through
/// <see cref="MapReplica.EditAsync"/>, counts it, and answers ABORTED for a version conflict,
/// the problems' status for an invalid change, UNAVAILABLE when the store could not take it and
/// UNKNOWN when the store may have taken it without confirming. Thread-safe.
/// </summary>
internal sealed partial class MapEdits(MapReader maps, GeoAssignMetrics metrics, ILogger<MapEdits> logger)
{
    /// <summary>The replica the edits go through.</summary>
    public MapReplica Replica => maps.Replica;

    /// <summary>
    /// Runs one edit of the live map (<paramref name="plan"/> empty) or of a plan.
    /// </summary>
    /// <param name="rpc">The RPC, for metrics and logs.</param>
    /// <param name="plan">The plan edited; empty for the live map.</param>
    /// <param name="expectedVersion">The version the edited map must be at, or null.</param>
    /// <param name="planChange">Turns the current state into the change (or none) and a result.</param>
    /// <param name="items">How the request names its items in problems, e.g. <c>territories</c>.</param>
    /// <param name="indexOf">Maps a problem's index to the request's, when they differ.</param>
    /// <param name="context">The call.</param>
    public async Task<(MapState State, T Plan)> RunAsync<T>(string rpc, string plan, ulong? expectedVersion,
        Func<MapState, (MapChange? Change, T Plan)> planChange, string items, Func<int, int>? indexOf, ServerCallContext context)
    {
        try
        {
            var result = await Replica.EditAsync(plan.Length == 0 ? null : plan, expectedVersion, planChange, context.CancellationToken).ConfigureAwait(false);
            metrics.Edit(rpc, "applied");
            return result;
        }
        catch (MapVersionConflictException e)
        {
            metrics.Edit(rpc, "conflict");
            throw RpcErrors.WithMapVersion(StatusCode.Aborted, e.Message, e.Actual);
        }
        catch (TerritoryValidationException e)
        {
            throw Rejected(rpc, RpcErrors.FromProblems(e.Problems, e.TotalProblemCount, items, indexOf));
        }
        catch (RpcException e)
        {
            throw Rejected(rpc, e);
        }
        catch (MapStoreException e) when (e.OutcomeUnknown)
        {
            // Sent to the store, not confirmed: UNKNOWN, which no client retries blindly (UNAVAILABLE
            // promises that nothing changed). The follower applies it here if it was stored.
            metrics.Edit(rpc, "unknown");
            LogStoreFailed(rpc, e.Message);
            throw new RpcException(new Status(StatusCode.Unknown,
                $"The map store did not confirm the change. {e.Message} GetMapInfo tells the version; GetTerritory what is stored."));
        }
        catch (MapStoreException e)
        {
            metrics.Edit(rpc, "failed");
            // An unreachable store is an expected condition, not a bug: one line, no stack trace. The
            // store's message says whether the change is known not to be stored, or may be.
            LogStoreFailed(rpc, e.Message);
            throw new RpcException(new Status(StatusCode.Unavailable, $"The map store could not take the change. {e.Message}"));
        }
    }

    /// <summary>Counts and logs a refused edit; returns the error to throw.</summary>
    public RpcException Rejected(string rpc, RpcException error)
    {
        metrics.Edit(rpc, "rejected");
        LogRejected(rpc, error.StatusCode, error.Status.Detail);
        return error;
    }

    /// <summary>The map an edit of <paramref name="plan"/> (empty: the live map) changes; NOT_FOUND for an unknown plan.</summary>
    public static Index.TerritoryMap Target(MapState state, string plan) => MapReader.Select(state, plan);

    /// <summary>What an edit's change records of who made it: the caller's API key name, and the request's message.</summary>
    public static ChangeInfo Info(ServerCallContext context, string message = "") =>
        new(ChangeInfo.None.Time, Security.ApiKeyInterceptor.KeyNameOf(context), message);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Rpc} rejected with {StatusCode}: {Detail}")]
    private partial void LogRejected(string rpc, StatusCode statusCode, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Rpc} failed: the map store could not take the change. {Detail}")]
    private partial void LogStoreFailed(string rpc, string detail);
}

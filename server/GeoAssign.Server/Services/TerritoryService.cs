// TerritoryService: what its edits, reads and WatchMap share (split by concern over TerritoryService.*.cs).
using GeoAssign.Index;
using GeoAssign.Index.Model;
using GeoAssign.Index.Validation;
using GeoAssign.Replication;
using GeoAssign.Replication.Replicas;
using GeoAssign.Server.Hosting;
using GeoAssign.Server.Maps;
using GeoAssign.Server.Telemetry;
using Grpc.Core;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace GeoAssign.Server.Services;

/// <summary>
/// Edits (TerritoryService.Edits.cs), reads (TerritoryService.Reads.cs) and WatchMap
/// (TerritoryService.Watch.cs) of the territory map: each translates messages and calls the replica or
/// a domain type; see territories.proto for the contract. Thread-safe.
/// </summary>
internal sealed partial class TerritoryService(
    MapReader maps,
    TerritoryMessages messages,
    IMemoryCache cache,
    GeoAssignMetrics metrics,
    IOptions<GeoAssignServerOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<TerritoryService> logger) : Protos.V1.TerritoryService.TerritoryServiceBase
{
    private readonly GeoAssignServerOptions _options = options.Value;

    private MapReplica Replica => maps.Replica;

    // Runs an edit through the replica and turns its failures into the statuses of the protos.
    private async Task<(TerritoryMap Map, T Plan)> EditAsync<T>(string rpc, ulong? expectedVersion,
        Func<TerritoryMap, (MapChange? Change, T Plan)> plan, string items, Func<int, int>? indexOf, ServerCallContext context)
    {
        try
        {
            var result = await Replica.EditAsync(expectedVersion, plan, context.CancellationToken).ConfigureAwait(false);
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

    private RpcException Rejected(string rpc, RpcException error)
    {
        metrics.Edit(rpc, "rejected");
        LogRejected(rpc, error.StatusCode, error.Status.Detail);
        return error;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Rpc} rejected with {StatusCode}: {Detail}")]
    private partial void LogRejected(string rpc, StatusCode statusCode, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Rpc} failed: the map store could not take the change. {Detail}")]
    private partial void LogStoreFailed(string rpc, string detail);
}

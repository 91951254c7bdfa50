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
    MapEdits edits,
    TerritoryMessages messages,
    IMemoryCache cache,
    IOptions<GeoAssignServerOptions> options,
    IHostApplicationLifetime lifetime) : Protos.V1.TerritoryService.TerritoryServiceBase
{
    private readonly GeoAssignServerOptions _options = options.Value;

    private MapReplica Replica => maps.Replica;
}

// TerritoryService reads: one territory, a page of territories, and the map's description.
using GeoAssign.Index;
using GeoAssign.Protos.V1;
using GeoAssign.Replication;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Caching.Memory;

namespace GeoAssign.Server.Services;

internal sealed partial class TerritoryService
{
    private const int MaxPageBytes = 4 * 1024 * 1024;

    public override async Task<GetTerritoryResponse> GetTerritory(GetTerritoryRequest request, ServerCallContext context)
    {
        if (request.Id.Length == 0)
        {
            throw RpcErrors.InvalidArgument("id is empty.");
        }

        var map = await maps.AtLeastAsync(request.MinVersion, context, RequestChecks.Plan(request.Plan)).ConfigureAwait(false);
        if (!map.Territories.TryGetValue(request.Id, out var entry))
        {
            throw RpcErrors.WithMapVersion(StatusCode.NotFound,
                $"No territory has the id \"{RequestChecks.Shorten(request.Id)}\" at map version {map.Version}.", map.Version);
        }

        // Keyed by version: a later edit makes a new key, so an entry is never stale.
        var message = cache.GetOrCreate(("territory", map.Version, request.Id), item =>
        {
            var built = TerritoryMessages.ToMessage(entry.Territory, includeGeometry: true);
            item.Size = 1 + built.CalculateSize() / 1024;
            item.SlidingExpiration = TimeSpan.FromMinutes(5);
            return built;
        })!;
        return new GetTerritoryResponse { Territory = message, MapVersion = (ulong)map.Version };
    }

    public override async Task<ListTerritoriesResponse> ListTerritories(ListTerritoriesRequest request, ServerCallContext context)
    {
        if (request.PageSize < 0)
        {
            throw RpcErrors.InvalidArgument($"page_size {request.PageSize} is negative.");
        }

        var layer = request.Layer.Length == 0 ? null : RequestChecks.Layer(request.Layer);
        var after = request.PageToken.Length == 0 ? null : PageToken.Parse(request.PageToken, layer, request.OwnerId);
        var pageSize = request.PageSize == 0 ? _options.DefaultPageSize : Math.Min(request.PageSize, _options.MaxPageSize);
        var map = await maps.AtLeastAsync(request.MinVersion, context, RequestChecks.Plan(request.Plan)).ConfigureAwait(false);
        var ids = SortedIds(map);
        var start = 0;
        if (after is not null)
        {
            start = Array.BinarySearch(ids, after, StringComparer.Ordinal);
            start = start >= 0 ? start + 1 : ~start;
        }

        var response = new ListTerritoriesResponse { MapVersion = (ulong)map.Version };
        var bytes = 0;
        string? last = null;
        var i = start;
        for (; i < ids.Length && response.Territories.Count < pageSize && bytes < MaxPageBytes; i++)
        {
            var territory = map.Territories[ids[i]].Territory;
            if ((layer is not null && territory.Layer != layer) || (request.OwnerId.Length != 0 && territory.OwnerId != request.OwnerId))
            {
                continue;
            }

            var message = TerritoryMessages.ToMessage(territory, request.IncludeGeometry);
            bytes += message.CalculateSize();
            response.Territories.Add(message);
            last = ids[i];
        }

        // More may follow when the scan stopped early; the next page starts after the last id sent (or scanned).
        if (i < ids.Length)
        {
            response.NextPageToken = PageToken.Create(last ?? ids[i - 1], layer, request.OwnerId);
        }

        return response;
    }

    private string[] SortedIds(TerritoryMap map) =>
        cache.GetOrCreate(("ids", map.Version), item =>
        {
            var ids = map.Territories.Keys.ToArray();
            Array.Sort(ids, StringComparer.Ordinal);
            item.Size = 1 + ids.Length / 1024;
            item.SlidingExpiration = TimeSpan.FromMinutes(5);
            return ids;
        })!;

    public override Task<GetMapInfoResponse> GetMapInfo(GetMapInfoRequest request, ServerCallContext context)
    {
        var status = Replica.Status;
        var map = status.Map;
        var layers = cache.GetOrCreate(("layers", map.Version), item =>
        {
            item.Size = 1;
            item.SlidingExpiration = TimeSpan.FromMinutes(5);
            return DescribeLayers(map);
        })!;
        var response = new GetMapInfoResponse
        {
            MapVersion = (ulong)map.Version,
            TerritoryCount = (uint)map.Count,
            Replica = new ReplicaInfo
            {
                ReplicaId = Replica.ReplicaId,
                StoreKind = Replica.Store.Kind == MapStoreKind.Redis ? StoreKind.Redis : StoreKind.Embedded,
                State = status.State switch
                {
                    Replication.Replicas.ReplicaState.Degraded => ReplicaState.Degraded,
                    Replication.Replicas.ReplicaState.CatchingUp => ReplicaState.CatchingUp,
                    _ => ReplicaState.Serving,
                },
                StoreVersion = (ulong)status.StoreVersion,
                LagVersions = (ulong)status.LagVersions,
                Lag = Duration.FromTimeSpan(status.Lag),
                LastSyncTime = Timestamp.FromDateTimeOffset(status.LastSyncTime),
                LastError = status.LastError ?? "",
                AppliedVersion = (ulong)status.Position,
            },
            Limits = new ServerLimits
            {
                MaxMessageBytes = (ulong)_options.MaxMessageBytes,
                MaxPointsPerMessage = (uint)_options.MaxPointsPerMessage,
                MaxTerritoriesPerEdit = (uint)_options.MaxTerritoriesPerEdit,
                MaxTerritoriesPerMap = (uint)_options.MaxTerritoriesPerMap,
                MaxVerticesPerTerritory = (uint)_options.MaxVerticesPerTerritory,
                MaxAttributesBytes = (uint)_options.MaxAttributesBytes,
                MaxImportBytes = (ulong)_options.MaxImportBytes,
                MaxPageSize = (uint)_options.MaxPageSize,
                MinVersionWait = Duration.FromTimeSpan(_options.MinVersionWait),
            },
        };
        response.Layers.AddRange(layers);
        foreach (var country in map.Gazetteer.Countries)
        {
            response.Gazetteer.Add(new GazetteerCountry { Country = country, PostalCodeCount = (ulong)map.Gazetteer.CountOf(country) });
        }

        return Task.FromResult(response);
    }

    private List<LayerInfo> DescribeLayers(TerritoryMap map)
    {
        var vertices = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var entry in map.Territories.Values)
        {
            vertices[entry.Territory.Layer] = vertices.GetValueOrDefault(entry.Territory.Layer) + (ulong)entry.Territory.Geometry.NumPoints;
        }

        var result = new List<LayerInfo>();
        foreach (var (name, index) in map.Layers)
        {
            var statistics = index.Statistics;
            var info = new LayerInfo
            {
                Layer = name,
                TerritoryCount = (uint)statistics.Territories,
                VertexCount = vertices.GetValueOrDefault(name),
                FinestResolution = (uint)statistics.Resolution,
                BoundaryCellShare = statistics.BoundaryAreaShare,
                IndexBytes = (ulong)(statistics.IndexBytes + statistics.ShapeBytes),
                BuildDuration = Duration.FromTimeSpan(statistics.BuildTime),
                BuiltVersion = (ulong)Replica.LayerBuiltVersion(name),
                IndexChecksum = index.Checksum,
            };
            for (var r = 0; r < statistics.InteriorCellsByResolution.Length; r++)
            {
                var interior = statistics.InteriorCellsByResolution[r];
                var boundary = statistics.BoundaryCellsByResolution[r];
                if (interior > 0 || boundary > 0)
                {
                    info.Cells.Add(new ResolutionCells { Resolution = (uint)r, InteriorCells = (ulong)interior, BoundaryCells = (ulong)boundary });
                }
            }

            result.Add(info);
        }

        return result;
    }
}

// TerritoryService: edits (upsert, delete, import), reads (get, list, map info) and WatchMap.
using System.IO.Pipelines;
using System.Text;
using GeoAssign.Index;
using GeoAssign.Index.GeoJson;
using GeoAssign.Index.Model;
using GeoAssign.Index.Validation;
using GeoAssign.Protos.V1;
using GeoAssign.Replication;
using GeoAssign.Server.Hosting;
using GeoAssign.Server.Maps;
using GeoAssign.Server.Telemetry;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using DomainTerritory = GeoAssign.Index.Model.Territory;

namespace GeoAssign.Server.Services;

/// <summary>Edits and reads of the territory map; see territories.proto for the contract.</summary>
internal sealed partial class TerritoryService(
    MapReader maps,
    TerritoryMessages messages,
    IMemoryCache cache,
    GeoAssignMetrics metrics,
    IOptions<GeoAssignServerOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<TerritoryService> logger) : Protos.V1.TerritoryService.TerritoryServiceBase
{
    private const int MaxWatchIds = 1_000;
    private const int MaxPageBytes = 4 * 1024 * 1024;
    private readonly GeoAssignServerOptions _options = options.Value;
    private MapHost Host => maps.Host;

    // ---- Edits ----

    public override async Task<UpsertTerritoriesResponse> UpsertTerritories(UpsertTerritoriesRequest request, ServerCallContext context)
    {
        const string Rpc = "UpsertTerritories";
        var count = request.Territories.Count;
        if (count == 0)
        {
            throw Rejected(Rpc, RpcErrors.InvalidArgument("territories is empty; send 1 to 10,000 territories."));
        }

        if (count > _options.MaxTerritoriesPerEdit)
        {
            throw Rejected(Rpc, RpcErrors.ResourceExhausted($"The request has {count:N0} territories; the limit is {_options.MaxTerritoriesPerEdit:N0} per call (GeoAssign:MaxTerritoriesPerEdit)."));
        }

        IReadOnlyList<DomainTerritory> territories;
        try
        {
            territories = messages.FromMessages(request.Territories);
        }
        catch (RpcException e)
        {
            throw Rejected(Rpc, e);
        }

        var (map, counts) = await EditAsync(Rpc, request.HasExpectedVersion ? request.ExpectedVersion : null, current =>
        {
            var created = 0;
            foreach (var territory in territories)
            {
                created += current.Territories.ContainsKey(territory.Id) ? 0 : 1;
            }

            return (new MapChange(current.Version + 1, territories, []), (Created: created, Updated: territories.Count - created));
        }, "territories", null, context).ConfigureAwait(false);

        return new UpsertTerritoriesResponse { MapVersion = (ulong)map.Version, CreatedCount = (uint)counts.Created, UpdatedCount = (uint)counts.Updated };
    }

    public override async Task<DeleteTerritoriesResponse> DeleteTerritories(DeleteTerritoriesRequest request, ServerCallContext context)
    {
        const string Rpc = "DeleteTerritories";
        var ids = request.Ids;
        if (ids.Count == 0)
        {
            throw Rejected(Rpc, RpcErrors.InvalidArgument("ids is empty; name 1 to 10,000 territories."));
        }

        if (ids.Count > _options.MaxTerritoriesPerEdit)
        {
            throw Rejected(Rpc, RpcErrors.ResourceExhausted($"The request has {ids.Count:N0} ids; the limit is {_options.MaxTerritoriesPerEdit:N0} per call (GeoAssign:MaxTerritoriesPerEdit)."));
        }

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < ids.Count; i++)
        {
            if (ids[i].Length == 0)
            {
                throw Rejected(Rpc, RpcErrors.InvalidArgument($"ids[{i}] is empty."));
            }

            if (!seen.TryAdd(ids[i], i))
            {
                throw Rejected(Rpc, RpcErrors.InvalidArgument($"ids[{i}] (\"{RequestChecks.Shorten(ids[i])}\") repeats ids[{seen[ids[i]]}]; name each territory once."));
            }
        }

        var (map, deleted) = await EditAsync(Rpc, request.HasExpectedVersion ? request.ExpectedVersion : null, current =>
        {
            var existing = new List<string>(ids.Count);
            var missing = new List<string>();
            foreach (var id in ids)
            {
                (current.Territories.ContainsKey(id) ? existing : missing).Add(id);
            }

            if (missing.Count > 0 && !request.AllowMissing)
            {
                var listed = string.Join(", ", missing.Take(20).Select(id => $"\"{RequestChecks.Shorten(id)}\""));
                throw RpcErrors.WithMapVersion(StatusCode.NotFound,
                    $"{missing.Count} of the ids name no territory at map version {current.Version}: {listed}{(missing.Count > 20 ? ", …" : "")}. Nothing was deleted; set allow_missing to skip them.",
                    current.Version);
            }

            return (existing.Count == 0 ? null : new MapChange(current.Version + 1, [], existing), existing.Count);
        }, "ids", null, context).ConfigureAwait(false);

        return new DeleteTerritoriesResponse { MapVersion = (ulong)map.Version, DeletedCount = (uint)deleted };
    }

    public override async Task<ImportGeoJsonResponse> ImportGeoJson(ImportGeoJsonRequest request, ServerCallContext context)
    {
        var summary = await ImportAsync("ImportGeoJson", request.Options ?? new ImportGeoJsonOptions(), async reader =>
        {
            var text = request.FeatureCollection.Memory;
            using var stream = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(text, out var segment)
                ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
                : new MemoryStream(text.ToArray(), writable: false);
            return await reader.ReadAsync(stream, context.CancellationToken).ConfigureAwait(false);
        }, context).ConfigureAwait(false);
        return new ImportGeoJsonResponse { Summary = summary };
    }

    public override async Task<ImportGeoJsonStreamResponse> ImportGeoJsonStream(IAsyncStreamReader<ImportGeoJsonStreamRequest> requestStream,
        ServerCallContext context)
    {
        const string Rpc = "ImportGeoJsonStream";
        if (!await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
        {
            throw Rejected(Rpc, RpcErrors.InvalidArgument("The stream is empty: send the options and the GeoJSON text."));
        }

        var first = requestStream.Current;
        var importOptions = first.Options ?? throw Rejected(Rpc, RpcErrors.InvalidArgument("The first message of the stream must carry options."));
        var summary = await ImportAsync(Rpc, importOptions, reader => ReadStreamAsync(first, requestStream, reader, context), context)
            .ConfigureAwait(false);
        return new ImportGeoJsonStreamResponse { Summary = summary };
    }

    // Reads the GeoJSON while it arrives: the chunks go through a pipe to the reader, which parses and
    // builds territories on another thread, so the server never holds the whole text (a 200 MB file
    // used to sit in memory as bytes next to its territories) and reading overlaps receiving.
    private async Task<GeoJsonImportResult> ReadStreamAsync(ImportGeoJsonStreamRequest first,
        IAsyncStreamReader<ImportGeoJsonStreamRequest> requestStream, TerritoryGeoJsonReader reader, ServerCallContext context)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 8 << 20, resumeWriterThreshold: 4 << 20, useSynchronizationContext: false));
        var reading = Task.Run(async () =>
        {
            // Disposing the stream completes the pipe's reader, which tells the writer below to stop.
            await using var stream = pipe.Reader.AsStream();
            return await reader.ReadAsync(stream, context.CancellationToken).ConfigureAwait(false);
        });
        try
        {
            long bytes = 0;
            var message = first;
            for (var index = 0; ; index++)
            {
                if (index > 0 && message.Options is not null)
                {
                    throw RpcErrors.InvalidArgument($"Message {index} of the stream carries options; only the first may.");
                }

                bytes += message.Chunk.Length;
                if (bytes > _options.MaxImportBytes)
                {
                    throw RpcErrors.ResourceExhausted($"The GeoJSON passes the import limit of {_options.MaxImportBytes:N0} bytes (GeoAssign:MaxImportBytes); nothing was changed.");
                }

                var flushed = await pipe.Writer.WriteAsync(message.Chunk.Memory, context.CancellationToken).ConfigureAwait(false);
                // The reader has finished early (too many problems): what it found is the answer.
                if (flushed.IsCompleted || !await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
                {
                    break;
                }

                message = requestStream.Current;
            }

            await pipe.Writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The reader then fails with this same exception: wait for it to stop, and report the cause.
            await pipe.Writer.CompleteAsync(e).ConfigureAwait(false);
            await Task.WhenAny(reading).ConfigureAwait(false);
            _ = reading.Exception;
            throw;
        }

        return await reading.ConfigureAwait(false);
    }

    private async Task<ImportSummary> ImportAsync(string rpc, ImportGeoJsonOptions importOptions,
        Func<TerritoryGeoJsonReader, Task<GeoJsonImportResult>> readAsync, ServerCallContext context)
    {
        string layer;
        IReadOnlyList<DomainTerritory> territories;
        IReadOnlyList<int> featureIndexes;
        var repairs = new List<string>();
        var replace = importOptions.Mode == ImportMode.Replace;
        try
        {
            layer = RequestChecks.Layer(importOptions.Layer, "options.layer");
            if (importOptions.SkipFeaturesWithoutArea && !importOptions.RepairInvalidGeometry)
            {
                throw RpcErrors.InvalidArgument("options.skip_features_without_area needs options.repair_invalid_geometry: only a repair can leave a feature without area.");
            }

            var read = await readAsync(messages.ReaderFor(importOptions.RepairInvalidGeometry, layer)).ConfigureAwait(false);
            var skipped = new HashSet<int>();
            if (!read.IsValid)
            {
                if (!importOptions.SkipFeaturesWithoutArea || read.Problems.Any(p => p.Kind != ValidationProblemKind.NoAreaAfterRepair || p.FeatureIndex is null))
                {
                    throw messages.ReadFailure(read, "features");
                }

                foreach (var problem in read.Problems)
                {
                    skipped.Add(problem.FeatureIndex!.Value);
                    repairs.Add($"features[{problem.FeatureIndex}] (id \"{RequestChecks.Shorten(problem.TerritoryId ?? "")}\"): left out, as asked: {problem.Detail}.");
                }
            }

            foreach (var repair in read.Repairs)
            {
                if (!skipped.Contains(repair.FeatureIndex))
                {
                    repairs.Add($"features[{repair.FeatureIndex}] (id \"{RequestChecks.Shorten(repair.TerritoryId ?? "")}\"): repaired invalid geometry ({repair.Reason}); {repair.VerticesBefore} vertices before, {repair.VerticesAfter} after.");
                }
            }

            if (skipped.Count == 0)
            {
                featureIndexes = read.FeatureIndexes;
                territories = read.Territories;
            }
            else
            {
                var keptIndexes = new List<int>();
                var kept = new List<DomainTerritory>();
                for (var i = 0; i < read.Territories.Count; i++)
                {
                    if (!skipped.Contains(read.FeatureIndexes[i]))
                    {
                        keptIndexes.Add(read.FeatureIndexes[i]);
                        kept.Add(read.Territories[i]);
                    }
                }

                featureIndexes = keptIndexes;
                territories = kept;
            }
            var problems = new List<string>();
            for (var i = 0; i < territories.Count; i++)
            {
                var territory = territories[i];
                var name = $"features[{featureIndexes[i]}] (id \"{RequestChecks.Shorten(territory.Id)}\")";
                if (RequestChecks.IdProblem(territory.Id) is { } idProblem)
                {
                    problems.Add($"{name}: {idProblem}.");
                }

                if (RequestChecks.LayerProblem(territory.Layer) is { } layerProblem)
                {
                    problems.Add($"{name}: layer \"{RequestChecks.Shorten(territory.Layer)}\" {layerProblem}.");
                }
                else if (replace && territory.Layer != layer)
                {
                    problems.Add($"{name}: the feature's layer is \"{territory.Layer}\" but the import replaces layer \"{layer}\"; leave out its layer property or import it separately.");
                }

                if (territory.Attributes.Count > 0 && Encoding.UTF8.GetByteCount(territory.Attributes.ToJson()) > _options.MaxAttributesBytes)
                {
                    throw RpcErrors.ResourceExhausted($"{name}: the attributes are larger than {_options.MaxAttributesBytes:N0} bytes as compact JSON (GeoAssign:MaxAttributesBytes); nothing was changed.");
                }
            }

            if (problems.Count > 0)
            {
                throw RpcErrors.InvalidArgument($"{problems.Count} problems, nothing was changed:\n" + string.Join('\n', problems.Take(20)));
            }
        }
        catch (RpcException e)
        {
            throw Rejected(rpc, e);
        }

        var (map, summary) = await EditAsync(rpc, importOptions.HasExpectedVersion ? importOptions.ExpectedVersion : null, current =>
        {
            var summary = new ImportSummary();
            summary.Warnings.AddRange(repairs);
            var fileIds = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < territories.Count; i++)
            {
                var territory = territories[i];
                fileIds.Add(territory.Id);
                if (current.Territories.TryGetValue(territory.Id, out var existing))
                {
                    if (existing.Territory.Layer != territory.Layer)
                    {
                        throw RpcErrors.FailedPrecondition(
                            $"features[{featureIndexes[i]}] (id \"{RequestChecks.Shorten(territory.Id)}\"): the id already belongs to a territory of layer \"{existing.Territory.Layer}\" (ids are unique across layers); nothing was changed.");
                    }

                    summary.UpdatedCount++;
                }
                else
                {
                    summary.CreatedCount++;
                }
            }

            var deletes = new List<string>();
            if (replace)
            {
                foreach (var (id, entry) in current.Territories)
                {
                    if (entry.Territory.Layer == layer && !fileIds.Contains(id))
                    {
                        deletes.Add(id);
                    }
                }

                deletes.Sort(StringComparer.Ordinal);
            }

            summary.DeletedCount = (uint)deletes.Count;
            var change = territories.Count == 0 && deletes.Count == 0 ? null : new MapChange(current.Version + 1, territories, deletes);
            return (change, summary);
        }, "features", i => i < featureIndexes.Count ? featureIndexes[i] : i, context).ConfigureAwait(false);

        summary.MapVersion = (ulong)map.Version;
        return summary;
    }

    // Runs an edit through the map host and turns its failures into the statuses of the protos.
    private async Task<(TerritoryMap Map, T Plan)> EditAsync<T>(string rpc, ulong? expectedVersion,
        Func<TerritoryMap, (MapChange? Change, T Plan)> plan, string items, Func<int, int>? indexOf, ServerCallContext context)
    {
        try
        {
            var result = await Host.EditAsync(expectedVersion, plan, context.CancellationToken).ConfigureAwait(false);
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

    // ---- Reads ----

    public override async Task<GetTerritoryResponse> GetTerritory(GetTerritoryRequest request, ServerCallContext context)
    {
        if (request.Id.Length == 0)
        {
            throw RpcErrors.InvalidArgument("id is empty.");
        }

        var map = await maps.AtLeastAsync(request.MinVersion, context).ConfigureAwait(false);
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
        var map = await maps.AtLeastAsync(request.MinVersion, context).ConfigureAwait(false);
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
        var map = Host.Current;
        var status = Host.Status;
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
                ReplicaId = Host.ReplicaId,
                StoreKind = Host.Store.Kind == MapStoreKind.Redis ? StoreKind.Redis : StoreKind.Embedded,
                State = status.State switch
                {
                    ReplicaStatusState.Degraded => ReplicaState.Degraded,
                    ReplicaStatusState.CatchingUp => ReplicaState.CatchingUp,
                    _ => ReplicaState.Serving,
                },
                StoreVersion = (ulong)Math.Max(status.StoreVersion, map.Version),
                LagVersions = (ulong)Math.Max(0, status.StoreVersion - map.Version),
                Lag = Duration.FromTimeSpan(status.Lag),
                LastSyncTime = Timestamp.FromDateTimeOffset(status.LastSyncTime),
                LastError = status.LastError ?? "",
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
                BuiltVersion = (ulong)Host.LayerBuiltVersion(name),
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

    public override async Task WatchMap(WatchMapRequest request, IServerStreamWriter<WatchMapResponse> responseStream, ServerCallContext context)
    {
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        var cancellationToken = watching.Token;
        long last;
        try
        {
            if (request.AfterVersion == 0)
            {
                var current = Host.Current;
                var marker = Host.DescribeChanges(current.Version, current.Version);
                await responseStream.WriteAsync(new WatchMapResponse
                {
                    MapVersion = (ulong)current.Version,
                    PreviousVersion = (ulong)current.Version,
                    AppliedTime = Timestamp.FromDateTimeOffset(marker?.AppliedTime is { } t && t != default ? t : Host.LastSyncTime),
                }, cancellationToken).ConfigureAwait(false);
                last = current.Version;
            }
            else
            {
                last = request.AfterVersion > long.MaxValue ? long.MaxValue : (long)request.AfterVersion;
            }

            while (true)
            {
                // A slow reader finds several versions published by the time it asks again: they merge.
                var map = await Host.WaitForNewerAsync(last, cancellationToken).ConfigureAwait(false);
                var summary = Host.DescribeChanges(last, map.Version);
                var message = new WatchMapResponse
                {
                    MapVersion = (ulong)map.Version,
                    PreviousVersion = (ulong)last,
                    AppliedTime = Timestamp.FromDateTimeOffset(summary?.AppliedTime ?? DateTimeOffset.UtcNow),
                };
                if (summary is null)
                {
                    message.Resync = true;
                }
                else
                {
                    message.Layers.AddRange(summary.Layers);
                    message.UpsertedCount = (uint)summary.UpsertedIds.Count;
                    message.DeletedCount = (uint)summary.DeletedIds.Count;
                    message.UpsertedIds.AddRange(summary.UpsertedIds.Take(MaxWatchIds));
                    message.DeletedIds.AddRange(summary.DeletedIds.Take(MaxWatchIds));
                    message.IdsTruncated = summary.UpsertedIds.Count > MaxWatchIds || summary.DeletedIds.Count > MaxWatchIds;
                }

                await responseStream.WriteAsync(message, cancellationToken).ConfigureAwait(false);
                last = map.Version;
            }
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw RpcErrors.WithMapVersion(StatusCode.Unavailable,
                "The server is shutting down; reconnect, to any replica, with after_version = the last version seen.", Host.Current.Version);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Rpc} rejected with {StatusCode}: {Detail}")]
    private partial void LogRejected(string rpc, StatusCode statusCode, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Rpc} failed: the map store could not take the change. {Detail}")]
    private partial void LogStoreFailed(string rpc, string detail);
}

/// <summary>
/// ListTerritories page tokens: the last id sent and the filters, base64url-encoded. The token is
/// not secret (it names an id the caller has seen); it only lets the server resume after that id.
/// </summary>
internal static class PageToken
{
    private const string Version = "1";

    public static string Create(string afterId, string? layer, string owner)
    {
        var text = string.Join('\n', Version, layer ?? "", owner, afterId);
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static string Parse(string token, string? layer, string owner)
    {
        string[] parts;
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
            parts = Encoding.UTF8.GetString(Convert.FromBase64String(base64)).Split('\n', 4);
        }
        catch (FormatException)
        {
            throw RpcErrors.InvalidArgument("page_token was not issued by this server; pass the next_page_token of the previous page, or none for the first.");
        }

        if (parts.Length != 4 || parts[0] != Version || parts[3].Length == 0)
        {
            throw RpcErrors.InvalidArgument("page_token was not issued by this server; pass the next_page_token of the previous page, or none for the first.");
        }

        if (parts[1] != (layer ?? "") || parts[2] != owner)
        {
            throw RpcErrors.InvalidArgument("page_token belongs to a listing with other filters; keep layer and owner_id as they were for the first page.");
        }

        return parts[3];
    }
}

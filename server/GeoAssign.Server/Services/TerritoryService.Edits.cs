// TerritoryService edits: upsert, delete and the two imports, each one change through the replica.
using System.IO.Pipelines;
using GeoAssign.Index.GeoJson;
using GeoAssign.Index.Model;
using GeoAssign.Index.Validation;
using GeoAssign.Protos.V1;
using Grpc.Core;
using DomainTerritory = GeoAssign.Index.Model.Territory;

namespace GeoAssign.Server.Services;

internal sealed partial class TerritoryService
{
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

    // Reads the file, lets TerritoryImport check it and plan the change, and runs the change through the replica.
    private async Task<ImportSummary> ImportAsync(string rpc, ImportGeoJsonOptions importOptions,
        Func<TerritoryGeoJsonReader, Task<GeoJsonImportResult>> readAsync, ServerCallContext context)
    {
        TerritoryImport import;
        try
        {
            var replace = RequestChecks.ReplacesLayer(importOptions.Mode);
            var layer = RequestChecks.Layer(importOptions.Layer, "options.layer");
            if (importOptions.SkipFeaturesWithoutArea && !importOptions.RepairInvalidGeometry)
            {
                throw RpcErrors.InvalidArgument("options.skip_features_without_area needs options.repair_invalid_geometry: only a repair can leave a feature without area.");
            }

            var read = await readAsync(messages.ReaderFor(importOptions.RepairInvalidGeometry, layer)).ConfigureAwait(false);
            import = TerritoryImport.Prepare(read,
                new TerritoryImportOptions(layer, replace, importOptions.SkipFeaturesWithoutArea, _options.MaxAttributesBytes),
                messages.Validation);
        }
        catch (TerritoryValidationException e)
        {
            throw Rejected(rpc, RpcErrors.FromProblems(e.Problems, e.TotalProblemCount, "features"));
        }
        catch (RpcException e)
        {
            throw Rejected(rpc, e);
        }

        var (map, plan) = await EditAsync(rpc, importOptions.HasExpectedVersion ? importOptions.ExpectedVersion : null, current =>
        {
            var plan = import.PlanAgainst(current);
            return (plan.Change, plan);
        }, "features", import.FeatureIndexOf, context).ConfigureAwait(false);

        var summary = new ImportSummary
        {
            MapVersion = (ulong)map.Version,
            CreatedCount = (uint)plan.Created,
            UpdatedCount = (uint)plan.Updated,
            DeletedCount = (uint)plan.Deleted,
        };
        summary.Warnings.AddRange(import.Warnings);
        return summary;
    }
}

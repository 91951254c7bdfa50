// TerritoryService edits: upsert, delete and the imports, each one change through the replica.
using GeoAssign.Index.GeoJson;
using GeoAssign.Index.Model;
using GeoAssign.Index.Validation;
using GeoAssign.Protos.V1;
using Google.Protobuf;
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
            throw edits.Rejected(Rpc, RpcErrors.InvalidArgument("territories is empty; send 1 to 10,000 territories."));
        }

        if (count > _options.MaxTerritoriesPerEdit)
        {
            throw edits.Rejected(Rpc, RpcErrors.ResourceExhausted($"The request has {count:N0} territories; the limit is {_options.MaxTerritoriesPerEdit:N0} per call (GeoAssign:MaxTerritoriesPerEdit)."));
        }

        IReadOnlyList<DomainTerritory> territories;
        try
        {
            territories = messages.FromMessages(request.Territories);
        }
        catch (RpcException e)
        {
            throw edits.Rejected(Rpc, e);
        }

        var plan = RequestChecks.Plan(request.Plan);
        var (state, counts) = await edits.RunAsync(Rpc, plan, request.HasExpectedVersion ? request.ExpectedVersion : null, state =>
        {
            var current = MapEdits.Target(state, plan);
            var created = 0;
            foreach (var territory in territories)
            {
                created += current.Territories.ContainsKey(territory.Id) ? 0 : 1;
            }

            var change = new MapChange(state.NextVersion, territories, []) { Plan = plan.NullIfEmpty(), Info = MapEdits.Info(context, request.Message) };
            return (change, (Created: created, Updated: territories.Count - created));
        }, "territories", null, context).ConfigureAwait(false);

        return new UpsertTerritoriesResponse { MapVersion = (ulong)MapEdits.Target(state, plan).Version, CreatedCount = (uint)counts.Created, UpdatedCount = (uint)counts.Updated };
    }

    public override async Task<DeleteTerritoriesResponse> DeleteTerritories(DeleteTerritoriesRequest request, ServerCallContext context)
    {
        const string Rpc = "DeleteTerritories";
        var ids = request.Ids;
        if (ids.Count == 0)
        {
            throw edits.Rejected(Rpc, RpcErrors.InvalidArgument("ids is empty; name 1 to 10,000 territories."));
        }

        if (ids.Count > _options.MaxTerritoriesPerEdit)
        {
            throw edits.Rejected(Rpc, RpcErrors.ResourceExhausted($"The request has {ids.Count:N0} ids; the limit is {_options.MaxTerritoriesPerEdit:N0} per call (GeoAssign:MaxTerritoriesPerEdit)."));
        }

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < ids.Count; i++)
        {
            if (ids[i].Length == 0)
            {
                throw edits.Rejected(Rpc, RpcErrors.InvalidArgument($"ids[{i}] is empty."));
            }

            if (!seen.TryAdd(ids[i], i))
            {
                throw edits.Rejected(Rpc, RpcErrors.InvalidArgument($"ids[{i}] (\"{RequestChecks.Shorten(ids[i])}\") repeats ids[{seen[ids[i]]}]; name each territory once."));
            }
        }

        var plan = RequestChecks.Plan(request.Plan);
        var (state, deleted) = await edits.RunAsync(Rpc, plan, request.HasExpectedVersion ? request.ExpectedVersion : null, state =>
        {
            var current = MapEdits.Target(state, plan);
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

            var change = existing.Count == 0 ? null
                : new MapChange(state.NextVersion, [], existing) { Plan = plan.NullIfEmpty(), Info = MapEdits.Info(context, request.Message) };
            return (change, existing.Count);
        }, "ids", null, context).ConfigureAwait(false);

        return new DeleteTerritoriesResponse { MapVersion = (ulong)MapEdits.Target(state, plan).Version, DeletedCount = (uint)deleted };
    }

    public override async Task<ImportGeoJsonResponse> ImportGeoJson(ImportGeoJsonRequest request, ServerCallContext context)
    {
        var summary = await ImportAsync("ImportGeoJson", request.Options ?? new ImportGeoJsonOptions(),
            reader => ReadWholeAsync(request.FeatureCollection, reader, context), context).ConfigureAwait(false);
        return new ImportGeoJsonResponse { Summary = summary };
    }

    // The HTTP route's import: the options come as top-level fields (query parameters), the file as the body.
    public override async Task<ImportGeoJsonResponse> ImportGeoJsonBody(ImportGeoJsonBodyRequest request, ServerCallContext context)
    {
        var importOptions = new ImportGeoJsonOptions
        {
            Layer = request.Layer,
            Mode = request.Mode,
            RepairInvalidGeometry = request.RepairInvalidGeometry,
            SkipFeaturesWithoutArea = request.SkipFeaturesWithoutArea,
            Plan = request.Plan,
            Message = request.Message,
        };
        if (request.HasExpectedVersion)
        {
            importOptions.ExpectedVersion = request.ExpectedVersion;
        }

        var text = request.Body?.Data ?? ByteString.Empty;
        var summary = await ImportAsync("ImportGeoJsonBody", importOptions, reader => ReadWholeAsync(text, reader, context), context, optionsField: "")
            .ConfigureAwait(false);
        return new ImportGeoJsonResponse { Summary = summary };
    }

    private static async Task<GeoJsonImportResult> ReadWholeAsync(ByteString text, TerritoryGeoJsonReader reader, ServerCallContext context)
    {
        var bytes = text.Memory;
        using var stream = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(bytes, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(bytes.ToArray(), writable: false);
        return await reader.ReadAsync(stream, context.CancellationToken).ConfigureAwait(false);
    }

    public override async Task<ImportGeoJsonStreamResponse> ImportGeoJsonStream(IAsyncStreamReader<ImportGeoJsonStreamRequest> requestStream,
        ServerCallContext context)
    {
        const string Rpc = "ImportGeoJsonStream";
        if (!await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
        {
            throw edits.Rejected(Rpc, RpcErrors.InvalidArgument("The stream is empty: send the options and the GeoJSON text."));
        }

        var first = requestStream.Current;
        var importOptions = first.Options ?? throw edits.Rejected(Rpc, RpcErrors.InvalidArgument("The first message of the stream must carry options."));
        var summary = await ImportAsync(Rpc, importOptions, reader => ReadStreamAsync(first, requestStream, reader, context), context)
            .ConfigureAwait(false);
        return new ImportGeoJsonStreamResponse { Summary = summary };
    }

    // Reads the GeoJSON while it arrives (a 200 MB file used to sit in memory as bytes next to its territories).
    private Task<GeoJsonImportResult> ReadStreamAsync(ImportGeoJsonStreamRequest first,
        IAsyncStreamReader<ImportGeoJsonStreamRequest> requestStream, TerritoryGeoJsonReader reader, ServerCallContext context) =>
        StreamedText.ReadAsync(first, requestStream, m => m.Chunk, m => m.Options is not null, _options.MaxImportBytes, "The GeoJSON", "",
            (stream, cancellationToken) => reader.ReadAsync(stream, cancellationToken), context.CancellationToken);

    // Reads the file, lets TerritoryImport check it and plan the change, and runs the change through the replica.
    // optionsField prefixes the option names in error messages ("options." where they are a message of their own).
    private async Task<ImportSummary> ImportAsync(string rpc, ImportGeoJsonOptions importOptions,
        Func<TerritoryGeoJsonReader, Task<GeoJsonImportResult>> readAsync, ServerCallContext context, string optionsField = "options.")
    {
        TerritoryImport import;
        string plan;
        try
        {
            plan = RequestChecks.Plan(importOptions.Plan, optionsField + "plan");
            var replace = RequestChecks.ReplacesLayer(importOptions.Mode, optionsField + "mode");
            var layer = RequestChecks.Layer(importOptions.Layer, optionsField + "layer");
            if (importOptions.SkipFeaturesWithoutArea && !importOptions.RepairInvalidGeometry)
            {
                throw RpcErrors.InvalidArgument($"{optionsField}skip_features_without_area needs {optionsField}repair_invalid_geometry: only a repair can leave a feature without area.");
            }

            var read = await readAsync(messages.ReaderFor(importOptions.RepairInvalidGeometry, layer)).ConfigureAwait(false);
            import = TerritoryImport.Prepare(read,
                new TerritoryImportOptions(layer, replace, importOptions.SkipFeaturesWithoutArea, _options.MaxAttributesBytes),
                messages.Validation);
        }
        catch (TerritoryValidationException e)
        {
            throw edits.Rejected(rpc, RpcErrors.FromProblems(e.Problems, e.TotalProblemCount, "features"));
        }
        catch (RpcException e)
        {
            throw edits.Rejected(rpc, e);
        }

        var (state, planned) = await edits.RunAsync(rpc, plan, importOptions.HasExpectedVersion ? importOptions.ExpectedVersion : null, state =>
        {
            var planned = import.PlanAgainst(MapEdits.Target(state, plan), state.NextVersion);
            var change = planned.Change is null ? null : planned.Change.For(plan.NullIfEmpty(), MapEdits.Info(context, importOptions.Message));
            return (change, planned);
        }, "features", import.FeatureIndexOf, context).ConfigureAwait(false);

        var summary = new ImportSummary
        {
            MapVersion = (ulong)MapEdits.Target(state, plan).Version,
            CreatedCount = (uint)planned.Created,
            UpdatedCount = (uint)planned.Updated,
            DeletedCount = (uint)planned.Deleted,
        };
        summary.Warnings.AddRange(import.Warnings);
        return summary;
    }
}

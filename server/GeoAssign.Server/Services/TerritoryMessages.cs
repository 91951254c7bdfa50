// Translates territories between the API's messages and the domain model.
using System.Buffers;
using System.Text.Json;
using GeoAssign.Index.GeoJson;
using GeoAssign.Index.Validation;
using GeoAssign.Server.Hosting;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using NetTopologySuite.IO.Converters;
using Microsoft.Extensions.Options;
using DomainTerritory = GeoAssign.Index.Model.Territory;
using ProtoTerritory = GeoAssign.Protos.V1.Territory;

namespace GeoAssign.Server.Services;

/// <summary>
/// Turns Territory messages into domain territories and back. Incoming territories are written as
/// one GeoJSON FeatureCollection and read by <see cref="TerritoryGeoJsonReader"/>, so an upsert
/// parses geometry and properties exactly as an import does. Thread-safe.
/// </summary>
internal sealed class TerritoryMessages
{
    private static readonly JsonSerializerOptions GeometryJson = CreateGeometryJson();
    private readonly GeoAssignServerOptions _options;
    private readonly TerritoryGeoJsonReader _reader;
    private readonly TerritoryGeoJsonReader _repairingReader;
    private readonly ValidationOptions _validation;

    public TerritoryMessages(IOptions<GeoAssignServerOptions> options)
    {
        _options = options.Value;
        _validation = _options.ToValidationOptions();
        _reader = CreateReader(repair: false, DomainTerritory.DefaultLayer);
        _repairingReader = CreateReader(repair: true, DomainTerritory.DefaultLayer);
    }

    /// <summary>The validation limits of this server.</summary>
    public ValidationOptions Validation => _validation;

    /// <summary>
    /// The reader of an import, with the server's limits: repairing or not, and giving features without
    /// a <c>layer</c> property <paramref name="layer"/> (ImportGeoJsonOptions.layer). The two readers for
    /// the default layer are made once; another layer gets its own.
    /// </summary>
    public TerritoryGeoJsonReader ReaderFor(bool repair, string layer) =>
        layer == DomainTerritory.DefaultLayer ? (repair ? _repairingReader : _reader) : CreateReader(repair, layer);

    private TerritoryGeoJsonReader CreateReader(bool repair, string layer) => new(new GeoJsonReadOptions
    {
        Validation = _validation,
        // A feature of ImportGeoJsonStream may be larger than one message.
        MaxFeatureBytes = Math.Max(_options.MaxMessageBytes, GeoJsonReadOptions.Default.MaxFeatureBytes),
        RepairInvalidGeometry = repair,
        DefaultLayer = layer,
    });

    /// <summary>
    /// The domain territories of an upsert; INVALID_ARGUMENT or RESOURCE_EXHAUSTED naming
    /// <c>territories[i]</c> when a field is malformed or too large. Geometry validity, parents and
    /// limits across the map are checked later, against the map.
    /// </summary>
    public IReadOnlyList<DomainTerritory> FromMessages(RepeatedField<ProtoTerritory> territories)
    {
        var problems = new List<string>();
        var tooLarge = new List<string>();
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "FeatureCollection");
            writer.WriteStartArray("features");
            for (var i = 0; i < territories.Count; i++)
            {
                var territory = territories[i];
                var name = $"territories[{i}]" + (territory.Id.Length == 0 ? "" : $" (id \"{RequestChecks.Shorten(territory.Id)}\")");
                var before = problems.Count + tooLarge.Count;
                if (GeoAssign.Index.Model.TerritoryNames.IdProblem(territory.Id) is { } idProblem)
                {
                    problems.Add($"{name}: {idProblem}.");
                }

                if (territory.Layer.Length != 0 && GeoAssign.Index.Model.TerritoryNames.LayerProblem(territory.Layer) is { } layerProblem)
                {
                    problems.Add($"{name}: layer \"{RequestChecks.Shorten(territory.Layer)}\" {layerProblem}.");
                }

                if (territory.ParentId.Length != 0 && GeoAssign.Index.Model.TerritoryNames.IdProblem(territory.ParentId) is { } parentProblem)
                {
                    problems.Add($"{name}: parent_id: {parentProblem}.");
                }

                byte[]? attributes = null;
                if (territory.Attributes is { Fields.Count: > 0 } fields)
                {
                    attributes = CompactJson(JsonFormatter.Default.Format(fields));
                    if (attributes.Length > _options.MaxAttributesBytes)
                    {
                        tooLarge.Add($"{name}: the attributes are {attributes.Length:N0} bytes as compact JSON; the limit is {_options.MaxAttributesBytes:N0} (GeoAssign:MaxAttributesBytes).");
                    }

                    foreach (var key in fields.Fields.Keys)
                    {
                        if (TerritoryValidator.ReservedPropertyNames.Contains(key))
                        {
                            problems.Add($"{name}: the attribute \"{key}\" has the name of a territory field; set the field instead.");
                        }
                    }
                }

                if (territory.GeometryGeojson.Length == 0)
                {
                    problems.Add($"{name}: geometry_geojson is required (a GeoJSON Polygon or MultiPolygon).");
                }
                else if (JsonProblem(territory.GeometryGeojson) is { } jsonProblem)
                {
                    problems.Add($"{name}: geometry_geojson is not JSON: {jsonProblem}.");
                }

                if (problems.Count + tooLarge.Count > before)
                {
                    continue;
                }

                writer.WriteStartObject();
                writer.WriteString("type", "Feature");
                writer.WriteString("id", territory.Id);
                writer.WritePropertyName("geometry");
                writer.WriteRawValue(territory.GeometryGeojson, skipInputValidation: true);
                writer.WriteStartObject("properties");
                writer.WriteString("name", territory.Name);
                writer.WriteString("owner_id", territory.OwnerId);
                if (territory.Layer.Length != 0)
                {
                    writer.WriteString("layer", territory.Layer);
                }

                writer.WriteNumber("priority", territory.Priority);
                if (territory.ParentId.Length != 0)
                {
                    writer.WriteString("parent_id", territory.ParentId);
                }

                if (attributes is not null)
                {
                    using var document = JsonDocument.Parse(attributes);
                    foreach (var property in document.RootElement.EnumerateObject())
                    {
                        property.WriteTo(writer);
                    }
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        if (problems.Count > 0)
        {
            throw RpcErrors.InvalidArgument(Join(problems));
        }

        if (tooLarge.Count > 0)
        {
            throw RpcErrors.ResourceExhausted(Join(tooLarge));
        }

        using var stream = new MemoryStream(buffer.WrittenMemory.ToArray(), writable: false);
        var read = _reader.Read(stream);
        if (!read.IsValid)
        {
            throw ReadFailure(read, "territories");
        }

        return read.Territories;
    }

    /// <summary>
    /// The error for a GeoJSON read that found problems: those, plus what validation finds in the
    /// features that did read, so that one answer lists every problem it can.
    /// </summary>
    public RpcException ReadFailure(GeoJsonImportResult read, string items)
    {
        var problems = read.ProblemsWithTerritoryChecks(new TerritoryValidator(_validation));
        return RpcErrors.FromProblems(problems.Problems, problems.TotalProblemCount, items);
    }

    /// <summary>A territory as a message, with or without its geometry.</summary>
    public static ProtoTerritory ToMessage(DomainTerritory territory, bool includeGeometry)
    {
        var message = new ProtoTerritory
        {
            Id = territory.Id,
            Name = territory.Name,
            OwnerId = territory.OwnerId,
            Layer = territory.Layer,
            Priority = territory.Priority,
            ParentId = territory.ParentId ?? "",
        };
        if (territory.Attributes.Count > 0)
        {
            message.Attributes = JsonParser.Default.Parse<Struct>(territory.Attributes.ToJson());
        }

        if (includeGeometry)
        {
            message.GeometryGeojson = JsonSerializer.Serialize(territory.Geometry, GeometryJson);
        }

        return message;
    }

    private static JsonSerializerOptions CreateGeometryJson()
    {
        // As the GeoJSON export writes geometry: rings as they are, no bbox, non-ASCII unescaped.
        var options = new JsonSerializerOptions
        {
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
        };
        options.Converters.Add(new GeoJsonConverterFactory(
            NetTopologySuite.NtsGeometryServices.Instance.CreateGeometryFactory(4326), false, "id", RingOrientationOption.DoNotModify));
        options.MakeReadOnly();
        return options;
    }

    private static byte[] CompactJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            document.RootElement.WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static string? JsonProblem(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object ? null : $"it is a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an object";
        }
        catch (JsonException e)
        {
            return e.Message;
        }
    }

    private static string Join(List<string> problems)
    {
        var listed = problems.Take(20).ToList();
        var text = (problems.Count == 1 ? "1 problem" : $"{problems.Count} problems") + ", nothing was changed:\n" + string.Join('\n', listed);
        return problems.Count > listed.Count ? text + $"\n… and {problems.Count - listed.Count} more." : text;
    }
}

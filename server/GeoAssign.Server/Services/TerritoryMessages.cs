// Translates territories between the API's messages and the domain model.
using System.Buffers;
using System.Text.Json;
using GeoAssign.Index.GeoJson;
using GeoAssign.Index.Model;
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
        var problems = new List<ValidationProblem>();
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "FeatureCollection");
            writer.WriteStartArray("features");
            for (var i = 0; i < territories.Count; i++)
            {
                var territory = territories[i];
                var before = problems.Count;
                var attributes = CheckFields(territory, i, problems);
                if (problems.Count == before)
                {
                    WriteFeature(writer, territory, attributes);
                }
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        if (problems.Count > 0)
        {
            throw RpcErrors.FromProblems(problems, problems.Count, "territories");
        }

        using var stream = new MemoryStream(buffer.WrittenMemory.ToArray(), writable: false);
        var read = _reader.Read(stream);
        if (!read.IsValid)
        {
            throw ReadFailure(read, "territories");
        }

        return read.Territories;
    }

    // The checks of one message's own fields; returns its attributes as compact JSON when it has any.
    private byte[]? CheckFields(ProtoTerritory territory, int index, List<ValidationProblem> problems)
    {
        var id = territory.Id.Length == 0 ? null : RequestChecks.Shorten(territory.Id);
        void Add(ValidationProblemKind kind, string detail, string? fix = null) => problems.Add(new ValidationProblem(kind, id, index, detail) { Fix = fix });

        if (TerritoryNames.IdProblem(territory.Id) is { } idProblem)
        {
            Add(ValidationProblemKind.InvalidId, idProblem);
        }

        if (territory.Layer.Length != 0 && TerritoryNames.LayerProblem(territory.Layer) is { } layerProblem)
        {
            Add(ValidationProblemKind.InvalidLayer, $"layer \"{RequestChecks.Shorten(territory.Layer)}\" {layerProblem}");
        }

        if (territory.ParentId.Length != 0 && TerritoryNames.IdProblem(territory.ParentId) is { } parentProblem)
        {
            Add(ValidationProblemKind.InvalidId, $"parent_id: {parentProblem}");
        }

        if (territory.GeometryGeojson.Length == 0)
        {
            Add(ValidationProblemKind.MissingGeometry, "geometry_geojson is required (a GeoJSON Polygon or MultiPolygon)");
        }
        else if (JsonProblem(territory.GeometryGeojson) is { } jsonProblem)
        {
            Add(ValidationProblemKind.MalformedGeometry, $"geometry_geojson is not JSON: {jsonProblem.TrimEnd('.')}");
        }

        if (territory.Attributes is not { Fields.Count: > 0 } fields)
        {
            return null;
        }

        var before = problems.Count;
        foreach (var (key, value) in fields.Fields)
        {
            if (key.Length == 0)
            {
                Add(ValidationProblemKind.InvalidAttribute, "an attribute has an empty name", "give it one");
            }
            else if (TerritoryValidator.ReservedPropertyNames.Contains(key))
            {
                Add(ValidationProblemKind.ReservedAttribute, $"the attribute \"{key}\" has the name of a territory field", "set the field instead");
            }
            else
            {
                CheckAttribute(value, $"attributes[\"{RequestChecks.Shorten(key)}\"]", 0, Add);
            }
        }

        if (problems.Count > before)
        {
            return null;
        }

        var json = AttributesJson(fields);
        if (json.Length > _options.MaxAttributesBytes)
        {
            Add(ValidationProblemKind.AttributesTooLarge, $"the attributes are {json.Length:N0} bytes as compact JSON; the limit is {_options.MaxAttributesBytes:N0} (GeoAssign:MaxAttributesBytes)");
        }

        return json;
    }

    // A checked message as one GeoJSON feature, for the reader that reads imports.
    private static void WriteFeature(Utf8JsonWriter writer, ProtoTerritory territory, byte[]? attributes)
    {
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

    // What JSON, and so a stored territory, cannot hold exactly as given: refused with INVALID_ARGUMENT
    // naming the value, never rewritten (protobuf's JSON mapping would store NaN as the string "NaN").
    // The depth limit is the one every attribute keeps, however it arrives (TerritoryAttributes.MaxDepth).
    private static void CheckAttribute(Value value, string path, int depth, Action<ValidationProblemKind, string, string?> add)
    {
        switch (value.KindCase)
        {
            case Value.KindOneofCase.None:
                add(ValidationProblemKind.InvalidAttribute, $"{path} has no kind set", "a google.protobuf.Value needs one (null_value for JSON null)");
                break;
            case Value.KindOneofCase.NumberValue when !double.IsFinite(value.NumberValue):
                add(ValidationProblemKind.InvalidAttribute, $"{path} is {RequestChecks.Format(value.NumberValue)}; JSON has no NaN or infinities, so it cannot be kept as given",
                    "store it as a string or leave it out");
                break;
            case Value.KindOneofCase.StructValue or Value.KindOneofCase.ListValue when depth == TerritoryAttributes.MaxDepth:
                add(ValidationProblemKind.InvalidAttribute, $"{path} nests lists and objects more than {TerritoryAttributes.MaxDepth} levels deep", "flatten it");
                break;
            case Value.KindOneofCase.StructValue:
                foreach (var (key, inner) in value.StructValue.Fields)
                {
                    if (key.Length == 0)
                    {
                        add(ValidationProblemKind.InvalidAttribute, $"{path} holds an empty name", "give every member a name");
                        continue;
                    }

                    CheckAttribute(inner, $"{path}[\"{RequestChecks.Shorten(key)}\"]", depth + 1, add);
                }

                break;
            case Value.KindOneofCase.ListValue:
                var values = value.ListValue.Values;
                for (var i = 0; i < values.Count; i++)
                {
                    CheckAttribute(values[i], $"{path}[{i}]", depth + 1, add);
                }

                break;
        }
    }

    // Compact JSON of checked attributes (see CheckAttribute), written as the GeoJSON writer writes properties.
    private static byte[] AttributesJson(Struct attributes)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteObject(writer, attributes);
        }

        return buffer.WrittenSpan.ToArray();

        static void WriteObject(Utf8JsonWriter writer, Struct value)
        {
            writer.WriteStartObject();
            foreach (var (key, inner) in value.Fields)
            {
                writer.WritePropertyName(key);
                WriteValue(writer, inner);
            }

            writer.WriteEndObject();
        }

        static void WriteValue(Utf8JsonWriter writer, Value value)
        {
            switch (value.KindCase)
            {
                case Value.KindOneofCase.NullValue:
                    writer.WriteNullValue();
                    break;
                case Value.KindOneofCase.NumberValue:
                    writer.WriteNumberValue(value.NumberValue);
                    break;
                case Value.KindOneofCase.StringValue:
                    writer.WriteStringValue(value.StringValue);
                    break;
                case Value.KindOneofCase.BoolValue:
                    writer.WriteBooleanValue(value.BoolValue);
                    break;
                case Value.KindOneofCase.StructValue:
                    WriteObject(writer, value.StructValue);
                    break;
                case Value.KindOneofCase.ListValue:
                    writer.WriteStartArray();
                    foreach (var item in value.ListValue.Values)
                    {
                        WriteValue(writer, item);
                    }

                    writer.WriteEndArray();
                    break;
                default:
                    throw new InvalidOperationException("Attributes are checked before they are written.");
            }
        }
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
}

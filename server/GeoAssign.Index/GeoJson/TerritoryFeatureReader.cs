// Maps one GeoJSON Feature to a territory: its id, reserved properties, attributes and geometry.
using System.Text.Json;
using GeoAssign.Index.Model;
using GeoAssign.Index.Validation;
using NtsGeometry = NetTopologySuite.Geometries.Geometry;

namespace GeoAssign.Index.GeoJson;

/// <summary>
/// Reads one Feature into a <see cref="Territory"/>, reporting wrongly typed properties and unreadable
/// geometry as problems that name the feature. Not thread-safe: one per read (it reuses a set of names).
/// </summary>
internal sealed class TerritoryFeatureReader(GeoJsonReadOptions options)
{
    private static readonly NtsGeometry Placeholder = GeoJsonSerialization.Factory.CreateMultiPolygon();

    private readonly HashSet<string> _propertyNames = new(StringComparer.Ordinal);

    /// <summary>
    /// The territory of one Feature; its problems go to <paramref name="collected"/>, its repair (when
    /// asked for) to <paramref name="repairs"/>. A geometry that cannot be read becomes an empty placeholder.
    /// </summary>
    public Territory Read(JsonElement feature, int index, ProblemCollector collected, List<GeometryRepairRecord> repairs)
    {
        string? type = null;
        JsonElement idElement = default, geometryElement = default, propertiesElement = default;
        List<string>? repeated = null;
        foreach (var member in feature.EnumerateObject())
        {
            switch (member.Name)
            {
                case "type":
                    Repeated(type is not null, member.Name, ref repeated);
                    type = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString() : member.Value.GetRawText();
                    break;
                case "id":
                    Repeated(idElement.ValueKind != JsonValueKind.Undefined, member.Name, ref repeated);
                    idElement = member.Value;
                    break;
                case "geometry":
                    Repeated(geometryElement.ValueKind != JsonValueKind.Undefined, member.Name, ref repeated);
                    geometryElement = member.Value;
                    break;
                case "properties":
                    Repeated(propertiesElement.ValueKind != JsonValueKind.Undefined, member.Name, ref repeated);
                    propertiesElement = member.Value;
                    break;
            }
        }

        // The id first, so that every other problem can name the feature.
        var problems = new List<ValidationProblem>();
        var id = ReadIdValue(idElement, "id", null, index, problems);
        var hasProperties = propertiesElement.ValueKind == JsonValueKind.Object;
        if (hasProperties && propertiesElement.TryGetProperty("id", out var idProperty))
        {
            var propertyId = ReadIdValue(idProperty, "the \"id\" property", id, index, problems);
            if (id is not null && propertyId is not null && id != propertyId)
            {
                problems.Add(new ValidationProblem(ValidationProblemKind.ConflictingId, id, index,
                    $"the feature id '{id}' and the \"id\" property '{propertyId}' differ")
                {
                    Fix = "give the id once, as the feature \"id\"",
                });
            }

            id ??= propertyId;
        }

        if (type != "Feature")
        {
            problems.Add(new ValidationProblem(ValidationProblemKind.MalformedFeature, id, index,
                type is null ? "the feature has no \"type\": \"Feature\"" : $"the feature's \"type\" is {type}, not \"Feature\""));
        }

        // RFC 8259 leaves it to each reader which of two equal names counts: the file would mean
        // different things to different readers, so it is refused rather than read one way.
        foreach (var member in repeated ?? [])
        {
            problems.Add(new ValidationProblem(ValidationProblemKind.MalformedFeature, id, index,
                $"the feature has \"{member}\" more than once")
            {
                Fix = $"give \"{member}\" once",
            });
        }

        string name = "", owner = "", layer = options.DefaultLayer;
        string? parent = null;
        var priority = 0;
        var attributes = TerritoryAttributes.Empty;
        if (hasProperties)
        {
            List<KeyValuePair<string, JsonElement>>? extra = null;
            _propertyNames.Clear();
            foreach (var property in propertiesElement.EnumerateObject())
            {
                if (!_propertyNames.Add(property.Name))
                {
                    problems.Add(new ValidationProblem(ValidationProblemKind.DuplicateProperty, id, index,
                        $"the property \"{property.Name}\" appears more than once")
                    {
                        Fix = "give each property once",
                    });
                    continue;
                }

                var value = property.Value;
                switch (property.Name)
                {
                    case "id":
                        break;
                    case "name":
                        name = ReadString(value, "name", "", id, index, problems);
                        break;
                    case "owner_id":
                        owner = ReadString(value, "owner_id", "", id, index, problems);
                        break;
                    case "layer":
                        layer = ReadString(value, "layer", options.DefaultLayer, id, index, problems);
                        break;
                    case "parent_id":
                        parent = ReadIdValue(value, "parent_id", id, index, problems);
                        break;
                    case "priority":
                        priority = ReadPriority(value, id, index, problems);
                        break;
                    default:
                        // An attribute that could not come back as given is reported and left out.
                        if (AttributeRules.Check(property.Name, value, id, index) is { } problem)
                        {
                            problems.Add(problem);
                        }
                        else
                        {
                            (extra ??= []).Add(new(property.Name, value));
                        }

                        break;
                }
            }

            if (extra is not null)
            {
                attributes = TerritoryAttributes.Create(extra);
            }
        }
        else if (propertiesElement.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
        {
            problems.Add(new ValidationProblem(ValidationProblemKind.WrongPropertyType, id, index,
                $"\"properties\" is a JSON {propertiesElement.ValueKind.ToString().ToLowerInvariant()}, not an object")
            {
                Fix = "give the properties as an object: \"properties\": {\"owner_id\": \"rep-001\", …}",
            });
        }

        var geometry = ReadGeometry(geometryElement, id, index, problems);
        foreach (var problem in problems)
        {
            collected.Add(problem);
        }

        if (geometry is not null && options.RepairInvalidGeometry)
        {
            geometry = ImportedGeometryRepair.Apply(geometry, id, index, repairs, collected);
        }

        return new Territory
        {
            Id = id ?? "",
            Name = name,
            OwnerId = owner,
            Layer = layer,
            Priority = priority,
            ParentId = parent,
            Attributes = attributes,
            Geometry = geometry ?? Placeholder,
        };
    }

    private static void Repeated(bool seen, string name, ref List<string>? repeated)
    {
        if (seen && !(repeated ??= []).Contains(name))
        {
            repeated.Add(name);
        }
    }

    // Ids are strings; integers are accepted as their decimal text, as GeoJSON allows numeric feature ids.
    private static string? ReadIdValue(JsonElement value, string what, string? id, int index, List<ValidationProblem> problems)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return null;
            case JsonValueKind.String:
                return value.GetString();
            case JsonValueKind.Number when value.TryGetInt64(out var number):
                return number.ToString(System.Globalization.CultureInfo.InvariantCulture);
            default:
                problems.Add(new ValidationProblem(ValidationProblemKind.WrongPropertyType, id, index,
                    $"{what} is {Show(value)}; it must be a string or an integer")
                {
                    Fix = $"write {what} as a string, e.g. \"T-17\"",
                });
                return null;
        }
    }

    private static string ReadString(JsonElement value, string property, string fallback, string? id, int index,
        List<ValidationProblem> problems)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return fallback;
            case JsonValueKind.String:
                return value.GetString() ?? fallback;
            default:
                problems.Add(new ValidationProblem(ValidationProblemKind.WrongPropertyType, id, index,
                    $"\"{property}\" is {Show(value)}; it must be a string")
                {
                    Fix = $"write \"{property}\" as a string, e.g. \"{property}\": \"{(value.ValueKind == JsonValueKind.Number ? value.GetRawText() : "…")}\"",
                });

                // Not empty, so that a wrongly typed owner_id is not also reported as missing.
                return value.GetRawText();
        }
    }

    private static int ReadPriority(JsonElement value, string? id, int index, List<ValidationProblem> problems)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return 0;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var priority))
        {
            return priority;
        }

        var detail = value.ValueKind == JsonValueKind.Number
            ? $"\"priority\" is {value.GetRawText()}; it must be a whole number from {int.MinValue} to {int.MaxValue}"
            : $"\"priority\" is {Show(value)}; it must be an integer number";
        problems.Add(new ValidationProblem(ValidationProblemKind.WrongPropertyType, id, index, detail)
        {
            Fix = "write the priority as a JSON integer without quotes, e.g. \"priority\": 10 (higher wins at borders)",
        });
        return 0;
    }

    private static string Show(JsonElement value)
    {
        var text = value.GetRawText();
        if (text.Length > 40)
        {
            text = text[..40] + "…";
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => $"the string {text}",
            JsonValueKind.Number => $"the number {text}",
            JsonValueKind.True or JsonValueKind.False => $"the boolean {text}",
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            _ => text,
        };
    }

    private static NtsGeometry? ReadGeometry(JsonElement element, string? id, int index, List<ValidationProblem> problems)
    {
        if (element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            problems.Add(new ValidationProblem(ValidationProblemKind.MissingGeometry, id, index,
                element.ValueKind == JsonValueKind.Null ? "the geometry is null" : "the feature has no \"geometry\"")
            {
                Fix = "give the feature a Polygon or MultiPolygon geometry",
            });
            return null;
        }

        // NTS's reader keeps the last of two equal members; the file would mean different things to
        // different readers.
        if (GeometryDiagnosis.RepeatedMember(element) is { } repeatedMember)
        {
            problems.Add(GeometryDiagnosis.Malformed(id, index, $"the geometry has \"{repeatedMember}\" more than once"));
            return null;
        }

        if (!GeometryDiagnosis.HasExactType(element))
        {
            GeometryDiagnosis.Diagnose(element, id, index, problems);
            return null;
        }

        try
        {
            var geometry = element.Deserialize<NtsGeometry>(GeoJsonSerialization.Options);
            if (geometry is not null)
            {
                return geometry;
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // NTS's reader refuses unclosed and short rings, bad positions and unknown types by
            // throwing; the diagnosis below says precisely what and where.
            if (!GeometryDiagnosis.Diagnose(element, id, index, problems))
            {
                problems.Add(new ValidationProblem(ValidationProblemKind.MalformedGeometry, id, index,
                    $"the geometry could not be read: {exception.Message}"));
            }

            return null;
        }

        problems.Add(new ValidationProblem(ValidationProblemKind.MissingGeometry, id, index, "the geometry is empty JSON"));
        return null;
    }
}

// What an attribute must be to come back exactly as it was given: checked on import and on validation.
using System.Text;
using System.Text.Json;
using GeoAssign.Index.Model;

namespace GeoAssign.Index.Validation;

/// <summary>
/// Finds what would keep an attribute from coming back exactly as given: an empty name, a number a
/// double cannot hold (JSON text can say <c>1e400</c>; every client would read infinity, and
/// protobuf's JSON parser refuses it), a key given twice inside an object (a
/// <c>google.protobuf.Struct</c> keeps one), or nesting past <see cref="TerritoryAttributes.MaxDepth"/>.
/// Stateless and thread-safe.
/// </summary>
internal static class AttributeRules
{
    /// <summary>The first problem of one attribute, or null.</summary>
    public static ValidationProblem? Check(string name, JsonElement value, string? id, int? index)
    {
        if (name.Length == 0)
        {
            return new ValidationProblem(ValidationProblemKind.InvalidAttribute, id, index, "the attribute '' has an empty name")
            {
                Fix = "give the attribute a name, or remove it",
            };
        }

        var path = new StringBuilder(name);
        return Find(value, path, 0) is { } found
            ? new ValidationProblem(ValidationProblemKind.InvalidAttribute, id, index, $"the attribute '{name}' {found.Detail}")
            {
                Fix = found.Fix,
            }
            : null;
    }

    // Depth is the number of objects and arrays around the value; the walk stops at the limit.
    private static (string Detail, string Fix)? Find(JsonElement value, StringBuilder path, int depth)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                return value.TryGetDouble(out var number) && double.IsFinite(number)
                    ? null
                    : ($"has the number {Shorten(value.GetRawText())} at {path}, beyond the range of a double (clients would read infinity)",
                        "write a number within ±1.7976931348623157e308, or write the value as a string");

            case JsonValueKind.Object or JsonValueKind.Array when depth >= TerritoryAttributes.MaxDepth:
                return ($"nests more than {TerritoryAttributes.MaxDepth} levels of objects and arrays (at {Shorten(path.ToString())})",
                    $"flatten the value: gRPC clients read at most {TerritoryAttributes.MaxDepth} levels of a google.protobuf.Struct");

            case JsonValueKind.Object:
            {
                var length = path.Length;
                HashSet<string>? keys = null;
                foreach (var property in value.EnumerateObject())
                {
                    if (!(keys ??= new HashSet<string>(StringComparer.Ordinal)).Add(property.Name))
                    {
                        return ($"has the key '{Shorten(property.Name)}' twice in one object (at {path})",
                            "give each key of an object once: JSON readers differ on which one counts");
                    }

                    path.Append('.').Append(property.Name);
                    if (Find(property.Value, path, depth + 1) is { } found)
                    {
                        return found;
                    }

                    path.Length = length;
                }

                return null;
            }

            case JsonValueKind.Array:
            {
                var length = path.Length;
                var i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    path.Append('[').Append(i++).Append(']');
                    if (Find(item, path, depth + 1) is { } found)
                    {
                        return found;
                    }

                    path.Length = length;
                }

                return null;
            }

            default:
                return null;
        }
    }

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";
}

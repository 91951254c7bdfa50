// Says precisely what is wrong with a GeoJSON geometry that NTS's reader refused.
using System.Text.Json;
using GeoAssign.Index.Geometry;
using GeoAssign.Index.Validation;

namespace GeoAssign.Index.GeoJson;

/// <summary>
/// Walks the JSON of a Polygon or MultiPolygon that NTS's GeoJSON reader refused (it throws at the
/// first unclosed or short ring, or unreadable position) and reports every such problem with its
/// coordinates path.
/// </summary>
internal static class GeometryDiagnosis
{
    private static readonly HashSet<string> OtherGeoJsonTypes =
        new(["Point", "MultiPoint", "LineString", "MultiLineString", "GeometryCollection"], StringComparer.Ordinal);

    private static readonly string[] GeoJsonTypes = ["Polygon", "MultiPolygon", .. OtherGeoJsonTypes];

    /// <summary>
    /// Whether the geometry's <c>type</c> is, exactly, a GeoJSON type (or is missing or not a string, which
    /// NTS's reader reports). RFC 7946 type names are case-sensitive; NTS's reader also takes
    /// <c>"Polygon "</c>, which would hide a mistake.
    /// </summary>
    public static bool HasExactType(JsonElement geometry) =>
        geometry.ValueKind != JsonValueKind.Object
        || !geometry.TryGetProperty("type", out var type)
        || type.ValueKind != JsonValueKind.String
        || Array.IndexOf(GeoJsonTypes, type.GetString()) >= 0;

    /// <summary>Adds the problems found; false when it found none (the caller reports the reader's message).</summary>
    public static bool Diagnose(JsonElement geometry, string? id, int index, List<ValidationProblem> problems)
    {
        var before = problems.Count;
        if (geometry.ValueKind != JsonValueKind.Object)
        {
            problems.Add(Malformed(id, index, "the geometry is not a JSON object"));
            return true;
        }

        if (!geometry.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
        {
            problems.Add(Malformed(id, index, "the geometry has no \"type\" string"));
            return true;
        }

        var type = typeElement.GetString()!;
        var isMulti = type == "MultiPolygon";
        if (type != "Polygon" && !isMulti)
        {
            problems.Add(OtherGeoJsonTypes.Contains(type)
                ? new ValidationProblem(ValidationProblemKind.UnsupportedGeometryType, id, index,
                    $"the geometry is a {type}; a territory needs a Polygon or MultiPolygon")
                {
                    Fix = "give the territory's area as a Polygon (its boundary ring) or a MultiPolygon",
                }
                : Malformed(id, index, $"the geometry type '{type}' is not a GeoJSON type{Meant(type)}"));
            return true;
        }

        if (!geometry.TryGetProperty("coordinates", out var coordinates) || coordinates.ValueKind != JsonValueKind.Array)
        {
            problems.Add(Malformed(id, index, $"the {type} has no \"coordinates\" array"));
            return true;
        }

        if (isMulti)
        {
            var p = 0;
            foreach (var polygon in coordinates.EnumerateArray())
            {
                DiagnosePolygon(polygon, true, p++, id, index, problems);
            }
        }
        else
        {
            DiagnosePolygon(coordinates, false, 0, id, index, problems);
        }

        return problems.Count > before;
    }

    private static void DiagnosePolygon(JsonElement polygon, bool isMulti, int p, string? id, int index,
        List<ValidationProblem> problems)
    {
        if (polygon.ValueKind != JsonValueKind.Array)
        {
            problems.Add(Malformed(id, index, $"{(isMulti ? $"coordinates[{p}]" : "coordinates")} is not an array of rings"));
            return;
        }

        var r = 0;
        foreach (var ring in polygon.EnumerateArray())
        {
            DiagnoseRing(ring, isMulti, p, r++, id, index, problems);
        }
    }

    private static void DiagnoseRing(JsonElement ring, bool isMulti, int p, int r, string? id, int index,
        List<ValidationProblem> problems)
    {
        var path = GeometryPaths.Ring(isMulti, p, r);
        var name = GeometryPaths.RingName(isMulti, p, r);
        if (ring.ValueKind != JsonValueKind.Array)
        {
            problems.Add(Malformed(id, index, $"{name} is not an array of positions"));
            return;
        }

        var count = 0;
        LngLat? first = null, last = null;
        var readable = true;
        foreach (var position in ring.EnumerateArray())
        {
            var i = count++;
            if (position.ValueKind != JsonValueKind.Array || position.GetArrayLength() < 2)
            {
                problems.Add(Malformed(id, index, $"position {path}[{i}] is not [longitude, latitude]"));
                readable = false;
                continue;
            }

            double lng = 0, lat = 0;
            var ordinate = 0;
            foreach (var number in position.EnumerateArray())
            {
                if (number.ValueKind != JsonValueKind.Number)
                {
                    problems.Add(Malformed(id, index, $"position {path}[{i}] has a non-number {number.GetRawText()}"));
                    readable = false;
                    break;
                }

                if (!number.TryGetDouble(out var value) || !double.IsFinite(value))
                {
                    problems.Add(new ValidationProblem(ValidationProblemKind.CoordinateNotFinite, id, index,
                        $"position {path}[{i}] has {number.GetRawText()}, which is not a finite double")
                    {
                        Fix = "use WGS84 longitudes in [-180, 180] and latitudes in [-90, 90]",
                    });
                    readable = false;
                    break;
                }

                if (ordinate == 0)
                {
                    lng = value;
                }
                else if (ordinate == 1)
                {
                    lat = value;
                }

                ordinate++;
            }

            first ??= new LngLat(lng, lat);
            last = new LngLat(lng, lat);
        }

        if (count < 4)
        {
            problems.Add(new ValidationProblem(ValidationProblemKind.RingTooShort, id, index,
                $"{name} has {count} positions; a ring needs at least 4 (three corners and the first repeated at the end)")
            {
                Location = first,
                Fix = "give the ring at least three distinct corners, or remove it",
            });
        }
        else if (readable && first != last)
        {
            problems.Add(new ValidationProblem(ValidationProblemKind.RingNotClosed, id, index,
                $"{name} is not closed: its last position differs from its first")
            {
                Location = last,
                Fix = "repeat the first position at the end of the ring",
            });
        }
    }

    // GeoJSON type names are exact: no spaces, no other case.
    private static string Meant(string type)
    {
        foreach (var known in GeoJsonTypes)
        {
            if (string.Equals(known, type.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return $" (type names are exact: \"{known}\")";
            }
        }

        return "";
    }

    /// <summary>The first of <c>type</c>, <c>coordinates</c>, <c>geometries</c> and <c>bbox</c> that a geometry object has twice, or null.</summary>
    public static string? RepeatedMember(JsonElement geometry)
    {
        if (geometry.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var seen = 0;
        foreach (var member in geometry.EnumerateObject())
        {
            var bit = member.Name switch
            {
                "type" => 1,
                "coordinates" => 2,
                "geometries" => 4,
                "bbox" => 8,
                _ => 0,
            };
            if ((seen & bit) != 0)
            {
                return member.Name;
            }

            seen |= bit;
        }

        return null;
    }

    /// <summary>A problem of a geometry that is not RFC 7946 GeoJSON.</summary>
    public static ValidationProblem Malformed(string? id, int index, string detail) =>
        new(ValidationProblemKind.MalformedGeometry, id, index, detail)
        {
            Fix = "write the geometry as RFC 7946 GeoJSON, e.g. {\"type\": \"Polygon\", \"coordinates\": [[[lng, lat], …, [lng, lat]]]}",
        };
}

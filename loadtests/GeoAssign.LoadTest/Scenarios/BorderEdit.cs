// Edits that move one territory's border back and forth, for the mixed and converge scenarios.
using System.Globalization;
using System.Text;
using System.Text.Json;
using GeoAssign.Protos.V1;

namespace GeoAssign.LoadTest.Scenarios;

/// <summary>
/// Two versions of one territory — as it is, and shrunk by <see cref="ShrinkFactor"/> towards the
/// average of its vertices — sent alternately with UpsertTerritories, so each edit moves its border
/// (and its neighbours' ownership of the strip between) and the map never drifts. Scaling about a
/// point is a similarity transform, so a valid geometry stays valid. Not thread-safe.
/// </summary>
internal sealed class BorderEdit
{
    /// <summary>Shrinks the territory by 1 %: a strip a few hundred metres wide on a county.</summary>
    public const double ShrinkFactor = 0.99;

    /// <summary>Id of the small square territory edited when none is named and none can be found (layer <see cref="ProbeLayer"/>).</summary>
    public const string ProbeTerritoryId = "geoassign-load-probe";

    /// <summary>Layer of the probe territory, apart from real layers so that it changes no real answer.</summary>
    public const string ProbeLayer = "geoassign-load";

    private readonly Territory _original;
    private readonly Territory _shrunk;
    private bool _shrinkNext = true;

    public BorderEdit(Territory territory)
    {
        _original = territory.Clone();
        _shrunk = territory.Clone();
        _shrunk.GeometryGeojson = Scale(territory.GeometryGeojson, ShrinkFactor);
    }

    public string TerritoryId => _original.Id;

    /// <summary>The next edit: shrunk, original, shrunk, ...</summary>
    public UpsertTerritoriesRequest Next()
    {
        var request = new UpsertTerritoriesRequest { Territories = { _shrinkNext ? _shrunk : _original } };
        _shrinkNext = !_shrinkNext;
        return request;
    }

    /// <summary>A 0.1° square at 0°, 0° in the probe layer: an edit of it costs little and touches no real answer.</summary>
    public static Territory ProbeTerritory() => new()
    {
        Id = ProbeTerritoryId,
        Name = "geoassign-load probe (safe to delete)",
        OwnerId = "geoassign-load",
        Layer = ProbeLayer,
        GeometryGeojson = """{"type":"Polygon","coordinates":[[[0,0],[0.1,0],[0.1,0.1],[0,0.1],[0,0]]]}""",
    };

    /// <summary>The GeoJSON Polygon or MultiPolygon scaled by <paramref name="factor"/> about the average of its vertices.</summary>
    internal static string Scale(string geometryGeoJson, double factor)
    {
        using var document = JsonDocument.Parse(geometryGeoJson);
        var root = document.RootElement;
        var type = root.GetProperty("type").GetString();
        var coordinates = root.GetProperty("coordinates");
        double sumLng = 0, sumLat = 0;
        long count = 0;
        foreach (var position in Positions(coordinates))
        {
            sumLng += position[0].GetDouble();
            sumLat += position[1].GetDouble();
            count++;
        }

        if (count == 0)
        {
            throw new FormatException("The territory's geometry has no positions.");
        }

        var centreLng = sumLng / count;
        var centreLat = sumLat / count;
        var output = new StringBuilder();
        output.Append("{\"type\":\"").Append(type).Append("\",\"coordinates\":");
        Write(coordinates, output, centreLng, centreLat, factor);
        output.Append('}');
        return output.ToString();
    }

    private static IEnumerable<JsonElement> Positions(JsonElement coordinates)
    {
        if (coordinates.GetArrayLength() > 0 && coordinates[0].ValueKind == JsonValueKind.Number)
        {
            yield return coordinates;
            yield break;
        }

        foreach (var child in coordinates.EnumerateArray())
        {
            foreach (var position in Positions(child))
            {
                yield return position;
            }
        }
    }

    private static void Write(JsonElement coordinates, StringBuilder output, double centreLng, double centreLat, double factor)
    {
        if (coordinates.GetArrayLength() > 0 && coordinates[0].ValueKind == JsonValueKind.Number)
        {
            var lng = centreLng + ((coordinates[0].GetDouble() - centreLng) * factor);
            var lat = centreLat + ((coordinates[1].GetDouble() - centreLat) * factor);
            output.Append('[').Append(lng.ToString("R", CultureInfo.InvariantCulture)).Append(',')
                .Append(lat.ToString("R", CultureInfo.InvariantCulture)).Append(']');
            return;
        }

        output.Append('[');
        var first = true;
        foreach (var child in coordinates.EnumerateArray())
        {
            if (!first)
            {
                output.Append(',');
            }

            Write(child, output, centreLng, centreLat, factor);
            first = false;
        }

        output.Append(']');
    }
}

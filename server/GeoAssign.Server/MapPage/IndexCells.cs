// GET /map/cells.geojson: the H3 cells of a layer's index in a box, interior or boundary, as hexagons.
using System.Buffers;
using System.Globalization;
using System.Text.Json;
using GeoAssign.Index.Cells;
using GeoAssign.Replication.Replicas;
using GeoAssign.Server.Security;
using Grpc.Core;
using H3Api = GeoAssign.H3.H3;

namespace GeoAssign.Server.MapPage;

/// <summary>
/// The map page's "look inside": the leaf cells of a layer's index (live map or plan) that meet
/// <c>bbox=west,south,east,north</c>, each a GeoJSON polygon (its H3 boundary) with its cell, its
/// resolution, <c>kind</c> (<c>interior</c>: a lookup there is answered by the cell alone;
/// <c>boundary</c>: it needs the exact test) and its candidate territories. At most <c>limit</c>
/// cells (default <see cref="DefaultLimit"/>), coarsest first; <c>total</c> and <c>omitted</c> say
/// how many met the box. Behind the API keys like any read. Stateless; thread-safe.
/// </summary>
internal static class IndexCells
{
    /// <summary>Where the cells are served.</summary>
    public const string Path = "/map/cells.geojson";

    /// <summary>Cells answered when the request names no limit: a canvas draws this many hexagons smoothly.</summary>
    public const int DefaultLimit = 3000;

    /// <summary>The most cells one answer holds: about 3 MB of GeoJSON.</summary>
    public const int MaxLimit = 20_000;

    /// <summary>Answers the cells of the box.</summary>
    public static IResult Get(HttpContext context, MapReplica maps, ApiKeyRegistry keys, string? layer, string? plan, string? bbox, int? limit)
    {
        if (MapPageAccess.Refusal(context, keys) is { } refusal)
        {
            return refusal;
        }

        if (!TryParseBox(bbox, out var box))
        {
            return MapPageAccess.Error(StatusCodes.Status400BadRequest, StatusCode.InvalidArgument,
                "Give the view as bbox=west,south,east,north in degrees (latitudes within ±90 with south ≤ north, longitudes within ±180), e.g. bbox=-106,39,-104,40.");
        }

        if (limit is < 0 or > MaxLimit)
        {
            return MapPageAccess.Error(StatusCodes.Status400BadRequest, StatusCode.InvalidArgument, $"limit must be between 0 and {MaxLimit}; it was {limit}.");
        }

        if (MapPageAccess.Select(maps, plan, ref layer, out var map) is { } unknown)
        {
            return unknown;
        }

        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            var cap = limit ?? DefaultLimit;
            var window = map.Layers.TryGetValue(layer!, out var index)
                ? CellWindow.Collect(index, box.West, box.South, box.East, box.North, cap)
                : new CellWindow([], 0, true);
            json.WriteStartObject();
            json.WriteString("type", "FeatureCollection");
            json.WriteNumber("mapVersion", map.Version);
            json.WriteString("layer", layer);
            json.WriteNumber("resolution", index?.Resolution ?? 0);
            json.WriteNumber("limit", cap);
            json.WriteNumber("total", window.Total);
            json.WriteBoolean("totalIsExact", window.TotalIsExact);
            json.WriteNumber("omitted", window.Total - window.Cells.Count);
            json.WriteStartArray("features");
            foreach (var cell in window.Cells)
            {
                WriteCell(json, cell);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        context.Response.Headers.CacheControl = "no-cache";
        return Results.Bytes(buffer.WrittenMemory, "application/geo+json");
    }

    private static void WriteCell(Utf8JsonWriter json, IndexCell cell)
    {
        var id = cell.Cell.ToString();
        json.WriteStartObject();
        json.WriteString("type", "Feature");
        json.WriteString("id", id);
        json.WriteStartObject("properties");
        json.WriteString("cell", id);
        json.WriteNumber("resolution", cell.Cell.Resolution);
        json.WriteString("kind", cell.Interior ? "interior" : "boundary");
        json.WriteStartArray("territories");
        foreach (var (territory, _) in cell.Candidates)
        {
            json.WriteStringValue(territory.Territory.Id);
        }

        json.WriteEndArray();
        json.WriteStartArray("wholeCell");
        foreach (var (_, whole) in cell.Candidates)
        {
            json.WriteBooleanValue(whole);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteStartObject("geometry");
        json.WriteString("type", "Polygon");
        json.WriteStartArray("coordinates");
        json.WriteStartArray();
        var boundary = H3Api.CellToBoundary(cell.Cell);
        // A cell across the antimeridian keeps its longitudes within 180° of its first vertex, so
        // that it is drawn as one hexagon rather than a band around the world.
        double first = boundary[0].Lng;
        for (int i = 0; i <= boundary.Count; i++)
        {
            var vertex = boundary[i % boundary.Count];
            double lng = vertex.Lng;
            if (lng - first > 180) lng -= 360;
            else if (first - lng > 180) lng += 360;
            json.WriteStartArray();
            json.WriteNumberValue(Math.Round(lng, 6));
            json.WriteNumberValue(Math.Round(vertex.Lat, 6));
            json.WriteEndArray();
        }

        json.WriteEndArray();
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static bool TryParseBox(string? text, out (double West, double South, double East, double North) box)
    {
        box = default;
        var parts = (text ?? "").Split(',');
        if (parts.Length != 4)
        {
            return false;
        }

        var values = new double[4];
        for (int i = 0; i < 4; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
            {
                return false;
            }
        }

        box = (values[0], values[1], values[2], values[3]);
        return Math.Abs(box.West) <= 180 && Math.Abs(box.East) <= 180 && box.South >= -90 && box.North <= 90 && box.South <= box.North;
    }
}

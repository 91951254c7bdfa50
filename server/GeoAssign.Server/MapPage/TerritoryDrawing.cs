// The territories of one layer as GeoJSON for drawing: simplified for a zoom level, cached per map version.
using System.Buffers;
using System.Text.Json;
using GeoAssign.Index;
using GeoAssign.Index.Model;
using Microsoft.Extensions.Caching.Memory;
using NetTopologySuite.Geometries;
using NetTopologySuite.Simplify;

namespace GeoAssign.Server.MapPage;

/// <summary>
/// Draws a layer of a map as a GeoJSON FeatureCollection (properties id, name, owner, parent) whose
/// geometries are simplified for a web-map zoom level: about half a screen pixel of tolerance
/// (topology-preserving per territory, so no ring collapses or crosses itself) and coordinates rounded
/// to what that zoom can show. The page never receives the full resolution, however far it zooms in:
/// zoom levels above <see cref="MaxZoom"/> get the <see cref="MaxZoom"/> drawing. Answers are cached
/// by (map version, plan, layer, zoom) in the server's memory cache; a new version makes new keys, so
/// an entry is never stale. Lookups never go through here. Thread-safe.
/// </summary>
internal sealed class TerritoryDrawing(IMemoryCache cache)
{
    /// <summary>The most detailed drawing: half a pixel at zoom 14 is about 5 m at the equator.</summary>
    public const int MaxZoom = 14;

    /// <summary>The zoom level whose drawing serves <paramref name="zoom"/>: whole levels from 0 to <see cref="MaxZoom"/>.</summary>
    public static int Bucket(double zoom) => double.IsNaN(zoom) ? 0 : (int)Math.Clamp(Math.Floor(zoom), 0, MaxZoom);

    /// <summary>Half a pixel in degrees of longitude at <paramref name="zoom"/> (256-pixel tiles).</summary>
    public static double Tolerance(int zoom) => 360.0 / (256.0 * Math.Pow(2, zoom)) / 2;

    /// <summary>The UTF-8 GeoJSON of <paramref name="layer"/> of <paramref name="map"/> (named <paramref name="plan"/>, empty for the live map) at <paramref name="zoom"/>.</summary>
    public byte[] Draw(TerritoryMap map, string plan, string layer, double zoom)
    {
        var bucket = Bucket(zoom);
        var key = ("map-drawing", map.Version, plan, layer, bucket);
        if (cache.TryGetValue(key, out byte[]? cached) && cached is not null)
        {
            return cached;
        }

        // Two first requests at once may both draw; the second result replaces an equal first.
        var drawn = Write(map, layer, bucket);
        cache.Set(key, drawn, new MemoryCacheEntryOptions { Size = 1 + drawn.Length / 1024, SlidingExpiration = TimeSpan.FromMinutes(5) });
        return drawn;
    }

    private static byte[] Write(TerritoryMap map, string layer, int zoom)
    {
        var tolerance = Tolerance(zoom);
        // Enough decimals that rounding moves a point by well under the tolerance.
        var decimals = Math.Clamp((int)Math.Ceiling(-Math.Log10(tolerance)) + 1, 1, 7);
        var territories = map.Territories.Values
            .Select(entry => entry.Territory)
            .Where(territory => string.Equals(territory.Layer, layer, StringComparison.Ordinal))
            .OrderBy(territory => territory.Id, StringComparer.Ordinal);

        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", "FeatureCollection");
            json.WriteNumber("mapVersion", map.Version);
            json.WriteString("layer", layer);
            json.WriteNumber("zoom", zoom);
            json.WriteStartArray("features");
            foreach (var territory in territories)
            {
                WriteFeature(json, territory, tolerance, decimals);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteFeature(Utf8JsonWriter json, Territory territory, double tolerance, int decimals)
    {
        var simplified = TopologyPreservingSimplifier.Simplify(territory.Geometry, tolerance);
        json.WriteStartObject();
        json.WriteString("type", "Feature");
        json.WriteString("id", territory.Id);
        json.WriteStartObject("properties");
        json.WriteString("id", territory.Id);
        json.WriteString("name", territory.Name);
        json.WriteString("owner", territory.OwnerId);
        if (territory.ParentId is { } parent)
        {
            json.WriteString("parent", parent);
        }

        json.WriteEndObject();
        json.WritePropertyName("geometry");
        json.WriteStartObject();
        switch (simplified)
        {
            case Polygon polygon:
                json.WriteString("type", "Polygon");
                json.WritePropertyName("coordinates");
                WritePolygon(json, polygon, decimals);
                break;
            case MultiPolygon multi:
                json.WriteString("type", "MultiPolygon");
                json.WriteStartArray("coordinates");
                foreach (var part in multi.Geometries)
                {
                    WritePolygon(json, (Polygon)part, decimals);
                }

                json.WriteEndArray();
                break;
            default:
                // Validation admits only polygons; an empty result draws nothing.
                json.WriteString("type", "MultiPolygon");
                json.WriteStartArray("coordinates");
                json.WriteEndArray();
                break;
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WritePolygon(Utf8JsonWriter json, Polygon polygon, int decimals)
    {
        json.WriteStartArray();
        WriteRing(json, polygon.ExteriorRing, decimals);
        foreach (var hole in polygon.InteriorRings)
        {
            WriteRing(json, hole, decimals);
        }

        json.WriteEndArray();
    }

    private static void WriteRing(Utf8JsonWriter json, LineString ring, int decimals)
    {
        json.WriteStartArray();
        var coordinates = ring.CoordinateSequence;
        for (var i = 0; i < coordinates.Count; i++)
        {
            json.WriteStartArray();
            json.WriteNumberValue(Math.Round(coordinates.GetX(i), decimals));
            json.WriteNumberValue(Math.Round(coordinates.GetY(i), decimals));
            json.WriteEndArray();
        }

        json.WriteEndArray();
    }
}

// Writes changed areas as GeoJSON FeatureCollections, for maps in review tools.
using System.Text.Json;
using GeoAssign.Index.GeoJson;
using NtsGeometry = NetTopologySuite.Geometries.Geometry;

namespace GeoAssign.Index.Analysis;

/// <summary>
/// Writes the results of <see cref="MapDiff"/> as GeoJSON FeatureCollections (RFC 7946;
/// coordinates in shortest round-trip form, areas in km²):
/// <list type="bullet">
/// <item>a changed area: properties <c>layer</c>, <c>old_owner_id</c>, <c>new_owner_id</c>,
/// <c>old_territory_id</c>, <c>new_territory_id</c> (null for unassigned) and <c>area_km2</c>.</item>
/// </list>
/// </summary>
/// <remarks>Stateless and thread-safe. Streams: memory does not grow with the number of features.</remarks>
public static class AnalysisGeoJsonWriter
{
    private const int FlushThreshold = 64 * 1024;

    /// <summary>Writes changed areas (e.g. <see cref="MapDiffResult.ChangedAreas"/>) to the stream, which stays open.</summary>
    public static void WriteChangedAreas(Stream stream, IEnumerable<ChangedArea> areas)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(areas);
        WriteCollection(stream, areas, static (writer, area) =>
        {
            WriteGeometry(writer, area.Geometry);
            writer.WriteStartObject("properties");
            writer.WriteString("layer", area.Layer);
            writer.WriteString("old_owner_id", area.OldOwnerId);
            writer.WriteString("new_owner_id", area.NewOwnerId);
            writer.WriteString("old_territory_id", area.OldTerritoryId);
            writer.WriteString("new_territory_id", area.NewTerritoryId);
            writer.WriteNumber("area_km2", area.AreaKm2);
            writer.WriteEndObject();
        });
    }

    /// <summary>Changed areas as GeoJSON text.</summary>
    public static string ChangedAreasToString(IEnumerable<ChangedArea> areas)
    {
        using var stream = new MemoryStream();
        WriteChangedAreas(stream, areas);
        return System.Text.Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    private static void WriteCollection<T>(Stream stream, IEnumerable<T> features, Action<Utf8JsonWriter, T> writeFeature)
    {
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = GeoJsonSerialization.Options.Encoder });
        writer.WriteStartObject();
        writer.WriteString("type", "FeatureCollection");
        writer.WriteStartArray("features");
        foreach (var feature in features)
        {
            writer.WriteStartObject();
            writer.WriteString("type", "Feature");
            writeFeature(writer, feature);
            writer.WriteEndObject();
            if (writer.BytesPending > FlushThreshold)
            {
                writer.Flush();
            }
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
    }

    private static void WriteGeometry(Utf8JsonWriter writer, NtsGeometry geometry)
    {
        writer.WritePropertyName("geometry");
        JsonSerializer.Serialize(writer, geometry, GeoJsonSerialization.Options);
    }
}

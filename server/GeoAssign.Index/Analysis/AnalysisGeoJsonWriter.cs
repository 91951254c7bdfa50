// Writes changed areas and coverage findings as GeoJSON FeatureCollections, for maps in review tools.
using System.Text.Json;
using GeoAssign.Index.GeoJson;
using NtsGeometry = NetTopologySuite.Geometries.Geometry;

namespace GeoAssign.Index.Analysis;

/// <summary>
/// Writes the results of <see cref="MapDiff"/> and <see cref="CoverageCheck"/> as GeoJSON
/// FeatureCollections (RFC 7946; coordinates in shortest round-trip form, areas in km²):
/// <list type="bullet">
/// <item>a changed area: properties <c>layer</c>, <c>old_owner_id</c>, <c>new_owner_id</c>,
/// <c>old_territory_id</c>, <c>new_territory_id</c> (null for unassigned) and <c>area_km2</c>;</item>
/// <item>an overlap: <c>kind</c> = <c>overlap</c>, <c>layer</c>, <c>first_id</c>, <c>second_id</c>,
/// <c>winner_id</c>, <c>area_km2</c>, <c>sliver</c>;</item>
/// <item>a gap: <c>kind</c> = <c>gap</c>, <c>layer</c>, <c>coverage_id</c>, <c>area_km2</c>, <c>sliver</c>.</item>
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

    /// <summary>Writes a layer's overlaps, then its gaps, to the stream, which stays open.</summary>
    public static void WriteCoverage(Stream stream, LayerCoverage coverage)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(coverage);
        var features = coverage.Overlaps.Select(static o => (object)o).Concat(coverage.Gaps);
        WriteCollection(stream, features, static (writer, feature) =>
        {
            if (feature is TerritoryOverlap overlap)
            {
                WriteGeometry(writer, overlap.Geometry);
                writer.WriteStartObject("properties");
                writer.WriteString("kind", "overlap");
                writer.WriteString("layer", overlap.Layer);
                writer.WriteString("first_id", overlap.FirstId);
                writer.WriteString("second_id", overlap.SecondId);
                writer.WriteString("winner_id", overlap.WinnerId);
                writer.WriteNumber("area_km2", overlap.AreaKm2);
                writer.WriteBoolean("sliver", overlap.IsSliver);
            }
            else
            {
                var gap = (CoverageGap)feature;
                WriteGeometry(writer, gap.Geometry);
                writer.WriteStartObject("properties");
                writer.WriteString("kind", "gap");
                writer.WriteString("layer", gap.Layer);
                writer.WriteString("coverage_id", gap.CoverageId);
                writer.WriteNumber("area_km2", gap.AreaKm2);
                writer.WriteBoolean("sliver", gap.IsSliver);
            }

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

    /// <summary>A layer's coverage findings as GeoJSON text.</summary>
    public static string CoverageToString(LayerCoverage coverage)
    {
        using var stream = new MemoryStream();
        WriteCoverage(stream, coverage);
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

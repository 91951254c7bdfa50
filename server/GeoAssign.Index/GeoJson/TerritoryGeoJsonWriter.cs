// Writes territories as a GeoJSON FeatureCollection that imports back to equal territories.
using System.Text.Json;
using GeoAssign.Index.Model;
using NtsGeometry = NetTopologySuite.Geometries.Geometry;

namespace GeoAssign.Index.GeoJson;

/// <summary>
/// Writes territories as a GeoJSON FeatureCollection: one Feature per territory with the territory
/// id as the feature <c>id</c>, the geometry as it is (ring orientation kept, coordinates in
/// shortest round-trip form), and the properties <c>name</c>, <c>owner_id</c>, <c>layer</c>,
/// <c>priority</c>, <c>parent_id</c> (when set) followed by the attributes in their order.
/// <see cref="TerritoryGeoJsonReader"/> reads the output back to equal territories.
/// </summary>
/// <remarks>Stateless and thread-safe. Streams: memory does not grow with the number of territories.</remarks>
public static class TerritoryGeoJsonWriter
{
    private const int FlushThreshold = 64 * 1024;

    /// <summary>Writes the territories to the stream (which stays open).</summary>
    public static void Write(Stream stream, IEnumerable<Territory> territories)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(territories);
        using var writer = CreateWriter(stream);
        writer.WriteStartObject();
        writer.WriteString("type", "FeatureCollection");
        writer.WriteStartArray("features");
        foreach (var territory in territories)
        {
            WriteFeature(writer, territory);
            if (writer.BytesPending > FlushThreshold)
            {
                writer.Flush();
            }
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
    }

    /// <summary>Writes the territories to the stream (which stays open), flushing asynchronously.</summary>
    public static async Task WriteAsync(Stream stream, IEnumerable<Territory> territories,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(territories);
        await using var writer = CreateWriter(stream);
        writer.WriteStartObject();
        writer.WriteString("type", "FeatureCollection");
        writer.WriteStartArray("features");
        foreach (var territory in territories)
        {
            WriteFeature(writer, territory);
            if (writer.BytesPending > FlushThreshold)
            {
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The territories as GeoJSON text.</summary>
    public static string WriteToString(IEnumerable<Territory> territories)
    {
        using var stream = new MemoryStream();
        Write(stream, territories);
        return System.Text.Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    private static Utf8JsonWriter CreateWriter(Stream stream) =>
        new(stream, new JsonWriterOptions { Encoder = GeoJsonSerialization.Options.Encoder, SkipValidation = false });

    private static void WriteFeature(Utf8JsonWriter writer, Territory territory)
    {
        ArgumentNullException.ThrowIfNull(territory);
        writer.WriteStartObject();
        writer.WriteString("type", "Feature");
        writer.WriteString("id", territory.Id);
        writer.WritePropertyName("geometry");
        JsonSerializer.Serialize<NtsGeometry>(writer, territory.Geometry, GeoJsonSerialization.Options);
        writer.WriteStartObject("properties");
        writer.WriteString("name", territory.Name);
        writer.WriteString("owner_id", territory.OwnerId);
        writer.WriteString("layer", territory.Layer);
        writer.WriteNumber("priority", territory.Priority);
        if (territory.ParentId is not null)
        {
            writer.WriteString("parent_id", territory.ParentId);
        }

        territory.Attributes.WriteProperties(writer);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}

// The one configuration of NTS's GeoJSON converters that import and export share.
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using NetTopologySuite;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Implementation;
using NetTopologySuite.IO.Converters;

namespace GeoAssign.Index.GeoJson;

/// <summary>The geometry factory and JSON options that territory GeoJSON is read and written with.</summary>
internal static class GeoJsonSerialization
{
    /// <summary>
    /// WGS84 (SRID 4326), floating precision, coordinates packed as doubles: 16 bytes a vertex
    /// instead of an object per vertex, which matters for a map of millions of vertices.
    /// </summary>
    public static GeometryFactory Factory { get; } = new NtsGeometryServices(
        PackedCoordinateSequenceFactory.DoubleFactory, PrecisionModel.Floating.Value, 4326).CreateGeometryFactory();

    /// <summary>
    /// Rings keep the orientation they were given (export reproduces import exactly); no bbox is
    /// written; non-ASCII text is written as is, not escaped.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        options.Converters.Add(new GeoJsonConverterFactory(Factory, false, "id", RingOrientationOption.DoNotModify));
        options.MakeReadOnly();
        return options;
    }
}

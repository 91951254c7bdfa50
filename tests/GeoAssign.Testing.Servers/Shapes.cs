// Territory messages, GeoJSON geometries and API-key headers for tests that call the server.
using System.Globalization;
using GeoAssign.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace GeoAssign.Testing.Servers;

/// <summary>Builds what a request to the server carries: geometries as GeoJSON text and territory messages. Stateless and thread-safe.</summary>
public static class Shapes
{
    /// <summary>GeoJSON of an axis-aligned square polygon, counterclockwise.</summary>
    public static string Square(double lng, double lat, double size) =>
        Polygon((lng, lat), (lng + size, lat), (lng + size, lat + size), (lng, lat + size), (lng, lat));

    /// <summary>GeoJSON of a polygon with one ring, the points as given (close it yourself).</summary>
    public static string Polygon(params (double Lng, double Lat)[] ring) =>
        "{\"type\":\"Polygon\",\"coordinates\":[[" + string.Join(",", ring.Select(p => $"[{F(p.Lng)},{F(p.Lat)}]")) + "]]}";

    /// <summary>A polygon with <paramref name="vertices"/> vertices on a circle.</summary>
    public static string Circle(double lng, double lat, double radius, int vertices)
    {
        var ring = new (double, double)[vertices + 1];
        for (var i = 0; i < vertices; i++)
        {
            var angle = 2 * Math.PI * i / vertices;
            ring[i] = (lng + radius * Math.Cos(angle), lat + radius * Math.Sin(angle));
        }

        ring[vertices] = ring[0];
        return Polygon(ring);
    }

    /// <summary>A territory message named after its id, owned by <paramref name="owner"/>.</summary>
    public static Territory Territory(string id, string geometry, string owner = "rep-1", string layer = "", string parent = "", int priority = 0,
        Struct? attributes = null) => new()
    {
        Id = id,
        Name = "Territory " + id,
        OwnerId = owner,
        Layer = layer,
        ParentId = parent,
        Priority = priority,
        Attributes = attributes,
        GeometryGeojson = geometry,
    };

    /// <summary>The header that carries an API key.</summary>
    public static Metadata Key(string key) => new() { { "x-api-key", key } };

    private static string F(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

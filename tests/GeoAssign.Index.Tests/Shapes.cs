// Small geometries and territories for tests, written as coordinate arrays.
using GeoAssign.Index.Model;
using NetTopologySuite.Geometries;
using NtsGeometry = NetTopologySuite.Geometries.Geometry;

namespace GeoAssign.Index.Tests;

internal static class Shapes
{
    public static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);

    /// <summary>A ring from flat (lng, lat) pairs; closed automatically unless <paramref name="close"/> is false.</summary>
    public static Coordinate[] Ring(bool close, params double[] lngLat)
    {
        var count = lngLat.Length / 2;
        var closeIt = close && (lngLat[0] != lngLat[^2] || lngLat[1] != lngLat[^1]);
        var ring = new Coordinate[count + (closeIt ? 1 : 0)];
        for (var i = 0; i < count; i++)
        {
            ring[i] = new Coordinate(lngLat[2 * i], lngLat[2 * i + 1]);
        }

        if (closeIt)
        {
            ring[^1] = ring[0].Copy();
        }

        return ring;
    }

    public static Polygon Polygon(double[] shell, params double[][] holes) =>
        Factory.CreatePolygon(Factory.CreateLinearRing(Ring(true, shell)),
            holes.Select(h => Factory.CreateLinearRing(Ring(true, h))).ToArray());

    public static Polygon Rectangle(double minLng, double minLat, double maxLng, double maxLat) =>
        Polygon([minLng, minLat, maxLng, minLat, maxLng, maxLat, minLng, maxLat]);

    public static MultiPolygon Multi(params Polygon[] polygons) => Factory.CreateMultiPolygon(polygons);

    public static Territory Territory(string id, NtsGeometry geometry, int priority = 0, string layer = "geo",
        string? parentId = null, string owner = "rep-1") =>
        new()
        {
            Id = id,
            Name = "Territory " + id,
            OwnerId = owner,
            Layer = layer,
            Priority = priority,
            ParentId = parentId,
            Geometry = geometry,
        };

    public static Territory Square(string id, double minLng, double minLat, double size = 1, int priority = 0,
        string layer = "geo", string? parentId = null) =>
        Territory(id, Rectangle(minLng, minLat, minLng + size, minLat + size), priority, layer, parentId);
}

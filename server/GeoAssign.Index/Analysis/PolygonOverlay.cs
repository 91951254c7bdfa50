// Area-only overlays of territory geometries: OverlayNGRobust, keeping the polygonal parts.
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;
using NetTopologySuite.Operation.RelateNG;
using NtsGeometry = NetTopologySuite.Geometries.Geometry;

namespace GeoAssign.Index.Analysis;

/// <summary>
/// Intersection, difference and union of polygonal geometries with NTS <see cref="OverlayNGRobust"/>
/// (floating precision first, then snapping, then snap-rounding if a result would be invalid). Results
/// keep only their polygons: where two territories merely touch, their intersection is a line or a
/// point, which has no area and is dropped. Every overlay is preceded by the exact RelateNG test
/// whether the interiors meet at all: on real maps most candidate pairs are neighbours that only
/// touch, and the test costs a tenth of an overlay. Stateless and thread-safe.
/// </summary>
internal static class PolygonOverlay
{
    // DE-9IM: the interiors intersect (in an area, for two polygonal geometries).
    private const string InteriorsMeet = "T********";

    /// <summary>Whether the interiors of two polygonal geometries intersect: whether they share any area.</summary>
    public static bool InteriorsIntersect(NtsGeometry a, NtsGeometry b) =>
        a.EnvelopeInternal.Intersects(b.EnvelopeInternal) && RelateNG.Relate(a, b, RelatePredicate.Matches(InteriorsMeet));

    /// <summary>The area common to both, as a Polygon or MultiPolygon (empty when there is none).</summary>
    public static NtsGeometry Intersection(NtsGeometry a, NtsGeometry b) => InteriorsIntersect(a, b)
        ? Polygonal(OverlayNGRobust.Overlay(a, b, SpatialFunction.Intersection), a.Factory)
        : a.Factory.CreatePolygon();

    /// <summary>The area of <paramref name="a"/> outside <paramref name="b"/>.</summary>
    public static NtsGeometry Difference(NtsGeometry a, NtsGeometry b) =>
        Polygonal(OverlayNGRobust.Overlay(a, b, SpatialFunction.Difference), a.Factory);

    /// <summary>The union of the parts (cascaded); empty when there are none.</summary>
    public static NtsGeometry Union(IReadOnlyList<NtsGeometry> parts, GeometryFactory factory) => parts.Count switch
    {
        0 => factory.CreatePolygon(),
        1 => Polygonal(parts[0], factory),
        _ => Polygonal(OverlayNGRobust.Union(parts, factory), factory),
    };

    /// <summary>
    /// <paramref name="b"/> less the union of those <paramref name="cutters"/> that share area with
    /// it; <paramref name="b"/> itself when none does.
    /// </summary>
    public static NtsGeometry DifferenceOfAll(NtsGeometry b, IEnumerable<NtsGeometry> cutters)
    {
        var meeting = new List<NtsGeometry>();
        foreach (var cutter in cutters)
        {
            if (InteriorsIntersect(b, cutter))
            {
                meeting.Add(cutter);
            }
        }

        return meeting.Count switch
        {
            0 => b,
            1 => Difference(b, meeting[0]),
            _ => Difference(b, Union(meeting, b.Factory)),
        };
    }

    /// <summary>The polygons of a geometry, as a Polygon, a MultiPolygon or an empty Polygon.</summary>
    public static NtsGeometry Polygonal(NtsGeometry geometry, GeometryFactory factory)
    {
        switch (geometry)
        {
            case Polygon:
            case MultiPolygon:
                return geometry;
            case GeometryCollection collection:
                var polygons = Polygons(collection);
                return polygons.Count switch
                {
                    0 => factory.CreatePolygon(),
                    1 => polygons[0],
                    _ => factory.CreateMultiPolygon([.. polygons]),
                };
            default:
                return factory.CreatePolygon();
        }
    }

    /// <summary>The non-empty polygons of a geometry.</summary>
    public static List<Polygon> Polygons(NtsGeometry geometry)
    {
        var result = new List<Polygon>();
        Collect(geometry, result);
        return result;
    }

    private static void Collect(NtsGeometry geometry, List<Polygon> into)
    {
        if (geometry is Polygon polygon)
        {
            if (!polygon.IsEmpty)
            {
                into.Add(polygon);
            }
        }
        else if (geometry is GeometryCollection collection)
        {
            for (var i = 0; i < collection.NumGeometries; i++)
            {
                Collect(collection.GetGeometryN(i), into);
            }
        }
    }
}

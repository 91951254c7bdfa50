// Explicit, opt-in repair of topologically invalid polygons with NTS GeometryFixer.
using GeoAssign.Index.Geometry;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;
using NetTopologySuite.Operation.Valid;
using NtsGeometry = NetTopologySuite.Geometries.Geometry;

namespace GeoAssign.Index.Validation;

/// <summary>
/// Repairs polygons that NTS <c>IsValidOp</c> rejects for their topology (self-intersections,
/// spikes, overlapping parts, …) with NTS <see cref="GeometryFixer"/>, keeping only the polygonal
/// result. Used only when asked for (<see cref="GeoJson.GeoJsonReadOptions.RepairInvalidGeometry"/>):
/// a repair moves a border, so it is reported, never silent. Coordinates that are not finite or out of
/// range are not repaired: they need the author's decision; rings across the antimeridian are
/// <see cref="AntimeridianRepair"/>'s (the import runs it first).
/// Stateless and thread-safe.
/// </summary>
public static class GeometryRepair
{
    /// <summary>
    /// Repairs a Polygon or MultiPolygon that is topologically invalid. Returns
    /// <see cref="GeometryRepairOutcome.NotRepaired"/>, leaving it to validation to report, when the
    /// geometry is valid, is not a Polygon or MultiPolygon, or has coordinates a repair cannot fix;
    /// <see cref="GeometryRepairOutcome.NoArea"/> when the repair leaves no polygon (e.g. a ring that
    /// collapsed to a line when its coordinates were rounded).
    /// </summary>
    /// <param name="geometry">The geometry to repair; not modified.</param>
    /// <param name="repaired">The repaired Polygon or MultiPolygon (the input unless repaired).</param>
    /// <param name="reason">NTS's reason the geometry was invalid, with its location (empty unless invalid).</param>
    public static GeometryRepairOutcome TryRepair(NtsGeometry geometry, out NtsGeometry repaired, out string reason)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        repaired = geometry;
        reason = "";
        if (geometry is not (Polygon or MultiPolygon) || geometry.IsEmpty || !HasRepairableCoordinates(geometry))
        {
            return GeometryRepairOutcome.NotRepaired;
        }

        var validity = new IsValidOp(geometry);
        if (validity.IsValid)
        {
            return GeometryRepairOutcome.NotRepaired;
        }

        var error = validity.ValidationError;
        var at = error?.Coordinate is { } c ? $" at {new LngLat(c.X, c.Y)}" : "";
        reason = $"{error?.ErrorType}: {error?.Message}{at}";

        var fixedGeometry = GeometryFixer.Fix(geometry);
        var polygons = new List<Polygon>();
        for (var i = 0; i < fixedGeometry.NumGeometries; i++)
        {
            if (fixedGeometry.GetGeometryN(i) is Polygon { IsEmpty: false } polygon)
            {
                polygons.Add(polygon);
            }
        }

        if (polygons.Count == 0)
        {
            return GeometryRepairOutcome.NoArea;
        }

        repaired = polygons.Count == 1 && geometry is Polygon
            ? polygons[0]
            : geometry.Factory.CreateMultiPolygon([.. polygons]);
        return GeometryRepairOutcome.Repaired;
    }

    private static bool HasRepairableCoordinates(NtsGeometry geometry)
    {
        for (var p = 0; p < geometry.NumGeometries; p++)
        {
            var polygon = (Polygon)geometry.GetGeometryN(p);
            for (var r = 0; r <= polygon.NumInteriorRings; r++)
            {
                var ring = (r == 0 ? polygon.ExteriorRing : polygon.GetInteriorRingN(r - 1)).CoordinateSequence;
                for (var i = 0; i < ring.Count; i++)
                {
                    double x = ring.GetX(i), y = ring.GetY(i);
                    if (!(x >= -180 && x <= 180 && y >= -90 && y <= 90))
                    {
                        return false;
                    }

                    if (i > 0 && Antimeridian.IsUnsplitCrossing(ring.GetX(i - 1), ring.GetY(i - 1), x, y))
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }
}

/// <summary>What <see cref="GeometryRepair.TryRepair"/> did.</summary>
public enum GeometryRepairOutcome
{
    /// <summary>Nothing: the geometry is valid, or its problem is not one a repair may fix.</summary>
    NotRepaired,

    /// <summary>The geometry was invalid and is repaired.</summary>
    Repaired,

    /// <summary>The geometry was invalid and has no area left once repaired.</summary>
    NoArea,
}

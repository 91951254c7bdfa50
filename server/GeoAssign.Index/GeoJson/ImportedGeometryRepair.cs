// Repairs an imported feature's geometry, as the import was asked to: the antimeridian, then the topology.
using GeoAssign.Index.Validation;
using NtsGeometry = NetTopologySuite.Geometries.Geometry;

namespace GeoAssign.Index.GeoJson;

/// <summary>
/// Runs <see cref="AntimeridianRepair"/> and <see cref="GeometryRepair"/> on a feature's geometry
/// (only with <see cref="GeoJsonReadOptions.RepairInvalidGeometry"/>), recording every repair and
/// reporting a geometry that has no area left. Stateless and thread-safe.
/// </summary>
internal static class ImportedGeometryRepair
{
    /// <summary>The geometry repaired, or as it was.</summary>
    public static NtsGeometry Apply(NtsGeometry geometry, string? id, int index, List<GeometryRepairRecord> repairs,
        ProblemCollector problems)
    {
        // First the antimeridian (a ring read across ±180 can look self-intersecting), then the topology.
        var before = geometry.NumPoints;
        var splitReason = "";
        if (AntimeridianRepair.TryRepair(geometry, out var split, out splitReason))
        {
            geometry = split;
        }

        switch (GeometryRepair.TryRepair(geometry, out var repaired, out var reason))
        {
            case GeometryRepairOutcome.Repaired:
                repairs.Add(new GeometryRepairRecord(id, index, splitReason.Length == 0 ? reason : $"{splitReason}; then {reason}", before, repaired.NumPoints));
                geometry = repaired;
                break;
            case GeometryRepairOutcome.NotRepaired when splitReason.Length > 0:
                repairs.Add(new GeometryRepairRecord(id, index, splitReason, before, geometry.NumPoints));
                break;
            case GeometryRepairOutcome.NoArea:
                problems.Add(new ValidationProblem(ValidationProblemKind.NoAreaAfterRepair, id, index,
                    $"the geometry is invalid ({reason}) and has no area left once repaired")
                {
                    Fix = "delete the territory, or give it a boundary that encloses an area",
                });
                break;
        }

        return geometry;
    }
}

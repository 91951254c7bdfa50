// Geometry checks of a territory: type, emptiness, size, rings, coordinates and NTS validity.
using GeoAssign.Index.Geometry;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Valid;
using NtsGeometry = NetTopologySuite.Geometries.Geometry;

namespace GeoAssign.Index.Validation;

public sealed partial class TerritoryValidator
{
    private void CheckGeometry(NtsGeometry? geometry, string? id, int? index, ProblemCollector problems)
    {
        if (geometry is null)
        {
            problems.Add(new ValidationProblem(ValidationProblemKind.MissingGeometry, id, index, "the territory has no geometry")
            {
                Fix = "give the feature a Polygon or MultiPolygon geometry",
            });
            return;
        }

        if (geometry is not (Polygon or MultiPolygon))
        {
            problems.Add(new ValidationProblem(ValidationProblemKind.UnsupportedGeometryType, id, index,
                $"the geometry is a {geometry.GeometryType}; a territory needs a Polygon or MultiPolygon")
            {
                Fix = geometry is GeometryCollection
                    ? "put the polygons into one MultiPolygon; points and lines have no area"
                    : "give the territory's area as a Polygon (its boundary ring) or a MultiPolygon",
            });
            return;
        }

        if (geometry.IsEmpty)
        {
            problems.Add(new ValidationProblem(ValidationProblemKind.EmptyGeometry, id, index, "the geometry is empty")
            {
                Fix = "give the territory at least one polygon, or delete the territory",
            });
            return;
        }

        var vertices = geometry.NumPoints;
        if (vertices > Options.MaxVerticesPerTerritory)
        {
            // Nothing more is checked: the geometry is too large to look at.
            problems.Add(new ValidationProblem(ValidationProblemKind.TooManyVertices, id, index,
                $"the geometry has {vertices:N0} vertices, more than the limit of {Options.MaxVerticesPerTerritory:N0}")
            {
                Fix = Options.FixOrRaise("simplify the boundary (a tolerance of a few metres keeps it exact enough for lead routing) or split the territory", nameof(ValidationOptions.MaxVerticesPerTerritory), " if the server has the memory"),
            });
            return;
        }

        var isMulti = geometry is MultiPolygon;
        var ringsOk = true;
        for (var p = 0; p < geometry.NumGeometries; p++)
        {
            var polygon = (Polygon)geometry.GetGeometryN(p);
            if (polygon.IsEmpty)
            {
                problems.Add(new ValidationProblem(ValidationProblemKind.EmptyGeometry, id, index,
                    $"polygon coordinates[{p}] of the MultiPolygon is empty")
                {
                    Fix = "remove the empty polygon",
                });
                ringsOk = false;
                continue;
            }

            for (var r = 0; r <= polygon.NumInteriorRings; r++)
            {
                var ring = r == 0 ? polygon.ExteriorRing : polygon.GetInteriorRingN(r - 1);
                ringsOk &= CheckRing(ring.CoordinateSequence, GeometryPaths.RingName(isMulti, p, r),
                    GeometryPaths.Ring(isMulti, p, r), id, index, problems);
            }
        }

        if (!ringsOk || !Options.CheckGeometryValidity)
        {
            return;
        }

        var validity = new IsValidOp(geometry);
        if (!validity.IsValid && validity.ValidationError is { } error)
        {
            problems.Add(new ValidationProblem(ValidationProblemKind.InvalidGeometry, id, index,
                $"the geometry is invalid ({error.ErrorType}): {error.Message}")
            {
                Location = error.Coordinate is { } c ? new LngLat(c.X, c.Y) : null,
                Fix = FixFor(error.ErrorType),
            });
        }
    }

    private static string FixFor(TopologyValidationErrors error) => error switch
    {
        TopologyValidationErrors.SelfIntersection or TopologyValidationErrors.RingSelfIntersection =>
            "edges may meet only at shared vertices: remove the loop or spike there, or repair the geometry (e.g. PostGIS ST_MakeValid or NTS GeometryFixer; the GeoJSON import can do it with RepairInvalidGeometry)",
        TopologyValidationErrors.HoleOutsideShell =>
            "a hole must lie inside its polygon's exterior ring; move it to the polygon that contains it or remove it",
        TopologyValidationErrors.NestedHoles =>
            "holes of one polygon may not contain each other; remove the inner hole or make it a separate polygon",
        TopologyValidationErrors.NestedShells =>
            "polygons of a MultiPolygon may not overlap; merge the nested polygon into the outer one, or make it a separate territory with a higher priority",
        TopologyValidationErrors.DisconnectedInteriors =>
            "holes must not cut the polygon into pieces; split it into several polygons of a MultiPolygon",
        TopologyValidationErrors.DuplicateRings =>
            "a ring appears twice; remove the duplicate",
        TopologyValidationErrors.TooFewPoints =>
            "every ring needs at least 3 distinct corners",
        TopologyValidationErrors.InvalidCoordinate =>
            "use finite WGS84 longitudes and latitudes",
        _ => "repair the geometry (e.g. PostGIS ST_MakeValid or NTS GeometryFixer; the GeoJSON import can do it with RepairInvalidGeometry)",
    };

    // Checks one ring's positions; true when it is fit for a topological check.
    private static bool CheckRing(CoordinateSequence ring, string name, string path, string? id, int? index,
        ProblemCollector problems)
    {
        var n = ring.Count;
        var ok = true;
        if (n < 4)
        {
            problems.Add(new ValidationProblem(ValidationProblemKind.RingTooShort, id, index,
                $"{name} has {n} positions; a ring needs at least 4 (three corners and the first repeated at the end)")
            {
                Location = n > 0 ? new LngLat(ring.GetX(0), ring.GetY(0)) : null,
                Fix = "give the ring at least three distinct corners, or remove it",
            });
            ok = false;
        }

        int notFinite = 0, outOfRange = 0, firstNotFinite = -1, firstOutOfRange = -1;
        for (var i = 0; i < n; i++)
        {
            double x = ring.GetX(i), y = ring.GetY(i);
            if (!double.IsFinite(x) || !double.IsFinite(y))
            {
                notFinite++;
                firstNotFinite = firstNotFinite < 0 ? i : firstNotFinite;
            }
            else if (x < -180 || x > 180 || y < -90 || y > 90)
            {
                outOfRange++;
                firstOutOfRange = firstOutOfRange < 0 ? i : firstOutOfRange;
            }
        }

        if (notFinite > 0)
        {
            problems.Add(new ValidationProblem(ValidationProblemKind.CoordinateNotFinite, id, index,
                $"position {path}[{firstNotFinite}] of {name} is not a finite number ({Format(ring.GetX(firstNotFinite))}, {Format(ring.GetY(firstNotFinite))})"
                + More(notFinite))
            {
                Fix = "replace NaN and infinite coordinates with WGS84 longitudes and latitudes",
            });
            ok = false;
        }

        if (outOfRange > 0)
        {
            double x = ring.GetX(firstOutOfRange), y = ring.GetY(firstOutOfRange);
            problems.Add(new ValidationProblem(ValidationProblemKind.CoordinateOutOfRange, id, index,
                $"position {path}[{firstOutOfRange}] of {name} is out of range: longitude must be in [-180, 180] and latitude in [-90, 90]"
                + More(outOfRange))
            {
                Location = new LngLat(x, y),
                Fix = Math.Abs(x) > 1000 || Math.Abs(y) > 1000
                    ? "the coordinates look projected (e.g. Web Mercator metres): reproject to WGS84 longitude/latitude (EPSG:4326)"
                    : Math.Abs(y) > 90 && Math.Abs(x) <= 90
                        ? "longitude and latitude look swapped: GeoJSON positions are [longitude, latitude]"
                        : "use WGS84 longitudes in [-180, 180] and latitudes in [-90, 90]",
            });
            ok = false;
        }

        if (n >= 2 && notFinite == 0 && (ring.GetX(0) != ring.GetX(n - 1) || ring.GetY(0) != ring.GetY(n - 1)))
        {
            problems.Add(new ValidationProblem(ValidationProblemKind.RingNotClosed, id, index,
                $"{name} is not closed: its last position differs from its first")
            {
                Location = new LngLat(ring.GetX(n - 1), ring.GetY(n - 1)),
                Fix = "repeat the first position at the end of the ring",
            });
            ok = false;
        }

        if (notFinite == 0 && outOfRange == 0)
        {
            var crossings = 0;
            var first = -1;
            for (var i = 1; i < n; i++)
            {
                if (Antimeridian.IsUnsplitCrossing(ring.GetX(i - 1), ring.GetY(i - 1), ring.GetX(i), ring.GetY(i)))
                {
                    crossings++;
                    first = first < 0 ? i : first;
                }
            }

            if (crossings > 0)
            {
                var from = new LngLat(ring.GetX(first - 1), ring.GetY(first - 1));
                var to = new LngLat(ring.GetX(first), ring.GetY(first));
                problems.Add(new ValidationProblem(ValidationProblemKind.AntimeridianCrossing, id, index,
                    $"{name} crosses the antimeridian without being split: the edge from position [{first - 1}] {from} to [{first}] {to} "
                    + $"spans {Format(Math.Abs(to.Lng - from.Lng))}° of longitude, so as a straight longitude/latitude line it runs the long way round the globe"
                    + (crossings > 1 ? $" ({crossings} such edges)" : ""))
                {
                    Location = from,
                    Fix = "as RFC 7946 §3.1.9 requires, split the polygon at the antimeridian into a MultiPolygon: one part ending at longitude 180 and one starting at -180, with no edge spanning more than 180°",
                });
                ok = false;
            }
        }

        return ok;
    }

    private static string More(int count) => count > 1 ? $" ({count} such positions in this ring)" : "";

    private static string Format(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}

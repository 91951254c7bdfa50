// Opt-in repair of polygons written across the antimeridian without being split (RFC 7946 §3.1.9).
using GeoAssign.Index.Geometry;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;
using NetTopologySuite.Operation.Valid;
using NtsGeometry = NetTopologySuite.Geometries.Geometry;

namespace GeoAssign.Index.Validation;

/// <summary>
/// Splits polygons at the antimeridian when their rings cross it unsplit, the commonest fault of
/// real-world world maps: an edge from 179.5° to -179.5° meant as the 1° step across ±180 (RFC 7946
/// asks for a split there), a vertex written as -180 in a ring that otherwise lies east of it (as
/// quantised TopoJSON of Natural Earth does), longitudes beyond ±180 (0–360° data), or a ring that
/// runs all the way round a pole (Antarctica) with a closing edge across the whole map.
/// <para>
/// Each ring is read the short way across ±180 — every edge spans at most 180° of longitude — and
/// "unwrapped" onto a continuous longitude axis. A polygon whose rings then lie within one 360°-wide
/// strip is only shifted back into [-180, 180] by whole turns (exact), vertex for vertex. Otherwise
/// each ring becomes the area it encloses: a ring that winds once round the globe encloses the pole
/// its latitudes lean to and is closed through it along the meridian of its first vertex; the area is
/// cut into strips at ±180, 540, …, the strips shifted back and unioned; then holes are taken away
/// (two rings round the same pole bound the band between them). No vertex moves on the sphere; new
/// vertices lie on ±180 and on the pole. Validity otherwise is left to <see cref="GeometryRepair"/>,
/// which the import runs next, except for a ring that must be cut and is invalid even read across
/// ±180: it is fixed with NTS <c>GeometryFixer</c> on the continuous axis first, and the reason says so.
/// </para>
/// Used only when repair is asked for (<see cref="GeoJson.GeoJsonReadOptions.RepairInvalidGeometry"/>),
/// and reported. Stateless and thread-safe.
/// </summary>
public static class AntimeridianRepair
{
    /// <summary>
    /// Splits <paramref name="geometry"/> at the antimeridian when a ring crosses it unsplit or has
    /// longitudes beyond ±180. Returns false, with <paramref name="repaired"/> the input, when there is
    /// nothing of that kind to repair or the rings cannot be read unambiguously (non-finite
    /// coordinates, latitudes beyond ±90, a ring that winds round the globe more than once, a hole
    /// round a pole in a shell that is not); validation then reports the problem as it is. Edges that
    /// jump from -180 to +180 along a parallel count only when the polygon is invalid as written
    /// (otherwise they are a band round the globe, as RFC 7946 allows).
    /// </summary>
    /// <param name="geometry">A Polygon or MultiPolygon; not modified.</param>
    /// <param name="repaired">The split geometry (a MultiPolygon when it has several parts).</param>
    /// <param name="reason">What was wrong and what was done, for the import's repair list.</param>
    public static bool TryRepair(NtsGeometry geometry, out NtsGeometry repaired, out string reason)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        repaired = geometry;
        reason = "";
        if (geometry is not (Polygon or MultiPolygon) || geometry.IsEmpty)
        {
            return false;
        }

        int crossings = 0, outOfRange = 0, seamJumps = 0;
        if (!Survey(geometry, ref crossings, ref outOfRange, ref seamJumps))
        {
            return false;
        }

        // An edge from -180 to +180 along a parallel is valid as written (a band round the globe), and
        // read so unless the polygon is invalid that way: then it is the same meridian written twice.
        if (crossings + outOfRange == 0 && (seamJumps == 0 || geometry.IsValid))
        {
            return false;
        }

        var factory = geometry.Factory;
        var context = new RepairContext(factory);
        var polygons = new List<Polygon>();
        try
        {
            for (var p = 0; p < geometry.NumGeometries; p++)
            {
                if (!context.TryPolygon((Polygon)geometry.GetGeometryN(p), polygons))
                {
                    return false;
                }
            }
        }
        catch (TopologyException)
        {
            return false;
        }

        var polarRings = context.PolarRings;
        var fixes = context.Fixes;
        if (polygons.Count == 0)
        {
            return false;
        }

        repaired = polygons.Count == 1 ? polygons[0] : factory.CreateMultiPolygon([.. polygons]);
        var what = new List<string>(3);
        if (crossings > 0)
        {
            what.Add($"{crossings} edge{(crossings == 1 ? "" : "s")} crossed the antimeridian unsplit");
        }

        if (crossings + outOfRange == 0)
        {
            what.Add($"the polygon is invalid as drawn on a flat map, with {seamJumps} edge{(seamJumps == 1 ? "" : "s")} jumping between -180 and 180 along a parallel (the same meridian)");
        }

        if (outOfRange > 0)
        {
            what.Add($"{outOfRange} longitude{(outOfRange == 1 ? "" : "s")} lay beyond ±180");
        }

        reason = string.Join(" and ", what) +
            $"; read the short way across ±180{(polarRings > 0 ? $", {polarRings} ring{(polarRings == 1 ? "" : "s")} round a pole closed through it" : "")}" +
            $", and split at the antimeridian ({polygons.Count} polygon{(polygons.Count == 1 ? "" : "s")} now)" +
            (fixes.Count == 0 ? "" : $"; read so, it was invalid ({string.Join("; ", fixes)}) and was fixed with NTS GeometryFixer");
        return true;
    }

    // Counts unsplit crossings and longitudes beyond ±180; false when a coordinate rules out a repair.
    private static bool Survey(NtsGeometry geometry, ref int crossings, ref int outOfRange, ref int seamJumps)
    {
        for (var p = 0; p < geometry.NumGeometries; p++)
        {
            var polygon = (Polygon)geometry.GetGeometryN(p);
            for (var r = 0; r <= polygon.NumInteriorRings; r++)
            {
                var ring = Ring(polygon, r).CoordinateSequence;
                for (var i = 0; i < ring.Count; i++)
                {
                    double x = ring.GetX(i), y = ring.GetY(i);
                    if (!double.IsFinite(x) || !(y >= -90 && y <= 90) || Math.Abs(x) > 1e6)
                    {
                        return false;
                    }

                    if (Math.Abs(x) > 180)
                    {
                        outOfRange++;
                    }
                    else if (i > 0 && Math.Abs(ring.GetX(i - 1)) <= 180 && Math.Abs(x - ring.GetX(i - 1)) > 180)
                    {
                        if (Antimeridian.IsUnsplitCrossing(ring.GetX(i - 1), ring.GetY(i - 1), x, y))
                        {
                            crossings++;
                        }
                        else
                        {
                            seamJumps++;
                        }
                    }
                }
            }
        }

        return true;
    }

    private static LineString Ring(Polygon polygon, int r) => r == 0 ? polygon.ExteriorRing : polygon.GetInteriorRingN(r - 1);

    // Turns polygons into their parts within [-180, 180], touching as little as it can.
    private sealed class RepairContext(GeometryFactory factory)
    {
        public int PolarRings { get; private set; }

        public List<string> Fixes { get; } = [];

        /// <summary>
        /// Adds the polygon's parts within [-180, 180] to <paramref name="polygons"/>. A polygon whose rings
        /// all lie within one 360°-wide strip once unwrapped (a seam vertex with the wrong sign, 0–360°
        /// data) is only shifted, vertex for vertex. Otherwise each ring becomes the area it encloses
        /// (<see cref="Region"/>) and holes are taken away; two rings round the same pole bound the band
        /// between them, whichever is nearer the pole (world-atlas writes Antarctica at 1:50m as a ring
        /// along -89.999° with the coast as its hole). Validity is left to the topology repair that follows.
        /// </summary>
        public bool TryPolygon(Polygon polygon, List<Polygon> polygons)
        {
            var shell = UnwrapRing(polygon.ExteriorRing.CoordinateSequence, out var shellTurns);
            var holes = new (Coordinate[] Ring, int Turns)[polygon.NumInteriorRings];
            for (var h = 0; h < holes.Length; h++)
            {
                var hole = UnwrapRing(polygon.GetInteriorRingN(h).CoordinateSequence, out var turns);
                holes[h] = (hole, turns);
            }

            if (Math.Abs(shellTurns) > 1 || holes.Any(h => Math.Abs(h.Turns) > 1 || (h.Turns != 0 && shellTurns == 0)))
            {
                return false;
            }

            var strip = StripOf(shell);
            if (shellTurns == 0 && strip is { } k && holes.All(h => StripOf(h.Ring) == k))
            {
                var shift = -360.0 * k;
                polygons.Add(factory.CreatePolygon(
                    factory.CreateLinearRing(Shifted(shell, shift)),
                    [.. holes.Select(h => factory.CreateLinearRing(Shifted(h.Ring, shift)))]));
                return true;
            }

            var area = Region(shell, shellTurns != 0);
            foreach (var (ring, turns) in holes)
            {
                area = OverlayNGRobust.Overlay(area, Region(ring, turns != 0), turns != 0 ? SpatialFunction.SymDifference : SpatialFunction.Difference);
            }

            for (var i = 0; i < area.NumGeometries; i++)
            {
                if (area.GetGeometryN(i) is Polygon { IsEmpty: false } part)
                {
                    polygons.Add(part);
                }
            }

            return true;
        }

        /// <summary>
        /// The area an unwrapped ring encloses (closed through its pole when it winds round the globe), as
        /// a geometry within [-180, 180]: fixed if invalid even so, cut into 360°-wide strips at ±180, 540,
        /// …, the strips shifted back (exact: Sterbenz) and unioned.
        /// </summary>
        private NtsGeometry Region(Coordinate[] coordinates, bool polar)
        {
            if (polar)
            {
                coordinates = CloseThroughPole(coordinates);
                PolarRings++;
            }

            NtsGeometry area = factory.CreatePolygon(coordinates);
            var validity = new IsValidOp(area);
            if (!validity.IsValid)
            {
                // Overlay needs valid input. Natural Earth's quantised Fiji is invalid even read across ±180:
                // fixed here, on the continuous axis, where its shape is the real one.
                var error = validity.ValidationError;
                Fixes.Add($"{error?.ErrorType}: {error?.Message}{(error?.Coordinate is { } c ? $" at {new LngLat(Wrap(c.X), c.Y)}" : "")}");
                area = GeometryFixer.Fix(area);
            }

            var envelope = area.EnvelopeInternal;
            // Strip k covers unwrapped longitudes [360k - 180, 360k + 180] and shifts back by -360k.
            var first = (int)Math.Floor((envelope.MinX + 180) / 360);
            var last = (int)Math.Ceiling((envelope.MaxX + 180) / 360) - 1;
            var pieces = new List<NtsGeometry>();
            for (var k = first; k <= last; k++)
            {
                var box = factory.ToGeometry(new Envelope((360.0 * k) - 180, (360.0 * k) + 180, -90, 90));
                var piece = OverlayNGRobust.Overlay(area, box, SpatialFunction.Intersection);
                if (!piece.IsEmpty)
                {
                    pieces.Add(k == 0 ? piece : Shift(piece, -360.0 * k, factory));
                }
            }

            return OverlayNGRobust.Union(factory.BuildGeometry(pieces));
        }

        // The strip k whose [360k - 180, 360k + 180] holds the whole ring, if one does.
        private static int? StripOf(Coordinate[] ring)
        {
            double min = double.MaxValue, max = double.MinValue;
            foreach (var c in ring)
            {
                min = Math.Min(min, c.X);
                max = Math.Max(max, c.X);
            }

            var k = (int)Math.Floor((min + 180) / 360);
            return max <= (360.0 * k) + 180 ? k : null;
        }

        private static Coordinate[] Shifted(Coordinate[] ring, double shift)
        {
            if (shift != 0)
            {
                foreach (var c in ring)
                {
                    c.X += shift;
                }
            }

            return ring;
        }
    }

    // The ring with each longitude moved by whole turns so that no edge spans more than 180°; turns is
    // how many times the closed ring winds round the globe (0 for an ordinary ring).
    private static Coordinate[] UnwrapRing(CoordinateSequence ring, out int turns)
    {
        var result = new Coordinate[ring.Count];
        var offset = 0.0;
        double previous = Wrap(ring.GetX(0));
        result[0] = new Coordinate(previous, ring.GetY(0));
        for (var i = 1; i < ring.Count; i++)
        {
            var x = Wrap(ring.GetX(i));
            var step = x - previous;
            // Every edge the short way: one from -180 to +180 is a step of 0 (both name the same meridian).
            if (step > 180)
            {
                offset -= 360;
            }
            else if (step < -180)
            {
                offset += 360;
            }

            previous = x;
            result[i] = new Coordinate(x + offset, ring.GetY(i));
        }

        turns = (int)Math.Round((result[^1].X - result[0].X) / 360);
        if (turns != 0)
        {
            // The closing vertex equals the first on the sphere; keep it a whole number of turns away.
            result[^1] = new Coordinate(result[0].X + (360.0 * turns), result[0].Y);
        }

        return result;
    }

    // A longitude in [-180, 180] (0–360° data and other whole-turn offsets folded back).
    private static double Wrap(double lng) => lng is >= -180 and <= 180 ? lng : lng - (360 * Math.Round(lng / 360));

    // A ring that winds once round the globe, closed through the pole its latitudes lean to along the
    // meridian of its first (and last) vertex.
    private static Coordinate[] CloseThroughPole(Coordinate[] ring)
    {
        var sum = 0.0;
        foreach (var c in ring)
        {
            sum += c.Y;
        }

        var pole = sum < 0 ? -90.0 : 90.0;
        var start = ring[0];
        var end = ring[^1];
        var closed = new List<Coordinate>(ring.Length + 3);
        closed.AddRange(ring.Take(ring.Length - 1));
        closed.Add(new Coordinate(end.X, end.Y));
        if (end.Y != pole)
        {
            closed.Add(new Coordinate(end.X, pole));
        }

        if (start.Y != pole)
        {
            closed.Add(new Coordinate(start.X, pole));
        }

        closed.Add(new Coordinate(start.X, start.Y));
        return [.. closed];
    }

    private static NtsGeometry Shift(NtsGeometry geometry, double dx, GeometryFactory factory)
    {
        var copy = factory.CreateGeometry(geometry);
        copy.Apply(new ShiftFilter(dx));
        copy.GeometryChanged();
        return copy;
    }

    private sealed class ShiftFilter(double dx) : ICoordinateSequenceFilter
    {
        public bool Done => false;

        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq, int i) => seq.SetX(i, seq.GetX(i) + dx);
    }
}

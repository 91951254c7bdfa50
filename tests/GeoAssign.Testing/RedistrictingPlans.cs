// Deterministic redistricting plans of a real map: reassigned owners and moved borders between neighbours.
using GeoAssign.Index.Model;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;
using NtsGeometry = NetTopologySuite.Geometries.Geometry;

namespace GeoAssign.Testing;

/// <summary>
/// Makes a redistricting plan from a map, deterministically from a seed: some territories get another
/// owner (one of the map's owners), and some borders move — a disc around a vertex that two
/// neighbours share passes from one to the other, so both change geometry and the disc's part of the
/// loser changes hands. The plan keeps every other territory as the same instance.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class RedistrictingPlans
{
    /// <summary>What a plan changed.</summary>
    /// <param name="Plan">The plan's territories, in the input order.</param>
    /// <param name="Reassigned">Ids given another owner.</param>
    /// <param name="BorderMoves">(gainer id, loser id) of each moved border.</param>
    public sealed record Result(IReadOnlyList<Territory> Plan, IReadOnlySet<string> Reassigned, IReadOnlyList<(string Gainer, string Loser)> BorderMoves)
    {
        /// <summary>Every id the plan changed.</summary>
        public IReadOnlySet<string> ChangedIds { get; } =
            Reassigned.Concat(BorderMoves.SelectMany(m => new[] { m.Gainer, m.Loser })).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Moves <paramref name="borderMoves"/> borders (each between two territories no other move
    /// touches) with discs of <paramref name="discRadiusKm"/>, and reassigns <paramref name="reassign"/>
    /// other territories: reassign + 2 × borderMoves territories change (fewer only if the map runs
    /// out of candidates).
    /// </summary>
    public static Result Redistrict(IReadOnlyList<Territory> map, int reassign, int borderMoves, int seed, double discRadiusKm = 3)
    {
        ArgumentNullException.ThrowIfNull(map);
        var random = new Random(seed);
        var plan = map.ToList();
        var position = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < plan.Count; i++)
        {
            position[plan[i].Id] = i;
        }

        var owners = map.Select(t => t.OwnerId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var tree = new STRtree<int>();
        for (var i = 0; i < map.Count; i++)
        {
            tree.Insert(map[i].Geometry.EnvelopeInternal, i);
        }

        tree.Build();

        var moved = new HashSet<string>(StringComparer.Ordinal);
        var moves = new List<(string, string)>();
        for (var attempt = 0; moves.Count < borderMoves && attempt < 100 * borderMoves + 100; attempt++)
        {
            var gainer = map[random.Next(map.Count)];
            if (moved.Contains(gainer.Id) || gainer.Geometry.GetGeometryN(0) is not Polygon shell)
            {
                continue;
            }

            var ring = shell.ExteriorRing.CoordinateSequence;
            var vertex = ring.GetCoordinate(random.Next(ring.Count - 1));
            var point = gainer.Geometry.Factory.CreatePoint(vertex);
            Territory? loser = null;
            foreach (var i in tree.Query(point.EnvelopeInternal))
            {
                var other = map[i];
                if (other.Id != gainer.Id && other.Layer == gainer.Layer && !moved.Contains(other.Id)
                    && PreparedGeometryFactory.Prepare(other.Geometry).Covers(point))
                {
                    loser = other;
                    break;
                }
            }

            if (loser is null)
            {
                continue;
            }

            var disc = Disc(gainer.Geometry.Factory, vertex, discRadiusKm);
            var taken = Polygonal(OverlayNGRobust.Overlay(loser.Geometry, disc, SpatialFunction.Intersection));
            var kept = Polygonal(OverlayNGRobust.Overlay(loser.Geometry, disc, SpatialFunction.Difference));
            if (taken.IsEmpty || kept.IsEmpty)
            {
                continue;
            }

            var grown = Polygonal(OverlayNGRobust.Overlay(gainer.Geometry, taken, SpatialFunction.Union));
            plan[position[gainer.Id]] = plan[position[gainer.Id]] with { Geometry = grown };
            plan[position[loser.Id]] = plan[position[loser.Id]] with { Geometry = kept };
            moved.Add(gainer.Id);
            moved.Add(loser.Id);
            moves.Add((gainer.Id, loser.Id));
        }

        var reassigned = new HashSet<string>(StringComparer.Ordinal);
        for (var attempt = 0; reassigned.Count < reassign && attempt < 100 * reassign + 100; attempt++)
        {
            var i = random.Next(plan.Count);
            if (moved.Contains(plan[i].Id))
            {
                continue; // So that exactly reassign + 2 x borderMoves territories change.
            }

            var owner = owners[random.Next(owners.Length)];
            if (owner != plan[i].OwnerId && reassigned.Add(plan[i].Id))
            {
                plan[i] = plan[i] with { OwnerId = owner };
            }
        }

        return new Result(plan, reassigned, moves);
    }

    /// <summary>A 32-gon of about <paramref name="radiusKm"/> around a point, in longitude/latitude.</summary>
    public static Polygon Disc(GeometryFactory factory, Coordinate centre, double radiusKm)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(centre);
        var (lngMetres, latMetres) = PointSampler.MetresPerDegree(centre.Y);
        var ring = new Coordinate[33];
        for (var i = 0; i < 32; i++)
        {
            var angle = 2 * Math.PI * i / 32;
            ring[i] = new Coordinate(centre.X + radiusKm * 1000 * Math.Cos(angle) / lngMetres, centre.Y + radiusKm * 1000 * Math.Sin(angle) / latMetres);
        }

        ring[32] = ring[0].Copy();
        return factory.CreatePolygon(ring);
    }

    private static NtsGeometry Polygonal(NtsGeometry geometry)
    {
        var polygons = new List<Polygon>();
        for (var i = 0; i < geometry.NumGeometries; i++)
        {
            if (geometry.GetGeometryN(i) is Polygon { IsEmpty: false } polygon)
            {
                polygons.Add(polygon);
            }
        }

        return polygons.Count switch
        {
            0 => geometry.Factory.CreatePolygon(),
            1 => polygons[0],
            _ => geometry.Factory.CreateMultiPolygon([.. polygons]),
        };
    }
}

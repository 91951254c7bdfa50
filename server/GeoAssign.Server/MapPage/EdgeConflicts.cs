// Finds the simplified edges of a coverage that cross, touch or overlap where the full-resolution ones did not.
using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;
using NetTopologySuite.Noding;

namespace GeoAssign.Server.MapPage;

/// <summary>
/// Finds the edges of a simplified coverage that meet other than at the nodes they end at: a crossing,
/// a touch or an overlap with another edge, or with a non-adjacent part of themselves, and rings
/// collapsed below a triangle. Edges of a clean coverage meet only at their ends, so any such meeting is
/// the simplification's doing. Stateless; thread-safe.
/// </summary>
internal static class EdgeConflicts
{
    /// <summary>The indexes of the edges in <paramref name="edges"/> (points per edge; empty or single-point edges are ignored) that meet wrongly.</summary>
    public static HashSet<int> Find(Coordinate[][] edges)
    {
        var conflicts = new HashSet<int>();
        var strings = new List<ISegmentString>(edges.Length);
        for (var e = 0; e < edges.Length; e++)
        {
            var points = edges[e];
            if (points.Length >= 2 && points[0].Equals2D(points[^1]) && points.Length < 4)
            {
                conflicts.Add(e); // a ring or loop collapsed to a line
            }

            if (points.Length >= 2)
            {
                strings.Add(new BasicSegmentString(points, e));
            }
        }

        var finder = new Meetings(conflicts);
        new MCIndexNoder(finder).ComputeNodes(strings);
        return conflicts;
    }

    private sealed class Meetings(HashSet<int> conflicts) : ISegmentIntersector
    {
        private readonly RobustLineIntersector _intersector = new();

        public bool IsDone => false;

        public void ProcessIntersections(ISegmentString e0, int segIndex0, ISegmentString e1, int segIndex1)
        {
            if (ReferenceEquals(e0, e1) && segIndex0 == segIndex1)
            {
                return;
            }

            var a = e0.Coordinates;
            var b = e1.Coordinates;
            _intersector.ComputeIntersection(a[segIndex0], a[segIndex0 + 1], b[segIndex1], b[segIndex1 + 1]);
            if (!_intersector.HasIntersection)
            {
                return;
            }

            if (_intersector.IntersectionNum == 1 && Allowed(e0, segIndex0, e1, segIndex1, _intersector.GetIntersection(0)))
            {
                return;
            }

            conflicts.Add((int)e0.Context);
            conflicts.Add((int)e1.Context);
        }

        // Consecutive segments of one edge meet at their shared point; two edges at a node both end at.
        private static bool Allowed(ISegmentString e0, int i0, ISegmentString e1, int i1, Coordinate point)
        {
            if (ReferenceEquals(e0, e1))
            {
                var last = e0.Count - 2;
                var closed = e0.Coordinates[0].Equals2D(e0.Coordinates[^1]);
                return Math.Abs(i0 - i1) == 1
                    || (closed && ((i0 == 0 && i1 == last) || (i1 == 0 && i0 == last)) && point.Equals2D(e0.Coordinates[0]));
            }

            return EndsAt(e0, i0, point) && EndsAt(e1, i1, point);
        }

        private static bool EndsAt(ISegmentString edge, int segment, Coordinate point) =>
            (segment == 0 && point.Equals2D(edge.Coordinates[0])) || (segment == edge.Count - 2 && point.Equals2D(edge.Coordinates[^1]));
    }
}

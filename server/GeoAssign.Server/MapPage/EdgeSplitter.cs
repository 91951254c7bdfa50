// Splits the rings of a clean coverage at its nodes into edges that neighbouring territories share.
using GeoAssign.Index.Model;
using NetTopologySuite.Geometries;

namespace GeoAssign.Server.MapPage;

/// <summary>
/// Splits rings of a clean coverage into <see cref="CoverageEdge"/>s: a ring is cut at every node, a
/// vertex where the territory on the other side changes or where a ring count other than the border
/// implies meets (three territories, or one touching at a point). A border two territories share then
/// becomes one edge both use, so simplifying the edge once keeps them sharing it. A ring with no node
/// is one edge starting at its smallest vertex. Stateless; thread-safe.
/// </summary>
internal static class EdgeSplitter
{
    /// <summary>
    /// Sets <paramref name="rings"/> for the territories in <paramref name="scope"/> flagged in
    /// <paramref name="emit"/>; <paramref name="scope"/> must hold every clean territory whose envelope meets
    /// theirs (the nodes depend on them). Edges equal to one in <paramref name="known"/> are that edge.
    /// </summary>
    public static void Split(Territory[] territories, int[] scope, bool[] emit, EdgeRef[][][]?[] rings, Dictionary<CoverageEdge, CoverageEdge> known)
    {
        // Every ring of the scope as vertex ids (without the closing point).
        var ringOwner = new List<(int Territory, int Part, int Ring)>();
        var ringVertices = new List<int[]>();
        var ids = new Dictionary<(double X, double Y), int>();
        var points = new List<(double X, double Y)>();
        foreach (var i in scope)
        {
            var geometry = territories[i].Geometry;
            for (var p = 0; p < geometry.NumGeometries; p++)
            {
                var polygon = (Polygon)geometry.GetGeometryN(p);
                for (var r = 0; r <= polygon.NumInteriorRings; r++)
                {
                    var sequence = (r == 0 ? polygon.ExteriorRing : polygon.GetInteriorRingN(r - 1)).CoordinateSequence;
                    var vertices = new int[sequence.Count - 1];
                    for (var k = 0; k < vertices.Length; k++)
                    {
                        var point = (sequence.GetX(k), sequence.GetY(k));
                        if (!ids.TryGetValue(point, out var id))
                        {
                            id = points.Count;
                            ids.Add(point, id);
                            points.Add(point);
                        }

                        vertices[k] = id;
                    }

                    ringOwner.Add((i, p, r));
                    ringVertices.Add(vertices);
                }
            }
        }

        // Where each vertex occurs: (ring, position), grouped by vertex.
        var start = new int[points.Count + 1];
        foreach (var vertices in ringVertices)
        {
            foreach (var v in vertices)
            {
                start[v + 1]++;
            }
        }

        for (var v = 0; v < points.Count; v++)
        {
            start[v + 1] += start[v];
        }

        var fill = (int[])start.Clone();
        var occurrenceRing = new int[start[^1]];
        var occurrencePosition = new int[start[^1]];
        for (var r = 0; r < ringVertices.Count; r++)
        {
            var vertices = ringVertices[r];
            for (var k = 0; k < vertices.Length; k++)
            {
                occurrenceRing[fill[vertices[k]]] = r;
                occurrencePosition[fill[vertices[k]]++] = k;
            }
        }

        int RingsAt(int v)
        {
            var count = 0;
            for (var o = start[v]; o < start[v + 1]; o++)
            {
                var seen = false;
                for (var q = start[v]; q < o && !seen; q++)
                {
                    seen = occurrenceRing[q] == occurrenceRing[o];
                }

                count += seen ? 0 : 1;
            }

            return count;
        }

        // The ring on the other side of the segment from position k to k + 1 of ring r, or -1.
        int OtherSide(int r, int k)
        {
            var vertices = ringVertices[r];
            var a = vertices[k];
            var b = vertices[(k + 1) % vertices.Length];
            var other = -1;
            for (var o = start[a]; o < start[a + 1]; o++)
            {
                var s = occurrenceRing[o];
                if (s == r)
                {
                    continue;
                }

                var theirs = ringVertices[s];
                var j = occurrencePosition[o];
                if (theirs[(j + 1) % theirs.Length] == b || theirs[(j + theirs.Length - 1) % theirs.Length] == b)
                {
                    other = other < 0 ? s : Math.Min(other, s);
                }
            }

            return other;
        }

        var byTerritory = new Dictionary<int, List<List<EdgeRef[]>>>();
        for (var r = 0; r < ringVertices.Count; r++)
        {
            var (territory, part, _) = ringOwner[r];
            if (!emit[territory])
            {
                continue;
            }

            var vertices = ringVertices[r];
            var m = vertices.Length;
            var side = new int[m];
            for (var k = 0; k < m; k++)
            {
                side[k] = OtherSide(r, k);
            }

            var nodes = new List<int>();
            for (var k = 0; k < m; k++)
            {
                var before = side[(k + m - 1) % m];
                var expected = before == side[k] ? (side[k] < 0 ? 1 : 2) : -1;
                if (expected < 0 || RingsAt(vertices[k]) != expected)
                {
                    nodes.Add(k);
                }
            }

            var refs = nodes.Count == 0 ? [FreeRing(vertices, points, known)] : Cut(vertices, nodes, points, known);
            if (!byTerritory.TryGetValue(territory, out var parts))
            {
                byTerritory[territory] = parts = [];
            }

            while (parts.Count <= part)
            {
                parts.Add([]);
            }

            parts[part].Add(refs);
        }

        foreach (var (territory, parts) in byTerritory)
        {
            rings[territory] = [.. parts.Select(part => part.ToArray())];
        }
    }

    // A ring with no node: one edge from its smallest vertex, turning towards the smaller neighbour.
    private static EdgeRef FreeRing(int[] vertices, List<(double X, double Y)> points, Dictionary<CoverageEdge, CoverageEdge> known)
    {
        var m = vertices.Length;
        var first = 0;
        for (var k = 1; k < m; k++)
        {
            if (Compare(points[vertices[k]], points[vertices[first]]) < 0)
            {
                first = k;
            }
        }

        var reversed = Compare(points[vertices[(first + m - 1) % m]], points[vertices[(first + 1) % m]]) < 0;
        var xy = new double[(m + 1) * 2];
        for (var k = 0; k <= m; k++)
        {
            var (x, y) = points[vertices[(first + ((reversed ? m - k : k) % m)) % m]];
            xy[2 * k] = x;
            xy[(2 * k) + 1] = y;
        }

        return new EdgeRef(Known(new CoverageEdge(xy, isRing: true), known), reversed);
    }

    // The edges between consecutive nodes, each in canonical direction.
    private static EdgeRef[] Cut(int[] vertices, List<int> nodes, List<(double X, double Y)> points, Dictionary<CoverageEdge, CoverageEdge> known)
    {
        var m = vertices.Length;
        var refs = new EdgeRef[nodes.Count];
        for (var t = 0; t < nodes.Count; t++)
        {
            var from = nodes[t];
            var to = t + 1 < nodes.Count ? nodes[t + 1] : nodes[0] + m;
            var count = to - from + 1;
            var first = points[vertices[from % m]];
            var last = points[vertices[to % m]];
            var order = Compare(last, first);
            if (order == 0 && count > 2)
            {
                order = Compare(points[vertices[(to - 1) % m]], points[vertices[(from + 1) % m]]);
            }

            var reversed = order < 0;
            var xy = new double[count * 2];
            for (var k = 0; k < count; k++)
            {
                var (x, y) = points[vertices[(reversed ? to - k : from + k) % m]];
                xy[2 * k] = x;
                xy[(2 * k) + 1] = y;
            }

            refs[t] = new EdgeRef(Known(new CoverageEdge(xy, isRing: false), known), reversed);
        }

        return refs;
    }

    private static CoverageEdge Known(CoverageEdge edge, Dictionary<CoverageEdge, CoverageEdge> known)
    {
        if (known.TryGetValue(edge, out var existing))
        {
            return existing;
        }

        known.Add(edge, edge);
        return edge;
    }

    private static int Compare((double X, double Y) a, (double X, double Y) b) => a.X != b.X ? a.X.CompareTo(b.X) : a.Y.CompareTo(b.Y);
}

// Blocks from the H3 cells of one resolution whose centres lie in a coverage area.
using System.Collections.Immutable;
using GeoAssign.H3;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using H3Api = GeoAssign.H3.H3;
using NtsGeometry = NetTopologySuite.Geometries.Geometry;

namespace GeoAssign.Proposals.Blocks;

/// <summary>
/// Turns a coverage area into blocks: the H3 cells of one resolution whose centre lies in the area
/// (interior or boundary), as H3's own polygon-to-cells does; neighbours are H3 neighbours (cells
/// sharing an edge).
/// </summary>
/// <remarks>
/// <para>
/// <b>Finding the cells.</b> Every ring of the area is walked in steps of a quarter of a cell's
/// radius; the cells within two steps of each point's cell whose centres lie in the area are the
/// seeds, and a flood fill over H3 neighbours (keeping cells whose centre lies in the area) adds the
/// rest. Every group of neighbouring inside cells borders a cell whose centre is outside, so it lies
/// within about a cell of the boundary and holds a seed; the work follows the boundary's length and
/// the number of cells, not the envelope's area.
/// </para>
/// <para>
/// <b>Polygons.</b> A cell's polygon is its H3 boundary with straight longitude/latitude edges. Two
/// neighbours compute their common vertices separately, which can differ in the last bits; vertices
/// closer than <see cref="VertexMergeDegrees"/> are merged to the one met first, so neighbours share
/// their vertices exactly and unions of cells have no slivers. Cells crossing the antimeridian are
/// not supported (the area must not reach it).
/// </para>
/// <para>Stateless and thread-safe.</para>
/// </remarks>
public static class H3Blocks
{
    /// <summary>Vertices of cell boundaries closer than this (degrees) are one vertex.</summary>
    public const double VertexMergeDegrees = 1e-8;

    /// <summary>The most cells one coverage may produce; a finer resolution over a wide area is refused.</summary>
    public const int MaxCells = 2_000_000;

    /// <summary>The cells of <paramref name="resolution"/> whose centre lies in <paramref name="coverage"/>, ordered by cell.</summary>
    /// <exception cref="ArgumentException">The resolution is not 0..15, the area is empty or not polygonal, reaches
    /// the antimeridian, or holds more than <see cref="MaxCells"/> cells.</exception>
    public static BlockSet Cover(NtsGeometry coverage, int resolution)
    {
        ArgumentNullException.ThrowIfNull(coverage);
        if (resolution is < 0 or > 15)
        {
            throw new ArgumentException($"H3 resolution {resolution} does not exist; use 0 to 15.", nameof(resolution));
        }

        if (coverage.IsEmpty || coverage is not (Polygon or MultiPolygon))
        {
            throw new ArgumentException("The coverage area must be a non-empty Polygon or MultiPolygon.", nameof(coverage));
        }

        var (cells, _) = CellsIn(coverage, resolution);
        if (cells.Count == 0)
        {
            throw new ArgumentException($"No H3 cell of resolution {resolution} has its centre in the coverage area; use a finer resolution.", nameof(coverage));
        }

        var ordered = cells.Order().ToArray();
        var indexOf = new Dictionary<H3Index, int>(ordered.Length);
        for (var i = 0; i < ordered.Length; i++)
        {
            indexOf.Add(ordered[i], i);
        }

        var factory = coverage.Factory;
        var vertices = new VertexCanon();
        var disk = new H3Index[7];
        var shapes = ImmutableArray.CreateBuilder<BlockShape>(ordered.Length);
        for (var i = 0; i < ordered.Length; i++)
        {
            var n = H3Api.GridDisk(ordered[i], 1, disk);
            var neighbours = new List<int>(6);
            for (var k = 0; k < n; k++)
            {
                if (disk[k] != ordered[i] && indexOf.TryGetValue(disk[k], out var j))
                {
                    neighbours.Add(j);
                }
            }

            neighbours.Sort();
            shapes.Add(BlockSet.Shape(ordered[i].ToString(), CellPolygon(ordered[i], factory, vertices), [.. neighbours]));
        }

        return new BlockSet(shapes.MoveToImmutable());
    }

    /// <summary>
    /// Every cell of <paramref name="resolution"/> that can meet <paramref name="area"/>: the cells whose centre lies in
    /// it and every cell within two steps of a boundary sample (a cell meeting the area without its centre inside
    /// holds a boundary point, so it is one of those). A superset: clip to find the cells that really meet it.
    /// </summary>
    internal static HashSet<H3Index> CellsMeeting(NtsGeometry area, int resolution)
    {
        var (inside, seen) = CellsIn(area, resolution);
        seen.UnionWith(inside);
        return seen;
    }

    private static (HashSet<H3Index> Inside, HashSet<H3Index> Seen) CellsIn(NtsGeometry coverage, int resolution)
    {
        var locator = new IndexedPointInAreaLocator(coverage);
        var envelope = coverage.EnvelopeInternal;
        var probe = H3Api.LatLngToCell(envelope.Centre.Y, envelope.Centre.X, resolution);

        // Seeds along the boundary: points every quarter of a cell's radius on every ring, and the
        // cells within two steps of each point's cell. Every group of neighbouring cells with centres
        // inside has a cell next to one whose centre is outside, so within about a cell of the
        // boundary: a seed. The flood fill then reaches the rest. The cost follows the boundary's
        // length, not the area.
        var step = H3Api.CellToBoundingCap(probe).RadiusRadians * (180 / Math.PI) * 0.25;
        var inside = new HashSet<H3Index>();
        var seen = new HashSet<H3Index>();
        var near = new HashSet<H3Index>();
        var pending = new Queue<H3Index>();
        var disk = new H3Index[H3Api.MaxGridDiskSize(2)];
        for (var g = 0; g < coverage.NumGeometries; g++)
        {
            var polygon = (Polygon)coverage.GetGeometryN(g);
            for (var r = -1; r < polygon.NumInteriorRings; r++)
            {
                var ring = (r < 0 ? polygon.ExteriorRing : polygon.GetInteriorRingN(r)).CoordinateSequence;
                for (var i = 0; i + 1 < ring.Count; i++)
                {
                    double x0 = ring.GetX(i), y0 = ring.GetY(i), x1 = ring.GetX(i + 1), y1 = ring.GetY(i + 1);
                    var points = (int)Math.Ceiling(Math.Max(Math.Abs(x1 - x0), Math.Abs(y1 - y0)) / step);
                    for (var k = 0; k <= points; k++)
                    {
                        var t = points == 0 ? 0 : (double)k / points;
                        var cell = H3Api.LatLngToCell(Math.Clamp(y0 + (y1 - y0) * t, -90, 90), Math.Clamp(x0 + (x1 - x0) * t, -180, 180), resolution);
                        if (!near.Add(cell))
                        {
                            continue;
                        }

                        var n = H3Api.GridDisk(cell, 2, disk);
                        for (var d = 0; d < n; d++)
                        {
                            if (seen.Add(disk[d]) && Keep(disk[d], locator, inside))
                            {
                                pending.Enqueue(disk[d]);
                            }
                        }
                    }
                }
            }
        }

        while (pending.TryDequeue(out var cell))
        {
            var n = H3Api.GridDisk(cell, 1, disk);
            for (var k = 0; k < n; k++)
            {
                if (seen.Add(disk[k]) && Keep(disk[k], locator, inside))
                {
                    pending.Enqueue(disk[k]);
                }
            }
        }

        return (inside, seen);
    }

    private static bool Keep(H3Index cell, IndexedPointInAreaLocator locator, HashSet<H3Index> inside)
    {
        var centre = H3Api.CellToLatLng(cell);
        if (locator.Locate(new Coordinate(centre.Lng, centre.Lat)) == Location.Exterior)
        {
            return false;
        }

        inside.Add(cell);
        if (inside.Count > MaxCells)
        {
            throw new ArgumentException($"The coverage area holds more than {MaxCells:N0} cells of resolution {H3Api.GetResolution(cell)}; use a coarser resolution or a smaller area.");
        }

        return true;
    }

    internal static Polygon CellPolygon(H3Index cell, GeometryFactory factory, VertexCanon vertices)
    {
        var boundary = H3Api.CellToBoundary(cell);
        var ring = new Coordinate[boundary.Count + 1];
        double minLng = double.MaxValue, maxLng = double.MinValue;
        for (var v = 0; v < boundary.Count; v++)
        {
            ring[v] = vertices.Canonical(boundary[v].Lng, boundary[v].Lat);
            minLng = Math.Min(minLng, ring[v].X);
            maxLng = Math.Max(maxLng, ring[v].X);
        }

        if (maxLng - minLng > 180)
        {
            throw new ArgumentException($"H3 cell {cell} crosses the antimeridian; proposals over H3 cells do not support areas reaching ±180° longitude.");
        }

        ring[^1] = ring[0];
        return factory.CreatePolygon(ring);
    }

    // Merges vertices closer than VertexMergeDegrees: looks in the bucket of the vertex and the 8 around it.
    internal sealed class VertexCanon
    {
        private readonly Dictionary<(long, long), List<Coordinate>> _buckets = [];

        public Coordinate Canonical(double x, double y)
        {
            var bx = (long)Math.Floor(x / VertexMergeDegrees);
            var by = (long)Math.Floor(y / VertexMergeDegrees);
            for (var dx = -1; dx <= 1; dx++)
            {
                for (var dy = -1; dy <= 1; dy++)
                {
                    if (_buckets.TryGetValue((bx + dx, by + dy), out var list))
                    {
                        foreach (var c in list)
                        {
                            if (Math.Abs(c.X - x) < VertexMergeDegrees && Math.Abs(c.Y - y) < VertexMergeDegrees)
                            {
                                return c.Copy();
                            }
                        }
                    }
                }
            }

            var coordinate = new Coordinate(x, y);
            if (!_buckets.TryGetValue((bx, by), out var own))
            {
                own = new List<Coordinate>(1);
                _buckets.Add((bx, by), own);
            }

            own.Add(coordinate);
            return coordinate.Copy();
        }
    }
}

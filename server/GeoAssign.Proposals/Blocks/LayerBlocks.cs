// Blocks from the territories of one layer: overlaps resolved by the border rule, adjacency from shared borders.
using System.Collections.Immutable;
using GeoAssign.Index.Model;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.Operation.Distance;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;
using NetTopologySuite.Operation.RelateNG;
using NtsGeometry = NetTopologySuite.Geometries.Geometry;

namespace GeoAssign.Proposals.Blocks;

/// <summary>
/// Turns the territories of one layer (counties, districts, postal areas) into blocks.
/// </summary>
/// <remarks>
/// <para>
/// <b>Overlaps.</b> Where two territories of the layer share area, the area goes to the one a lookup
/// answers there (the border rule: higher priority, then the ordinal-smaller id); the other block is
/// that territory less the winner. So blocks never overlap, and unions of blocks drawn into different
/// territories do not either. A territory left with no area is reported in <see cref="LayerBlocksResult.Swallowed"/>.
/// </para>
/// <para>
/// <b>Adjacency.</b> Two blocks are neighbours when they share a border of positive length: the exact
/// DE-9IM boundary/boundary dimension is 1 (always the case for maps whose neighbours share their
/// vertices, and for clipped overlaps). Real data also has tiny gaps and slivers between neighbours,
/// so blocks that do not share a line exactly but come within <see cref="DefaultToleranceDegrees"/> of
/// each other are neighbours when the part of one's boundary within the tolerance of the other is at
/// least <see cref="MinSharedLengthFactor"/> times the tolerance long (planar length in degrees): a
/// border, not a corner touch (two blocks meeting at a point give a length of about twice the
/// tolerance unless the corner angle is below about 2°).
/// </para>
/// <para>Stateless and thread-safe.</para>
/// </remarks>
public static class LayerBlocks
{
    /// <summary>Default distance, in degrees (about 1 m), under which a gap between two borders counts as none.</summary>
    public const double DefaultToleranceDegrees = 1e-5;

    /// <summary>A near border must be this many tolerances long to count as shared.</summary>
    public const double MinSharedLengthFactor = 50;

    /// <summary>Builds the blocks of the given territories (all of one layer, or the caller's selection), ordered by id.</summary>
    /// <param name="territories">The territories; their geometries must be valid (they come from the map).</param>
    /// <param name="toleranceDegrees">Gap tolerance of adjacency (see the remarks); 0 for exact borders only.</param>
    public static LayerBlocksResult Build(IEnumerable<Territory> territories, double toleranceDegrees = DefaultToleranceDegrees)
    {
        ArgumentNullException.ThrowIfNull(territories);
        if (!double.IsFinite(toleranceDegrees) || toleranceDegrees < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(toleranceDegrees), toleranceDegrees, "The tolerance is a finite number of degrees, not negative.");
        }

        var sorted = territories.OrderBy(static t => t.Id, StringComparer.Ordinal).ToArray();
        var geometries = sorted.Select(static t => t.Geometry).ToArray();
        var tree = new STRtree<int>();
        for (var i = 0; i < sorted.Length; i++)
        {
            tree.Insert(geometries[i].EnvelopeInternal, i);
        }

        tree.Build();
        var neighbours = new SortedSet<int>[sorted.Length];
        for (var i = 0; i < neighbours.Length; i++)
        {
            neighbours[i] = [];
        }

        var buffers = new NtsGeometry?[sorted.Length];
        for (var i = 0; i < sorted.Length; i++)
        {
            var search = geometries[i].EnvelopeInternal.Copy();
            search.ExpandBy(toleranceDegrees);
            var candidates = tree.Query(search).ToList();
            candidates.Sort();
            foreach (var j in candidates)
            {
                if (j <= i || geometries[i].IsEmpty || geometries[j].IsEmpty)
                {
                    continue;
                }

                if (Borders(sorted, geometries, buffers, i, j, toleranceDegrees))
                {
                    neighbours[i].Add(j);
                    neighbours[j].Add(i);
                }
            }
        }

        // Territories swallowed by higher-precedence ones are left out; indexes are remapped.
        var kept = new List<int>();
        var swallowed = ImmutableArray.CreateBuilder<string>();
        var newIndex = new int[sorted.Length];
        for (var i = 0; i < sorted.Length; i++)
        {
            if (geometries[i].IsEmpty)
            {
                newIndex[i] = -1;
                swallowed.Add(sorted[i].Id);
            }
            else
            {
                newIndex[i] = kept.Count;
                kept.Add(i);
            }
        }

        var shapes = ImmutableArray.CreateBuilder<BlockShape>(kept.Count);
        foreach (var i in kept)
        {
            var list = neighbours[i].Select(n => newIndex[n]).Where(static n => n >= 0).ToImmutableArray();
            shapes.Add(BlockSet.Shape(sorted[i].Id, geometries[i], list));
        }

        return new LayerBlocksResult(new BlockSet(shapes.MoveToImmutable()), swallowed.ToImmutable());
    }

    private static bool Borders(Territory[] territories, NtsGeometry[] geometries, NtsGeometry?[] buffers, int i, int j, double tolerance)
    {
        var matrix = RelateNG.Relate(geometries[i], geometries[j]);
        if (matrix.Get(Location.Interior, Location.Interior) == Dimension.Surface)
        {
            // An overlap: the loser gives the common area up and then borders the winner along its edge.
            var (winner, loser) = TerritoryPrecedence.Wins(territories[i], territories[j]) ? (i, j) : (j, i);
            geometries[loser] = Polygonal(OverlayNGRobust.Overlay(geometries[loser], geometries[winner], SpatialFunction.Difference));
            buffers[loser] = null;
            return !geometries[loser].IsEmpty;
        }

        return SharesBorder(geometries[i], geometries[j], matrix, ref buffers[j], tolerance);
    }

    /// <summary>
    /// Whether two blocks that do not overlap share a border by the rule of the remarks: the exact boundary/boundary
    /// dimension is 1, or the part of <paramref name="a"/>'s boundary within <paramref name="tolerance"/> of
    /// <paramref name="b"/> is at least <see cref="MinSharedLengthFactor"/> tolerances long.
    /// </summary>
    /// <param name="a">One block's geometry.</param>
    /// <param name="b">The other's.</param>
    /// <param name="matrix">Their DE-9IM relation when the caller has it, else null.</param>
    /// <param name="bufferOfB"><paramref name="b"/> buffered by the tolerance, computed on first need and kept by the caller.</param>
    /// <param name="tolerance">Gap tolerance, degrees; 0 for exact borders only.</param>
    internal static bool SharesBorder(NtsGeometry a, NtsGeometry b, IntersectionMatrix? matrix, ref NtsGeometry? bufferOfB, double tolerance)
    {
        matrix ??= RelateNG.Relate(a, b);
        if (matrix.Get(Location.Boundary, Location.Boundary) == Dimension.Curve)
        {
            return true;
        }

        if (tolerance == 0 || !DistanceOp.IsWithinDistance(a, b, tolerance))
        {
            return false;
        }

        bufferOfB ??= b.Buffer(tolerance);
        var near = OverlayNGRobust.Overlay(a.Boundary, bufferOfB, SpatialFunction.Intersection);
        return near.Length >= MinSharedLengthFactor * tolerance;
    }

    internal static NtsGeometry Polygonal(NtsGeometry geometry)
    {
        var polygons = new List<Polygon>();
        Collect(geometry, polygons);
        return polygons.Count switch
        {
            0 => geometry.Factory.CreatePolygon(),
            1 => polygons[0],
            _ => geometry.Factory.CreateMultiPolygon([.. polygons]),
        };
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
            for (var k = 0; k < collection.NumGeometries; k++)
            {
                Collect(collection.GetGeometryN(k), into);
            }
        }
    }
}

/// <summary>Blocks built from a layer, and the territories left out. Immutable.</summary>
/// <param name="Blocks">The blocks.</param>
/// <param name="Swallowed">Ids of territories wholly covered by higher-precedence ones of the same layer: no block.</param>
public sealed record LayerBlocksResult(BlockSet Blocks, ImmutableArray<string> Swallowed);

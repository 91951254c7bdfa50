// Divides blocks heavier than a share of the target into H3 cells clipped to the block, before the engine runs.
using System.Collections.Immutable;
using GeoAssign.H3;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Geometries.Utilities;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;
using H3Api = GeoAssign.H3.H3;
using NtsGeometry = NetTopologySuite.Geometries.Geometry;

namespace GeoAssign.Proposals.Blocks;

/// <summary>How heavy blocks are divided. Immutable.</summary>
/// <param name="Share">A block heavier than this share of the target weight (0.5 = half a target) is divided.</param>
public sealed record BlockSplitOptions(double Share = BlockSplitOptions.DefaultShare)
{
    /// <summary>Default <see cref="Share"/>: half a target.</summary>
    public const double DefaultShare = 0.5;

    /// <summary>
    /// Smallest mean H3 cell area (km²) refinement goes down to; default 0.5 km², so resolution 8 (0.74 km²) at the
    /// finest. Weight piled in a smaller area than this stays in one sub-block.
    /// </summary>
    public double MinCellAreaKm2 { get; init; } = 0.5;

    /// <summary>Most sub-blocks one block may become (default 3,000); refinement stops at the resolution before.</summary>
    public int MaxPartsPerBlock { get; init; } = 3_000;

    /// <summary>Gap tolerance of sub-block adjacency, degrees: the layer blocks' rule (<see cref="LayerBlocks.DefaultToleranceDegrees"/>).</summary>
    public double ToleranceDegrees { get; init; } = LayerBlocks.DefaultToleranceDegrees;
}

/// <summary>One block that was divided. Immutable.</summary>
/// <param name="Id">The block's id.</param>
/// <param name="Index">The block's index in the set it was divided from.</param>
/// <param name="Weight">The block's weight (its accounts' summed weight).</param>
/// <param name="Parts">Number of sub-blocks.</param>
/// <param name="Resolution">H3 resolution of the cells it was cut along.</param>
/// <param name="HeaviestPart">Weight of its heaviest sub-block.</param>
/// <param name="FirstPart">Index of its first sub-block in the new set; its sub-blocks are <see cref="FirstPart"/>..+<see cref="Parts"/>-1.</param>
public sealed record SplitBlock(string Id, int Index, double Weight, int Parts, int Resolution, double HeaviestPart, int FirstPart);

/// <summary>The blocks after dividing, where the accounts fell in them, and what was divided. Immutable.</summary>
/// <param name="Blocks">The new block set: the undivided blocks as they were and each divided block's sub-blocks in its place.</param>
/// <param name="Placement">The accounts placed into <see cref="Blocks"/> (exact point in polygon, <see cref="AccountPlacement"/>).</param>
/// <param name="Split">The divided blocks, in block order (empty when none was heavy).</param>
/// <param name="Parent">Per new block, the index of the block it is or comes from in the original set.</param>
/// <param name="Limit">The weight above which a block was divided (share × target).</param>
public sealed record BlockSplitResult(BlockSet Blocks, AccountPlacementResult Placement, ImmutableArray<SplitBlock> Split, ImmutableArray<int> Parent, double Limit);

/// <summary>
/// Divides the blocks heavier than <see cref="BlockSplitOptions.Share"/> × the target weight into sub-blocks, so that
/// a county weighing two targets no longer forces a territory twice its target.
/// </summary>
/// <remarks>
/// <para>
/// <b>Rule.</b> A heavy block is cut along the H3 cells of one resolution: a cell inside the block is a sub-block as it
/// is; the cells crossing its border are clipped to it (their rings and the block's boundary noded once and
/// polygonized, so neighbouring pieces share their border nodes, which are also inserted into the neighbouring
/// blocks' rings they lie on), and each non-empty piece is a sub-block with the id
/// <c>BLOCK#CELL</c> (a cell whose intersection has several parts stays one sub-block, as a county with islands is
/// one block). The resolution starts at the coarsest one with room for enough cells (block area ≥ mean cell area ×
/// max(2, ⌈weight / limit⌉)) and is refined one level at a time while a sub-block (accounts counted by their H3
/// cell) is heavier than the limit, until the mean cell area would fall below
/// <see cref="BlockSplitOptions.MinCellAreaKm2"/> or the block would have more than
/// <see cref="BlockSplitOptions.MaxPartsPerBlock"/> sub-blocks. So the sub-blocks of one block tile it exactly: they
/// do not overlap (cells do not), and their union is the block (cells cover the sphere).
/// </para>
/// <para>
/// <b>Adjacency</b> of a sub-block is recomputed from the geometry by the layer blocks' rule and tolerance
/// (<see cref="LayerBlocks"/>: a shared line, or a near border at least 50 tolerances long) against the other
/// sub-blocks of its block and the blocks (or their sub-blocks) its block bordered; undivided blocks keep their
/// neighbours among themselves. Accounts are then placed into the new set by <see cref="AccountPlacement"/>.
/// </para>
/// <para>Deterministic; stateless and thread-safe.</para>
/// </remarks>
public static class BlockSplit
{
    /// <summary>A node of a divided block's border within this many degrees of another block's segment lies on it.</summary>
    public const double NodeToleranceDegrees = 1e-11;

    private const double EarthAreaKm2 = 510_065_621.724;

    /// <summary>Divides the heavy blocks.</summary>
    /// <param name="blocks">The blocks.</param>
    /// <param name="accounts">The accounts (weights decide what is heavy).</param>
    /// <param name="targetWeight">The target weight a share is taken of (the smallest territory target), above 0.</param>
    /// <param name="options">The share and the limits; null for the defaults.</param>
    /// <exception cref="ArgumentException">A bad account (see <see cref="AccountPlacement"/>), a target or share not above 0.</exception>
    /// <param name="placement">The accounts already placed into <paramref name="blocks"/>, or null to place them here.</param>
    public static BlockSplitResult Split(BlockSet blocks, IReadOnlyList<AccountPoint> accounts, double targetWeight, BlockSplitOptions? options = null,
        AccountPlacementResult? placement = null)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(accounts);
        options ??= new BlockSplitOptions();
        if (!(options.Share > 0) || !double.IsFinite(options.Share))
        {
            throw new ArgumentException($"The split share {options.Share} is not a number above 0.", nameof(options));
        }

        if (!(targetWeight > 0) || !double.IsFinite(targetWeight))
        {
            throw new ArgumentException($"The target weight {targetWeight} is not a number above 0.", nameof(targetWeight));
        }

        if (placement is not null && placement.BlockOf.Length != accounts.Count)
        {
            throw new ArgumentException($"The placement has {placement.BlockOf.Length} accounts; there are {accounts.Count}.", nameof(placement));
        }

        placement ??= AccountPlacement.Place(blocks, accounts);
        var limit = options.Share * targetWeight;
        var members = new Dictionary<int, List<int>>();
        for (var a = 0; a < accounts.Count; a++)
        {
            var b = placement.BlockOf[a];
            if (b >= 0 && placement.BlockWeight[b] > limit)
            {
                if (!members.TryGetValue(b, out var list))
                {
                    members.Add(b, list = []);
                }

                list.Add(a);
            }
        }

        if (members.Count == 0)
        {
            return new BlockSplitResult(blocks, placement, [], [.. Enumerable.Range(0, blocks.Count)], limit);
        }

        // Cut each heavy block; the new set keeps block order with each divided block's parts in its place.
        var parts = new Dictionary<int, (NtsGeometry[] Geometries, string[] Ids, int Resolution)>();
        foreach (var (b, list) in members.OrderBy(static m => m.Key))
        {
            parts.Add(b, Cut(blocks.Blocks[b], list.Select(a => accounts[a]).ToList(), placement.BlockWeight[b], limit, options));
        }

        var firstOf = new int[blocks.Count];
        var parent = ImmutableArray.CreateBuilder<int>();
        var geometries = new List<NtsGeometry>();
        for (var b = 0; b < blocks.Count; b++)
        {
            firstOf[b] = parent.Count;
            var count = parts.TryGetValue(b, out var cut) ? cut.Geometries.Length : 1;
            for (var k = 0; k < count; k++)
            {
                parent.Add(b);
                geometries.Add(cut.Geometries is null ? blocks.Blocks[b].Geometry : cut.Geometries[k]);
            }
        }

        // The nodes where cell edges cross a divided block's border (with the cells' vertices: every coordinate that is
        // not the block's) go into every ring they lie on: the parts of the other divided blocks and the undivided neighbours.
        var original = new HashSet<Coordinate>();
        var nodes = new NetTopologySuite.Index.Strtree.STRtree<Coordinate>();
        var nodeCount = 0;
        foreach (var (b, cut) in parts)
        {
            original.Clear();
            original.UnionWith(blocks.Blocks[b].Geometry.Coordinates);
            var seen = new HashSet<Coordinate>();
            foreach (var piece in cut.Geometries)
            {
                foreach (var c in piece.Coordinates)
                {
                    if (!original.Contains(c) && seen.Add(c))
                    {
                        nodes.Insert(new Envelope(c), c);
                        nodeCount++;
                    }
                }
            }
        }

        if (nodeCount > 0)
        {
            var touched = new HashSet<int>();
            foreach (var b in parts.Keys)
            {
                touched.Add(b);
                touched.UnionWith(blocks.Blocks[b].Neighbours);
            }

            foreach (var b in touched)
            {
                for (var i = firstOf[b]; i < firstOf[b] + (parts.TryGetValue(b, out var cut) ? cut.Geometries.Length : 1); i++)
                {
                    geometries[i] = WithNodes(geometries[i], nodes);
                }
            }
        }

        var neighbours = Adjacency(blocks, parts, firstOf, parent, geometries, options.ToleranceDegrees);
        var shapes = ImmutableArray.CreateBuilder<BlockShape>(parent.Count);
        for (var i = 0; i < parent.Count; i++)
        {
            var b = parent[i];
            var list = neighbours[i].ToImmutableArray();
            shapes.Add(parts.TryGetValue(b, out var cut)
                ? BlockSet.Shape(cut.Ids[i - firstOf[b]], geometries[i], list)
                : blocks.Blocks[b] with { Geometry = geometries[i], Neighbours = list });
        }

        var result = new BlockSet(shapes.MoveToImmutable());
        var newPlacement = AccountPlacement.Place(result, accounts);
        var split = ImmutableArray.CreateBuilder<SplitBlock>(parts.Count);
        foreach (var (b, cut) in parts.OrderBy(static p => p.Key))
        {
            var heaviest = 0.0;
            for (var k = 0; k < cut.Geometries.Length; k++)
            {
                heaviest = Math.Max(heaviest, newPlacement.BlockWeight[firstOf[b] + k]);
            }

            split.Add(new SplitBlock(blocks.Blocks[b].Id, b, placement.BlockWeight[b], cut.Geometries.Length, cut.Resolution, heaviest, firstOf[b]));
        }

        return new BlockSplitResult(result, newPlacement, split.MoveToImmutable(), parent.ToImmutable(), limit);
    }

    /// <summary>Mean area of an H3 cell of a resolution, km² (the sphere's area over the number of cells).</summary>
    public static double MeanCellAreaKm2(int resolution) => EarthAreaKm2 / (2 + (120 * Math.Pow(7, resolution)));

    private static (NtsGeometry[] Geometries, string[] Ids, int Resolution) Cut(BlockShape block, List<AccountPoint> accounts, double weight, double limit,
        BlockSplitOptions options)
    {
        var finest = 0;
        while (finest < 15 && MeanCellAreaKm2(finest + 1) >= options.MinCellAreaKm2)
        {
            finest++;
        }

        var wanted = Math.Max(2, Math.Ceiling(weight / limit));
        var resolution = 0;
        while (resolution < finest && MeanCellAreaKm2(resolution) * wanted > block.AreaKm2)
        {
            resolution++;
        }

        // The resolution is chosen from the accounts' cells and the number of cells meeting the block; only the chosen
        // resolution is clipped.
        while (resolution < finest && Heaviest(accounts, resolution) > limit)
        {
            // The cells that may meet the block bound its parts: stop before they pass the part limit.
            if (H3Blocks.CellsMeeting(block.Geometry, resolution + 1).Count > options.MaxPartsPerBlock)
            {
                break;
            }

            resolution++;
        }

        var cut = Clip(block, resolution);
        var ids = cut.Cells.Select(c => $"{block.Id}#{c}").ToArray();
        return (cut.Geometries, ids, resolution);
    }

    // The cells of a resolution meeting the block, each clipped to it; cells with nothing left are dropped.
    private static (NtsGeometry[] Geometries, H3Index[] Cells) Clip(BlockShape block, int resolution)
    {
        var polygon = block.Geometry;
        var factory = polygon.Factory;
        var prepared = PreparedGeometryFactory.Prepare(polygon);
        var canon = new H3Blocks.VertexCanon();
        var inside = new Dictionary<H3Index, NtsGeometry>();
        var crossing = new List<(H3Index Cell, Polygon Shape)>();
        foreach (var cell in H3Blocks.CellsMeeting(polygon, resolution).Order())
        {
            var shape = H3Blocks.CellPolygon(cell, factory, canon);
            if (!shape.EnvelopeInternal.Intersects(polygon.EnvelopeInternal) || !prepared.Intersects(shape))
            {
                continue;
            }

            // A cell wholly inside is its own sub-block, vertices shared exactly with its neighbours.
            if (prepared.ContainsProperly(shape))
            {
                inside.Add(cell, shape);
            }
            else
            {
                crossing.Add((cell, shape));
            }
        }

        // Cells crossing the border: the block's boundary and their rings noded together once, so that two pieces
        // meeting where a cell edge crosses the border share that node exactly; each face inside the block goes to
        // the crossing cell holding it.
        var lines = new List<NtsGeometry> { polygon.Boundary };
        var tree = new NetTopologySuite.Index.Strtree.STRtree<int>();
        for (var i = 0; i < crossing.Count; i++)
        {
            lines.Add(crossing[i].Shape.ExteriorRing);
            tree.Insert(crossing[i].Shape.EnvelopeInternal, i);
        }

        var faces = new List<Polygon>[crossing.Count];
        if (crossing.Count > 0)
        {
            var noded = NetTopologySuite.Operation.Union.UnaryUnionOp.Union(factory.BuildGeometry(lines));
            var polygonizer = new NetTopologySuite.Operation.Polygonize.Polygonizer();
            polygonizer.Add(noded);
            foreach (var face in polygonizer.GetPolygons().Cast<Polygon>())
            {
                var point = face.InteriorPoint;
                if (face.Area <= 0 || !prepared.Contains(point))
                {
                    continue;
                }

                foreach (var i in tree.Query(point.EnvelopeInternal))
                {
                    if (crossing[i].Shape.Contains(point))
                    {
                        (faces[i] ??= []).Add(face);
                        break;
                    }
                }
            }
        }

        var pieces = new SortedDictionary<H3Index, NtsGeometry>(inside);
        for (var i = 0; i < crossing.Count; i++)
        {
            if (faces[i] is { Count: > 0 } own)
            {
                var piece = own.Count == 1 ? own[0] : OverlayNGRobust.Union(own, factory);
                pieces.Add(crossing[i].Cell, LayerBlocks.Polygonal(piece.IsValid ? piece : GeometryFixer.Fix(piece)));
            }
        }

        return ([.. pieces.Values], [.. pieces.Keys]);
    }

    // Inserts into the rings of the given geometries every node (of another divided block's border) that lies on one of
    // their segments, so that neighbours share those nodes exactly instead of overlapping by rounding slivers.
    private static NtsGeometry WithNodes(NtsGeometry geometry, NetTopologySuite.Index.Strtree.STRtree<Coordinate> nodes)
    {
        var changed = false;
        LinearRing Ring(LinearRing ring)
        {
            var source = ring.Coordinates;
            var result = new List<Coordinate>(source.Length);
            for (var k = 0; k + 1 < source.Length; k++)
            {
                var (p, q) = (source[k], source[k + 1]);
                result.Add(p);
                var envelope = new Envelope(p, q);
                envelope.ExpandBy(NodeToleranceDegrees);
                var on = new List<(double T, Coordinate C)>();
                foreach (var c in nodes.Query(envelope))
                {
                    if (!c.Equals2D(p) && !c.Equals2D(q) && NetTopologySuite.Algorithm.DistanceComputer.PointToSegment(c, p, q) <= NodeToleranceDegrees)
                    {
                        var t = new LineSegment(p, q).ProjectionFactor(c);
                        if (t > 0 && t < 1)
                        {
                            on.Add((t, c));
                        }
                    }
                }

                if (on.Count > 0)
                {
                    changed = true;
                    on.Sort(static (a, b) => a.T.CompareTo(b.T));
                    result.AddRange(on.Select(static o => o.C.Copy()));
                }
            }

            result.Add(source[^1]);
            return changed ? ring.Factory.CreateLinearRing([.. result]) : ring;
        }

        Polygon PolygonOf(Polygon polygon) =>
            polygon.Factory.CreatePolygon(Ring((LinearRing)polygon.ExteriorRing), [.. polygon.InteriorRings.Select(static r => (LinearRing)r).Select(Ring)]);

        var rebuilt = geometry switch
        {
            Polygon polygon => (NtsGeometry)PolygonOf(polygon),
            MultiPolygon multi => multi.Factory.CreateMultiPolygon([.. Enumerable.Range(0, multi.NumGeometries).Select(g => PolygonOf((Polygon)multi.GetGeometryN(g)))]),
            _ => geometry,
        };
        return changed ? rebuilt : geometry;
    }

    // The weight of the heaviest cell, accounts counted by the cell they fall in (the stopping rule only).
    private static double Heaviest(List<AccountPoint> accounts, int resolution)
    {
        var weight = new Dictionary<H3Index, double>();
        var heaviest = 0.0;
        foreach (var account in accounts)
        {
            var cell = H3Api.LatLngToCell(account.Lat, account.Lng, resolution);
            var w = weight.GetValueOrDefault(cell) + account.Weight;
            weight[cell] = w;
            heaviest = Math.Max(heaviest, w);
        }

        return heaviest;
    }

    private static List<int>[] Adjacency(BlockSet blocks, Dictionary<int, (NtsGeometry[] Geometries, string[] Ids, int Resolution)> parts, int[] firstOf,
        ImmutableArray<int>.Builder parent, List<NtsGeometry> geometries, double tolerance)
    {
        int Count(int b) => parts.TryGetValue(b, out var cut) ? cut.Geometries.Length : 1;
        var neighbours = new List<int>[parent.Count];
        for (var i = 0; i < neighbours.Length; i++)
        {
            neighbours[i] = [];
        }

        // Undivided pairs keep the border they had.
        for (var b = 0; b < blocks.Count; b++)
        {
            if (parts.ContainsKey(b))
            {
                continue;
            }

            foreach (var c in blocks.Blocks[b].Neighbours)
            {
                if (!parts.ContainsKey(c))
                {
                    neighbours[firstOf[b]].Add(firstOf[c]);
                }
            }
        }

        // A sub-block against its siblings and what its block bordered: each pair once (an undivided block is never
        // the one asking, and of two sub-blocks the lower index asks).
        var buffers = new NtsGeometry?[parent.Count];
        var candidates = new List<int>();
        foreach (var b in parts.Keys.Order())
        {
            for (var i = firstOf[b]; i < firstOf[b] + Count(b); i++)
            {
                candidates.Clear();
                for (var j = i + 1; j < firstOf[b] + Count(b); j++)
                {
                    candidates.Add(j);
                }

                foreach (var c in blocks.Blocks[b].Neighbours)
                {
                    for (var j = firstOf[c]; j < firstOf[c] + Count(c); j++)
                    {
                        if (!parts.ContainsKey(c) || j > i)
                        {
                            candidates.Add(j);
                        }
                    }
                }

                var search = geometries[i].EnvelopeInternal.Copy();
                search.ExpandBy(tolerance);
                foreach (var j in candidates)
                {
                    if (search.Intersects(geometries[j].EnvelopeInternal)
                        && LayerBlocks.SharesBorder(geometries[i], geometries[j], null, ref buffers[j], tolerance))
                    {
                        neighbours[i].Add(j);
                        neighbours[j].Add(i);
                    }
                }
            }
        }

        foreach (var list in neighbours)
        {
            list.Sort();
        }

        return neighbours;
    }
}

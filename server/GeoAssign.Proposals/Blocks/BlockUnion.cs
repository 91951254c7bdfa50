// Turns a block → territory assignment back into territory polygons: the exact union of their blocks.
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;
using NetTopologySuite.Operation.OverlayNG;
using NtsGeometry = NetTopologySuite.Geometries.Geometry;

namespace GeoAssign.Proposals.Blocks;

/// <summary>
/// The polygons of proposed territories: for each territory the union of its blocks (OverlayNGRobust
/// union, then <see cref="GeometryFixer"/> if the result is not valid, keeping only polygons). Blocks do
/// not overlap (see <see cref="LayerBlocks"/>, <see cref="H3Blocks"/>), so neither do the unions, and
/// together they cover exactly the blocks' area. Stateless and thread-safe.
/// </summary>
public static class BlockUnion
{
    /// <summary>The union of each territory's blocks, indexed by territory; an empty Polygon for a territory with no block.</summary>
    /// <param name="blocks">The blocks.</param>
    /// <param name="blockTerritory">Per block, its territory index 0..<paramref name="territoryCount"/>-1.</param>
    /// <param name="territoryCount">Number of territories.</param>
    /// <exception cref="ArgumentException">The assignment does not name one territory per block.</exception>
    public static NtsGeometry[] Territories(BlockSet blocks, IReadOnlyList<int> blockTerritory, int territoryCount)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(blockTerritory);
        if (blockTerritory.Count != blocks.Count)
        {
            throw new ArgumentException($"The assignment names {blockTerritory.Count} blocks; there are {blocks.Count}.", nameof(blockTerritory));
        }

        var parts = new List<NtsGeometry>[territoryCount];
        for (var t = 0; t < territoryCount; t++)
        {
            parts[t] = [];
        }

        for (var b = 0; b < blocks.Count; b++)
        {
            var t = blockTerritory[b];
            if (t < 0 || t >= territoryCount)
            {
                throw new ArgumentException($"Block '{blocks.Blocks[b].Id}' is given territory {t}; it must be 0..{territoryCount - 1}.", nameof(blockTerritory));
            }

            parts[t].Add(blocks.Blocks[b].Geometry);
        }

        var result = new NtsGeometry[territoryCount];
        for (var t = 0; t < territoryCount; t++)
        {
            result[t] = Union(parts[t]);
        }

        return result;
    }

    /// <summary>The valid union of polygonal parts, as a Polygon or MultiPolygon (empty Polygon for none).</summary>
    public static NtsGeometry Union(IReadOnlyList<NtsGeometry> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0)
        {
            return NtsGeometryServicesFactory.CreatePolygon();
        }

        var factory = parts[0].Factory;
        var union = parts.Count == 1 ? parts[0].Copy() : OverlayNGRobust.Union(parts, factory);
        if (!union.IsValid)
        {
            union = GeometryFixer.Fix(union);
        }

        return LayerBlocks.Polygonal(union);
    }

    private static GeometryFactory NtsGeometryServicesFactory => NetTopologySuite.NtsGeometryServices.Instance.CreateGeometryFactory();
}

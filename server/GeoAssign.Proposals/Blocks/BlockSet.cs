// The blocks of one proposal with their geometry: what the problem is built from and the plan is made of.
using System.Collections.Immutable;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using NtsGeometry = NetTopologySuite.Geometries.Geometry;

namespace GeoAssign.Proposals.Blocks;

/// <summary>One block with its geometry. Immutable (never mutate <see cref="Geometry"/>).</summary>
/// <param name="Id">Stable id: the territory id, or the H3 cell in hex.</param>
/// <param name="Geometry">The block's valid Polygon or MultiPolygon, longitude/latitude.</param>
/// <param name="CentroidLat">Latitude of the planar centroid, degrees.</param>
/// <param name="CentroidLng">Longitude of the planar centroid, degrees.</param>
/// <param name="AreaKm2">Area on the WGS84 ellipsoid, km².</param>
/// <param name="Neighbours">Indexes of the blocks sharing a border of positive length; ascending, symmetric, no self.</param>
public sealed record BlockShape(string Id, NtsGeometry Geometry, double CentroidLat, double CentroidLng, double AreaKm2, ImmutableArray<int> Neighbours);

/// <summary>
/// The blocks of one proposal, indexed 0..n-1, with a spatial index for placing points. Built by
/// <see cref="LayerBlocks"/> or <see cref="H3Blocks"/>. Immutable; <see cref="Locate"/> is thread-safe.
/// </summary>
public sealed class BlockSet
{
    private readonly Dictionary<string, int> _indexById;
    private readonly STRtree<int> _tree;
    private readonly IPointOnGeometryLocator[] _locators;

    internal BlockSet(ImmutableArray<BlockShape> blocks)
    {
        Blocks = blocks;
        _indexById = new Dictionary<string, int>(blocks.Length, StringComparer.Ordinal);
        _tree = new STRtree<int>(Math.Max(2, Math.Min(10, blocks.Length)));
        _locators = new IPointOnGeometryLocator[blocks.Length];
        for (var i = 0; i < blocks.Length; i++)
        {
            _indexById.Add(blocks[i].Id, i);
            _tree.Insert(blocks[i].Geometry.EnvelopeInternal, i);

            // Built up front: IndexedPointInAreaLocator builds its index lazily and is then not safe to share.
            var locator = new IndexedPointInAreaLocator(blocks[i].Geometry);
            locator.Locate(blocks[i].Geometry.Coordinate);
            _locators[i] = locator;
        }

        _tree.Build();
    }

    /// <summary>The blocks.</summary>
    public ImmutableArray<BlockShape> Blocks { get; }

    /// <summary>Number of blocks.</summary>
    public int Count => Blocks.Length;

    /// <summary>The index of the block with this id, or -1.</summary>
    public int IndexOf(string id) => _indexById.GetValueOrDefault(id, -1);

    /// <summary>
    /// The block a point lies in (interior or boundary), or -1 when it lies in none. A point on the
    /// border of two blocks goes to the lower index, so the answer is deterministic.
    /// </summary>
    public int Locate(double lat, double lng)
    {
        var point = new Coordinate(lng, lat);
        var best = -1;
        foreach (var i in _tree.Query(new Envelope(point)))
        {
            if ((best < 0 || i < best) && _locators[i].Locate(point) != Location.Exterior)
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>The blocks as the engine sees them, with the current and locked territory of each.</summary>
    /// <param name="currentTerritory">Per block, the territory index holding it in the live map, or -1; null for none.</param>
    /// <param name="lockedTerritory">Per block, the territory index it must stay in, or -1; null for none.</param>
    public IReadOnlyList<ProposalBlock> ToProposalBlocks(IReadOnlyList<int>? currentTerritory = null, IReadOnlyList<int>? lockedTerritory = null)
    {
        var result = new ProposalBlock[Blocks.Length];
        for (var i = 0; i < result.Length; i++)
        {
            var b = Blocks[i];
            result[i] = new ProposalBlock(b.Id, b.CentroidLat, b.CentroidLng, b.AreaKm2, b.Neighbours,
                currentTerritory?[i] ?? -1, lockedTerritory?[i] ?? -1);
        }

        return result;
    }

    internal static BlockShape Shape(string id, NtsGeometry geometry, ImmutableArray<int> neighbours)
    {
        var centroid = geometry.Centroid;
        return new BlockShape(id, geometry, centroid.Y, centroid.X, GeoAssign.Index.Analysis.EllipsoidArea.AreaKm2(geometry), neighbours);
    }
}

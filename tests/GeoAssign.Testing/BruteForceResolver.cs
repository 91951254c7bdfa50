// The brute-force oracle: which territory wins a point, by NetTopologySuite alone.
using GeoAssign.Index.Model;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Index.Strtree;

namespace GeoAssign.Testing;

/// <summary>
/// The reference answer to "which territory of this layer owns this point": per layer an STRtree of
/// NTS prepared geometries, the exact NTS <c>Covers</c> test (interior or boundary) on every candidate,
/// and the border rule's tie-break (<see cref="TerritoryPrecedence"/>: higher priority, then
/// ordinal-smaller id). Deliberately simple: no H3, no shortcuts, nothing shared with the index.
/// </summary>
/// <remarks>Immutable after construction and safe for concurrent queries (the trees are built
/// eagerly; NTS prepared geometries are thread-safe).</remarks>
public sealed class BruteForceResolver
{
    private readonly Dictionary<string, STRtree<Candidate>> _layers = new(StringComparer.Ordinal);
    private readonly GeometryFactory _factory = new();

    /// <summary>Indexes the territories (any layers).</summary>
    public BruteForceResolver(IEnumerable<Territory> territories)
    {
        ArgumentNullException.ThrowIfNull(territories);
        var count = 0;
        foreach (var territory in territories)
        {
            if (!_layers.TryGetValue(territory.Layer, out var tree))
            {
                _layers[territory.Layer] = tree = new STRtree<Candidate>();
            }

            var prepared = PreparedGeometryFactory.Prepare(territory.Geometry);
            tree.Insert(territory.Geometry.EnvelopeInternal, new Candidate(territory, prepared));
            count++;
        }

        foreach (var tree in _layers.Values)
        {
            tree.Build();
        }

        TerritoryCount = count;
    }

    /// <summary>How many territories are indexed.</summary>
    public int TerritoryCount { get; }

    /// <summary>The layers that have territories.</summary>
    public IReadOnlyCollection<string> Layers => _layers.Keys;

    /// <summary>The winning territory at the point, or null when no territory of the layer covers it.</summary>
    public Territory? Resolve(string layer, double lng, double lat)
    {
        if (!_layers.TryGetValue(layer, out var tree))
        {
            return null;
        }

        var point = _factory.CreatePoint(new Coordinate(lng, lat));
        Territory? best = null;
        foreach (var candidate in tree.Query(point.EnvelopeInternal))
        {
            if ((best is null || TerritoryPrecedence.Wins(candidate.Territory, best)) && candidate.Prepared.Covers(point))
            {
                best = candidate.Territory;
            }
        }

        return best;
    }

    /// <summary>The id of the winning territory at the point, or null.</summary>
    public string? ResolveId(string layer, double lng, double lat) => Resolve(layer, lng, lat)?.Id;

    /// <summary>Every territory of the layer that covers the point, winner first.</summary>
    public IReadOnlyList<Territory> Covering(string layer, double lng, double lat)
    {
        var result = new List<Territory>();
        if (!_layers.TryGetValue(layer, out var tree))
        {
            return result;
        }

        var point = _factory.CreatePoint(new Coordinate(lng, lat));
        foreach (var candidate in tree.Query(point.EnvelopeInternal))
        {
            if (candidate.Prepared.Covers(point))
            {
                result.Add(candidate.Territory);
            }
        }

        result.Sort(TerritoryPrecedence.Comparer);
        return result;
    }

    private sealed record Candidate(Territory Territory, IPreparedGeometry Prepared);
}

// Checks how one layer covers the map: overlapping pairs, gaps in a coverage area, slivers.
using System.Collections.Immutable;
using GeoAssign.Index.Model;
using NetTopologySuite.Geometries;
using NtsGeometry = NetTopologySuite.Geometries.Geometry;

namespace GeoAssign.Index.Analysis;

/// <summary>
/// Checks one layer of a map before it goes live: which territories overlap (two reps for one
/// customer) and which part of a declared coverage area no territory covers (leads nobody owns), each
/// with its geometry and its area on the WGS84 ellipsoid, and which of them are slivers — smaller
/// than <see cref="CoverageOptions.SliverAreaKm2"/>, typically digitising noise — together with the
/// territories that are themselves that small.
/// </summary>
/// <remarks>
/// Overlaps and gaps are exact NTS overlays (OverlayNGRobust); territories that only touch along a
/// border or at a point do not overlap. Results are ordered deterministically (see
/// <see cref="LayerCoverage"/>). Stateless and thread-safe; the map is only read.
/// </remarks>
public static class CoverageCheck
{
    /// <summary>Checks every layer of a map for overlaps and small territories (gaps need a coverage area: see the other overloads).</summary>
    public static ImmutableArray<LayerCoverage> CheckLayers(TerritoryMap map, IReadOnlyDictionary<string, CoverageArea>? areas = null,
        CoverageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(map);
        var layers = LayerTerritories.ByLayer(map.Territories.Values.Select(static t => t.Territory));
        var result = ImmutableArray.CreateBuilder<LayerCoverage>();
        foreach (var layer in layers.Keys.Order(StringComparer.Ordinal))
        {
            var area = areas is not null && areas.TryGetValue(layer, out var a) ? a : null;
            result.Add(Check(layers, layer, area, options ?? CoverageOptions.Default));
        }

        return result.ToImmutable();
    }

    /// <summary>Checks one layer of a map, with gaps inside <paramref name="area"/> when given.</summary>
    public static LayerCoverage CheckLayer(TerritoryMap map, string layer, CoverageArea? area = null, CoverageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(map);
        return CheckLayer(map.Territories.Values.Select(static t => t.Territory), layer, area, options);
    }

    /// <summary>
    /// Checks one layer of the given territories (any layers; a parent coverage layer is taken from
    /// them too), with gaps inside <paramref name="area"/> when given.
    /// </summary>
    /// <exception cref="ArgumentException">The coverage area names the checked layer itself.</exception>
    public static LayerCoverage CheckLayer(IEnumerable<Territory> territories, string layer, CoverageArea? area = null,
        CoverageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(territories);
        ArgumentException.ThrowIfNullOrEmpty(layer);
        var wanted = area?.ParentLayer;
        var layers = LayerTerritories.ByLayer(territories.Where(t => t.Layer == layer || t.Layer == wanted));
        return Check(layers, layer, area, options ?? CoverageOptions.Default);
    }

    private static LayerCoverage Check(Dictionary<string, LayerTerritories> layers, string layer, CoverageArea? area, CoverageOptions options)
    {
        options.Validate();
        if (area?.ParentLayer == layer)
        {
            throw new ArgumentException($"Layer '{layer}' cannot be its own coverage area.", nameof(area));
        }

        var threshold = options.SliverAreaKm2;
        var territories = layers.GetValueOrDefault(layer);
        if (territories is null)
        {
            return new LayerCoverage(layer, threshold, 0, [], area is null ? [] : Gaps(null, layers, area, layer, threshold), []);
        }

        return new LayerCoverage(layer, threshold, territories.Territories.Count, Overlaps(territories, threshold),
            area is null ? [] : Gaps(territories, layers, area, layer, threshold), SmallTerritories(territories, threshold));
    }

    private static ImmutableArray<TerritoryOverlap> Overlaps(LayerTerritories territories, double threshold)
    {
        var result = new List<TerritoryOverlap>();
        foreach (var first in territories.Territories)
        {
            var candidates = territories.Query(first.Geometry.EnvelopeInternal);
            var pairs = new List<Territory>();
            foreach (var second in candidates)
            {
                if (string.CompareOrdinal(first.Id, second.Id) < 0)
                {
                    pairs.Add(second);
                }
            }

            pairs.Sort(static (a, b) => string.CompareOrdinal(a.Id, b.Id));
            foreach (var second in pairs)
            {
                var common = PolygonOverlay.Intersection(first.Geometry, second.Geometry);
                if (common.IsEmpty)
                {
                    continue;
                }

                var area = EllipsoidArea.AreaKm2(common);
                var winner = TerritoryPrecedence.Wins(first, second) ? first : second;
                result.Add(new TerritoryOverlap(territories.Layer, first.Id, second.Id, winner.Id, common, area, area < threshold));
            }
        }

        return [.. result];
    }

    private static ImmutableArray<CoverageGap> Gaps(LayerTerritories? territories, Dictionary<string, LayerTerritories> layers,
        CoverageArea area, string layer, double threshold)
    {
        var regions = new List<(string Id, NtsGeometry Geometry)>();
        if (area.Geometry is not null)
        {
            regions.Add((area.Id, area.Geometry));
        }
        else if (layers.TryGetValue(area.ParentLayer!, out var parents))
        {
            foreach (var parent in parents.Territories)
            {
                regions.Add((parent.Id, parent.Geometry));
            }
        }

        var result = new List<CoverageGap>();
        foreach (var (id, region) in regions)
        {
            var covering = new List<NtsGeometry>();
            if (territories is not null)
            {
                foreach (var territory in territories.Query(region.EnvelopeInternal))
                {
                    covering.Add(territory.Geometry);
                }
            }

            var gaps = new List<CoverageGap>();
            foreach (var polygon in PolygonOverlay.Polygons(PolygonOverlay.DifferenceOfAll(region, covering)))
            {
                var size = EllipsoidArea.AreaKm2(polygon);
                gaps.Add(new CoverageGap(layer, id, polygon, size, size < threshold));
            }

            gaps.Sort(static (a, b) => CompareGaps(a, b));
            result.AddRange(gaps);
        }

        return [.. result];
    }

    // Gaps of one coverage area: west to east, south to north, then by size; ties would be two gaps
    // with the same envelope and area, which a valid difference does not produce.
    private static int CompareGaps(CoverageGap a, CoverageGap b)
    {
        Envelope x = a.Geometry.EnvelopeInternal, y = b.Geometry.EnvelopeInternal;
        var c = x.MinX.CompareTo(y.MinX);
        if (c == 0) c = x.MinY.CompareTo(y.MinY);
        if (c == 0) c = x.MaxX.CompareTo(y.MaxX);
        if (c == 0) c = x.MaxY.CompareTo(y.MaxY);
        if (c == 0) c = a.AreaKm2.CompareTo(b.AreaKm2);
        return c;
    }

    private static ImmutableArray<SmallTerritory> SmallTerritories(LayerTerritories territories, double threshold)
    {
        var result = new List<SmallTerritory>();
        foreach (var territory in territories.Territories)
        {
            var area = EllipsoidArea.AreaKm2(territory.Geometry);
            if (area < threshold)
            {
                result.Add(new SmallTerritory(territory.Id, area));
            }
        }

        return [.. result];
    }
}

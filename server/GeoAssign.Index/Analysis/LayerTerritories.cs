// The territories of one layer of one map, with an envelope index for overlays.
using GeoAssign.Index.Model;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;

namespace GeoAssign.Index.Analysis;

/// <summary>
/// The territories of one layer of one map and an STR-tree of their envelopes. Built eagerly, then
/// only read: thread-safe.
/// </summary>
internal sealed class LayerTerritories
{
    private readonly STRtree<Territory> _tree = new();

    private LayerTerritories(string layer, List<Territory> territories)
    {
        Layer = layer;
        Territories = territories;
        foreach (var territory in territories)
        {
            _tree.Insert(territory.Geometry.EnvelopeInternal, territory);
        }

        _tree.Build();
    }

    /// <summary>The layer name.</summary>
    public string Layer { get; }

    /// <summary>The territories, ordered by id.</summary>
    public IReadOnlyList<Territory> Territories { get; }

    /// <summary>The territories of every layer, by layer name.</summary>
    public static Dictionary<string, LayerTerritories> ByLayer(IEnumerable<Territory> territories)
    {
        var lists = new Dictionary<string, List<Territory>>(StringComparer.Ordinal);
        foreach (var territory in territories)
        {
            if (!lists.TryGetValue(territory.Layer, out var list))
            {
                lists[territory.Layer] = list = [];
            }

            list.Add(territory);
        }

        var result = new Dictionary<string, LayerTerritories>(StringComparer.Ordinal);
        foreach (var (layer, list) in lists)
        {
            list.Sort(static (a, b) => string.CompareOrdinal(a.Id, b.Id));
            result[layer] = new LayerTerritories(layer, list);
        }

        return result;
    }

    /// <summary>The territories whose envelope intersects <paramref name="envelope"/>.</summary>
    public IList<Territory> Query(Envelope envelope) => _tree.Query(envelope);
}

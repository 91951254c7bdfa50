// One immutable version of the whole territory map: territories by id and one cell index per layer.
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using GeoAssign.Index.Accounts;
using GeoAssign.Index.Cells;
using GeoAssign.Index.Gazetteer;
using GeoAssign.Index.Model;
using GeoAssign.Index.Validation;

namespace GeoAssign.Index;

/// <summary>
/// One version of the territory map. Lookups go to a layer's <see cref="LayerIndex"/>; nothing here
/// changes after publication, so any number of readers may use a map concurrently without locks while
/// a <see cref="TerritoryMapWriter"/> prepares the next version. Immutable and thread-safe.
/// </summary>
public sealed class TerritoryMap : ITerritoryCatalog
{
    internal TerritoryMap(long version, ImmutableDictionary<string, IndexedTerritory> territories,
        ImmutableDictionary<string, ImmutableSortedSet<string>> children, ImmutableSortedDictionary<string, LayerIndex> layers,
        OverrideBook overrides, PostalGazetteer gazetteer)
    {
        Gazetteer = gazetteer;
        Version = version;
        Territories = territories;
        Children = children;
        Layers = layers;
        Overrides = overrides;
    }

    /// <summary>The empty map at version 0.</summary>
    public static TerritoryMap Empty { get; } = new(0,
        ImmutableDictionary.Create<string, IndexedTerritory>(StringComparer.Ordinal),
        ImmutableDictionary.Create<string, ImmutableSortedSet<string>>(StringComparer.Ordinal),
        ImmutableSortedDictionary.Create<string, LayerIndex>(StringComparer.Ordinal), OverrideBook.Empty, PostalGazetteer.Empty);

    /// <summary>The map version: strictly increasing with every accepted change.</summary>
    public long Version { get; }

    /// <summary>Every territory by id.</summary>
    public ImmutableDictionary<string, IndexedTerritory> Territories { get; }

    /// <summary>The index of each layer that has territories, by layer name.</summary>
    public ImmutableSortedDictionary<string, LayerIndex> Layers { get; }

    internal ImmutableDictionary<string, ImmutableSortedSet<string>> Children { get; }

    /// <summary>
    /// The account overrides at this version (of the live map; a plan's map has none of its own: lookups
    /// against a plan use the live map's).
    /// </summary>
    public OverrideBook Overrides { get; }

    /// <summary>
    /// The postal codes at this version (of the live map; a plan's map has none of its own: lookups
    /// against a plan use the live map's).
    /// </summary>
    public PostalGazetteer Gazetteer { get; }

    /// <summary>The number of territories.</summary>
    public int Count => Territories.Count;

    /// <summary>
    /// The owner of a point in <paramref name="layer"/> under the border rule. Returns false when the
    /// layer has no territories. Coordinates must be valid (finite, |lat| ≤ 90, |lng| ≤ 180); allocates nothing.
    /// </summary>
    public bool TryResolve(string layer, double lat, double lng, out LayerAssignment result)
    {
        if (Layers.TryGetValue(layer, out var index))
        {
            result = index.Resolve(lat, lng);
            return true;
        }
        result = default;
        return false;
    }

    /// <inheritdoc />
    public bool TryGetTerritory(string id, [MaybeNullWhen(false)] out Territory territory)
    {
        if (Territories.TryGetValue(id, out var entry))
        {
            territory = entry.Territory;
            return true;
        }
        territory = null;
        return false;
    }

    /// <inheritdoc />
    public IEnumerable<string> GetChildIds(string parentId) =>
        Children.TryGetValue(parentId, out var set) ? set : [];
}

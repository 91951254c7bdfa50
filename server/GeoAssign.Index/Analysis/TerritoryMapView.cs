// A TerritoryMap seen as a plain id -> territory dictionary, for the analyses.
using System.Collections;
using System.Diagnostics.CodeAnalysis;
using GeoAssign.Index.Model;

namespace GeoAssign.Index.Analysis;

/// <summary>
/// The territories of a <see cref="TerritoryMap"/> as a read-only dictionary, without copying: the
/// analyses take plain dictionaries so that a plan need not be indexed to be analysed. Immutable and
/// thread-safe, as the map is.
/// </summary>
internal sealed class TerritoryMapView(TerritoryMap map) : IReadOnlyDictionary<string, Territory>
{
    public Territory this[string key] => map.Territories[key].Territory;

    public IEnumerable<string> Keys => map.Territories.Keys;

    public IEnumerable<Territory> Values => map.Territories.Values.Select(static t => t.Territory);

    public int Count => map.Territories.Count;

    public bool ContainsKey(string key) => map.Territories.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out Territory value) => map.TryGetTerritory(key, out value);

    public IEnumerator<KeyValuePair<string, Territory>> GetEnumerator()
    {
        foreach (var (id, entry) in map.Territories)
        {
            yield return new KeyValuePair<string, Territory>(id, entry.Territory);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

// Reads a dictionary of territories as a catalog, for validating a change against it.
using GeoAssign.Index.Model;

namespace GeoAssign.Index.Validation;

/// <summary>An adapter that indexes children on first use. Not thread-safe: one per validation.</summary>
internal sealed class DictionaryTerritoryCatalog(IReadOnlyDictionary<string, Territory> territories) : ITerritoryCatalog
{
    private Dictionary<string, List<string>>? _children;

    public int Count => territories.Count;

    public bool TryGetTerritory(string id, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out Territory territory) =>
        territories.TryGetValue(id, out territory);

    public IEnumerable<string> GetChildIds(string parentId)
    {
        if (_children is null)
        {
            var children = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var (id, territory) in territories)
            {
                if (territory.ParentId is { } parent)
                {
                    if (!children.TryGetValue(parent, out var list))
                    {
                        children[parent] = list = [];
                    }

                    list.Add(id);
                }
            }

            _children = children;
        }

        return _children.TryGetValue(parentId, out var found) ? found : [];
    }
}

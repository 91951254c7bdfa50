// Territories by id: the view of a map that validating a change needs.
using System.Diagnostics.CodeAnalysis;

namespace GeoAssign.Index.Model;

/// <summary>
/// The current territories, as <see cref="Validation.TerritoryValidator.ValidateChange(ITerritoryCatalog, MapChange)"/>
/// needs them. A snapshot implements it with its own indexes; implementations must be safe for
/// concurrent readers.
/// </summary>
public interface ITerritoryCatalog
{
    /// <summary>The number of territories in the map.</summary>
    int Count { get; }

    /// <summary>Gets the territory with this id, if the map has it.</summary>
    bool TryGetTerritory(string id, [MaybeNullWhen(false)] out Territory territory);

    /// <summary>The ids of the territories whose <see cref="Territory.ParentId"/> is <paramref name="parentId"/>.</summary>
    IEnumerable<string> GetChildIds(string parentId);
}

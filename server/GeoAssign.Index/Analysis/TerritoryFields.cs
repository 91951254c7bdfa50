// The fields of a territory that a change can touch.
namespace GeoAssign.Index.Analysis;

/// <summary>The fields of a <see cref="Model.Territory"/> that differ between two versions of it.</summary>
[Flags]
public enum TerritoryFields
{
    /// <summary>Nothing differs.</summary>
    None = 0,

    /// <summary>The geometry (compared exactly: same type, same coordinates in the same order).</summary>
    Geometry = 1 << 0,

    /// <summary>The owner id.</summary>
    Owner = 1 << 1,

    /// <summary>The display name.</summary>
    Name = 1 << 2,

    /// <summary>The layer.</summary>
    Layer = 1 << 3,

    /// <summary>The priority at borders and overlaps.</summary>
    Priority = 1 << 4,

    /// <summary>The parent id.</summary>
    Parent = 1 << 5,

    /// <summary>The free attributes (compared as JSON).</summary>
    Attributes = 1 << 6,

    /// <summary>Every field: what a created or deleted territory reports.</summary>
    All = Geometry | Owner | Name | Layer | Priority | Parent | Attributes,

    /// <summary>
    /// The fields that decide which territory wins a point under the border rule: geometry, layer and
    /// priority (the id, the rule's last tie-break, never changes for a territory).
    /// </summary>
    Precedence = Geometry | Layer | Priority,
}

// A territory as the index holds it: the model, its prepared shape and its ancestor path.
using GeoAssign.Index.Geometry;
using GeoAssign.Index.Model;

namespace GeoAssign.Index.Cells;

/// <summary>A territory with its exact-test shape and ancestor path, as one map version sees it. Immutable and thread-safe.</summary>
public sealed class IndexedTerritory
{
    internal IndexedTerritory(Territory territory, TerritoryShape shape, IReadOnlyList<string> ancestorIds, int slot, double sizeKm = double.NaN)
    {
        Territory = territory;
        Shape = shape;
        AncestorIds = ancestorIds;
        Slot = slot;
        SizeKm = double.IsNaN(sizeKm) ? ResolutionPolicy.SizeKm(territory) : sizeKm;
    }

    /// <summary>The square root of the territory's approximate area in km², for the automatic resolution.</summary>
    internal double SizeKm { get; }

    /// <summary>The territory.</summary>
    public Territory Territory { get; }

    /// <summary>The prepared geometry for exact point tests.</summary>
    public TerritoryShape Shape { get; }

    /// <summary>Ids of the parent, the parent's parent and so on up to the root; empty without a parent.</summary>
    public IReadOnlyList<string> AncestorIds { get; }

    /// <summary>Stable position of this territory's id in its layer's slot table.</summary>
    internal int Slot { get; }

    internal IndexedTerritory WithAncestors(IReadOnlyList<string> ancestorIds) => new(Territory, Shape, ancestorIds, Slot, SizeKm);

    internal IndexedTerritory WithSlot(int slot) => new(Territory, Shape, AncestorIds, slot, SizeKm);
}

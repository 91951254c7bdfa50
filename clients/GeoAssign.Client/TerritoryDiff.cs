// What changed in one territory between the two sides of a diff.
namespace GeoAssign.Client;

/// <summary>What changed in one territory between the two sides of a diff. Immutable.</summary>
/// <param name="Id">The territory's id.</param>
/// <param name="Kind">Created, deleted or changed.</param>
/// <param name="Fields">Of a changed territory, the fields that changed among geometry, owner, name, layer, priority, parent, attributes; else empty.</param>
/// <param name="OldOwnerId">The owner before; <see langword="null"/> when the territory did not exist then.</param>
/// <param name="NewOwnerId">The owner after; <see langword="null"/> when it does not exist any more.</param>
/// <param name="OldLayer">The layer before; <see langword="null"/> when the territory did not exist then.</param>
/// <param name="NewLayer">The layer after; <see langword="null"/> when it does not exist any more.</param>
public sealed record TerritoryDiff(
    string Id,
    TerritoryDiffKind Kind,
    IReadOnlyList<string> Fields,
    string? OldOwnerId,
    string? NewOwnerId,
    string? OldLayer,
    string? NewLayer);

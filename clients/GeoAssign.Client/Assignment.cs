// The assignment of one point: its territory, that territory's owner, and why.
namespace GeoAssign.Client;

/// <summary>
/// The assignment of one point (the API's <c>Assignment</c>): the territory of the layer that owns it,
/// that territory's owner, and why. Immutable; assignments to one territory within a call share their <see cref="AncestorIds"/> list.
/// </summary>
/// <param name="Id">The id of the point the caller passed, if any.</param>
/// <param name="TerritoryId">The winning territory; <see langword="null"/> when no territory covers the point.</param>
/// <param name="OwnerId">The owner of that territory; <see langword="null"/> when unassigned or the territory has no owner.</param>
/// <param name="Layer">The layer asked about ("geo" by default).</param>
/// <param name="Reason">Why the territory won, or that none did.</param>
/// <param name="AncestorIds">The territory's parent, grandparent and so on, nearest first; empty when none.</param>
/// <param name="MapVersion">The map version the assignment was computed from.</param>
public sealed record Assignment(
    string? Id,
    string? TerritoryId,
    string? OwnerId,
    string Layer,
    AssignmentReason Reason,
    IReadOnlyList<string> AncestorIds,
    ulong MapVersion)
{
    /// <summary>True when a territory covers the point.</summary>
    public bool IsAssigned => TerritoryId is not null;
}

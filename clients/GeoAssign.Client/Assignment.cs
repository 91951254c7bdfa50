// The assignment of one point: its territory, its owner (that territory's, or an account override's), and why.
namespace GeoAssign.Client;

/// <summary>
/// The assignment of one point (the API's <c>Assignment</c>): the territory of the layer that owns it,
/// the point's owner, and why. The owner is the territory's, unless the point named an account with an
/// override in force (<see cref="Override"/>, reason <see cref="AssignmentReason.AccountOverride"/>): then it
/// is the override's, and <see cref="TerritoryOwnerId"/> still gives the territory's. Immutable; assignments to
/// one territory within a call share their <see cref="AncestorIds"/> list.
/// </summary>
/// <param name="Id">The id of the point the caller passed, if any.</param>
/// <param name="TerritoryId">The territory the point lies in; <see langword="null"/> when no territory covers the point.</param>
/// <param name="OwnerId">The point's owner: the override's when <see cref="Override"/> is set, else the territory's; <see langword="null"/> when unassigned or the territory has no owner.</param>
/// <param name="Layer">The layer asked about ("geo" by default).</param>
/// <param name="Reason">Why the territory won, that none did, or that an account override decided the owner.</param>
/// <param name="AncestorIds">The territory's parent, grandparent and so on, nearest first; empty when none.</param>
/// <param name="MapVersion">The map version the assignment was computed from (territories and overrides together).</param>
public sealed record Assignment(
    string? Id,
    string? TerritoryId,
    string? OwnerId,
    string Layer,
    AssignmentReason Reason,
    IReadOnlyList<string> AncestorIds,
    ulong MapVersion)
{
    private readonly string? _territoryOwnerId;

    /// <summary>True when a territory covers the point.</summary>
    public bool IsAssigned => TerritoryId is not null;

    /// <summary>
    /// The override of the point's account that decided <see cref="OwnerId"/>; <see langword="null"/> when the
    /// point named no account or its account has no override in force.
    /// </summary>
    public AssignmentOverride? Override { get; init; }

    /// <summary>
    /// For a postal-code row (<see cref="GeoPoint.ForPostalCode"/>): the gazetteer entry whose point was resolved;
    /// <see langword="null"/> for a point and for a code the gazetteer does not know.
    /// </summary>
    public PostalCodeLocation? Location { get; init; }

    /// <summary>True when an account override decided the owner (<see cref="Override"/> is set).</summary>
    public bool IsOverridden => Override is not null;

    /// <summary>
    /// The owner of the territory the point lies in, whatever decided <see cref="OwnerId"/>: the same as
    /// <see cref="OwnerId"/> unless an override decided; <see langword="null"/> when unassigned or the territory has no owner.
    /// </summary>
    public string? TerritoryOwnerId
    {
        get => Override is null ? OwnerId : _territoryOwnerId;
        init => _territoryOwnerId = value;
    }
}

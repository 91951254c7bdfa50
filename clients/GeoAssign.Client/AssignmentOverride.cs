// The override that decided an answer's owner.
namespace GeoAssign.Client;

/// <summary>
/// The account override that decided an <see cref="Assignment"/>'s owner (the API's <c>OverrideAnswer</c>).
/// Immutable; answers of one call that the same override decided share one instance.
/// </summary>
/// <param name="AccountId">The account.</param>
/// <param name="OwnerId">The owner it gives (the assignment's <see cref="Assignment.OwnerId"/>).</param>
/// <param name="TerritoryId">The territory it counts toward; <see langword="null"/> for none.</param>
/// <param name="Protected">Whether it is kept through realignment.</param>
public sealed record AssignmentOverride(string AccountId, string OwnerId, string? TerritoryId, bool Protected);

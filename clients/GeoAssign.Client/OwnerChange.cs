// An account whose owner changes under the current map.
namespace GeoAssign.Client;

/// <summary>An account whose owner changes under the current map. Immutable.</summary>
/// <param name="AccountId">The account's id.</param>
/// <param name="OldOwnerId">The owner it had; <see langword="null"/> when none.</param>
/// <param name="NewOwnerId">The owner the map assigns; <see langword="null"/> when unassigned or the territory has no owner.</param>
/// <param name="TerritoryId">The territory that wins its location; <see langword="null"/> when none covers it.</param>
/// <param name="Reason">Why that territory won, or that none did.</param>
/// <param name="AccountIndex">Zero-based position of the account in the input, to tell apart repeated ids.</param>
public sealed record OwnerChange(string AccountId, string? OldOwnerId, string? NewOwnerId, string? TerritoryId, AssignmentReason Reason, long AccountIndex);

// What the client sends to find owner changes and what it gets back.
namespace GeoAssign.Client;

/// <summary>An account with the owner it has today. Immutable.</summary>
/// <param name="Id">Account id; not empty.</param>
/// <param name="Lat">Latitude in degrees WGS84, in [-90, 90].</param>
/// <param name="Lng">Longitude in degrees WGS84, in [-180, 180].</param>
/// <param name="CurrentOwnerId">The owner it has today; <see langword="null"/> or empty when it has none.</param>
public readonly record struct Account(string Id, double Lat, double Lng, string? CurrentOwnerId);

/// <summary>An account whose owner changes under the current map. Immutable.</summary>
/// <param name="AccountId">The account's id.</param>
/// <param name="OldOwnerId">The owner it had; <see langword="null"/> when none.</param>
/// <param name="NewOwnerId">The owner the map assigns; <see langword="null"/> when unassigned or the territory has no owner.</param>
/// <param name="TerritoryId">The territory that wins its location; <see langword="null"/> when none covers it.</param>
/// <param name="Reason">Why that territory won, or that none did.</param>
/// <param name="AccountIndex">Zero-based position of the account in the input, to tell apart repeated ids.</param>
public sealed record OwnerChange(string AccountId, string? OldOwnerId, string? NewOwnerId, string? TerritoryId, AssignmentReason Reason, long AccountIndex);

/// <summary>How many changed accounts move from one owner to another. Immutable.</summary>
/// <param name="OldOwnerId">The owner they have today; <see langword="null"/> for none.</param>
/// <param name="NewOwnerId">The owner the map assigns; <see langword="null"/> for none.</param>
/// <param name="Count">How many accounts make this move.</param>
public sealed record OwnerTransition(string? OldOwnerId, string? NewOwnerId, long Count);

/// <summary>The totals of a reassignment. <c>TotalCount = ChangedCount + UnchangedCount</c>. Immutable.</summary>
/// <param name="TotalCount">Accounts processed.</param>
/// <param name="ChangedCount">Accounts whose owner changes.</param>
/// <param name="UnchangedCount">Accounts whose owner stays.</param>
/// <param name="UnassignedCount">Accounts no territory covers, changed or not.</param>
/// <param name="Transitions">Per (old owner, new owner) pair of the changed accounts, by descending count, then old owner, then new owner.</param>
/// <param name="MapVersion">The map version every answer was computed from.</param>
/// <param name="Layer">The layer asked about.</param>
public sealed record ReassignmentSummary(
    long TotalCount,
    long ChangedCount,
    long UnchangedCount,
    long UnassignedCount,
    IReadOnlyList<OwnerTransition> Transitions,
    ulong MapVersion,
    string Layer);

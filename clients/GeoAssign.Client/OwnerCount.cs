// How many accounts one owner has before and after a reassignment.
namespace GeoAssign.Client;

/// <summary>How many accounts one owner has before (their current owner) and after (the owner the map assigns) a reassignment. Immutable.</summary>
/// <param name="OwnerId">The owner; <see langword="null"/> for accounts without an owner.</param>
/// <param name="Before">Accounts it has today.</param>
/// <param name="After">Accounts the map gives it.</param>
public sealed record OwnerCount(string? OwnerId, long Before, long After);

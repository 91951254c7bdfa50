// What a lookup needs of an account's override in force: the owner, its territory, its protection.
namespace GeoAssign.Index.Accounts;

/// <summary>
/// The answer part of an override in force at a lookup's instant, as <see cref="OverrideBook.TryFindInForce(string, long, out InForceOverride)"/>
/// reads it without touching the override's record. Immutable and thread-safe.
/// </summary>
/// <param name="OwnerId">The owner while the override is in force.</param>
/// <param name="TerritoryId">The territory the account counts toward, or null.</param>
/// <param name="Protected">Whether the account is protected from realignment.</param>
public readonly record struct InForceOverride(string OwnerId, string? TerritoryId, bool Protected);

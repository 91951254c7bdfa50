// What a balance tally holds per territory, per owner and for the accounts nobody owns.
namespace GeoAssign.Index.Analysis;

/// <summary>Accounts of one tier: how many and their weight. Immutable.</summary>
/// <param name="Tier">The tier's number, as given to <see cref="BalanceTally.Add"/>.</param>
/// <param name="Count">Number of accounts.</param>
/// <param name="Weight">Sum of their weights.</param>
public readonly record struct TierLoad(int Tier, long Count, double Weight);

/// <summary>A group of accounts: how many, their weight, how many an override placed, and the tier mix. Immutable.</summary>
/// <param name="Count">Number of accounts.</param>
/// <param name="Weight">Sum of their weights.</param>
/// <param name="OverrideCount">Accounts whose owner an override decided.</param>
/// <param name="Tiers">Accounts per tier, by tier number, only tiers with accounts.</param>
public sealed record AccountLoad(long Count, double Weight, long OverrideCount, IReadOnlyList<TierLoad> Tiers);

/// <summary>The accounts counting toward one territory, whoever owns them. Immutable.</summary>
/// <param name="TerritoryId">The territory's id.</param>
/// <param name="OwnerId">The territory's owner; empty when it has none.</param>
/// <param name="Load">Its accounts.</param>
public sealed record TerritoryLoad(string TerritoryId, string OwnerId, AccountLoad Load);

/// <summary>The accounts one owner gets, by territory or by override. Immutable.</summary>
/// <param name="OwnerId">The owner's id; not empty.</param>
/// <param name="TerritoryCount">How many of the tally's territories the owner owns.</param>
/// <param name="Load">Its accounts.</param>
public sealed record OwnerLoad(string OwnerId, int TerritoryCount, AccountLoad Load);

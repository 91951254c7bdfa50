// The balance report: how evenly the live map, and a plan beside it, share accounts among owners.
namespace GeoAssign.Client;

/// <summary>An account for a balance report: its location and, optionally, its weight and tier. Immutable.</summary>
/// <param name="Id">Account id; not empty. Overrides are looked up by it.</param>
/// <param name="Lat">Latitude in degrees WGS84, in [-90, 90].</param>
/// <param name="Lng">Longitude in degrees WGS84, in [-180, 180].</param>
/// <param name="Weight">Its weight (potential, revenue): finite, not negative; <see langword="null"/> weighs 1.</param>
/// <param name="Tier">Its tier ("A", "B", ...; up to 64 characters); <see langword="null"/> or empty for none.</param>
public readonly record struct BalanceAccount(string Id, double Lat, double Lng, double? Weight = null, string? Tier = null);

/// <summary>The balance report of a set of accounts. Immutable.</summary>
/// <param name="Layer">The layer reported on.</param>
/// <param name="AccountCount">Accounts sent.</param>
/// <param name="Weighted">Whether any account had a weight; false: weight sums equal counts.</param>
/// <param name="Tiers">Every tier value sent, in ordinal order (the empty one for accounts without tier, when others had one).</param>
/// <param name="Live">The balance under the live map.</param>
/// <param name="Plan">The balance under the plan, or <see langword="null"/> when none was named.</param>
public sealed record BalanceReport(string Layer, long AccountCount, bool Weighted, IReadOnlyList<string> Tiers, MapBalance Live, MapBalance? Plan);

/// <summary>The balance of the accounts under one map. Immutable.</summary>
/// <param name="Plan">The plan's name; <see langword="null"/> for the live map.</param>
/// <param name="MapVersion">The version of the map the accounts were assigned from.</param>
/// <param name="Territories">Every territory of the layer, by id (ordinal), with or without accounts.</param>
/// <param name="Owners">Every owner of a territory of the layer, and every override owner with accounts, by id (ordinal).</param>
/// <param name="Unassigned">The accounts without owner.</param>
/// <param name="UncoveredCount">Of those, the accounts no territory covers.</param>
/// <param name="OverrideCount">Accounts whose owner an override in force decided.</param>
/// <param name="CountFigures">Imbalance of the owners' account counts.</param>
/// <param name="WeightFigures">Imbalance of the owners' weight sums.</param>
public sealed record MapBalance(
    string? Plan,
    ulong MapVersion,
    IReadOnlyList<TerritoryBalance> Territories,
    IReadOnlyList<OwnerBalance> Owners,
    BalanceTotals Unassigned,
    long UncoveredCount,
    long OverrideCount,
    ImbalanceFigures CountFigures,
    ImbalanceFigures WeightFigures);

/// <summary>The accounts counting toward one territory, whoever owns them. Immutable.</summary>
/// <param name="TerritoryId">The territory's id.</param>
/// <param name="OwnerId">Its owner in that map.</param>
/// <param name="Totals">Its accounts.</param>
/// <param name="OverrideCount">Of those, the accounts an override placed.</param>
public sealed record TerritoryBalance(string TerritoryId, string OwnerId, BalanceTotals Totals, long OverrideCount);

/// <summary>The accounts one owner gets. Immutable.</summary>
/// <param name="OwnerId">The owner's id.</param>
/// <param name="Totals">Its accounts.</param>
/// <param name="OverrideCount">Of those, the accounts an override gave it.</param>
/// <param name="TerritoryCount">How many territories of the layer it owns in that map.</param>
public sealed record OwnerBalance(string OwnerId, BalanceTotals Totals, long OverrideCount, int TerritoryCount);

/// <summary>Accounts, their weight and their tier mix. Immutable.</summary>
/// <param name="Count">Number of accounts.</param>
/// <param name="Weight">Sum of their weights.</param>
/// <param name="Tiers">Accounts per tier, in tier order (ordinal), only tiers with accounts.</param>
public sealed record BalanceTotals(long Count, double Weight, IReadOnlyList<TierTally> Tiers);

/// <summary>How many accounts of one tier, and their weight. Immutable.</summary>
/// <param name="Tier">The tier; empty for accounts without tier.</param>
/// <param name="Count">Number of accounts.</param>
/// <param name="Weight">Sum of their weights.</param>
public sealed record TierTally(string Tier, long Count, double Weight);

/// <summary>How unevenly a quantity is shared over the owners (owners with nothing included); all 0 with no owner or nothing to share. Immutable.</summary>
/// <param name="OwnerCount">Number of owners.</param>
/// <param name="Min">Smallest value.</param>
/// <param name="Max">Largest value.</param>
/// <param name="Mean">Mean value.</param>
/// <param name="MaxOverMean">Max / mean: 1 when perfectly even.</param>
/// <param name="CoefficientOfVariation">Population standard deviation / mean: 0 when perfectly even.</param>
/// <param name="Gini">Gini coefficient: 0 when perfectly even, approaching 1 when one owner has everything.</param>
public sealed record ImbalanceFigures(int OwnerCount, double Min, double Max, double Mean, double MaxOverMean, double CoefficientOfVariation, double Gini);

// Two territories of one layer that overlap, and which of them wins there.
namespace GeoAssign.Client;

/// <summary>Two territories of one layer that overlap, and which of them the border rule makes win there. Immutable.</summary>
/// <param name="FirstId">One territory (the ordinal-smaller id).</param>
/// <param name="SecondId">The other.</param>
/// <param name="WinnerId">The one that wins in the overlap.</param>
/// <param name="AreaKm2">The overlap's area in km².</param>
/// <param name="IsSliver">Smaller than the sliver threshold.</param>
public sealed record TerritoryOverlap(string FirstId, string SecondId, string WinnerId, double AreaKm2, bool IsSliver);

// A territory smaller than the sliver threshold of a coverage check.
namespace GeoAssign.Client;

/// <summary>A territory smaller than the sliver threshold of a coverage check. Immutable.</summary>
/// <param name="Id">The territory's id.</param>
/// <param name="AreaKm2">Its area in km².</param>
public sealed record SmallTerritory(string Id, double AreaKm2);

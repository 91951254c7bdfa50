// Part of the area a layer should cover that no territory covers.
namespace GeoAssign.Client;

/// <summary>Part of the area a layer should cover that none of its territories covers. Immutable.</summary>
/// <param name="CoverageId">The coverage territory the gap lies in, or "coverage" for a coverage polygon.</param>
/// <param name="AreaKm2">The gap's area in km².</param>
/// <param name="IsSliver">Smaller than the sliver threshold.</param>
/// <param name="Lat">Latitude of a point inside the gap, to find it on a map.</param>
/// <param name="Lng">Longitude of that point.</param>
public sealed record CoverageGap(string CoverageId, double AreaKm2, bool IsSliver, double Lat, double Lng);

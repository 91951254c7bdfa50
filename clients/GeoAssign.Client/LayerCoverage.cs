// The coverage check of one layer: overlaps, gaps and slivers.
namespace GeoAssign.Client;

/// <summary>The coverage check of one layer: its overlaps, gaps and small territories. Immutable.</summary>
/// <param name="Layer">The layer.</param>
/// <param name="TerritoryCount">Territories in the layer.</param>
/// <param name="Overlaps">Pairs of territories that overlap.</param>
/// <param name="Gaps">Parts of the coverage area no territory covers (empty when no coverage area was given).</param>
/// <param name="SmallTerritories">Territories smaller than the sliver threshold.</param>
/// <param name="IsClean">No overlaps, gaps or small territories.</param>
/// <param name="GeoJson">When asked for, the overlaps and gaps as a GeoJSON FeatureCollection; else <see langword="null"/>.</param>
public sealed record LayerCoverage(
    string Layer,
    int TerritoryCount,
    IReadOnlyList<TerritoryOverlap> Overlaps,
    IReadOnlyList<CoverageGap> Gaps,
    IReadOnlyList<SmallTerritory> SmallTerritories,
    bool IsClean,
    string? GeoJson);

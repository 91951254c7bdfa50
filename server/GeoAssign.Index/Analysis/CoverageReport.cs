// What a coverage check finds in one layer: overlaps, gaps and small territories, slivers flagged.
using System.Collections.Immutable;
using System.Globalization;
using NtsGeometry = NetTopologySuite.Geometries.Geometry;

namespace GeoAssign.Index.Analysis;

/// <summary>
/// The area two territories of one layer both cover (touching along a border is not an overlap), and
/// which of them the border rule makes win there. A third territory may cover part of it too; it is
/// reported in its own pairs. Immutable and thread-safe (the geometry must not be mutated).
/// </summary>
public sealed class TerritoryOverlap
{
    internal TerritoryOverlap(string layer, string firstId, string secondId, string winnerId, NtsGeometry geometry, double areaKm2, bool isSliver)
    {
        Layer = layer;
        FirstId = firstId;
        SecondId = secondId;
        WinnerId = winnerId;
        Geometry = geometry;
        AreaKm2 = areaKm2;
        IsSliver = isSliver;
    }

    /// <summary>The layer.</summary>
    public string Layer { get; }

    /// <summary>The ordinal-smaller id of the pair.</summary>
    public string FirstId { get; }

    /// <summary>The ordinal-larger id of the pair.</summary>
    public string SecondId { get; }

    /// <summary>The one of the pair that wins the overlap: higher priority, then ordinal-smaller id.</summary>
    public string WinnerId { get; }

    /// <summary>The overlap: a Polygon or MultiPolygon.</summary>
    public NtsGeometry Geometry { get; }

    /// <summary>The overlap's area on the WGS84 ellipsoid, km².</summary>
    public double AreaKm2 { get; }

    /// <summary>Whether the overlap is smaller than the sliver threshold (likely digitising noise).</summary>
    public bool IsSliver { get; }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"overlap {FirstId} / {SecondId} in {Layer}: {AreaKm2:0.######} km², {WinnerId} wins{(IsSliver ? ", sliver" : "")}");
}

/// <summary>
/// One connected part of a coverage area that no territory of the layer covers. Immutable and
/// thread-safe (the geometry must not be mutated).
/// </summary>
public sealed class CoverageGap
{
    internal CoverageGap(string layer, string coverageId, NtsGeometry geometry, double areaKm2, bool isSliver)
    {
        Layer = layer;
        CoverageId = coverageId;
        Geometry = geometry;
        AreaKm2 = areaKm2;
        IsSliver = isSliver;
    }

    /// <summary>The layer that should cover the area.</summary>
    public string Layer { get; }

    /// <summary>The coverage area the gap lies in: the parent-layer territory's id, or the id given with the polygon.</summary>
    public string CoverageId { get; }

    /// <summary>The gap: one Polygon.</summary>
    public NtsGeometry Geometry { get; }

    /// <summary>The gap's area on the WGS84 ellipsoid, km².</summary>
    public double AreaKm2 { get; }

    /// <summary>Whether the gap is smaller than the sliver threshold (likely digitising noise).</summary>
    public bool IsSliver { get; }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"gap in {CoverageId} for {Layer}: {AreaKm2:0.######} km²{(IsSliver ? ", sliver" : "")}");
}

/// <summary>A territory smaller than the sliver threshold. Immutable.</summary>
/// <param name="Id">The territory id.</param>
/// <param name="AreaKm2">Its area on the WGS84 ellipsoid, km².</param>
public sealed record SmallTerritory(string Id, double AreaKm2);

/// <summary>
/// The coverage of one layer: overlapping pairs (ordered by first id, then second id, ordinal), gaps
/// in the coverage area (ordered by coverage id, then west to east and south to north by the gap's
/// envelope, then by area), and territories smaller than the sliver threshold (ordered by id).
/// Immutable and thread-safe.
/// </summary>
public sealed class LayerCoverage
{
    internal LayerCoverage(string layer, double sliverAreaKm2, int territoryCount, ImmutableArray<TerritoryOverlap> overlaps,
        ImmutableArray<CoverageGap> gaps, ImmutableArray<SmallTerritory> smallTerritories)
    {
        Layer = layer;
        SliverAreaKm2 = sliverAreaKm2;
        TerritoryCount = territoryCount;
        Overlaps = overlaps;
        Gaps = gaps;
        SmallTerritories = smallTerritories;
    }

    /// <summary>The layer.</summary>
    public string Layer { get; }

    /// <summary>The sliver threshold the check used, km².</summary>
    public double SliverAreaKm2 { get; }

    /// <summary>How many territories the layer has.</summary>
    public int TerritoryCount { get; }

    /// <summary>Every pair of territories whose interiors overlap.</summary>
    public ImmutableArray<TerritoryOverlap> Overlaps { get; }

    /// <summary>Every connected uncovered part of the coverage area; empty when no coverage area was given.</summary>
    public ImmutableArray<CoverageGap> Gaps { get; }

    /// <summary>Territories smaller than <see cref="SliverAreaKm2"/>.</summary>
    public ImmutableArray<SmallTerritory> SmallTerritories { get; }

    /// <summary>Whether the layer has no overlap, no gap and no small territory above or below the threshold.</summary>
    public bool IsClean => Overlaps.IsEmpty && Gaps.IsEmpty && SmallTerritories.IsEmpty;

    /// <summary>Whether everything found is a sliver: no overlap or gap at or above the threshold.</summary>
    public bool HasOnlySlivers => Overlaps.All(static o => o.IsSliver) && Gaps.All(static g => g.IsSliver);
}

// What a coverage check of the live map or a plan found, per layer.
namespace GeoAssign.Client;

/// <summary>What a coverage check of the live map or a plan found, per layer. Immutable.</summary>
/// <param name="Version">The version of the map checked (the live map's or the plan's).</param>
/// <param name="Layers">One entry per layer checked.</param>
/// <param name="AreaMethod">How the areas are computed, and their error bound.</param>
public sealed record CoverageReport(ulong Version, IReadOnlyList<LayerCoverage> Layers, string AreaMethod)
{
    /// <summary>
    /// Account overrides (of the live map, not ended) the checked map leaves pointing nowhere: their
    /// territory is not in it, or their owner lost every territory. At most 1,000; see <see cref="OverrideConflictCount"/>.
    /// </summary>
    public IReadOnlyList<OverrideConflict> OverrideConflicts { get; init; } = [];

    /// <summary>How many overrides conflict in all.</summary>
    public long OverrideConflictCount { get; init; }

    /// <summary>True when every layer checked is clean and no override conflicts.</summary>
    public bool IsClean => Layers.All(layer => layer.IsClean) && OverrideConflictCount == 0;
}

/// <summary>An account override that conflicts with a checked map. Immutable.</summary>
/// <param name="AccountId">The account.</param>
/// <param name="OwnerId">The override's owner.</param>
/// <param name="TerritoryId">The territory it counts toward, or null.</param>
/// <param name="IsProtected">Whether it is protected from realignment.</param>
/// <param name="TerritoryRemoved">True: its territory is not in the checked map; false: its owner owns no territory there (but does in the live map).</param>
public sealed record OverrideConflict(string AccountId, string OwnerId, string? TerritoryId, bool IsProtected, bool TerritoryRemoved);

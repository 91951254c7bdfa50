// What a plan changes against the live map, or one live version against another.
namespace GeoAssign.Client;

/// <summary>
/// What a plan changes against the live map (<see cref="GeoAssignClient.DiffPlanAsync(string, bool, CancellationToken)"/>),
/// or one version of the live map against another: territories created, deleted and changed, and the area
/// that changes owner. Immutable.
/// </summary>
/// <param name="FromVersion">The old side: the live map's version, or the earlier version compared.</param>
/// <param name="ToVersion">The new side: the plan's version, or the later version compared.</param>
/// <param name="Territories">Territories created, deleted and changed, by id.</param>
/// <param name="Transfers">Area changing owner, per layer and owner pair, largest first.</param>
/// <param name="AreaMethod">How the areas are computed, and their error bound.</param>
/// <param name="ChangedAreasGeoJson">When asked for, the changed areas as a GeoJSON FeatureCollection (properties layer, old_owner_id, new_owner_id, old_territory_id, new_territory_id, area_km2); else <see langword="null"/>.</param>
public sealed record PlanDiff(
    ulong FromVersion,
    ulong ToVersion,
    IReadOnlyList<TerritoryDiff> Territories,
    IReadOnlyList<OwnerTransfer> Transfers,
    string AreaMethod,
    string? ChangedAreasGeoJson);

// Compares two territory maps: territory changes, and per layer the exact area that changes owner.
using System.Collections.Immutable;
using GeoAssign.Index.Model;

namespace GeoAssign.Index.Analysis;

/// <summary>
/// Compares two versions of a territory map — the live map and a redistricting plan, or two versions
/// of the live map — and says exactly what changes: which territories are created, deleted or changed
/// (and which fields), and per layer which area changes owner, as a table (old owner → new owner, km²,
/// pieces) and as geometries.
/// </summary>
/// <remarks>
/// <para>
/// The owner of a point is the owner of the territory the border rule makes win there (see
/// <see cref="TerritoryPrecedence"/>), or unassigned when no territory of the layer covers it; both
/// are valid old and new values. The changed areas are computed exactly with NTS overlays
/// (OverlayNGRobust) and measured on the WGS84 ellipsoid (<see cref="EllipsoidArea"/>). Only the
/// region that can change is overlaid: where no territory changed its geometry, layer or priority and
/// none was created or deleted, the winner stays, and only the areas won by territories with a new
/// owner change hands. Changes on borders alone (a set without area, e.g. a border that changes sides
/// when a priority changes but no area does) are not areas and are not reported.
/// </para>
/// <para>Stateless and thread-safe; the maps are only read.</para>
/// </remarks>
public static class MapDiff
{
    /// <summary>The territory-level changes from <paramref name="before"/> to <paramref name="after"/>, ordered by id.</summary>
    public static ImmutableArray<TerritoryChange> CompareTerritories(TerritoryMap before, TerritoryMap after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        return CompareTerritories(new TerritoryMapView(before), new TerritoryMapView(after));
    }

    /// <summary>The territory-level changes between two maps given as id → territory, ordered by id.</summary>
    public static ImmutableArray<TerritoryChange> CompareTerritories(IReadOnlyDictionary<string, Territory> before,
        IReadOnlyDictionary<string, Territory> after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var changes = new List<TerritoryChange>();
        foreach (var (id, old) in before)
        {
            if (!after.TryGetValue(id, out var now))
            {
                changes.Add(new TerritoryChange(old, null));
            }
            else if (!ReferenceEquals(old, now) && TerritoryChange.Compare(old, now) != TerritoryFields.None)
            {
                changes.Add(new TerritoryChange(old, now));
            }
        }

        foreach (var (id, now) in after)
        {
            if (!before.ContainsKey(id))
            {
                changes.Add(new TerritoryChange(null, now));
            }
        }

        changes.Sort(static (a, b) => string.CompareOrdinal(a.Id, b.Id));
        return [.. changes];
    }

    /// <summary>Compares two maps: territory changes and, per layer, the area that changes owner.</summary>
    public static MapDiffResult Compare(TerritoryMap before, TerritoryMap after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        return Compare(new TerritoryMapView(before), new TerritoryMapView(after));
    }

    /// <summary>
    /// Compares two maps given as id → territory (e.g. a plan that was never indexed): territory
    /// changes and, per layer, the area that changes owner.
    /// </summary>
    public static MapDiffResult Compare(IReadOnlyDictionary<string, Territory> before, IReadOnlyDictionary<string, Territory> after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var changes = CompareTerritories(before, after);

        // Only layers that a change touches can change owner anywhere.
        var layers = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var change in changes)
        {
            if (change.CanMoveOwner)
            {
                if (change.Before is not null) layers.Add(change.Before.Layer);
                if (change.After is not null) layers.Add(change.After.Layer);
            }
        }

        if (layers.Count == 0)
        {
            return new MapDiffResult(changes, []);
        }

        var beforeLayers = LayerTerritories.ByLayer(Touched(before.Values, layers));
        var afterLayers = LayerTerritories.ByLayer(Touched(after.Values, layers));
        var results = ImmutableArray.CreateBuilder<LayerOwnerChanges>();
        foreach (var layer in layers)
        {
            var areas = LayerOwnerDiff.Compute(layer, changes, beforeLayers.GetValueOrDefault(layer), afterLayers.GetValueOrDefault(layer));
            if (!areas.IsEmpty)
            {
                results.Add(new LayerOwnerChanges(layer, areas));
            }
        }

        return new MapDiffResult(changes, results.ToImmutable());
    }

    private static IEnumerable<Territory> Touched(IEnumerable<Territory> territories, SortedSet<string> layers) =>
        territories.Where(t => layers.Contains(t.Layer));
}

// Overrides a map leaves pointing nowhere: their territory is gone, or their owner no longer owns territory.
using GeoAssign.Index.Accounts;

namespace GeoAssign.Index.Analysis;

/// <summary>Why an override conflicts with a map.</summary>
public enum OverrideConflictKind
{
    /// <summary>The override counts toward a territory the map does not have (a plan removes it, or it was deleted).</summary>
    TerritoryRemoved = 1,

    /// <summary>The override's owner owns territory in the live map and none in the checked map.</summary>
    OwnerRemoved = 2,
}

/// <summary>One override that conflicts with a map, and why.</summary>
public sealed record OverrideConflict(AccountOverride Override, OverrideConflictKind Kind);

/// <summary>
/// Finds the overrides of the live map that a map (a plan, or the live map itself) leaves pointing
/// nowhere: a <c>territory_id</c> the map does not have, or an owner who owns territory in the live map
/// but none in the map checked (an owner without territory in the live map too, e.g. a named-account
/// rep, is not a conflict). Overrides already ended are skipped. Stateless and thread-safe.
/// </summary>
public static class OverrideConflicts
{
    /// <summary>The conflicts in account id order; one per override (a removed territory first).</summary>
    public static IReadOnlyList<OverrideConflict> Find(TerritoryMap live, TerritoryMap checkedMap, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(checkedMap);
        if (live.Overrides.Count == 0)
        {
            return [];
        }

        var liveOwners = Owners(live);
        var checkedOwners = ReferenceEquals(live, checkedMap) ? liveOwners : Owners(checkedMap);
        var conflicts = new List<OverrideConflict>();
        foreach (var id in live.Overrides.SortedIds())
        {
            if (!live.Overrides.TryGet(id, out var entry) || entry.ValidUntil is { } until && until <= now)
            {
                continue;
            }

            if (entry.TerritoryId is { } territory && !checkedMap.Territories.ContainsKey(territory))
            {
                conflicts.Add(new OverrideConflict(entry, OverrideConflictKind.TerritoryRemoved));
            }
            else if (liveOwners.Contains(entry.OwnerId) && !checkedOwners.Contains(entry.OwnerId))
            {
                conflicts.Add(new OverrideConflict(entry, OverrideConflictKind.OwnerRemoved));
            }
        }

        return conflicts;
    }

    private static HashSet<string> Owners(TerritoryMap map)
    {
        var owners = new HashSet<string>(StringComparer.Ordinal);
        foreach (var territory in map.Territories.Values)
        {
            owners.Add(territory.Territory.OwnerId);
        }

        return owners;
    }
}

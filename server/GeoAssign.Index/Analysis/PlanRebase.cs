// Rebases a plan onto the live map: the plan's changes, the live changes, conflicts, the change to apply.
using System.Collections.Immutable;
using GeoAssign.Index.Model;

namespace GeoAssign.Index.Analysis;

/// <summary>
/// A territory that the plan and the live map both changed since the plan's base, to different
/// results. Immutable and thread-safe.
/// </summary>
public sealed class RebaseConflict
{
    internal RebaseConflict(TerritoryChange live, TerritoryChange plan)
    {
        Live = live;
        Plan = plan;
    }

    /// <summary>The territory id.</summary>
    public string Id => Plan.Id;

    /// <summary>What the live map did to the territory since the base.</summary>
    public TerritoryChange Live { get; }

    /// <summary>What the plan did to the territory since the base.</summary>
    public TerritoryChange Plan { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Id}: live {Live}, plan {Plan}";
}

/// <summary>
/// The result of <see cref="PlanRebase.Rebase(TerritoryMap, TerritoryMap, TerritoryMap)"/>. Immutable
/// and thread-safe.
/// </summary>
public sealed class RebaseResult
{
    internal RebaseResult(ImmutableArray<TerritoryChange> planChanges, ImmutableArray<TerritoryChange> liveChanges,
        ImmutableArray<RebaseConflict> conflicts, ImmutableArray<string> alreadyLive, MapChange? change)
    {
        PlanChanges = planChanges;
        LiveChanges = liveChanges;
        Conflicts = conflicts;
        AlreadyLive = alreadyLive;
        Change = change;
    }

    /// <summary>D: the plan's changes relative to its base, ordered by id.</summary>
    public ImmutableArray<TerritoryChange> PlanChanges { get; }

    /// <summary>E: the live map's changes relative to the plan's base, ordered by id.</summary>
    public ImmutableArray<TerritoryChange> LiveChanges { get; }

    /// <summary>Territories both sides changed to different results, ordered by id.</summary>
    public ImmutableArray<RebaseConflict> Conflicts { get; }

    /// <summary>Ids both sides changed to the same result (or both deleted): already live, not in <see cref="Change"/>.</summary>
    public ImmutableArray<string> AlreadyLive { get; }

    /// <summary>
    /// The plan's changes as one change on top of the live map (upserts ordered by id, then deletes
    /// ordered by id), or null when there are conflicts. It can still be refused by validation against
    /// the live map, e.g. when the plan parents a territory under one the live map deleted.
    /// </summary>
    public MapChange? Change { get; }

    /// <summary>Whether there are no conflicts (and so a <see cref="Change"/>).</summary>
    public bool IsClean => Conflicts.IsEmpty;
}

/// <summary>
/// Rebases a redistricting plan onto the live map. The plan P and the live map L both started from
/// the base B. The plan's changes D (B → P) and the live changes E (B → L) are compared territory by
/// territory: an id both changed is a conflict unless both arrived at an equal territory (or both
/// deleted it), which is already live and needs nothing more. Without conflicts, the rebased change
/// applies D on top of L: the plan's version of every id it changed (upserted) or its deletion; the
/// map it produces equals B + E + D applied in sequence.
/// </summary>
/// <remarks>
/// Conflicts are per territory (id); the fields a side changed are in the conflict's changes, so a
/// caller can tell an owner clash from a geometry clash. Changes to different territories never
/// conflict here, even when they interact (borders that now overlap, a parent deleted on one side and
/// used on the other): <see cref="MapDiff"/> and <see cref="CoverageCheck"/> on the result and the
/// validator on the change find those. Stateless and thread-safe; the maps are only read.
/// </remarks>
public static class PlanRebase
{
    /// <summary>Rebases <paramref name="plan"/> (based on <paramref name="baseMap"/>) onto <paramref name="live"/>; the change gets version <c>live.Version + 1</c>.</summary>
    public static RebaseResult Rebase(TerritoryMap baseMap, TerritoryMap live, TerritoryMap plan)
    {
        ArgumentNullException.ThrowIfNull(baseMap);
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(plan);
        return Rebase(new TerritoryMapView(baseMap), new TerritoryMapView(live), new TerritoryMapView(plan), live.Version + 1);
    }

    /// <summary>Rebases a plan onto the live map, all three given as id → territory; the change gets <paramref name="changeVersion"/>.</summary>
    public static RebaseResult Rebase(IReadOnlyDictionary<string, Territory> baseMap, IReadOnlyDictionary<string, Territory> live,
        IReadOnlyDictionary<string, Territory> plan, long changeVersion)
    {
        ArgumentNullException.ThrowIfNull(baseMap);
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(plan);
        var planChanges = MapDiff.CompareTerritories(baseMap, plan);
        var liveChanges = MapDiff.CompareTerritories(baseMap, live);
        var liveById = new Dictionary<string, TerritoryChange>(liveChanges.Length, StringComparer.Ordinal);
        foreach (var change in liveChanges)
        {
            liveById[change.Id] = change;
        }

        var conflicts = ImmutableArray.CreateBuilder<RebaseConflict>();
        var alreadyLive = ImmutableArray.CreateBuilder<string>();
        var upserts = new List<Territory>();
        var deletes = new List<string>();
        foreach (var change in planChanges)
        {
            if (liveById.TryGetValue(change.Id, out var liveChange))
            {
                if (Equals(change.After, liveChange.After))
                {
                    alreadyLive.Add(change.Id);
                }
                else
                {
                    conflicts.Add(new RebaseConflict(liveChange, change));
                }

                continue;
            }

            if (change.After is null)
            {
                deletes.Add(change.Id);
            }
            else
            {
                upserts.Add(change.After);
            }
        }

        var rebased = conflicts.Count == 0 ? new MapChange(changeVersion, upserts, deletes) : null;
        return new RebaseResult(planChanges, liveChanges, conflicts.ToImmutable(), alreadyLive.ToImmutable(), rebased);
    }
}

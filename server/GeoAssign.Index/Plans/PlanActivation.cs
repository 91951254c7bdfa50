// What making a plan live does to the live map: the change, or why it cannot be made.
using System.Collections.Immutable;
using GeoAssign.Index.Analysis;
using GeoAssign.Index.Model;

namespace GeoAssign.Index.Plans;

/// <summary>Why an activation cannot be made.</summary>
public enum ActivationRefusal
{
    /// <summary>Nothing stands in the way.</summary>
    None = 0,

    /// <summary>The live map moved since the plan branched, and no rebase was asked for.</summary>
    LiveMoved = 1,

    /// <summary>A rebase found territories changed on both sides to different results.</summary>
    Conflicts = 2,

    /// <summary>The result has overlaps the live map does not have, and they are not allowed.</summary>
    NewOverlaps = 3,
}

/// <summary>What an activation would do. Immutable.</summary>
/// <param name="Change">The change of the live map that activates the plan; null when refused.</param>
/// <param name="Refusal">Why it is refused, or <see cref="ActivationRefusal.None"/>.</param>
/// <param name="BothSides">Territories changed by the live map and the plan since the plan's base (conflicts when rebasing), by id.</param>
/// <param name="NewOverlaps">Overlapping pairs in the result that the live map does not have.</param>
public sealed record ActivationPlan(MapChange? Change, ActivationRefusal Refusal, ImmutableArray<string> BothSides, ImmutableArray<TerritoryOverlap> NewOverlaps);

/// <summary>
/// Works out the activation of a plan: when the live map is still at the plan's base, the change that
/// turns the live map into the plan; when it moved, the plan's own changes rebased onto it
/// (<see cref="PlanRebase"/>), if asked; and the overlaps the result would add. Stateless and thread-safe.
/// </summary>
public static class PlanActivation
{
    /// <summary>Plans the activation of <paramref name="plan"/> in <paramref name="state"/>, as version <see cref="MapState.NextVersion"/>.</summary>
    /// <param name="state">The live map and the plan.</param>
    /// <param name="plan">The plan to make live.</param>
    /// <param name="rebase">Whether a live map that moved since the plan's base is rebased onto.</param>
    /// <param name="allowNewOverlaps">Whether overlaps the live map does not have may go live.</param>
    /// <param name="info">Who activates, when and why.</param>
    public static ActivationPlan Plan(MapState state, PlanBranch plan, bool rebase, bool allowNewOverlaps, ChangeInfo info)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(plan);
        var live = new TerritoryMapView(state.Live);
        var planned = new TerritoryMapView(plan.Map);
        var operation = PlanOperation.Activate(plan.Name, plan.Version);
        IReadOnlyList<Territory> upserts;
        IReadOnlyList<string> deletes;
        var bothSides = ImmutableArray<string>.Empty;
        if (state.Live.Version == plan.Info.BaseVersion)
        {
            // The live map is the plan's base: make it exactly the plan.
            var changes = MapDiff.CompareTerritories(live, planned);
            upserts = [.. changes.Where(c => c.After is not null).Select(c => c.After!)];
            deletes = [.. changes.Where(c => c.After is null).Select(c => c.Id)];
        }
        else
        {
            var rebased = PlanRebase.Rebase(plan.Base, live, planned, state.NextVersion);
            var planIds = rebased.PlanChanges.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
            bothSides = [.. rebased.LiveChanges.Select(c => c.Id).Where(planIds.Contains).Order(StringComparer.Ordinal)];
            // Live versions that changed no territory (account overrides) do not make the plan stale:
            // its changes apply exactly as they would have at its base.
            if (!rebase && !rebased.LiveChanges.IsEmpty)
            {
                return new ActivationPlan(null, ActivationRefusal.LiveMoved, bothSides, []);
            }

            if (rebased.Change is null)
            {
                return new ActivationPlan(null, ActivationRefusal.Conflicts, [.. rebased.Conflicts.Select(c => c.Id)], []);
            }

            upserts = rebased.Change.Upserts;
            deletes = rebased.Change.Deletes;
        }

        var change = new MapChange(state.NextVersion, upserts, deletes) { Operation = operation, Info = info };
        var newOverlaps = NewOverlaps(state.Live, change);
        if (!newOverlaps.IsEmpty && !allowNewOverlaps)
        {
            return new ActivationPlan(null, ActivationRefusal.NewOverlaps, bothSides, newOverlaps);
        }

        return new ActivationPlan(change, ActivationRefusal.None, bothSides, newOverlaps);
    }

    // Overlapping pairs, in the layers the change touches, that the live map does not have already.
    private static ImmutableArray<TerritoryOverlap> NewOverlaps(TerritoryMap live, MapChange change)
    {
        var after = live.Territories.ToDictionary(p => p.Key, p => p.Value.Territory, StringComparer.Ordinal);
        var layers = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var id in change.Deletes)
        {
            if (after.Remove(id, out var gone))
            {
                layers.Add(gone.Layer);
            }
        }

        foreach (var territory in change.Upserts)
        {
            if (after.TryGetValue(territory.Id, out var old))
            {
                layers.Add(old.Layer);
            }

            after[territory.Id] = territory;
            layers.Add(territory.Layer);
        }

        var found = ImmutableArray.CreateBuilder<TerritoryOverlap>();
        foreach (var layer in layers)
        {
            var before = live.Layers.ContainsKey(layer)
                ? CoverageCheck.CheckLayer(live, layer).Overlaps.Select(o => (o.FirstId, o.SecondId)).ToHashSet()
                : [];
            foreach (var overlap in CoverageCheck.CheckLayer(after.Values.Where(t => t.Layer == layer), layer).Overlaps)
            {
                if (!before.Contains((overlap.FirstId, overlap.SecondId)))
                {
                    found.Add(overlap);
                }
            }
        }

        return found.ToImmutable();
    }
}

// The one apply path for the live map and its plans: routes each change to the map it changes.
using System.Collections.Immutable;
using GeoAssign.Index.Model;
using GeoAssign.Index.Validation;

namespace GeoAssign.Index.Plans;

/// <summary>
/// The single writer of the live map and its plans. Every change — of the live map or of a plan, an
/// API call, a replicated message or a replay — goes through <see cref="Apply"/>, which hands it to the
/// <see cref="TerritoryMapWriter"/> of the map it changes (each plan has its own) and publishes the new
/// <see cref="MapState"/> with one reference swap. A plan created as a copy of the live map is built
/// from the live territories at the moment its creation applies, so replicas and replays agree.
/// </summary>
/// <remarks>
/// Not safe for concurrent writers: callers serialise <see cref="Apply"/>; <see cref="Current"/> may be
/// read from any thread at any time.
/// </remarks>
public sealed class BranchedMapWriter
{
    /// <summary>How many versions of the live map <see cref="MapState.History"/> keeps by default.</summary>
    public const int DefaultHistoryLength = 10_000;

    private readonly TerritoryIndexOptions _options;
    private readonly int _historyLength;
    private TerritoryMapWriter _live;
    private readonly Dictionary<string, TerritoryMapWriter> _plans = new(StringComparer.Ordinal);
    private MapState _current = MapState.Empty;

    /// <summary>Creates a writer holding the empty live map and no plans.</summary>
    /// <param name="options">How the maps are indexed and validated.</param>
    /// <param name="historyLength">How many versions of the live map <see cref="MapState.History"/> keeps.</param>
    public BranchedMapWriter(TerritoryIndexOptions? options = null, int historyLength = DefaultHistoryLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(historyLength);
        _options = options ?? TerritoryIndexOptions.Default;
        _historyLength = historyLength;
        _live = new TerritoryMapWriter(_options);
    }

    /// <summary>The latest published state.</summary>
    public MapState Current => Volatile.Read(ref _current);

    /// <summary>
    /// Starts from a stored state: the live territories at <paramref name="liveVersion"/> and each plan
    /// with its territories, all at <paramref name="position"/>. Only on an empty writer.
    /// </summary>
    /// <exception cref="InvalidOperationException">The writer is not empty.</exception>
    public MapState Restore(long position, long liveVersion, IReadOnlyList<Territory> live, IReadOnlyList<StoredPlan> plans,
        IReadOnlyList<LiveVersionInfo>? history = null, IReadOnlyList<Accounts.AccountOverride>? overrides = null,
        IReadOnlyList<Gazetteer.PostalCodeEntry>? gazetteer = null)
    {
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(plans);
        if (Current.Position != 0)
        {
            throw new InvalidOperationException($"Restore needs an empty writer; this one is at version {Current.Position}.");
        }

        if (liveVersion > 0)
        {
            _live.Apply(new MapChange(liveVersion, live, []) { OverrideUpserts = overrides ?? [], GazetteerUpserts = gazetteer ?? [] }, validate: false);
        }

        var branches = ImmutableSortedDictionary.CreateBuilder<string, PlanBranch>(StringComparer.Ordinal);
        foreach (var (plan, territories, baseTerritories) in plans)
        {
            var writer = new TerritoryMapWriter(_options);
            var map = writer.Apply(new MapChange(plan.Version, territories, []), validate: false);
            if (plan.Status != PlanStatus.Activated)
            {
                _plans[plan.Name] = writer;
            }

            branches[plan.Name] = new PlanBranch(plan, map, ById(baseTerritories));
        }

        var kept = history ?? [];
        return Publish(new MapState(position, _live.Current, branches.ToImmutable(), [.. kept.Skip(Math.Max(0, kept.Count - _historyLength))]));
    }

    /// <summary>Checks a change against the current state without applying it.</summary>
    public ValidationResult Validate(MapChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var state = Current;
        if (change.Plan is null)
        {
            if (change.Operation is { Kind: PlanOperationKind.Activate } activate)
            {
                var plan = activate.Plan ?? "";
                if (!state.Plans.TryGetValue(plan, out var branch))
                {
                    return Problem(ValidationProblemKind.UnknownPlan, $"the plan \"{plan}\" to activate does not exist");
                }

                if (branch.Status == PlanStatus.Activated)
                {
                    return Problem(ValidationProblemKind.PlanClosed, $"the plan \"{plan}\" was activated already, at version {branch.Info.ActivatedVersion}");
                }
            }
            else if (change.Operation is not null)
            {
                return Problem(ValidationProblemKind.UnknownPlan, $"a change of the live map cannot {change.Operation.Kind} a plan");
            }

            return _live.Validate(change);
        }

        if (TerritoryNames.PlanProblem(change.Plan) is { } nameProblem)
        {
            return Problem(ValidationProblemKind.InvalidPlanName, $"the plan name \"{TerritoryNames.Shorten(change.Plan)}\" {nameProblem}");
        }

        var exists = state.Plans.TryGetValue(change.Plan, out var target);
        switch (change.Operation?.Kind)
        {
            case PlanOperationKind.Create:
                return exists
                    ? Problem(ValidationProblemKind.PlanExists, $"a plan named \"{change.Plan}\" exists already")
                    : change.Operation.CopyLive
                        ? change.IsEmpty ? ValidationResult.Valid : Problem(ValidationProblemKind.MalformedFeature, "a plan copied from the live map takes no territories of its own in the same change")
                        : new TerritoryMapWriter(_options).Validate(change);
            case PlanOperationKind.Activate:
                return Problem(ValidationProblemKind.UnknownPlan, "an activation is a change of the live map, not of a plan");
        }

        if (!exists)
        {
            return Problem(ValidationProblemKind.UnknownPlan, $"there is no plan named \"{change.Plan}\"");
        }

        if (change.Operation?.Kind is PlanOperationKind.Delete)
        {
            return ValidationResult.Valid;
        }

        if (target!.Status == PlanStatus.Activated)
        {
            return Problem(ValidationProblemKind.PlanClosed, $"the plan \"{change.Plan}\" was activated at version {target.Info.ActivatedVersion} and is read-only");
        }

        return change.Operation is null ? _plans[change.Plan].Validate(change) : ValidationResult.Valid;
    }

    /// <summary>Validates (unless told not to) and applies a change, publishing and returning the new state.</summary>
    /// <exception cref="TerritoryValidationException">The change is invalid; nothing changed.</exception>
    /// <exception cref="ArgumentException">The change's version is not above the current position.</exception>
    public MapState Apply(MapChange change, bool validate = true)
    {
        ArgumentNullException.ThrowIfNull(change);
        var state = Current;
        if (change.Version <= state.Position)
        {
            throw new ArgumentException($"Change version {change.Version} must be greater than the position {state.Position}.", nameof(change));
        }

        if (validate)
        {
            Validate(change).ThrowIfInvalid();
        }

        var plans = state.Plans;
        var live = state.Live;
        var history = state.History;
        if (change.Plan is null)
        {
            if (change.Operation is { Kind: PlanOperationKind.Activate, Plan: { } adopted } && _plans.TryGetValue(adopted, out var planWriter)
                && Reaches(state.Live, change, planWriter.Current))
            {
                // The change turns the live territories into exactly the plan's: the plan's index is the
                // answer already, so the live map takes it over instead of indexing the same territories
                // again (the plan is read-only from here on). The index checksum does not depend on how
                // an index was built, so replicas that re-index agree with this one.
                live = planWriter.Republish(change.Version,
                    state.Live.Overrides.With(change.OverrideUpserts, change.OverrideDeletes, change.ClearOverrides),
                    state.Live.Gazetteer.With(change.GazetteerUpserts, [], change.GazetteerClearCountries));
                _live = planWriter;
            }
            else
            {
                live = _live.Apply(change, validate: false);
            }

            history = history.Add(LiveVersionInfo.Of(change));
            if (history.Count > _historyLength)
            {
                history = history.RemoveRange(0, history.Count - _historyLength);
            }

            if (change.Operation is { Kind: PlanOperationKind.Activate, Plan: { } activated } && plans.TryGetValue(activated, out var branch))
            {
                plans = plans.SetItem(activated, branch with { Info = PlanInfoAfter(state, change)! });
                _plans.Remove(activated);
            }
        }
        else
        {
            plans = ApplyToPlan(change, state, plans);
        }

        return Publish(new MapState(change.Version, live, plans, history));
    }

    private ImmutableSortedDictionary<string, PlanBranch> ApplyToPlan(MapChange change, MapState state, ImmutableSortedDictionary<string, PlanBranch> plans)
    {
        var name = change.Plan!;
        var info = PlanInfoAfter(state, change);
        switch (change.Operation?.Kind)
        {
            case PlanOperationKind.Create:
            {
                var writer = new TerritoryMapWriter(_options);
                var territories = change.Operation.CopyLive ? state.Live.Territories.Values.Select(t => t.Territory).ToList() : (IReadOnlyList<Territory>)change.Upserts;
                var map = writer.Apply(new MapChange(change.Version, territories, []), validate: false);
                _plans[name] = writer;
                return plans.SetItem(name, new PlanBranch(info!, map, ById(territories)));
            }

            case PlanOperationKind.Delete:
                _plans.Remove(name);
                return plans.Remove(name);
            case PlanOperationKind.Schedule or PlanOperationKind.Unschedule:
                return plans.SetItem(name, plans[name] with { Info = info! });
            default:
                return plans.SetItem(name, plans[name] with { Info = info!, Map = _plans[name].Apply(change, validate: false) });
        }
    }

    /// <summary>
    /// What the plan <paramref name="change"/> concerns (the plan it edits, or the plan a live change
    /// activates) is after the change, apart from its territories; null when the change deletes it or
    /// concerns no plan. A pure function of the state before and the change, so a store can keep it
    /// beside the change.
    /// </summary>
    /// <exception cref="ArgumentException">The change edits a plan that does not exist.</exception>
    public static PlanInfo? PlanInfoAfter(MapState before, MapChange change)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(change);
        var operation = change.Operation;
        if (change.Plan is null)
        {
            return operation is { Kind: PlanOperationKind.Activate, Plan: { } activated } && before.Plans.TryGetValue(activated, out var active)
                ? active.Info with { Status = PlanStatus.Activated, ActivatedVersion = change.Version, EffectiveAt = null, ScheduledRebase = false, ScheduledForce = false, Scheduled = null }
                : null;
        }

        switch (operation?.Kind)
        {
            case PlanOperationKind.Create:
                return new PlanInfo
                {
                    Name = change.Plan,
                    Version = change.Version,
                    BaseVersion = operation.CopyLive ? before.Live.Version : operation.BaseVersion,
                    Created = change.Info,
                };
            case PlanOperationKind.Delete:
                return null;
        }

        var info = before.Plans.TryGetValue(change.Plan, out var branch)
            ? branch.Info with { Version = change.Version }
            : throw new ArgumentException($"There is no plan named \"{change.Plan}\".", nameof(change));
        return operation?.Kind switch
        {
            PlanOperationKind.Schedule => info with
            {
                Status = PlanStatus.Scheduled,
                EffectiveAt = operation.EffectiveAt,
                ScheduledRebase = operation.Rebase,
                ScheduledForce = operation.Force,
                Scheduled = change.Info,
            },
            PlanOperationKind.Unschedule => info with { Status = PlanStatus.Draft, EffectiveAt = null, ScheduledRebase = false, ScheduledForce = false, Scheduled = null },
            _ => info,
        };
    }

    /// <summary>
    /// Whether applying <paramref name="change"/> to <paramref name="live"/> gives exactly the territories
    /// of <paramref name="plan"/> (by value: a replica's plan and change hold separately read copies).
    /// </summary>
    internal static bool Reaches(TerritoryMap live, MapChange change, TerritoryMap plan)
    {
        var upserts = new Dictionary<string, Territory>(change.Upserts.Count, StringComparer.Ordinal);
        foreach (var territory in change.Upserts)
        {
            if (!upserts.TryAdd(territory.Id, territory) || !plan.Territories.ContainsKey(territory.Id))
            {
                return false;
            }
        }

        var deletes = new HashSet<string>(change.Deletes, StringComparer.Ordinal);
        foreach (var (id, entry) in plan.Territories)
        {
            if (upserts.TryGetValue(id, out var upsert)
                    ? !upsert.Equals(entry.Territory)
                    : deletes.Contains(id) || !live.Territories.TryGetValue(id, out var kept) || !kept.Territory.Equals(entry.Territory))
            {
                return false;
            }
        }

        foreach (var id in live.Territories.Keys)
        {
            if (!plan.Territories.ContainsKey(id) && !deletes.Contains(id))
            {
                return false;
            }
        }

        return true;
    }

    private MapState Publish(MapState state)
    {
        Volatile.Write(ref _current, state);
        return state;
    }

    private static ImmutableDictionary<string, Territory> ById(IEnumerable<Territory> territories) =>
        territories.ToImmutableDictionary(t => t.Id, StringComparer.Ordinal);

    private static ValidationResult Problem(ValidationProblemKind kind, string detail) =>
        new([new ValidationProblem(kind, null, null, detail)], 1);
}

// A plan as a replica holds it: where it branched from, where it stands, and its map.
using System.Collections.Immutable;

namespace GeoAssign.Index.Plans;

/// <summary>Where a plan stands.</summary>
public enum PlanStatus
{
    /// <summary>Being edited; the live map does not see it.</summary>
    Draft = 1,

    /// <summary>Its activation is scheduled at <see cref="PlanInfo.EffectiveAt"/>; it can still be edited.</summary>
    Scheduled = 2,

    /// <summary>Made live at <see cref="PlanInfo.ActivatedVersion"/>; read-only from then on.</summary>
    Activated = 3,
}

/// <summary>
/// What a plan is, apart from its territories: name, versions, who created it, and where it stands.
/// What stores keep beside the territories. Immutable.
/// </summary>
public sealed record PlanInfo
{
    /// <summary>The plan's name (<see cref="Model.TerritoryNames.PlanProblem"/>).</summary>
    public required string Name { get; init; }

    /// <summary>The version of the plan's last change (its creation, an edit, a schedule): what <c>expected_version</c> is checked against.</summary>
    public required long Version { get; init; }

    /// <summary>The live version the plan started from: the live version when it was created (also for an empty plan), or the past version it copies.</summary>
    public required long BaseVersion { get; init; }

    /// <summary>Who created the plan, when, and why.</summary>
    public required Model.ChangeInfo Created { get; init; }

    /// <summary>Where the plan stands.</summary>
    public PlanStatus Status { get; init; } = PlanStatus.Draft;

    /// <summary>The scheduled activation's instant, while <see cref="PlanStatus.Scheduled"/>.</summary>
    public DateTimeOffset? EffectiveAt { get; init; }

    /// <summary>Whether the scheduled activation rebases onto a live map that moved since the base.</summary>
    public bool ScheduledRebase { get; init; }

    /// <summary>Whether the scheduled activation goes ahead despite new overlaps.</summary>
    public bool ScheduledForce { get; init; }

    /// <summary>Who scheduled the activation, and why: the activation records them as its author and message.</summary>
    public Model.ChangeInfo? Scheduled { get; init; }

    /// <summary>The live version that made the plan live, once <see cref="PlanStatus.Activated"/>.</summary>
    public long? ActivatedVersion { get; init; }
}

/// <summary>
/// A plan: a named draft map branched from the live map (or from a past version, or empty), with its
/// own version for optimistic concurrency, indexed like the live map so that it can be resolved
/// against. Immutable; a change to the plan makes a new one.
/// </summary>
/// <param name="Info">Name, versions, creation and status.</param>
/// <param name="Map">The plan's map.</param>
/// <param name="Base">
/// The territories the plan started with (the live map at <see cref="PlanInfo.BaseVersion"/>, or what it
/// was created from), by id: what a diff or a rebase compares the plan's and the live map's changes with.
/// </param>
public sealed record PlanBranch(PlanInfo Info, TerritoryMap Map, ImmutableDictionary<string, Model.Territory> Base)
{
    /// <summary>The plan's name.</summary>
    public string Name => Info.Name;

    /// <summary>The version of the plan's last change.</summary>
    public long Version => Info.Version;

    /// <summary>Where the plan stands.</summary>
    public PlanStatus Status => Info.Status;
}

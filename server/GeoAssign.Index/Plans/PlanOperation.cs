// What a change does to a plan itself, beside editing its territories: create, delete, schedule, activate.
namespace GeoAssign.Index.Plans;

/// <summary>Kinds of <see cref="PlanOperation"/>.</summary>
public enum PlanOperationKind
{
    /// <summary>Creates the plan: from the live map as it is, or from the change's upserts (a past version, or empty).</summary>
    Create = 1,

    /// <summary>Deletes the plan.</summary>
    Delete = 2,

    /// <summary>Schedules the plan's activation at an instant.</summary>
    Schedule = 3,

    /// <summary>Cancels a scheduled activation.</summary>
    Unschedule = 4,

    /// <summary>On a change of the live map: the change makes the plan live (its upserts and deletes are the plan's difference).</summary>
    Activate = 5,
}

/// <summary>
/// What a <see cref="Model.MapChange"/> does to a plan as a whole. A change of a plan carries it beside
/// (or instead of) territory upserts and deletes; a change of the live map carries
/// <see cref="PlanOperationKind.Activate"/> when it is a plan's activation. Immutable.
/// </summary>
public sealed record PlanOperation
{
    /// <summary>What the operation does.</summary>
    public required PlanOperationKind Kind { get; init; }

    /// <summary>Create: the live version the plan starts from (0 for an empty plan).</summary>
    public long BaseVersion { get; init; }

    /// <summary>Create: whether the plan starts as a copy of the live map at the moment the change applies (else from the change's upserts).</summary>
    public bool CopyLive { get; init; }

    /// <summary>Schedule: the instant the plan becomes live.</summary>
    public DateTimeOffset EffectiveAt { get; init; }

    /// <summary>Schedule: whether the activation rebases onto a live map that moved since the plan's base.</summary>
    public bool Rebase { get; init; }

    /// <summary>Schedule: whether the activation goes ahead despite new overlaps.</summary>
    public bool Force { get; init; }

    /// <summary>Activate: the plan made live.</summary>
    public string? Plan { get; init; }

    /// <summary>Activate: the plan's version that was made live.</summary>
    public long PlanVersion { get; init; }

    /// <summary>A plan created as a copy of the live map at <paramref name="baseVersion"/>.</summary>
    public static PlanOperation CreateFromLive(long baseVersion) => new() { Kind = PlanOperationKind.Create, BaseVersion = baseVersion, CopyLive = true };

    /// <summary>A plan created from the change's own upserts: the live map of <paramref name="baseVersion"/>, or nothing (0).</summary>
    public static PlanOperation CreateFrom(long baseVersion) => new() { Kind = PlanOperationKind.Create, BaseVersion = baseVersion };

    /// <summary>The plan's deletion.</summary>
    public static PlanOperation Delete { get; } = new() { Kind = PlanOperationKind.Delete };

    /// <summary>The cancellation of a scheduled activation.</summary>
    public static PlanOperation Unschedule { get; } = new() { Kind = PlanOperationKind.Unschedule };

    /// <summary>A scheduled activation.</summary>
    public static PlanOperation ScheduleAt(DateTimeOffset effectiveAt, bool rebase, bool force) =>
        new() { Kind = PlanOperationKind.Schedule, EffectiveAt = effectiveAt, Rebase = rebase, Force = force };

    /// <summary>The activation of <paramref name="plan"/> at <paramref name="planVersion"/>, carried by a live change.</summary>
    public static PlanOperation Activate(string plan, long planVersion) => new() { Kind = PlanOperationKind.Activate, Plan = plan, PlanVersion = planVersion };
}

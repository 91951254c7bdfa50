// A redistricting plan: a named draft map beside the live one, apart from its territories.
namespace GeoAssign.Client;

/// <summary>
/// A plan (the API's <c>Plan</c>): a named draft map branched from the live map (or empty), edited with the
/// territory edits naming it and made live by activation. Immutable.
/// </summary>
/// <param name="Name">The plan's name: 1 to 64 of A-Z a-z 0-9 _ - . :</param>
/// <param name="Version">The version of the plan's last change: what an edit's expected version of the plan is checked against.</param>
/// <param name="BaseVersion">The live version it branched from; 0 for an empty plan.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="CreatedTime">When it was created; <see langword="null"/> when the server did not say.</param>
/// <param name="CreatedBy">The name of the API key that created it; <see langword="null"/> without keys.</param>
/// <param name="Message">Why it was created; <see langword="null"/> when none was given.</param>
/// <param name="EffectiveAt">While scheduled: when it becomes live; else <see langword="null"/>.</param>
/// <param name="ScheduledRebase">While scheduled: whether the activation rebases.</param>
/// <param name="ScheduledForce">While scheduled: whether the activation accepts new overlaps.</param>
/// <param name="ActivatedVersion">Once activated: the live version that made it live; else <see langword="null"/>.</param>
/// <param name="TerritoryCount">Territories in the plan.</param>
/// <param name="Layers">Its layers, in ordinal order.</param>
public sealed record Plan(
    string Name,
    ulong Version,
    ulong BaseVersion,
    PlanStatus Status,
    DateTimeOffset? CreatedTime,
    string? CreatedBy,
    string? Message,
    DateTimeOffset? EffectiveAt,
    bool ScheduledRebase,
    bool ScheduledForce,
    ulong? ActivatedVersion,
    int TerritoryCount,
    IReadOnlyList<string> Layers);

// What to do next when the server refuses a command that names a plan, a past version or an activation.
using GeoAssign.Client;
using Grpc.Core;

namespace GeoAssign.Cli.Commands;

/// <summary>
/// The hints of the plan and history commands for the rejections they know more about than
/// <see cref="CliErrors"/> does. Each returns <see langword="null"/> for the others, which keep the generic text.
/// </summary>
internal static class PlanAdvice
{
    /// <summary>How the server's NOT_FOUND names a missing plan (as against a missing territory or layer).</summary>
    public const string NoSuchPlan = "no plan named";

    public const string HistoryHint = "`geoassign map history` lists the versions the server keeps.";

    /// <summary>For a command that reads or edits the plan <paramref name="plan"/> (or the live map when it is null).</summary>
    public static RejectionAdvice? ForPlan(GeoAssignException error, string? plan, bool edit = false) => (error.StatusCode, plan) switch
    {
        (StatusCode.NotFound, not null) when Names(error, NoSuchPlan) =>
            new("`geoassign plan list` shows the plans there are; `geoassign plan create NAME` makes one."),
        (StatusCode.FailedPrecondition, not null) when Names(error, "read-only") =>
            new($"Plan {plan} is live already and read-only: create a new plan (`geoassign plan create NAME`) for further changes."),
        (StatusCode.Aborted, not null) when edit => new(
            error.ServerMapVersion is { } version
                ? $"Plan {plan} is at version {version}. Check what changed (`geoassign plan show {plan}`), then retry with --expected-version {version}, or leave the option out."
                : $"Check what changed (`geoassign plan show {plan}`), then retry with the plan's current version.",
            $"Plan {plan} is not at the expected version: {Detail(error)}"),
        (StatusCode.FailedPrecondition, null) when Names(error, "history") || Names(error, "older") => new(HistoryHint),
        _ => null,
    };

    /// <summary>For <c>plan activate</c>.</summary>
    public static RejectionAdvice? ForActivation(GeoAssignException error, string plan, bool rebase, ulong? expectedLiveVersion)
    {
        var detail = Detail(error);
        switch (error.StatusCode)
        {
            case StatusCode.Aborted when expectedLiveVersion is not null && Names(error, "expected"):
                return new(error.ServerMapVersion is { } live
                        ? $"The live map is at version {live}: review what changed (`geoassign map history`, `geoassign plan diff {plan}`), then retry with --expected-live-version {live}."
                        : $"Review what changed (`geoassign map history`, `geoassign plan diff {plan}`), then retry with the live map's current version.",
                    $"The live map is not at the expected version, so plan {plan} was not activated: {detail}");
            case StatusCode.Aborted when !rebase:
                return new($"The live map changed since the plan branched. Review the plan's changes (`geoassign plan diff {plan}`), then run `geoassign plan activate {plan} --rebase` to apply them on top of the live map.",
                    $"Plan {plan} was not activated (ABORTED): {detail}");
            case StatusCode.Aborted:
                return new($"Edit the plan so that the territories named agree with the live map (`geoassign territories get ID --plan {plan}`, `geoassign plan import {plan} FILE`), then activate again.",
                    $"Plan {plan} was not activated (ABORTED): {detail}");
            case StatusCode.FailedPrecondition when Names(error, "overlap"):
                return new($"See where they are with `geoassign plan check {plan}`, fix them in the plan, or accept them with --force.",
                    $"Plan {plan} was not activated (FAILED_PRECONDITION): {detail}");
            default:
                return ForPlan(error, plan);
        }
    }

    public static bool Names(GeoAssignException error, string word) => error.ServerMessage.Contains(word, StringComparison.OrdinalIgnoreCase);

    private static string Detail(GeoAssignException error) => string.IsNullOrWhiteSpace(error.ServerMessage) ? "(no message)" : error.ServerMessage;
}

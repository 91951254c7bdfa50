// geoassign plan activate NAME [--at TIME] [--rebase] [--force] [--expected-live-version V] [--message M] [--json]
using System.CommandLine;
using GeoAssign.Cli.Output;
using Spectre.Console;

namespace GeoAssign.Cli.Commands;

internal static class PlanActivateCommand
{
    public static Command Build(GlobalOptions global)
    {
        var name = PlanCommand.NameArgument("The plan to make live");
        var at = new Option<string?>("--at")
        {
            Description = "Make it live at this instant instead of now (ISO-8601, e.g. 2027-01-01T00:00:00Z; UTC when no offset is given); every replica applies it then, once",
            HelpName = "TIME",
        };
        var rebase = new Option<bool>("--rebase") { Description = "When the live map changed since the plan branched, apply the plan's changes on top of it (refusing only territories changed on both sides)" };
        var force = new Option<bool>("--force") { Description = "Activate even though the result has overlaps the live map does not have" };
        var expectedLive = new Option<ulong?>("--expected-live-version") { Description = "Activate only if the live map is at this version (optimistic concurrency)", HelpName = "VERSION" };
        var message = new Option<string?>("--message") { Description = "Why: recorded with the new live version", HelpName = "TEXT" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var command = new Command("activate", "Make a plan the live map, as one new version, now or at a date; needs an editor key")
        {
            name, at, rebase, force, expectedLive, message, json,
        };
        command.SetAction((parse, cancellationToken) => global.RunAsync(parse, cancellationToken, async (client, settings, token) =>
        {
            var host = global.Host;
            var plan = PlanCommand.Required(parse.GetValue(name));
            var instant = parse.GetValue(at) is { } text ? MapViewOptions.ParseInstant("--at", text) : (DateTimeOffset?)null;
            var activation = await ServerWait.RunAsync(host.Error, instant is null ? $"Activating plan {plan}…" : $"Scheduling plan {plan}…",
                () => client.ActivatePlanAsync(plan, instant, parse.GetValue(rebase), parse.GetValue(force), parse.GetValue(expectedLive),
                    message: parse.GetValue(message), cancellationToken: token)).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(host, new
                {
                    plan,
                    scheduled = activation.Scheduled,
                    effective_at = activation.Scheduled ? instant : null,
                    version = activation.Version,
                    upserted = activation.UpsertedCount,
                    deleted = activation.DeletedCount,
                    new_overlaps = activation.NewOverlaps.Select(o => new { first_id = o.FirstId, second_id = o.SecondId, winner_id = o.WinnerId, area_km2 = o.AreaKm2, sliver = o.IsSliver }),
                });
                return ExitCodes.Success;
            }

            if (activation.Scheduled)
            {
                host.Out.MarkupLine(Markup.Escape($"Plan {plan} will go live at {TextFormat.Time(instant!.Value)}; every replica applies it then.")
                    + $" Plan version [bold]{activation.Version}[/].");
                host.Out.MarkupLine(Markup.Escape($"The plan stays editable until then; the same checks run at that instant. Cancel with `geoassign plan cancel {plan}`."));
            }
            else
            {
                host.Out.MarkupLine(Markup.Escape($"Plan {plan} is live: {TextFormat.Count(activation.UpsertedCount)} territories created or replaced, {TextFormat.Count(activation.DeletedCount)} deleted.")
                    + $" Map version [bold]{activation.Version}[/].");
                if (instant is not null)
                {
                    CliErrors.Warn(host, $"--at {TextFormat.Time(instant.Value)} was not in the future, so the plan went live now.");
                }

                host.Out.MarkupLine(Markup.Escape("Undo with `geoassign map rollback VERSION` (`geoassign map history` lists the versions)."));
            }

            foreach (var overlap in activation.NewOverlaps)
            {
                CliErrors.Warn(host, $"New overlap let through: {overlap.FirstId} / {overlap.SecondId} ({TextFormat.Area(overlap.AreaKm2)} km², {overlap.WinnerId} wins).");
            }

            return ExitCodes.Success;
        }, error => PlanAdvice.ForActivation(error, parse.GetValue(name) ?? "", parse.GetValue(rebase), parse.GetValue(expectedLive))));
        return command;
    }
}

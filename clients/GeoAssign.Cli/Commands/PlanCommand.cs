// geoassign plan create|import|list|show|delete|diff|check|preview|propose|activate|cancel: redistricting plans.
using System.CommandLine;
using System.Globalization;
using GeoAssign.Cli.Output;
using GeoAssign.Client;
using Grpc.Core;
using Spectre.Console;

namespace GeoAssign.Cli.Commands;

internal static class PlanCommand
{
    public static Command Build(GlobalOptions global) => new("plan", """
        Redistricting plans: draft maps beside the live one. Create a plan, edit it (plan import, or import and
        territories delete with --plan), see what it changes (diff, check, preview), then make it live (activate),
        now or at a date.
        """)
    {
        Create(global),
        ImportCommand.BuildForPlan(global),
        List(global),
        Show(global),
        Delete(global),
        PlanDiffCommand.Build(global),
        PlanCheckCommand.Build(global),
        Preview(global),
        PlanProposeCommand.Build(global),
        PlanActivateCommand.Build(global),
        Cancel(global),
    };

    /// <summary>The plan's name, the argument every plan command but list takes.</summary>
    public static Argument<string> NameArgument(string description = "The plan's name") => new("NAME") { Description = description };

    private static Command Create(GlobalOptions global)
    {
        var name = NameArgument("The new plan's name: 1 to 64 of A-Z a-z 0-9 _ - . :");
        var fromVersion = new Option<ulong?>("--from-version") { Description = "Start as a copy of this past version of the live map (`geoassign map history` lists them)", HelpName = "VERSION" };
        var empty = new Option<bool>("--empty") { Description = "Start empty instead of as a copy of the live map" };
        var message = new Option<string?>("--message") { Description = "Why: shown with the plan", HelpName = "TEXT" };
        var json = new Option<bool>("--json") { Description = "Print the plan as JSON" };
        var command = new Command("create", "Create a plan as a copy of the live map (as it is, or at a past version) or empty; needs an editor key")
        {
            name, fromVersion, empty, message, json,
        };
        command.SetAction((parse, cancellationToken) => global.RunAsync(parse, cancellationToken, async (client, settings, token) =>
        {
            var host = global.Host;
            var from = parse.GetValue(fromVersion);
            if (from is not null && parse.GetValue(empty))
            {
                throw new CliInputException("--from-version and --empty are mutually exclusive: a plan starts as a copy of one version of the live map, or empty.");
            }

            if (from == 0)
            {
                throw new CliInputException("--from-version 0 is the map before any edit; use --empty for an empty plan.");
            }

            var plan = await client.CreatePlanAsync(parse.GetValue(name)!, parse.GetValue(empty), from, parse.GetValue(message), token).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(host, Json(plan));
                return ExitCodes.Success;
            }

            var origin = parse.GetValue(empty) || plan.BaseVersion == 0 ? "empty" : $"from live version {plan.BaseVersion} ({TextFormat.Count(plan.TerritoryCount)} territories)";
            host.Out.MarkupLine(Markup.Escape($"Created plan {plan.Name}, {origin}.") + $" Plan version [bold]{plan.Version}[/].");
            host.Out.MarkupLine(Markup.Escape($"Next: edit it with `geoassign plan import {plan.Name} FILE` (or `import`, `territories delete` with --plan {plan.Name}), then `geoassign plan diff {plan.Name}`."));
            return ExitCodes.Success;
        }, error => error.StatusCode switch
        {
            StatusCode.AlreadyExists => new RejectionAdvice($"Pick another name, or delete the old plan first (`geoassign plan delete {parse.GetValue(name)}`); `geoassign plan list` shows the plans."),
            StatusCode.FailedPrecondition => new RejectionAdvice(PlanAdvice.HistoryHint),
            _ => null,
        }));
        return command;
    }

    private static Command List(GlobalOptions global)
    {
        var json = new Option<bool>("--json") { Description = "Print a JSON array" };
        var command = new Command("list", "List the plans: drafts, scheduled and activated ones") { json };
        command.SetAction((parse, cancellationToken) => global.RunAsync(parse, cancellationToken, async (client, settings, token) =>
        {
            var host = global.Host;
            var plans = await client.ListPlansAsync(token).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(host, plans.Select(Json));
                return ExitCodes.Success;
            }

            if (plans.Count == 0)
            {
                host.Out.MarkupLine(Markup.Escape("No plans. Create one with `geoassign plan create NAME`."));
                return ExitCodes.Success;
            }

            var table = new Table().AddColumn("Plan").AddColumn("Status").AddColumn(new TableColumn("Version").RightAligned())
                .AddColumn(new TableColumn("Base").RightAligned()).AddColumn(new TableColumn("Territories").RightAligned()).AddColumn("Created").AddColumn("Message");
            foreach (var plan in plans)
            {
                table.AddRow(Markup.Escape(plan.Name), Markup.Escape(StatusText(plan)), Number(plan.Version), Number(plan.BaseVersion),
                    TextFormat.Count(plan.TerritoryCount), Markup.Escape(Created(plan)), Markup.Escape(plan.Message ?? ""));
            }

            host.Out.Write(table);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Show(GlobalOptions global)
    {
        var name = NameArgument();
        var json = new Option<bool>("--json") { Description = "Print the plan as JSON" };
        var command = new Command("show", "Show one plan: status, versions, layers, schedule") { name, json };
        command.SetAction((parse, cancellationToken) => global.RunAsync(parse, cancellationToken, async (client, settings, token) =>
        {
            var host = global.Host;
            var plan = await client.GetPlanAsync(parse.GetValue(name)!, token).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(host, Json(plan));
                return ExitCodes.Success;
            }

            var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
            grid.AddRow("[bold]Plan[/]", Markup.Escape(plan.Name));
            grid.AddRow("[bold]Status[/]", Markup.Escape(StatusText(plan)));
            grid.AddRow("[bold]Version[/]", Number(plan.Version));
            grid.AddRow("[bold]Branched from[/]", plan.BaseVersion == 0 ? "empty" : Markup.Escape($"live version {plan.BaseVersion}"));
            grid.AddRow("[bold]Territories[/]", TextFormat.Count(plan.TerritoryCount));
            grid.AddRow("[bold]Layers[/]", Markup.Escape(plan.Layers.Count == 0 ? "(none)" : string.Join(", ", plan.Layers)));
            grid.AddRow("[bold]Created[/]", Markup.Escape(Created(plan)));
            grid.AddRow("[bold]Message[/]", Markup.Escape(TextFormat.OrNone(plan.Message)));
            host.Out.Write(grid);
            return ExitCodes.Success;
        }, error => PlanAdvice.ForPlan(error, parse.GetValue(name))));
        return command;
    }

    private static Command Delete(GlobalOptions global)
    {
        var name = NameArgument();
        var expected = new Option<ulong?>("--expected-version") { Description = "Delete only if the plan is at this version (optimistic concurrency)", HelpName = "VERSION" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var command = new Command("delete", "Delete a plan (and a scheduled activation with it); needs an editor key") { name, expected, json };
        command.SetAction((parse, cancellationToken) => global.RunAsync(parse, cancellationToken, async (client, settings, token) =>
        {
            var host = global.Host;
            var plan = parse.GetValue(name)!;
            var version = await client.DeletePlanAsync(plan, parse.GetValue(expected), token).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(host, new { plan, version });
            }
            else
            {
                host.Out.MarkupLine(Markup.Escape($"Deleted plan {plan}.") + $" Version [bold]{version}[/].");
            }

            return ExitCodes.Success;
        }, error => PlanAdvice.ForPlan(error, parse.GetValue(name), edit: true)));
        return command;
    }

    private static Command Preview(GlobalOptions global)
    {
        var name = NameArgument("The plan to preview");
        var input = ReassignCommand.Input();
        var output = ReassignCommand.Output();
        var layer = ReassignCommand.Layer();
        var skipInvalid = ReassignCommand.SkipInvalid();
        var json = new Option<bool>("--json") { Description = "Print the summary, with each owner's accounts before and after, as JSON" };
        var command = new Command("preview", "Which accounts the plan would move, and each owner's book before and after (reassign against the plan)")
        {
            name, input, output, layer, skipInvalid, json,
        };
        command.SetAction((parse, cancellationToken) => global.RunAsync(parse, cancellationToken, (client, settings, token) =>
            ReassignCommand.RunAsync(global.Host, client, parse.GetValue(input)!, parse.GetValue(output)!, parse.GetValue(layer),
                MapView.ForPlan(Required(parse.GetValue(name))), parse.GetValue(skipInvalid), parse.GetValue(json), token),
            error => PlanAdvice.ForPlan(error, parse.GetValue(name))));
        return command;
    }

    private static Command Cancel(GlobalOptions global)
    {
        var name = NameArgument();
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var command = new Command("cancel", "Cancel a plan's scheduled activation; the plan stays a draft; needs an editor key") { name, json };
        command.SetAction((parse, cancellationToken) => global.RunAsync(parse, cancellationToken, async (client, settings, token) =>
        {
            var host = global.Host;
            var plan = parse.GetValue(name)!;
            var version = await client.CancelActivationAsync(plan, token).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(host, new { plan, version });
            }
            else
            {
                host.Out.MarkupLine(Markup.Escape($"Cancelled the scheduled activation of plan {plan}; it is a draft again.") + $" Plan version [bold]{version}[/].");
            }

            return ExitCodes.Success;
        }, error => error.StatusCode == StatusCode.FailedPrecondition && !error.ServerMessage.Contains("read-only", StringComparison.Ordinal)
            ? new RejectionAdvice($"Nothing is scheduled for plan {parse.GetValue(name)}: `geoassign plan show {parse.GetValue(name)}` shows its status.")
            : PlanAdvice.ForPlan(error, parse.GetValue(name))));
        return command;
    }

    /// <summary>A plan as <c>--json</c> prints it; the names are part of the CLI's contract.</summary>
    public static object Json(Plan plan) => new
    {
        name = plan.Name,
        status = TextFormat.Status(plan.Status),
        version = plan.Version,
        base_version = plan.BaseVersion,
        territory_count = plan.TerritoryCount,
        layers = plan.Layers,
        created_time = plan.CreatedTime,
        created_by = plan.CreatedBy,
        message = plan.Message,
        effective_at = plan.EffectiveAt,
        scheduled_rebase = plan.ScheduledRebase,
        scheduled_force = plan.ScheduledForce,
        activated_version = plan.ActivatedVersion,
    };

    /// <summary>A non-empty plan name, else a usage error.</summary>
    public static string Required(string? name) =>
        string.IsNullOrEmpty(name) ? throw new CliInputException("The plan's name is empty (`geoassign plan list` shows the plans).") : name;

    /// <summary>"draft", "scheduled for 2027-01-01 00:00:00 UTC (rebase)", "activated at live version 57".</summary>
    private static string StatusText(Plan plan) => plan.Status switch
    {
        PlanStatus.Scheduled when plan.EffectiveAt is { } at => $"scheduled for {TextFormat.Time(at)}"
            + (plan.ScheduledRebase || plan.ScheduledForce ? $" ({string.Join(", ", new[] { plan.ScheduledRebase ? "rebase" : null, plan.ScheduledForce ? "force" : null }.OfType<string>())})" : ""),
        PlanStatus.Activated when plan.ActivatedVersion is { } version => $"activated at live version {version}",
        _ => TextFormat.Status(plan.Status),
    };

    private static string Created(Plan plan) =>
        (plan.CreatedTime is { } time ? TextFormat.Time(time) : "") + (plan.CreatedBy is { } by ? $" by {by}" : "");

    private static string Number(ulong value) => value.ToString(CultureInfo.InvariantCulture);
}

// geoassign reassign ACCOUNTS.csv OUT.csv [--layer L] [--plan P | --as-of T | --version V] [--skip-invalid] [--json],
// and the run that geoassign plan preview shares with it.
using System.CommandLine;
using GeoAssign.Cli.Csv;
using GeoAssign.Cli.Output;
using GeoAssign.Client;
using Spectre.Console;

namespace GeoAssign.Cli.Commands;

internal static class ReassignCommand
{
    private const int ListedTransitions = 25;
    private const int ListedOwners = 25;

    public static Command Build(GlobalOptions global)
    {
        var input = Input();
        var output = Output();
        var layer = Layer();
        var skipInvalid = SkipInvalid();
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON" };
        var views = new MapViewOptions();
        var command = new Command("reassign", "Find the accounts whose owner changes under the current map (or a plan, or the map as it was), and summarise the moves")
        {
            input, output, layer, skipInvalid, json,
        };
        views.AddTo(command);
        command.SetAction((parse, cancellationToken) => global.RunAsync(parse, cancellationToken, (client, settings, token) =>
            RunAsync(global.Host, client, parse.GetValue(input)!, parse.GetValue(output)!, parse.GetValue(layer), views.Read(parse),
                parse.GetValue(skipInvalid), parse.GetValue(json), token),
            error => PlanAdvice.ForPlan(error, parse.GetValue(views.Plan))));
        return command;
    }

    public static Argument<FileInfo> Input() => new("ACCOUNTS.csv")
    {
        Description = "Accounts with the header id,lat,lng,current_owner_id (other columns are ignored); id is the account id, so an override of the account in force decides its owner and a protected one keeps it",
    };

    public static Argument<FileInfo> Output() => new("OUT.csv") { Description = "Where to write the accounts whose owner changes: id,old_owner_id,new_owner_id,territory_id" };

    public static Option<string?> Layer() => new("--layer") { Description = "Layer to assign from [default: geo]", HelpName = "LAYER" };

    public static Option<bool> SkipInvalid() => new("--skip-invalid") { Description = "Skip and count bad rows instead of stopping at the first" };

    /// <summary>
    /// Streams the accounts of <paramref name="source"/> against the map <paramref name="view"/> names, writes the
    /// changed ones to <paramref name="target"/> and prints the summary (with each owner's book before and after
    /// when the view is not the live map as it is).
    /// </summary>
    public static async Task<int> RunAsync(CliHost host, GeoAssignClient client, FileInfo source, FileInfo target, string? layer, MapView view,
        bool skipInvalid, bool json, CancellationToken token)
    {
        if (!source.Exists)
        {
            throw new CliInputException($"{source.FullName}: no such file.");
        }

        var rows = new InputRows(source.FullName, skipInvalid);
        var run = client.ReassignAsync(rows.Accounts(), layer, view);
        var progress = new RowProgress(() => run.ProcessedCount);
        await using (var file = CsvOutputFile.Create(target, "id", "old_owner_id", "new_owner_id", "territory_id"))
        {
            await progress.RunAsync(host.Error, view.Plan is { } plan ? $"Previewing plan {plan} on {source.Name}" : $"Reassigning {source.Name}",
                rows.Length, () => rows.BytesRead, async () =>
                {
                    await foreach (var change in run.WithCancellation(token).ConfigureAwait(false))
                    {
                        file.Writer.WriteRecord(change.AccountId, change.OldOwnerId, change.NewOwnerId, change.TerritoryId);
                    }

                    return 0;
                }).ConfigureAwait(false);
            await file.CommitAsync().ConfigureAwait(false);
        }

        var summary = run.Summary!;
        var stats = rows.Stats;
        if (json)
        {
            JsonOutput.Write(host, new
            {
                input = source.FullName,
                output = target.FullName,
                plan = view.Plan,
                map_version = summary.MapVersion,
                layer = summary.Layer,
                total = summary.TotalCount,
                changed = summary.ChangedCount,
                unchanged = summary.UnchangedCount,
                unassigned = summary.UnassignedCount,
                transitions = summary.Transitions.Select(t => new { old_owner_id = t.OldOwnerId, new_owner_id = t.NewOwnerId, count = t.Count }),
                owner_counts = summary.OwnerCounts.Select(o => new { owner_id = o.OwnerId, before = o.Before, after = o.After }),
                kept_by_override = summary.KeptByOverrideCount,
                kept_by_override_owners = summary.KeptByOverride.Select(t => new { owner_id = t.OwnerId, count = t.Count }),
                skipped = stats.Skipped,
                skipped_rows = stats.SkippedRows.Select(r => new { line = r.Line, problem = r.Problem }),
                seconds = Math.Round(progress.Elapsed.TotalSeconds, 3),
            });
        }
        else
        {
            Print(host, summary, view, source, target, progress);
        }

        ResolveCsvCommand.ReportSkipped(host, stats);
        return ExitCodes.Success;
    }

    private static void Print(CliHost host, ReassignmentSummary summary, MapView view, FileInfo source, FileInfo target, RowProgress progress)
    {
        var against = view.IsLive ? $"map version {summary.MapVersion} (layer {summary.Layer})"
            : view.Plan is { } plan ? $"plan {plan} at version {summary.MapVersion} (layer {summary.Layer})"
            : $"the live map {view} (version {summary.MapVersion}, layer {summary.Layer})";
        host.Out.MarkupLine(Markup.Escape(
            $"Checked {TextFormat.Count(summary.TotalCount)} accounts from {source.Name} against {against} in {progress.Elapsed.TotalSeconds:0.0} s."));
        var totals = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn(new GridColumn().RightAligned()).AddColumn();
        totals.AddRow("Changed owner", TextFormat.Count(summary.ChangedCount), Markup.Escape($"written to {target.Name}"));
        totals.AddRow("Unchanged", TextFormat.Count(summary.UnchangedCount), "");
        totals.AddRow("Unassigned", TextFormat.Count(summary.UnassignedCount), "no territory covers them");
        totals.AddRow("Kept by override", TextFormat.Count(summary.KeptByOverrideCount), "protected account overrides keep them with their owner");
        host.Out.Write(totals);
        PrintKept(host, summary);
        if (summary.Transitions.Count == 0)
        {
            host.Out.MarkupLine("No account changes owner.");
            return;
        }

        var table = new Table().Title("Owner changes").AddColumn("Old owner").AddColumn("New owner").AddColumn(new TableColumn("Accounts").RightAligned());
        foreach (var transition in summary.Transitions.Take(ListedTransitions))
        {
            table.AddRow(Markup.Escape(TextFormat.OrNone(transition.OldOwnerId)), Markup.Escape(TextFormat.OrNone(transition.NewOwnerId)), TextFormat.Count(transition.Count));
        }

        if (summary.Transitions.Count > ListedTransitions)
        {
            var rest = summary.Transitions.Skip(ListedTransitions).ToList();
            table.AddRow($"… {TextFormat.Count(rest.Count)} more pairs", "", TextFormat.Count(rest.Sum(t => t.Count)));
        }

        host.Out.Write(table);
        if (!view.IsLive)
        {
            PrintOwners(host, summary);
        }
    }

    /// <summary>The accounts protected overrides kept, per owner: the realignment did not move them.</summary>
    private static void PrintKept(CliHost host, ReassignmentSummary summary)
    {
        if (summary.KeptByOverride.Count == 0)
        {
            return;
        }

        var table = new Table().Title("Kept by override").AddColumn("Owner").AddColumn(new TableColumn("Accounts").RightAligned());
        foreach (var tally in summary.KeptByOverride.OrderByDescending(t => t.Count).ThenBy(t => t.OwnerId, StringComparer.Ordinal).Take(ListedOwners))
        {
            table.AddRow(Markup.Escape(tally.OwnerId), TextFormat.Count(tally.Count));
        }

        if (summary.KeptByOverride.Count > ListedOwners)
        {
            var rest = summary.KeptByOverride.OrderByDescending(t => t.Count).ThenBy(t => t.OwnerId, StringComparer.Ordinal).Skip(ListedOwners).ToList();
            table.AddRow(Markup.Escape($"… {TextFormat.Count(rest.Count)} more owners (--json lists all)"), TextFormat.Count(rest.Sum(t => t.Count)));
        }

        host.Out.Write(table);
    }

    /// <summary>Each owner whose book changes, biggest change first: what a plan does to the people who carry it.</summary>
    private static void PrintOwners(CliHost host, ReassignmentSummary summary)
    {
        var changed = summary.OwnerCounts.Where(o => o.Before != o.After)
            .OrderByDescending(o => Math.Abs(o.After - o.Before)).ThenBy(o => o.OwnerId, StringComparer.Ordinal).ToList();
        var table = new Table().Title("Accounts per owner").AddColumn("Owner").AddColumn(new TableColumn("Before").RightAligned())
            .AddColumn(new TableColumn("After").RightAligned()).AddColumn(new TableColumn("Change").RightAligned());
        foreach (var owner in changed.Take(ListedOwners))
        {
            var delta = owner.After - owner.Before;
            table.AddRow(Markup.Escape(TextFormat.OrNone(owner.OwnerId)), TextFormat.Count(owner.Before), TextFormat.Count(owner.After),
                (delta > 0 ? "+" : "") + TextFormat.Count(delta));
        }

        if (changed.Count > ListedOwners)
        {
            table.AddRow(Markup.Escape($"… {TextFormat.Count(changed.Count - ListedOwners)} more owners (--json lists all)"), "", "", "");
        }

        host.Out.Write(table);
        var unchanged = summary.OwnerCounts.Count - changed.Count;
        if (unchanged > 0)
        {
            host.Out.MarkupLine(Markup.Escape($"{TextFormat.Count(unchanged)} other owner{(unchanged == 1 ? " keeps" : "s keep")} the same number of accounts."));
        }
    }
}

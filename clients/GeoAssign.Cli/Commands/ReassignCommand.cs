// geoassign reassign ACCOUNTS.csv OUT.csv [--layer L] [--skip-invalid] [--json]
using System.CommandLine;
using GeoAssign.Cli.Csv;
using GeoAssign.Cli.Output;
using Spectre.Console;

namespace GeoAssign.Cli.Commands;

internal static class ReassignCommand
{
    private const int ListedTransitions = 25;

    public static Command Build(GlobalOptions global)
    {
        var input = new Argument<FileInfo>("ACCOUNTS.csv") { Description = "Accounts with the header id,lat,lng,current_owner_id (other columns are ignored)" };
        var output = new Argument<FileInfo>("OUT.csv") { Description = "Where to write the accounts whose owner changes: id,old_owner_id,new_owner_id,territory_id" };
        var layer = new Option<string?>("--layer") { Description = "Layer to assign from [default: geo]", HelpName = "LAYER" };
        var skipInvalid = new Option<bool>("--skip-invalid") { Description = "Skip and count bad rows instead of stopping at the first" };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON" };
        var command = new Command("reassign", "Find the accounts whose owner changes under the current map, and summarise the moves")
        {
            input, output, layer, skipInvalid, json,
        };
        command.SetAction((parse, cancellationToken) => global.RunAsync(parse, cancellationToken, async (client, settings, token) =>
        {
            var host = global.Host;
            var source = parse.GetValue(input)!;
            var target = parse.GetValue(output)!;
            if (!source.Exists)
            {
                throw new CliInputException($"{source.FullName}: no such file.");
            }

            var rows = new InputRows(source.FullName, parse.GetValue(skipInvalid));
            var run = client.ReassignAsync(rows.Accounts(), parse.GetValue(layer));
            var progress = new RowProgress(() => run.ProcessedCount);
            await using (var file = CsvOutputFile.Create(target, "id", "old_owner_id", "new_owner_id", "territory_id"))
            {
                await progress.RunAsync(host.Error, $"Reassigning {source.Name}", rows.Length, () => rows.BytesRead, async () =>
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
            if (parse.GetValue(json))
            {
                JsonOutput.Write(host, new
                {
                    input = source.FullName,
                    output = target.FullName,
                    map_version = summary.MapVersion,
                    layer = summary.Layer,
                    total = summary.TotalCount,
                    changed = summary.ChangedCount,
                    unchanged = summary.UnchangedCount,
                    unassigned = summary.UnassignedCount,
                    transitions = summary.Transitions.Select(t => new { old_owner_id = t.OldOwnerId, new_owner_id = t.NewOwnerId, count = t.Count }),
                    skipped = stats.Skipped,
                    skipped_rows = stats.SkippedRows.Select(r => new { line = r.Line, problem = r.Problem }),
                    seconds = Math.Round(progress.Elapsed.TotalSeconds, 3),
                });
            }
            else
            {
                Print(host, summary, source, target, progress);
            }

            ResolveCsvCommand.ReportSkipped(host, stats);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static void Print(CliHost host, Client.ReassignmentSummary summary, FileInfo source, FileInfo target, RowProgress progress)
    {
        host.Out.MarkupLine(Markup.Escape(
            $"Checked {TextFormat.Count(summary.TotalCount)} accounts from {source.Name} against map version {summary.MapVersion} (layer {summary.Layer}) in {progress.Elapsed.TotalSeconds:0.0} s."));
        var totals = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn(new GridColumn().RightAligned()).AddColumn();
        totals.AddRow("Changed owner", TextFormat.Count(summary.ChangedCount), Markup.Escape($"written to {target.Name}"));
        totals.AddRow("Unchanged", TextFormat.Count(summary.UnchangedCount), "");
        totals.AddRow("Unassigned", TextFormat.Count(summary.UnassignedCount), "no territory covers them");
        host.Out.Write(totals);
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
    }
}

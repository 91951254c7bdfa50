// geoassign resolve-csv IN.csv OUT.csv [--layer L] [--plan P | --as-of T | --version V] [--skip-invalid] [--json], with an optional account_id column
using System.CommandLine;
using System.Globalization;
using GeoAssign.Cli.Csv;
using GeoAssign.Cli.Output;
using Spectre.Console;

namespace GeoAssign.Cli.Commands;

internal static class ResolveCsvCommand
{
    public static Command Build(GlobalOptions global)
    {
        var input = new Argument<FileInfo>("IN.csv")
        {
            Description = "Points to resolve, with the header id,lat,lng and optionally account_id: an override of the account in force decides the owner (other columns are ignored)",
        };
        var output = new Argument<FileInfo>("OUT.csv")
        {
            Description = "Where to write id,territory_id,owner_id,reason,map_version, one row per point in input order; with an account_id column, "
                + "also territory_owner_id,override_territory_id,protected (the override's columns empty where none decided)",
        };
        var layer = new Option<string?>("--layer") { Description = "Layer to look in [default: geo]", HelpName = "LAYER" };
        var skipInvalid = new Option<bool>("--skip-invalid") { Description = "Skip and count bad rows instead of stopping at the first" };
        var json = new Option<bool>("--json") { Description = "Print the run's summary as JSON" };
        var views = new MapViewOptions();
        var command = new Command("resolve-csv", "Resolve every point of a CSV file, streaming (the file is never loaded whole)")
        {
            input, output, layer, skipInvalid, json,
        };
        views.AddTo(command);
        command.SetAction((parse, cancellationToken) => global.RunAsync(parse, cancellationToken, async (client, settings, token) =>
        {
            var host = global.Host;
            var view = views.Read(parse);
            var source = parse.GetValue(input)!;
            var target = parse.GetValue(output)!;
            if (!source.Exists)
            {
                throw new CliInputException($"{source.FullName}: no such file.");
            }

            var rows = new InputRows(source.FullName, parse.GetValue(skipInvalid));
            // The override columns appear only for input that names accounts, so other outputs keep their shape.
            var accounts = rows.HasColumn(InputRows.AccountColumn);
            var progress = new RowProgress();
            long assigned = 0;
            long overridden = 0;
            ulong? version = null;
            await using (var file = accounts
                ? CsvOutputFile.Create(target, "id", "territory_id", "owner_id", "reason", "map_version", "territory_owner_id", "override_territory_id", "protected")
                : CsvOutputFile.Create(target, "id", "territory_id", "owner_id", "reason", "map_version"))
            {
                await progress.RunAsync(host.Error, $"Resolving {source.Name}", rows.Length, () => rows.BytesRead, async () =>
                {
                    var versionText = "";
                    await foreach (var assignment in client.ResolveManyAsync(rows.Points(), parse.GetValue(layer), view, token).ConfigureAwait(false))
                    {
                        if (assignment.MapVersion != version)
                        {
                            version = assignment.MapVersion;
                            versionText = assignment.MapVersion.ToString(CultureInfo.InvariantCulture);
                        }

                        if (accounts)
                        {
                            var decided = assignment.Override;
                            file.Writer.WriteRecord(assignment.Id, assignment.TerritoryId, assignment.OwnerId, TextFormat.Reason(assignment.Reason), versionText,
                                assignment.TerritoryOwnerId, decided?.TerritoryId, decided is null ? null : TextFormat.Boolean(decided.Protected));
                            overridden += decided is null ? 0 : 1;
                        }
                        else
                        {
                            file.Writer.WriteRecord(assignment.Id, assignment.TerritoryId, assignment.OwnerId, TextFormat.Reason(assignment.Reason), versionText);
                        }

                        assigned += assignment.IsAssigned ? 1 : 0;
                        progress.Add(1);
                    }

                    return 0;
                }).ConfigureAwait(false);
                await file.CommitAsync().ConfigureAwait(false);
            }

            var stats = rows.Stats;
            var resolved = progress.Rows;
            if (parse.GetValue(json))
            {
                JsonOutput.Write(host, new
                {
                    input = source.FullName,
                    output = target.FullName,
                    rows = resolved,
                    assigned,
                    unassigned = resolved - assigned,
                    overridden = accounts ? overridden : (long?)null,
                    skipped = stats.Skipped,
                    skipped_rows = stats.SkippedRows.Select(r => new { line = r.Line, problem = r.Problem }),
                    map_version = version,
                    seconds = Math.Round(progress.Elapsed.TotalSeconds, 3),
                });
            }
            else
            {
                host.Out.MarkupLine(Markup.Escape(
                    $"Resolved {TextFormat.Count(resolved)} points from {source.Name} into {target.Name} in {progress.Elapsed.TotalSeconds:0.0} s"
                    // A rate over a handful of rows measures the connection set-up, not the throughput.
                    + (resolved >= 10_000 ? $" ({TextFormat.Count((long)progress.RowsPerSecond)} points/s): " : ": ")
                    + $"{TextFormat.Count(assigned)} assigned, {TextFormat.Count(resolved - assigned)} unassigned"
                    + (accounts ? $", {TextFormat.Count(overridden)} owned by an account override" : "")
                    + (version is { } v ? $"; map version {v}" : "")
                    + (view.IsLive ? "." : $" ({view}).")));
            }

            ReportSkipped(host, stats);
            return ExitCodes.Success;
        }, error => PlanAdvice.ForPlan(error, parse.GetValue(views.Plan))));
        return command;
    }

    /// <summary>Warns about the rows --skip-invalid left out, naming the first few by line.</summary>
    internal static void ReportSkipped(CliHost host, InputStats stats)
    {
        if (stats.Skipped == 0)
        {
            return;
        }

        CliErrors.Warn(host, $"Skipped {TextFormat.Count(stats.Skipped)} invalid row{(stats.Skipped == 1 ? "" : "s")}:");
        foreach (var (line, problem) in stats.SkippedRows)
        {
            host.Error.MarkupLine(Markup.Escape($"  line {line}: {problem}"));
        }

        if (stats.Skipped > stats.SkippedRows.Count)
        {
            host.Error.MarkupLine(Markup.Escape($"  … and {TextFormat.Count(stats.Skipped - stats.SkippedRows.Count)} more."));
        }
    }
}

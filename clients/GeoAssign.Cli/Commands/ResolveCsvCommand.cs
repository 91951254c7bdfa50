// geoassign resolve-csv IN.csv OUT.csv [--layer L] [--plan P | --as-of T | --version V] [--skip-invalid] [--json]: points or postal codes
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
            Description = "Points to resolve, with the header id,lat,lng and optionally account_id: an override of the account in force decides the owner (other columns are ignored); "
                + "or postal codes, with the header id,country,postal_code instead of lat,lng (each resolved at its point in the server's gazetteer)",
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
            if (rows.HasColumn(InputRows.PostalCodeColumn) && !rows.HasColumn("lat"))
            {
                return await ResolveAddressesAsync(host, client, rows, source, target, parse.GetValue(layer), view, parse.GetValue(json), token).ConfigureAwait(false);
            }

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

    // Postal codes go the way points do (ResolveManyAsync: one batch, or a stream for more), so a file of a million
    // codes is one call. A code the gazetteer does not know is a row with reason postal_code_not_found, not the end
    // of the run; a malformed row is caught while reading, named by its line.
    private static async Task<int> ResolveAddressesAsync(CliHost host, Client.GeoAssignClient client, InputRows rows, FileInfo source, FileInfo target,
        string? layer, Client.MapView view, bool json, CancellationToken token)
    {
        var accounts = rows.HasColumn(InputRows.AccountColumn);
        var progress = new RowProgress();
        long assigned = 0, notFound = 0, overridden = 0;
        ulong? version = null;
        string?[] columns = accounts
            ? ["id", "territory_id", "owner_id", "reason", "map_version", "postal_code", "lat", "lng", "territory_owner_id", "override_territory_id", "protected"]
            : ["id", "territory_id", "owner_id", "reason", "map_version", "postal_code", "lat", "lng"];
        await using (var file = CsvOutputFile.Create(target, columns))
        {
            await progress.RunAsync(host.Error, $"Resolving {source.Name}", rows.Length, () => rows.BytesRead, async () =>
            {
                var versionText = "";
                var codes = rows.Addresses().Select(row => Client.GeoPoint.ForPostalCode(row.Country, row.PostalCode, row.Id, row.AccountId));
                await foreach (var a in client.ResolveManyAsync(codes, layer, view, token).ConfigureAwait(false))
                {
                    if (a.MapVersion != version)
                    {
                        version = a.MapVersion;
                        versionText = a.MapVersion.ToString(CultureInfo.InvariantCulture);
                    }

                    var location = a.Location;
                    var row = new string?[columns.Length];
                    (row[0], row[1], row[2], row[3], row[4]) = (a.Id, a.TerritoryId, a.OwnerId, TextFormat.Reason(a.Reason), versionText);
                    if (location is not null)
                    {
                        (row[5], row[6], row[7]) = (location.PostalCode, location.Lat.ToString("R", CultureInfo.InvariantCulture),
                            location.Lng.ToString("R", CultureInfo.InvariantCulture));
                    }

                    if (accounts)
                    {
                        (row[8], row[9], row[10]) = (a.TerritoryOwnerId, a.Override?.TerritoryId, a.Override is null ? null : TextFormat.Boolean(a.Override.Protected));
                    }

                    file.Writer.WriteRecord(row);
                    notFound += a.Reason == Client.AssignmentReason.PostalCodeNotFound ? 1 : 0;
                    assigned += a.IsAssigned ? 1 : 0;
                    overridden += a.Override is null ? 0 : 1;
                    progress.Add(1);
                }

                return 0;
            }).ConfigureAwait(false);
            await file.CommitAsync().ConfigureAwait(false);
        }

        var resolved = progress.Rows;
        if (json)
        {
            JsonOutput.Write(host, new
            {
                input = source.FullName,
                output = target.FullName,
                rows = resolved,
                assigned,
                unassigned = resolved - assigned - notFound,
                postal_code_not_found = notFound,
                overridden = accounts ? overridden : (long?)null,
                skipped = rows.Stats.Skipped,
                skipped_rows = rows.Stats.SkippedRows.Select(r => new { line = r.Line, problem = r.Problem }),
                map_version = version,
                seconds = Math.Round(progress.Elapsed.TotalSeconds, 3),
            });
        }
        else
        {
            host.Out.MarkupLine(Markup.Escape(
                $"Resolved {TextFormat.Count(resolved)} postal codes from {source.Name} into {target.Name} in {progress.Elapsed.TotalSeconds:0.0} s: "
                + $"{TextFormat.Count(assigned)} assigned, {TextFormat.Count(resolved - assigned - notFound)} unassigned, {TextFormat.Count(notFound)} not in the gazetteer"
                + (accounts ? $", {TextFormat.Count(overridden)} owned by an account override" : "")
                + (version is { } v ? $"; map version {v}" : "")
                + (view.IsLive ? "." : $" ({view}).")));
        }

        ReportSkipped(host, rows.Stats);
        return ExitCodes.Success;
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

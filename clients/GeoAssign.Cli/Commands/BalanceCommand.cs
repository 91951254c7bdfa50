// geoassign balance ACCOUNTS.csv [--plan NAME] [--weight-column C] [--tier-column C] [--layer L] [--csv OUT] [--json] [--chart OUT.svg|OUT.png]
using System.CommandLine;
using System.Globalization;
using GeoAssign.Cli.Csv;
using GeoAssign.Cli.Output;
using GeoAssign.Client;
using Spectre.Console;

namespace GeoAssign.Cli.Commands;

internal static class BalanceCommand
{
    private const int ListedOwners = 50;

    public static Command Build(GlobalOptions global)
    {
        var input = new Argument<FileInfo>("ACCOUNTS.csv") { Description = "Accounts with the header id,lat,lng plus, optionally, a weight and a tier column (other columns are ignored)" };
        var plan = new Option<string?>("--plan") { Description = "Also report this plan, beside the live map", HelpName = "NAME" };
        var weight = new Option<string?>("--weight-column") { Description = "The column holding each account's weight (a number of 0 or more); without it every account weighs 1", HelpName = "COLUMN" };
        var tier = new Option<string?>("--tier-column") { Description = "The column holding each account's tier (A, B, C, or any text; empty for none)", HelpName = "COLUMN" };
        var layer = ReassignCommand.Layer();
        var csv = new Option<FileInfo?>("--csv") { Description = "Also write every territory and owner, per map, to this CSV file", HelpName = "OUT.csv" };
        var json = new Option<bool>("--json") { Description = "Print the whole report as JSON instead of tables" };
        var chart = new Option<FileInfo?>("--chart") { Description = "Also draw a bar chart per owner (live and plan side by side) to this .svg or .png file", HelpName = "OUT.svg|OUT.png" };
        var skipInvalid = ReassignCommand.SkipInvalid();
        var command = new Command("balance", "Report how evenly the map (and a plan beside it) shares accounts among owners: counts, weight, tier mix and imbalance figures")
        {
            input, plan, weight, tier, layer, csv, json, chart, skipInvalid,
        };
        command.SetAction((parse, cancellationToken) => global.RunAsync(parse, cancellationToken, (client, settings, token) =>
            RunAsync(global.Host, client, parse.GetValue(input)!, new Options(parse.GetValue(plan), parse.GetValue(weight), parse.GetValue(tier), parse.GetValue(layer),
                parse.GetValue(csv), parse.GetValue(json), parse.GetValue(chart), parse.GetValue(skipInvalid)), token),
            error => PlanAdvice.ForPlan(error, parse.GetValue(plan))));
        return command;
    }

    /// <summary>What the command line asks for, besides the input file.</summary>
    internal sealed record Options(string? Plan, string? WeightColumn, string? TierColumn, string? Layer, FileInfo? Csv, bool Json, FileInfo? Chart, bool SkipInvalid);

    public static async Task<int> RunAsync(CliHost host, GeoAssignClient client, FileInfo source, Options options, CancellationToken token)
    {
        if (!source.Exists)
        {
            throw new CliInputException($"{source.FullName}: no such file.");
        }

        if (options.Chart is { } chartFile && !BalanceChart.Supports(chartFile))
        {
            throw new CliInputException($"{chartFile.FullName}: the chart is written as .svg or .png; name the file with one of them.");
        }

        var rows = new InputRows(source.FullName, options.SkipInvalid);
        var progress = new RowProgress(() => rows.Stats.Rows);
        var report = await progress.RunAsync(host.Error, options.Plan is { } plan ? $"Balancing {source.Name} (live map and plan {plan})" : $"Balancing {source.Name}",
            rows.Length, () => rows.BytesRead,
            () => client.BalanceReportAsync(rows.BalanceAccounts(options.WeightColumn, options.TierColumn), options.Layer, options.Plan, token)).ConfigureAwait(false);

        if (options.Csv is { } csvFile)
        {
            await WriteCsvAsync(report, csvFile).ConfigureAwait(false);
        }

        if (options.Chart is { } chart)
        {
            BalanceChart.Write(report, chart);
        }

        var stats = rows.Stats;
        if (options.Json)
        {
            JsonOutput.Write(host, new
            {
                input = source.FullName,
                layer = report.Layer,
                account_count = report.AccountCount,
                weighted = report.Weighted,
                tiers = report.Tiers,
                live = report.Live,
                plan = report.Plan,
                csv = options.Csv?.FullName,
                chart = options.Chart?.FullName,
                skipped = stats.Skipped,
                skipped_rows = stats.SkippedRows.Select(r => new { line = r.Line, problem = r.Problem }),
                seconds = Math.Round(progress.Elapsed.TotalSeconds, 3),
            });
        }
        else
        {
            Print(host, report, source, options, progress);
        }

        ResolveCsvCommand.ReportSkipped(host, stats);
        return ExitCodes.Success;
    }

    private static void Print(CliHost host, BalanceReport report, FileInfo source, Options options, RowProgress progress)
    {
        var against = report.Plan is { } plan
            ? $"the live map (version {report.Live.MapVersion}) and plan {plan.Plan} (version {plan.MapVersion}), layer {report.Layer}"
            : $"the live map (version {report.Live.MapVersion}), layer {report.Layer}";
        host.Out.MarkupLine(Markup.Escape($"Balanced {TextFormat.Count(report.AccountCount)} accounts from {source.Name} against {against} in {progress.Elapsed.TotalSeconds:0.0} s."));

        var sides = new List<MapBalance> { report.Live };
        if (report.Plan is { } planned)
        {
            sides.Add(planned);
        }

        var owners = sides.SelectMany(s => s.Owners.Select(o => o.OwnerId)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var table = new Table().Title("Per owner").AddColumn("Owner");
        foreach (var side in sides)
        {
            var name = SideName(side);
            table.AddColumn(new TableColumn(Markup.Escape($"Accounts ({name})")).RightAligned());
            if (report.Weighted)
            {
                table.AddColumn(new TableColumn(Markup.Escape($"Weight ({name})")).RightAligned());
            }

            if (report.Tiers.Count != 0)
            {
                table.AddColumn(new TableColumn(Markup.Escape($"Tiers ({name})")));
            }
        }

        foreach (var owner in owners.Take(ListedOwners))
        {
            var cells = new List<string> { Markup.Escape(owner) };
            foreach (var side in sides)
            {
                AddCells(cells, side.Owners.FirstOrDefault(o => o.OwnerId == owner)?.Totals ?? new BalanceTotals(0, 0, []), report);
            }

            table.AddRow([.. cells]);
        }

        if (owners.Count > ListedOwners)
        {
            table.AddRow([Markup.Escape($"… {TextFormat.Count(owners.Count - ListedOwners)} more owners (--json or --csv lists all)"), .. Enumerable.Repeat("", table.Columns.Count - 1)]);
        }

        var unassigned = new List<string> { "(unassigned)" };
        foreach (var side in sides)
        {
            AddCells(unassigned, side.Unassigned, report);
        }

        table.AddRow([.. unassigned]);
        host.Out.Write(table);

        var figures = new Table().Title("Imbalance over owners").AddColumn("Figure");
        foreach (var side in sides)
        {
            figures.AddColumn(new TableColumn(Markup.Escape(SideName(side))).RightAligned());
        }

        AddFigures(figures, "Accounts", sides.Select(s => s.CountFigures).ToList());
        if (report.Weighted)
        {
            AddFigures(figures, "Weight", sides.Select(s => s.WeightFigures).ToList());
        }

        figures.AddRow(["Owners", .. sides.Select(s => TextFormat.Count(s.CountFigures.OwnerCount))]);
        figures.AddRow(["Placed by override", .. sides.Select(s => TextFormat.Count(s.OverrideCount))]);
        figures.AddRow(["Not covered by any territory", .. sides.Select(s => TextFormat.Count(s.UncoveredCount))]);
        host.Out.Write(figures);
        var written = new List<string>();
        if (options.Csv is { } csv)
        {
            written.Add($"every territory and owner to {csv.Name}");
        }

        if (options.Chart is { } chart)
        {
            written.Add($"the chart to {chart.Name}");
        }

        if (written.Count > 0)
        {
            host.Out.MarkupLine(Markup.Escape($"Wrote {string.Join(" and ", written)}."));
        }
    }

    private static string SideName(MapBalance side) => side.Plan is null ? "live" : $"plan {side.Plan}";

    private static void AddCells(List<string> cells, BalanceTotals totals, BalanceReport report)
    {
        cells.Add(TextFormat.Count(totals.Count));
        if (report.Weighted)
        {
            cells.Add(totals.Weight.ToString("N2", CultureInfo.InvariantCulture));
        }

        if (report.Tiers.Count != 0)
        {
            cells.Add(Markup.Escape(string.Join(" · ", totals.Tiers.Select(t => $"{TextFormat.OrNone(t.Tier)} {TextFormat.Count(t.Count)}"))));
        }
    }

    private static void AddFigures(Table table, string quantity, List<ImbalanceFigures> sides)
    {
        table.AddRow([$"{quantity}: max / mean", .. sides.Select(f => f.MaxOverMean.ToString("0.000", CultureInfo.InvariantCulture))]);
        table.AddRow([$"{quantity}: coefficient of variation", .. sides.Select(f => f.CoefficientOfVariation.ToString("0.000", CultureInfo.InvariantCulture))]);
        table.AddRow([$"{quantity}: Gini", .. sides.Select(f => f.Gini.ToString("0.000", CultureInfo.InvariantCulture))]);
        table.AddRow([$"{quantity}: min / mean / max", .. sides.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Min:0.##} / {f.Mean:0.##} / {f.Max:0.##}"))]);
    }

    /// <summary>
    /// One row per territory, per owner and for the unassigned accounts of each map:
    /// map (live, or plan:NAME),kind,id,owner_id,accounts,weight,overrides,territories, then one count column per tier (tier:VALUE).
    /// </summary>
    private static async Task WriteCsvAsync(BalanceReport report, FileInfo target)
    {
        var tierColumns = report.Tiers.Select(t => $"tier:{t}").ToArray();
        string?[] header = ["map", "kind", "id", "owner_id", "accounts", "weight", "overrides", "territories", .. tierColumns];
        await using var file = CsvOutputFile.Create(target, header);
        var sides = report.Plan is null ? [report.Live] : new[] { report.Live, report.Plan };
        foreach (var side in sides)
        {
            var map = side.Plan is null ? "live" : $"plan:{side.Plan}";
            foreach (var territory in side.Territories)
            {
                Row(file, report, map, "territory", territory.TerritoryId, territory.OwnerId, territory.Totals, territory.OverrideCount, "");
            }

            foreach (var owner in side.Owners)
            {
                Row(file, report, map, "owner", owner.OwnerId, owner.OwnerId, owner.Totals, owner.OverrideCount, owner.TerritoryCount.ToString(CultureInfo.InvariantCulture));
            }

            Row(file, report, map, "unassigned", "", "", side.Unassigned, 0, "");
        }

        await file.CommitAsync().ConfigureAwait(false);
    }

    private static void Row(CsvOutputFile file, BalanceReport report, string map, string kind, string id, string owner, BalanceTotals totals, long overrides, string territories)
    {
        var tiers = report.Tiers.Select(t => (totals.Tiers.FirstOrDefault(x => x.Tier == t)?.Count ?? 0).ToString(CultureInfo.InvariantCulture));
        string?[] fields =
        [
            map, kind, id, owner, totals.Count.ToString(CultureInfo.InvariantCulture), totals.Weight.ToString("R", CultureInfo.InvariantCulture),
            overrides.ToString(CultureInfo.InvariantCulture), territories, .. tiers,
        ];
        file.Writer.WriteRecord(fields);
    }
}

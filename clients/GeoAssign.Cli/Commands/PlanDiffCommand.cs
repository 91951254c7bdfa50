// geoassign plan diff NAME [--geojson OUT] [--csv OUT] [--json]: what a plan changes against the live map.
using System.CommandLine;
using System.Globalization;
using GeoAssign.Cli.Output;
using GeoAssign.Client;
using Spectre.Console;

namespace GeoAssign.Cli.Commands;

internal static class PlanDiffCommand
{
    private const int ListedTerritories = 50;
    private const int ListedTransfers = 50;

    public static Command Build(GlobalOptions global)
    {
        var name = PlanCommand.NameArgument("The plan to compare with the live map");
        var geoJson = new Option<FileInfo?>("--geojson") { Description = "Write the areas that change owner as a GeoJSON FeatureCollection to this file", HelpName = "OUT" };
        var csv = new Option<FileInfo?>("--csv") { Description = "Write the owner transfers as CSV to this file: layer,old_owner_id,new_owner_id,area_km2,piece_count", HelpName = "OUT" };
        var json = new Option<bool>("--json") { Description = "Print the whole diff as JSON" };
        var command = new Command("diff", "What a plan changes against the live map: territories created, deleted and changed, and the area (km²) that passes from owner to owner")
        {
            name, geoJson, csv, json,
        };
        command.SetAction((parse, cancellationToken) => global.RunAsync(parse, cancellationToken, async (client, settings, token) =>
        {
            var host = global.Host;
            var plan = PlanCommand.Required(parse.GetValue(name));
            var geoJsonFile = parse.GetValue(geoJson);
            var csvFile = parse.GetValue(csv);
            var diff = await ServerWait.RunAsync(host.Error, $"Comparing plan {plan} with the live map…",
                () => client.DiffPlanAsync(plan, includeGeoJson: geoJsonFile is not null, token)).ConfigureAwait(false);
            if (geoJsonFile is not null)
            {
                await GeoJsonOutputFile.WriteAsync(geoJsonFile, [diff.ChangedAreasGeoJson], token).ConfigureAwait(false);
            }

            if (csvFile is not null)
            {
                await using var file = CsvOutputFile.Create(csvFile, "layer", "old_owner_id", "new_owner_id", "area_km2", "piece_count");
                foreach (var transfer in diff.Transfers)
                {
                    file.Writer.WriteRecord(transfer.Layer, transfer.OldOwnerId, transfer.NewOwnerId,
                        transfer.AreaKm2.ToString("R", CultureInfo.InvariantCulture), transfer.PieceCount.ToString(CultureInfo.InvariantCulture));
                }

                await file.CommitAsync().ConfigureAwait(false);
            }

            if (parse.GetValue(json))
            {
                JsonOutput.Write(host, new
                {
                    plan,
                    live_version = diff.FromVersion,
                    plan_version = diff.ToVersion,
                    territories = diff.Territories.Select(t => new
                    {
                        id = t.Id,
                        kind = TextFormat.Kind(t.Kind),
                        fields = t.Fields,
                        old_owner_id = t.OldOwnerId,
                        new_owner_id = t.NewOwnerId,
                        old_layer = t.OldLayer,
                        new_layer = t.NewLayer,
                    }),
                    transfers = diff.Transfers.Select(t => new
                    {
                        layer = t.Layer,
                        old_owner_id = t.OldOwnerId,
                        new_owner_id = t.NewOwnerId,
                        area_km2 = t.AreaKm2,
                        piece_count = t.PieceCount,
                    }),
                    area_method = diff.AreaMethod,
                    geojson = geoJsonFile?.FullName,
                    csv = csvFile?.FullName,
                });
                return ExitCodes.Success;
            }

            Print(host, plan, diff, geoJsonFile, csvFile);
            return ExitCodes.Success;
        }, error => PlanAdvice.ForPlan(error, parse.GetValue(name))));
        return command;
    }

    private static void Print(CliHost host, string plan, PlanDiff diff, FileInfo? geoJsonFile, FileInfo? csvFile)
    {
        int Count(TerritoryDiffKind kind) => diff.Territories.Count(t => t.Kind == kind);
        if (diff.Territories.Count == 0)
        {
            host.Out.MarkupLine(Markup.Escape($"Plan {plan} (version {diff.ToVersion}) changes nothing against the live map (version {diff.FromVersion})."));
        }
        else
        {
            host.Out.MarkupLine(Markup.Escape($"Plan {plan} (version {diff.ToVersion}) against the live map (version {diff.FromVersion}): "
                + $"{TextFormat.Count(Count(TerritoryDiffKind.Created))} territories created, {TextFormat.Count(Count(TerritoryDiffKind.Changed))} changed, "
                + $"{TextFormat.Count(Count(TerritoryDiffKind.Deleted))} deleted."));
            var territories = new Table().Title("Territory changes").AddColumn("Territory").AddColumn("Change").AddColumn("Fields").AddColumn("Owner").AddColumn("Layer");
            foreach (var change in diff.Territories.Take(ListedTerritories))
            {
                territories.AddRow(Markup.Escape(change.Id), TextFormat.Kind(change.Kind), Markup.Escape(string.Join(", ", change.Fields)),
                    Markup.Escape(TextFormat.Change(change.OldOwnerId, change.NewOwnerId)), Markup.Escape(TextFormat.Change(change.OldLayer, change.NewLayer)));
            }

            if (diff.Territories.Count > ListedTerritories)
            {
                territories.AddRow(Markup.Escape($"… {TextFormat.Count(diff.Territories.Count - ListedTerritories)} more (--json lists all)"), "", "", "", "");
            }

            host.Out.Write(territories);
        }

        if (diff.Transfers.Count == 0)
        {
            host.Out.MarkupLine("No area changes owner.");
        }
        else
        {
            var transfers = new Table().Title("Owner transfers").AddColumn("Layer").AddColumn("From").AddColumn("To")
                .AddColumn(new TableColumn("Area (km²)").RightAligned()).AddColumn(new TableColumn("Pieces").RightAligned());
            foreach (var transfer in diff.Transfers.Take(ListedTransfers))
            {
                transfers.AddRow(Markup.Escape(transfer.Layer), Markup.Escape(TextFormat.OrNone(transfer.OldOwnerId)), Markup.Escape(TextFormat.OrNone(transfer.NewOwnerId)),
                    TextFormat.Area(transfer.AreaKm2), TextFormat.Count(transfer.PieceCount));
            }

            if (diff.Transfers.Count > ListedTransfers)
            {
                var rest = diff.Transfers.Skip(ListedTransfers).ToList();
                transfers.AddRow(Markup.Escape($"… {TextFormat.Count(rest.Count)} more (--csv writes all)"), "", "", TextFormat.Area(rest.Sum(t => t.AreaKm2)), "");
            }

            host.Out.Write(transfers);
        }

        if (geoJsonFile is not null)
        {
            host.Out.MarkupLine(Markup.Escape($"Changed areas written to {geoJsonFile.Name}."));
        }

        if (csvFile is not null)
        {
            host.Out.MarkupLine(Markup.Escape($"Owner transfers written to {csvFile.Name}."));
        }
    }
}

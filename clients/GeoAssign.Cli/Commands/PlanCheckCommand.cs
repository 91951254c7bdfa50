// geoassign plan check [NAME] [--layer L] [--coverage-layer L | --coverage FILE] [--sliver-km2 X] [--geojson OUT] [--json]:
// overlaps, gaps and slivers of a plan or of the live map.
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using GeoAssign.Cli.Output;
using GeoAssign.Client;
using Grpc.Core;
using Spectre.Console;

namespace GeoAssign.Cli.Commands;

internal static class PlanCheckCommand
{
    private const int ListedRows = 25;

    public static Command Build(GlobalOptions global)
    {
        var name = new Argument<string?>("NAME") { Description = "The plan to check [default: the live map]", Arity = ArgumentArity.ZeroOrOne };
        var layer = new Option<string?>("--layer") { Description = "Only this layer [default: every layer]", HelpName = "LAYER" };
        var coverageLayer = new Option<string?>("--coverage-layer") { Description = "Look for gaps inside the territories of this layer (e.g. state, for a layer of counties)", HelpName = "LAYER" };
        var coverage = new Option<FileInfo?>("--coverage") { Description = "Look for gaps inside this area: a GeoJSON Polygon or MultiPolygon (a geometry, a Feature, or a FeatureCollection of one feature)", HelpName = "FILE" };
        var sliver = new Option<double?>("--sliver-km2") { Description = "Flag overlaps, gaps and territories smaller than this many km² as slivers [default: 0.01]", HelpName = "KM2" };
        var geoJson = new Option<FileInfo?>("--geojson") { Description = "Write the overlaps and gaps as a GeoJSON FeatureCollection to this file", HelpName = "OUT" };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON" };
        var command = new Command("check", "Overlaps, gaps and slivers of a plan (or of the live map), per layer")
        {
            name, layer, coverageLayer, coverage, sliver, geoJson, json,
        };
        command.SetAction((parse, cancellationToken) => global.RunAsync(parse, cancellationToken, async (client, settings, token) =>
        {
            var host = global.Host;
            var plan = parse.GetValue(name);
            var coverageFile = parse.GetValue(coverage);
            var coverageLayerName = parse.GetValue(coverageLayer);
            if (coverageFile is not null && coverageLayerName is not null)
            {
                throw new CliInputException("--coverage-layer and --coverage are mutually exclusive: give the area to cover as a layer or as a file.");
            }

            var threshold = parse.GetValue(sliver);
            if (threshold is { } km2 && (!double.IsFinite(km2) || km2 <= 0))
            {
                throw new CliInputException($"--sliver-km2 {km2.ToString(CultureInfo.InvariantCulture)} must be a number of km² above 0.");
            }

            var area = coverageFile is null ? null : await CoverageGeometryAsync(coverageFile, token).ConfigureAwait(false);
            var geoJsonFile = parse.GetValue(geoJson);
            var report = await ServerWait.RunAsync(host.Error, $"Checking {(plan is null ? "the live map" : $"plan {plan}")}…",
                () => client.CheckCoverageAsync(plan, parse.GetValue(layer), coverageLayerName, area, threshold ?? 0, geoJsonFile is not null, token)).ConfigureAwait(false);
            if (geoJsonFile is not null)
            {
                await GeoJsonOutputFile.WriteAsync(geoJsonFile, report.Layers.Select(l => l.GeoJson), token).ConfigureAwait(false);
            }

            if (parse.GetValue(json))
            {
                JsonOutput.Write(host, new
                {
                    plan,
                    version = report.Version,
                    clean = report.IsClean,
                    layers = report.Layers.Select(l => new
                    {
                        layer = l.Layer,
                        territory_count = l.TerritoryCount,
                        clean = l.IsClean,
                        overlaps = l.Overlaps.Select(o => new { first_id = o.FirstId, second_id = o.SecondId, winner_id = o.WinnerId, area_km2 = o.AreaKm2, sliver = o.IsSliver }),
                        gaps = l.Gaps.Select(g => new { coverage_id = g.CoverageId, area_km2 = g.AreaKm2, sliver = g.IsSliver, lat = g.Lat, lng = g.Lng }),
                        small_territories = l.SmallTerritories.Select(t => new { id = t.Id, area_km2 = t.AreaKm2 }),
                    }),
                    override_conflict_count = report.OverrideConflictCount,
                    override_conflicts = report.OverrideConflicts.Select(c => new
                    {
                        account_id = c.AccountId,
                        owner_id = c.OwnerId,
                        territory_id = c.TerritoryId,
                        @protected = c.IsProtected,
                        kind = c.TerritoryRemoved ? "territory_removed" : "owner_removed",
                    }),
                    area_method = report.AreaMethod,
                    geojson = geoJsonFile?.FullName,
                });
                return ExitCodes.Success;
            }

            Print(host, plan, report, gapsLookedFor: area is not null || coverageLayerName is not null);
            if (geoJsonFile is not null)
            {
                host.Out.MarkupLine(Markup.Escape($"Overlaps and gaps written to {geoJsonFile.Name}."));
            }

            return ExitCodes.Success;
        }, error => error.StatusCode switch
        {
            StatusCode.NotFound when !PlanAdvice.Names(error, PlanAdvice.NoSuchPlan) => new RejectionAdvice(
                "`geoassign map info` lists the live map's layers, `geoassign plan show NAME` a plan's."),
            StatusCode.InvalidArgument when error.ServerMessage.Contains("coverage", StringComparison.OrdinalIgnoreCase) => new RejectionAdvice(
                "Give --coverage a valid Polygon or MultiPolygon (repair it in a GIS, or use --coverage-layer with a layer of the map)."),
            _ => PlanAdvice.ForPlan(error, parse.GetValue(name)),
        }));
        return command;
    }

    /// <summary>The coverage polygon of a file: a geometry, a Feature, or a FeatureCollection of exactly one feature.</summary>
    private static async Task<string> CoverageGeometryAsync(FileInfo file, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            throw new CliInputException($"{file.FullName}: no such file.");
        }

        JsonDocument document;
        try
        {
            await using var stream = file.OpenRead();
            document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            throw new CliInputException($"{file.FullName} is not JSON: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            var type = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out var t) ? t.GetString() : null;
            switch (type)
            {
                case "Polygon" or "MultiPolygon":
                    return root.GetRawText();
                case "Feature" when root.TryGetProperty("geometry", out var geometry) && geometry.ValueKind == JsonValueKind.Object:
                    return geometry.GetRawText();
                case "FeatureCollection" when root.TryGetProperty("features", out var features) && features.ValueKind == JsonValueKind.Array:
                    if (features.GetArrayLength() != 1 || !features[0].TryGetProperty("geometry", out var only) || only.ValueKind != JsonValueKind.Object)
                    {
                        throw new CliInputException($"{file.FullName} holds {features.GetArrayLength()} features; --coverage needs one Polygon or MultiPolygon (or use --coverage-layer).");
                    }

                    return only.GetRawText();
                default:
                    throw new CliInputException($"{file.FullName} is not a GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection.");
            }
        }
    }

    private static void Print(CliHost host, string? plan, CoverageReport report, bool gapsLookedFor)
    {
        host.Out.MarkupLine(Markup.Escape($"Checked {(plan is null ? "the live map" : $"plan {plan}")} at version {report.Version}"
            + (gapsLookedFor ? "." : " (no coverage area given, so no gaps were looked for: --coverage-layer or --coverage).")));
        if (report.Layers.Count == 0)
        {
            host.Out.MarkupLine("No layer to check.");
            return;
        }

        var summary = new Table().AddColumn("Layer").AddColumn(new TableColumn("Territories").RightAligned()).AddColumn(new TableColumn("Overlaps").RightAligned())
            .AddColumn(new TableColumn("Gaps").RightAligned()).AddColumn(new TableColumn("Small").RightAligned()).AddColumn("Result");
        foreach (var layer in report.Layers)
        {
            summary.AddRow(Markup.Escape(layer.Layer), TextFormat.Count(layer.TerritoryCount), TextFormat.Count(layer.Overlaps.Count), TextFormat.Count(layer.Gaps.Count),
                TextFormat.Count(layer.SmallTerritories.Count), layer.IsClean ? "clean" : "needs attention");
        }

        host.Out.Write(summary);
        foreach (var layer in report.Layers.Where(l => !l.IsClean))
        {
            if (layer.Overlaps.Count > 0)
            {
                var table = new Table().Title(Markup.Escape($"Overlaps in {layer.Layer}")).AddColumn("Territories").AddColumn("Winner")
                    .AddColumn(new TableColumn("Area (km²)").RightAligned()).AddColumn("Sliver");
                foreach (var overlap in layer.Overlaps.Take(ListedRows))
                {
                    table.AddRow(Markup.Escape($"{overlap.FirstId} / {overlap.SecondId}"), Markup.Escape(overlap.WinnerId), TextFormat.Area(overlap.AreaKm2), overlap.IsSliver ? "yes" : "");
                }

                More(table, layer.Overlaps.Count, 4);
                host.Out.Write(table);
            }

            if (layer.Gaps.Count > 0)
            {
                var table = new Table().Title(Markup.Escape($"Gaps in {layer.Layer}")).AddColumn("Inside").AddColumn(new TableColumn("Area (km²)").RightAligned())
                    .AddColumn("Sliver").AddColumn("A point in it (lat, lng)");
                foreach (var gap in layer.Gaps.Take(ListedRows))
                {
                    table.AddRow(Markup.Escape(gap.CoverageId), TextFormat.Area(gap.AreaKm2), gap.IsSliver ? "yes" : "",
                        $"{TextFormat.Number(gap.Lat, 5)}, {TextFormat.Number(gap.Lng, 5)}");
                }

                More(table, layer.Gaps.Count, 4);
                host.Out.Write(table);
            }

            if (layer.SmallTerritories.Count > 0)
            {
                var table = new Table().Title(Markup.Escape($"Small territories in {layer.Layer}")).AddColumn("Territory").AddColumn(new TableColumn("Area (km²)").RightAligned());
                foreach (var small in layer.SmallTerritories.Take(ListedRows))
                {
                    table.AddRow(Markup.Escape(small.Id), TextFormat.Area(small.AreaKm2));
                }

                More(table, layer.SmallTerritories.Count, 2);
                host.Out.Write(table);
            }
        }

        if (report.OverrideConflictCount > 0)
        {
            var table = new Table().Title(Markup.Escape($"Account overrides in conflict ({TextFormat.Count((int)report.OverrideConflictCount)})"))
                .AddColumn("Account").AddColumn("Owner").AddColumn("Territory").AddColumn("Protected").AddColumn("Problem");
            foreach (var conflict in report.OverrideConflicts.Take(ListedRows))
            {
                table.AddRow(Markup.Escape(conflict.AccountId), Markup.Escape(conflict.OwnerId), Markup.Escape(conflict.TerritoryId ?? ""), conflict.IsProtected ? "yes" : "",
                    conflict.TerritoryRemoved ? "its territory is gone" : "its owner has no territory left");
            }

            More(table, (int)report.OverrideConflictCount, 5);
            host.Out.Write(table);
            host.Out.MarkupLine(Markup.Escape("Lookups still apply these overrides. Move or end them (`geoassign overrides import FILE`, `geoassign overrides delete ACCOUNT`) before activating."));
        }

        if (report.Layers.Any(l => !l.IsClean) && plan is not null)
        {
            host.Out.MarkupLine(Markup.Escape($"Fix them in the plan (`geoassign plan import {plan} FILE`, `geoassign territories delete ID --plan {plan}`); "
                + "an activation refuses new overlaps unless forced (--force)."));
        }
    }

    private static void More(Table table, int count, int columns)
    {
        if (count > ListedRows)
        {
            table.AddRow([Markup.Escape($"… {TextFormat.Count(count - ListedRows)} more (--json lists all)"), .. Enumerable.Repeat("", columns - 1)]);
        }
    }
}

// geoassign territories list|get|delete, of the live map or of a plan (--plan)
using System.CommandLine;
using GeoAssign.Cli.Output;
using GeoAssign.Client;
using Spectre.Console;

namespace GeoAssign.Cli.Commands;

internal static class TerritoriesCommand
{
    public static Command Build(GlobalOptions global) => new("territories", "List, read and delete territories of the live map or of a plan")
    {
        List(global),
        Get(global),
        Delete(global),
    };

    private static Command List(GlobalOptions global)
    {
        var layer = new Option<string?>("--layer") { Description = "Only this layer [default: every layer]", HelpName = "LAYER" };
        var owner = new Option<string?>("--owner") { Description = "Only territories of this owner", HelpName = "OWNER_ID" };
        var json = new Option<bool>("--json") { Description = "Print a JSON array" };
        var plan = PlanOption("List the territories of this plan instead of the live map");
        var command = new Command("list", "List territories in id order (without geometry)") { layer, owner, plan, json };
        command.SetAction((parse, cancellationToken) => global.RunAsync(parse, cancellationToken, async (client, settings, token) =>
        {
            var host = global.Host;
            var territories = client.ListTerritoriesAsync(parse.GetValue(layer), parse.GetValue(owner), includeGeometry: false, parse.GetValue(plan), token);
            if (parse.GetValue(json))
            {
                // Streamed element by element: a listing of 100,000 territories never sits in memory.
                var writer = host.OutWriter;
                writer.Write('[');
                var first = true;
                await foreach (var territory in territories.ConfigureAwait(false))
                {
                    writer.Write(first ? "\n" : ",\n");
                    writer.Write(System.Text.Json.JsonSerializer.Serialize(Json(territory, geometry: false), JsonOutput.Options).Replace("\n", "\n  ", StringComparison.Ordinal).Insert(0, "  "));
                    first = false;
                }

                writer.WriteLine(first ? "]" : "\n]");
                writer.Flush();
                return ExitCodes.Success;
            }

            var table = new Table().AddColumn("Id").AddColumn("Name").AddColumn("Owner").AddColumn("Layer")
                .AddColumn(new TableColumn("Priority").RightAligned()).AddColumn("Parent");
            var count = 0;
            await foreach (var territory in territories.ConfigureAwait(false))
            {
                table.AddRow(Markup.Escape(territory.Id), Markup.Escape(territory.Name), Markup.Escape(TextFormat.OrNone(territory.OwnerId)),
                    Markup.Escape(territory.Layer), territory.Priority.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Markup.Escape(territory.ParentId ?? ""));
                count++;
            }

            if (count == 0)
            {
                host.Out.MarkupLine("No territories.");
                return ExitCodes.Success;
            }

            host.Out.Write(table);
            host.Out.MarkupLine(Markup.Escape($"{TextFormat.Count(count)} territor{(count == 1 ? "y" : "ies")}"
                + (parse.GetValue(plan) is { } name ? $" in plan {name}." : ".")));
            return ExitCodes.Success;
        }, error => PlanAdvice.ForPlan(error, parse.GetValue(plan))));
        return command;
    }

    private static Command Get(GlobalOptions global)
    {
        var id = new Argument<string>("ID") { Description = "The territory's id" };
        var geometry = new Option<bool>("--geometry") { Description = "Also print the geometry (GeoJSON)" };
        var json = new Option<bool>("--json") { Description = "Print the territory as JSON" };
        var plan = PlanOption("Read the territory from this plan instead of the live map");
        var command = new Command("get", "Show one territory") { id, geometry, plan, json };
        command.SetAction((parse, cancellationToken) => global.RunAsync(parse, cancellationToken, async (client, settings, token) =>
        {
            var host = global.Host;
            var territory = await client.GetTerritoryAsync(parse.GetValue(id)!, parse.GetValue(plan), token).ConfigureAwait(false);
            var withGeometry = parse.GetValue(geometry);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(host, Json(territory, withGeometry));
                return ExitCodes.Success;
            }

            var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
            grid.AddRow("[bold]Id[/]", Markup.Escape(territory.Id));
            grid.AddRow("[bold]Name[/]", Markup.Escape(territory.Name));
            grid.AddRow("[bold]Owner[/]", Markup.Escape(TextFormat.OrNone(territory.OwnerId)));
            grid.AddRow("[bold]Layer[/]", Markup.Escape(territory.Layer));
            grid.AddRow("[bold]Priority[/]", territory.Priority.ToString(System.Globalization.CultureInfo.InvariantCulture));
            grid.AddRow("[bold]Parent[/]", Markup.Escape(TextFormat.OrNone(territory.ParentId)));
            grid.AddRow("[bold]Attributes[/]", Markup.Escape(territory.AttributesJson ?? "(none)"));
            grid.AddRow("[bold]Geometry[/]", Markup.Escape(GeometrySummary(territory.GeometryGeoJson)));
            host.Out.Write(grid);
            if (withGeometry && territory.GeometryGeoJson is { } text)
            {
                host.OutWriter.WriteLine(text);
            }

            return ExitCodes.Success;
        }, error => PlanAdvice.ForPlan(error, parse.GetValue(plan))));
        return command;
    }

    private static Command Delete(GlobalOptions global)
    {
        var ids = new Argument<string[]>("ID") { Description = "Ids of the territories to delete", Arity = ArgumentArity.OneOrMore };
        var expected = new Option<ulong?>("--expected-version") { Description = "Apply only if the map (or the plan, with --plan) is at this version (optimistic concurrency)", HelpName = "VERSION" };
        var allowMissing = new Option<bool>("--allow-missing") { Description = "Skip ids that name no territory instead of failing" };
        var plan = PlanOption("Delete from this plan instead of the live map");
        var message = new Option<string?>("--message") { Description = "Why: recorded with the change (map history, plan)", HelpName = "TEXT" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var command = new Command("delete", "Delete territories (atomically, as one new map version); needs an editor key") { ids, expected, allowMissing, plan, message, json };
        command.SetAction((parse, cancellationToken) => global.RunAsync(parse, cancellationToken, async (client, settings, token) =>
        {
            var host = global.Host;
            var options = new EditOptions { Plan = parse.GetValue(plan), Message = parse.GetValue(message), ExpectedVersion = parse.GetValue(expected) };
            var result = await client.DeleteAsync(parse.GetValue(ids)!, options, parse.GetValue(allowMissing), token).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(host, new { map_version = result.MapVersion, deleted = result.DeletedCount });
            }
            else if (options.Plan is { } name)
            {
                host.Out.MarkupLine(Markup.Escape($"Deleted {TextFormat.Count(result.DeletedCount)} territor{(result.DeletedCount == 1 ? "y" : "ies")} from plan {name}.")
                    + $" Plan version [bold]{result.MapVersion}[/].");
            }
            else
            {
                host.Out.MarkupLine(Markup.Escape($"Deleted {TextFormat.Count(result.DeletedCount)} territor{(result.DeletedCount == 1 ? "y" : "ies")}.") + $" Map version [bold]{result.MapVersion}[/].");
            }

            return ExitCodes.Success;
        }, error => PlanAdvice.ForPlan(error, parse.GetValue(plan), edit: true)));
        return command;
    }

    private static Option<string?> PlanOption(string description) => new("--plan") { Description = description, HelpName = "NAME" };

    private static object Json(Territory territory, bool geometry) => geometry
        ? new
        {
            id = territory.Id,
            name = territory.Name,
            owner_id = territory.OwnerId,
            layer = territory.Layer,
            priority = territory.Priority,
            parent_id = territory.ParentId,
            attributes = JsonOutput.Raw(territory.AttributesJson),
            geometry = JsonOutput.Raw(territory.GeometryGeoJson),
        }
        : new
        {
            id = territory.Id,
            name = territory.Name,
            owner_id = territory.OwnerId,
            layer = territory.Layer,
            priority = territory.Priority,
            parent_id = territory.ParentId,
            attributes = JsonOutput.Raw(territory.AttributesJson),
        };

    /// <summary>"MultiPolygon, 3 polygons, 1,234 positions" without printing the coordinates.</summary>
    private static string GeometrySummary(string? geoJson)
    {
        if (geoJson is null)
        {
            return "(not loaded)";
        }

        using var document = System.Text.Json.JsonDocument.Parse(geoJson);
        var root = document.RootElement;
        var type = root.TryGetProperty("type", out var t) ? t.GetString() : "?";
        var positions = 0L;
        var polygons = 0;
        if (root.TryGetProperty("coordinates", out var coordinates))
        {
            Count(coordinates, type == "MultiPolygon" ? 4 : 3, 1);
            if (type == "Polygon")
            {
                polygons = 1;
            }
            else if (coordinates.ValueKind == System.Text.Json.JsonValueKind.Array)
            {
                polygons = coordinates.GetArrayLength();
            }
        }

        return $"{type}, {TextFormat.Count(polygons)} polygon{(polygons == 1 ? "" : "s")}, {TextFormat.Count(positions)} positions (--geometry prints it)";

        void Count(System.Text.Json.JsonElement element, int depth, int level)
        {
            if (element.ValueKind != System.Text.Json.JsonValueKind.Array)
            {
                return;
            }

            if (level == depth - 1)
            {
                positions += element.GetArrayLength();
                return;
            }

            foreach (var child in element.EnumerateArray())
            {
                Count(child, depth, level + 1);
            }
        }
    }
}

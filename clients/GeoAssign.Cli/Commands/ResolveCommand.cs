// geoassign resolve LAT LNG [--account ID] [--layer L] [--plan P | --as-of T | --version V] [--json]
using System.CommandLine;
using GeoAssign.Cli.Output;
using Spectre.Console;

namespace GeoAssign.Cli.Commands;

internal static class ResolveCommand
{
    public static Command Build(GlobalOptions global)
    {
        var lat = new Argument<double>("LAT") { Description = "Latitude in degrees WGS84, -90 to 90" };
        var lng = new Argument<double>("LNG") { Description = "Longitude in degrees WGS84, -180 to 180" };
        var layer = new Option<string?>("--layer") { Description = "Layer to look in [default: geo]", HelpName = "LAYER" };
        var account = new Option<string?>("--account") { Description = "The account at the point: an override of it in force decides the owner", HelpName = "ACCOUNT_ID" };
        var json = new Option<bool>("--json") { Description = "Print the assignment as JSON" };
        var views = new MapViewOptions();
        var command = new Command("resolve", "Which territory, and so which owner, covers a point (in the live map, a plan, or the map as it was)") { lat, lng, account, layer, json };
        views.AddTo(command);
        command.SetAction((parse, cancellationToken) => global.RunAsync(parse, cancellationToken, async (client, settings, token) =>
        {
            var (latitude, longitude) = (parse.GetValue(lat), parse.GetValue(lng));
            var view = views.Read(parse);
            var point = new Client.GeoPoint(latitude, longitude, null, parse.GetValue(account) is { Length: > 0 } named ? named : null);
            var assignment = await client.ResolveAsync(point, parse.GetValue(layer), view, token).ConfigureAwait(false);
            var host = global.Host;
            if (parse.GetValue(json))
            {
                var fields = new
                {
                    lat = latitude,
                    lng = longitude,
                    territory_id = assignment.TerritoryId,
                    owner_id = assignment.OwnerId,
                    layer = assignment.Layer,
                    reason = TextFormat.Reason(assignment.Reason),
                    ancestor_ids = assignment.AncestorIds,
                    map_version = assignment.MapVersion,
                };
                // The override fields appear only when an account was named, so other outputs keep their shape.
                JsonOutput.Write(host, point.AccountId is null ? fields : (object)new
                {
                    fields.lat,
                    fields.lng,
                    fields.territory_id,
                    fields.owner_id,
                    fields.layer,
                    fields.reason,
                    fields.ancestor_ids,
                    fields.map_version,
                    territory_owner_id = assignment.TerritoryOwnerId,
                    @override = assignment.Override is { } chosen
                        ? new { account_id = chosen.AccountId, owner_id = chosen.OwnerId, territory_id = chosen.TerritoryId, @protected = chosen.Protected }
                        : null,
                });
                return ExitCodes.Success;
            }

            var where = $"({TextFormat.Number(latitude)}, {TextFormat.Number(longitude)})";
            if (!assignment.IsAssigned && assignment.Override is null)
            {
                host.Out.MarkupLine(Markup.Escape($"No territory of layer {assignment.Layer} covers {where} ({(view.IsLive ? "" : view + ", ")}map version {assignment.MapVersion})."));
                return ExitCodes.Success;
            }

            var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
            grid.AddRow("[bold]Point[/]", Markup.Escape(where));
            grid.AddRow("[bold]Territory[/]", Markup.Escape(TextFormat.OrNone(assignment.TerritoryId)));
            grid.AddRow("[bold]Owner[/]", Markup.Escape(TextFormat.OrNone(assignment.OwnerId)));
            if (assignment.Override is { } decided)
            {
                grid.AddRow("[bold]Override[/]", Markup.Escape($"account {decided.AccountId}" + (decided.Protected ? ", protected" : "")
                    + (decided.TerritoryId is { } counts ? $", counts toward {counts}" : "")));
                grid.AddRow("[bold]Territory owner[/]", Markup.Escape(TextFormat.OrNone(assignment.TerritoryOwnerId)));
            }

            grid.AddRow("[bold]Layer[/]", Markup.Escape(assignment.Layer));
            grid.AddRow("[bold]Reason[/]", TextFormat.Reason(assignment.Reason));
            grid.AddRow("[bold]Ancestors[/]", Markup.Escape(assignment.AncestorIds.Count == 0 ? "(none)" : string.Join(" → ", assignment.AncestorIds)));
            if (!view.IsLive)
            {
                grid.AddRow("[bold]Map[/]", Markup.Escape(view.ToString()));
            }

            grid.AddRow("[bold]Map version[/]", assignment.MapVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
            host.Out.Write(grid);
            return ExitCodes.Success;
        }, error => PlanAdvice.ForPlan(error, parse.GetValue(views.Plan))));
        return command;
    }
}

// geoassign resolve LAT LNG [--layer L] [--json]
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
        var json = new Option<bool>("--json") { Description = "Print the answer as JSON" };
        var command = new Command("resolve", "Which territory, and so which owner, covers a point") { lat, lng, layer, json };
        command.SetAction((parse, cancellationToken) => global.RunAsync(parse, cancellationToken, async (client, settings, token) =>
        {
            var (latitude, longitude) = (parse.GetValue(lat), parse.GetValue(lng));
            var answer = await client.ResolveAsync(latitude, longitude, parse.GetValue(layer), token).ConfigureAwait(false);
            var host = global.Host;
            if (parse.GetValue(json))
            {
                JsonOutput.Write(host, new
                {
                    lat = latitude,
                    lng = longitude,
                    territory_id = answer.TerritoryId,
                    owner_id = answer.OwnerId,
                    layer = answer.Layer,
                    reason = Names.Reason(answer.Reason),
                    ancestor_ids = answer.AncestorIds,
                    map_version = answer.MapVersion,
                });
                return ExitCodes.Success;
            }

            var point = $"({Names.Number(latitude)}, {Names.Number(longitude)})";
            if (!answer.IsAssigned)
            {
                host.Out.MarkupLine(Markup.Escape($"No territory of layer {answer.Layer} covers {point} (map version {answer.MapVersion})."));
                return ExitCodes.Success;
            }

            var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
            grid.AddRow("[bold]Point[/]", Markup.Escape(point));
            grid.AddRow("[bold]Territory[/]", Markup.Escape(answer.TerritoryId!));
            grid.AddRow("[bold]Owner[/]", Markup.Escape(Names.OrNone(answer.OwnerId)));
            grid.AddRow("[bold]Layer[/]", Markup.Escape(answer.Layer));
            grid.AddRow("[bold]Reason[/]", Names.Reason(answer.Reason));
            grid.AddRow("[bold]Ancestors[/]", Markup.Escape(answer.AncestorIds.Count == 0 ? "(none)" : string.Join(" → ", answer.AncestorIds)));
            grid.AddRow("[bold]Map version[/]", answer.MapVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
            host.Out.Write(grid);
            return ExitCodes.Success;
        }));
        return command;
    }
}

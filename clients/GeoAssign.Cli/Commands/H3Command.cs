// geoassign h3 cell LAT LNG RES [--json]: H3 facts computed locally with GeoAssign.H3, no server.
using System.CommandLine;
using System.Globalization;
using GeoAssign.Cli.Output;
using H3Api = GeoAssign.H3.H3;
using Spectre.Console;

namespace GeoAssign.Cli.Commands;

internal static class H3Command
{
    public static Command Build(GlobalOptions global) => new("h3", "H3 cells, computed locally (no server)") { Cell(global) };

    private static Command Cell(GlobalOptions global)
    {
        var lat = new Argument<double>("LAT") { Description = "Latitude in degrees WGS84, -90 to 90" };
        var lng = new Argument<double>("LNG") { Description = "Longitude in degrees WGS84, -180 to 180" };
        var resolution = new Argument<int>("RES") { Description = "H3 resolution, 0 (coarsest) to 15 (finest)" };
        var json = new Option<bool>("--json") { Description = "Print the cell as JSON" };
        var command = new Command("cell", "The H3 cell containing a point: index, resolution, base cell, centre and boundary") { lat, lng, resolution, json };
        command.SetAction((parse, cancellationToken) => global.RunLocalAsync(cancellationToken, _ =>
        {
            var (latitude, longitude, res) = (parse.GetValue(lat), parse.GetValue(lng), parse.GetValue(resolution));
            if (!double.IsFinite(latitude) || latitude is < -90 or > 90)
            {
                throw new CliInputException($"LAT {latitude.ToString(CultureInfo.InvariantCulture)} is out of range: latitude must be between -90 and 90.");
            }

            if (!double.IsFinite(longitude) || longitude is < -180 or > 180)
            {
                throw new CliInputException($"LNG {longitude.ToString(CultureInfo.InvariantCulture)} is out of range: longitude must be between -180 and 180.");
            }

            if (res is < 0 or > H3Api.MaxResolution)
            {
                throw new CliInputException($"RES {res} is out of range: H3 resolutions are 0 to {H3Api.MaxResolution}.");
            }

            var cell = H3Api.LatLngToCell(latitude, longitude, res);
            var center = H3Api.CellToLatLng(cell);
            var boundary = H3Api.CellToBoundary(cell).ToArray();
            var host = global.Host;
            if (parse.GetValue(json))
            {
                JsonOutput.Write(host, new
                {
                    cell = cell.ToString(),
                    resolution = H3Api.GetResolution(cell),
                    base_cell = H3Api.GetBaseCellNumber(cell),
                    is_pentagon = H3Api.IsPentagon(cell),
                    is_class_iii = H3Api.IsResClassIII(res),
                    center = new { lat = center.Lat, lng = center.Lng },
                    boundary = boundary.Select(v => new { lat = v.Lat, lng = v.Lng }),
                    area_km2 = H3Api.CellAreaKm2(cell),
                });
                return Task.FromResult(ExitCodes.Success);
            }

            var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
            grid.AddRow("[bold]Cell[/]", cell.ToString());
            grid.AddRow("[bold]Resolution[/]", H3Api.GetResolution(cell).ToString(CultureInfo.InvariantCulture) + (H3Api.IsResClassIII(res) ? " (class III)" : " (class II)"));
            grid.AddRow("[bold]Base cell[/]", H3Api.GetBaseCellNumber(cell).ToString(CultureInfo.InvariantCulture) + (H3Api.IsPentagon(cell) ? " (pentagon)" : ""));
            grid.AddRow("[bold]Centre[/]", $"{TextFormat.Number(center.Lat, 9)}, {TextFormat.Number(center.Lng, 9)}");
            grid.AddRow("[bold]Area[/]", string.Create(CultureInfo.InvariantCulture, $"{H3Api.CellAreaKm2(cell):G6} km²"));
            grid.AddRow("[bold]Boundary[/]", string.Join("\n", boundary.Select(v => $"{TextFormat.Number(v.Lat, 9)}, {TextFormat.Number(v.Lng, 9)}")));
            host.Out.Write(grid);
            return Task.FromResult(ExitCodes.Success);
        }));
        return command;
    }
}

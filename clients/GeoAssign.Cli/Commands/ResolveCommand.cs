// geoassign resolve LAT LNG | --country CC --postal-code CODE [--account ID] [--layer L] [--plan P | --as-of T | --version V] [--json]
using System.CommandLine;
using GeoAssign.Cli.Output;
using Spectre.Console;

namespace GeoAssign.Cli.Commands;

internal static class ResolveCommand
{
    public static Command Build(GlobalOptions global)
    {
        var lat = new Argument<double?>("LAT") { Description = "Latitude in degrees WGS84, -90 to 90", Arity = ArgumentArity.ZeroOrOne };
        var lng = new Argument<double?>("LNG") { Description = "Longitude in degrees WGS84, -180 to 180", Arity = ArgumentArity.ZeroOrOne };
        var country = new Option<string?>("--country") { Description = "Resolve a postal code instead of a point: its country (ISO 3166-1 alpha-2, e.g. US)", HelpName = "CC" };
        var postalCode = new Option<string?>("--postal-code") { Description = "The postal code, as written (the server's gazetteer gives its point)", HelpName = "CODE" };
        var layer = new Option<string?>("--layer") { Description = "Layer to look in [default: geo]", HelpName = "LAYER" };
        var account = new Option<string?>("--account") { Description = "The account at the point: an override of it in force decides the owner", HelpName = "ACCOUNT_ID" };
        var json = new Option<bool>("--json") { Description = "Print the assignment as JSON" };
        var views = new MapViewOptions();
        var command = new Command("resolve", "Which territory, and so which owner, covers a point (in the live map, a plan, or the map as it was)") { lat, lng, country, postalCode, account, layer, json };
        views.AddTo(command);
        // A point or a postal code, each whole: usage errors, like a missing argument.
        command.Validators.Add(result =>
        {
            // By tokens, not values: a LAT that is not a number is the parser's error to report.
            var point = (result.GetResult(lat) is { Tokens.Count: > 0 } ? 1 : 0) + (result.GetResult(lng) is { Tokens.Count: > 0 } ? 1 : 0);
            var address = (result.GetResult(country) is { Tokens.Count: > 0 } ? 1 : 0) + (result.GetResult(postalCode) is { Tokens.Count: > 0 } ? 1 : 0);
            if (address == 0)
            {
                if (point < 2)
                {
                    result.AddError($"Required argument missing for command: 'resolve': {(point == 0 ? "LAT LNG (or --country and --postal-code)" : "LNG")}.");
                }
            }
            else if (point > 0)
            {
                result.AddError("Give either LAT LNG or --country and --postal-code, not both.");
            }
            else if (address < 2)
            {
                result.AddError(result.GetResult(country) is { Tokens.Count: > 0 } ? "--country needs --postal-code." : "--postal-code needs --country (e.g. --country US).");
            }
        });
        command.SetAction((parse, cancellationToken) => global.RunAsync(parse, cancellationToken, async (client, settings, token) =>
        {
            var view = views.Read(parse);
            var accountId = parse.GetValue(account) is { Length: > 0 } named ? named : null;
            double latitude, longitude;
            Client.Assignment assignment;
            Client.PostalCodeLocation? location = null;
            var countryCode = parse.GetValue(country);
            var code = parse.GetValue(postalCode);
            if (countryCode is not null && code is not null)
            {
                var address = await client.ResolveAddressAsync(countryCode, code, parse.GetValue(layer), view, accountId, cancellationToken: token).ConfigureAwait(false);
                (assignment, location) = (address.Assignment, address.Location);
                (latitude, longitude) = (location.Lat, location.Lng);
            }
            else
            {
                // The validator above saw both.
                (latitude, longitude) = (parse.GetValue(lat) ?? 0, parse.GetValue(lng) ?? 0);
                assignment = await client.ResolveAsync(new Client.GeoPoint(latitude, longitude, null, accountId), parse.GetValue(layer), view, token).ConfigureAwait(false);
            }

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
                object written = accountId is null ? fields : new
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
                };
                // A postal code's answer adds the gazetteer entry whose point it resolved.
                JsonOutput.Write(host, location is null ? written : new
                {
                    postal_code = new
                    {
                        country = location.Country,
                        code = location.PostalCode,
                        place_name = location.PlaceName,
                        admin_name1 = location.AdminName1,
                        admin_code1 = location.AdminCode1,
                        accuracy = location.Accuracy,
                    },
                    assignment = written,
                });
                return ExitCodes.Success;
            }

            var where = $"({TextFormat.Number(latitude)}, {TextFormat.Number(longitude)})";
            if (!assignment.IsAssigned && assignment.Override is null)
            {
                host.Out.MarkupLine(Markup.Escape($"No territory of layer {assignment.Layer} covers {(location is null ? "" : $"postal code {location.Country} {location.PostalCode} at ")}{where} ({(view.IsLive ? "" : view + ", ")}map version {assignment.MapVersion})."));
                return ExitCodes.Success;
            }

            var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
            if (location is not null)
            {
                grid.AddRow("[bold]Postal code[/]", Markup.Escape($"{location.Country} {location.PostalCode}"
                    + (location.PlaceName is { } place ? $", {place}" : "") + (location.AdminCode1 is { } state ? $", {state}" : "")));
            }

            grid.AddRow("[bold]Point[/]", Markup.Escape(location is null ? where : where + " (the postal code's point)"));
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

// geoassign map info|history|rollback: what the server serves, the live map's history, and going back in it.
using System.CommandLine;
using System.Globalization;
using GeoAssign.Cli.Output;
using Spectre.Console;

namespace GeoAssign.Cli.Commands;

internal static class MapCommand
{
    private const int DefaultHistoryLimit = 20;

    public static Command Build(GlobalOptions global) => new("map", "Inspect the map the server serves, its history, and roll it back") { Info(global), History(global), Rollback(global) };

    private static Command Info(GlobalOptions global)
    {
        var json = new Option<bool>("--json") { Description = "Print the map information as JSON" };
        var command = new Command("info", "Map version, territories and index statistics per layer, replication state and limits") { json };
        command.SetAction((parse, cancellationToken) => global.RunAsync(parse, cancellationToken, async (client, settings, token) =>
        {
            var host = global.Host;
            var info = await client.GetMapInfoAsync(token).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(host, new
                {
                    map_version = info.MapVersion,
                    territory_count = info.TerritoryCount,
                    layers = info.Layers.Select(l => new
                    {
                        layer = l.Layer,
                        territory_count = l.TerritoryCount,
                        vertex_count = l.VertexCount,
                        finest_resolution = l.FinestResolution,
                        boundary_cell_share = l.BoundaryCellShare,
                        index_bytes = l.IndexBytes,
                        build_seconds = l.BuildDuration.TotalSeconds,
                        built_version = l.BuiltVersion,
                        cells = l.Cells.Select(c => new { resolution = c.Resolution, interior_cells = c.InteriorCells, boundary_cells = c.BoundaryCells }),
                    }),
                    replica = new
                    {
                        replica_id = info.Replica.ReplicaId,
                        store_kind = info.Replica.StoreKind,
                        state = info.Replica.State,
                        store_version = info.Replica.StoreVersion,
                        lag_versions = info.Replica.LagVersions,
                        lag_seconds = info.Replica.Lag.TotalSeconds,
                        last_sync_time = info.Replica.LastSyncTime,
                        last_error = info.Replica.LastError,
                        applied_version = info.Replica.AppliedVersion,
                    },
                    limits = new
                    {
                        max_message_bytes = info.Limits.MaxMessageBytes,
                        max_points_per_message = info.Limits.MaxPointsPerMessage,
                        max_territories_per_edit = info.Limits.MaxTerritoriesPerEdit,
                        max_territories_per_map = info.Limits.MaxTerritoriesPerMap,
                        max_vertices_per_territory = info.Limits.MaxVerticesPerTerritory,
                        max_attributes_bytes = info.Limits.MaxAttributesBytes,
                        max_import_bytes = info.Limits.MaxImportBytes,
                        max_page_size = info.Limits.MaxPageSize,
                        min_version_wait_seconds = info.Limits.MinVersionWait.TotalSeconds,
                    },
                    gazetteer = info.Gazetteer.Select(c => new { country = c.Country, postal_code_count = c.PostalCodeCount }),
                });
                return ExitCodes.Success;
            }

            var replica = info.Replica;
            var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
            grid.AddRow("[bold]Server[/]", Markup.Escape(settings.Address.ToString().TrimEnd('/')));
            grid.AddRow("[bold]Map version[/]", info.MapVersion.ToString(CultureInfo.InvariantCulture));
            grid.AddRow("[bold]Territories[/]", TextFormat.Count(info.TerritoryCount));
            grid.AddRow("[bold]Postal codes[/]", info.Gazetteer.Count == 0 ? "none"
                : Markup.Escape($"{TextFormat.Count(info.Gazetteer.Sum(c => c.PostalCodeCount))} ("
                    + string.Join(", ", info.Gazetteer.Select(c => $"{c.Country} {TextFormat.Count(c.PostalCodeCount)}")) + ")"));
            grid.AddRow("[bold]Replica[/]", Markup.Escape($"{replica.ReplicaId} ({replica.StoreKind} store, {replica.State})"));
            grid.AddRow("[bold]Lag[/]", Markup.Escape($"{replica.LagVersions} versions, {replica.Lag.TotalSeconds:0.###} s"
                + (replica.LastSyncTime is { } sync ? $"; last sync {sync.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC" : "")));
            if (replica.LastError is { } error)
            {
                grid.AddRow("[bold]Last error[/]", Markup.Escape(error));
            }

            host.Out.Write(grid);
            if (info.Layers.Count == 0)
            {
                host.Out.MarkupLine("The map is empty: import territories with `geoassign import FILE.geojson`.");
                return ExitCodes.Success;
            }

            var table = new Table().AddColumn("Layer").AddColumn(new TableColumn("Territories").RightAligned())
                .AddColumn(new TableColumn("Vertices").RightAligned()).AddColumn(new TableColumn("Res").RightAligned())
                .AddColumn(new TableColumn("Boundary").RightAligned()).AddColumn(new TableColumn("Index").RightAligned())
                .AddColumn(new TableColumn("Built at").RightAligned()).AddColumn(new TableColumn("Build").RightAligned());
            foreach (var layer in info.Layers)
            {
                table.AddRow(Markup.Escape(layer.Layer), TextFormat.Count(layer.TerritoryCount), TextFormat.Count(layer.VertexCount),
                    layer.FinestResolution.ToString(CultureInfo.InvariantCulture), layer.BoundaryCellShare.ToString("P1", CultureInfo.InvariantCulture),
                    TextFormat.Bytes(layer.IndexBytes), layer.BuiltVersion.ToString(CultureInfo.InvariantCulture),
                    string.Create(CultureInfo.InvariantCulture, $"{layer.BuildDuration.TotalMilliseconds:N0} ms"));
            }

            host.Out.Write(table);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command History(GlobalOptions global)
    {
        var limit = new Option<int>("--limit") { Description = $"Most versions to list, newest first [default: {DefaultHistoryLimit}]", HelpName = "N", DefaultValueFactory = _ => DefaultHistoryLimit };
        var json = new Option<bool>("--json") { Description = "Print a JSON array" };
        var command = new Command("history", "The live map's versions, newest first: when, by whom, why, and what changed") { limit, json };
        command.SetAction((parse, cancellationToken) => global.RunAsync(parse, cancellationToken, async (client, settings, token) =>
        {
            var host = global.Host;
            var most = parse.GetValue(limit);
            if (most < 1)
            {
                throw new CliInputException($"--limit {most} must be 1 or more.");
            }

            var versions = new List<Client.MapVersionInfo>();
            await foreach (var version in client.ListVersionsAsync(cancellationToken: token).ConfigureAwait(false))
            {
                versions.Add(version);
                if (versions.Count == most)
                {
                    break;
                }
            }

            if (parse.GetValue(json))
            {
                JsonOutput.Write(host, versions.Select(v => new
                {
                    version = v.Version,
                    time = v.Time,
                    author = v.Author,
                    message = v.Message,
                    upserted = v.UpsertedCount,
                    deleted = v.DeletedCount,
                    activated_plan = v.ActivatedPlan,
                }));
                return ExitCodes.Success;
            }

            if (versions.Count == 0)
            {
                host.Out.MarkupLine("No history: the live map was never edited.");
                return ExitCodes.Success;
            }

            var table = new Table().AddColumn(new TableColumn("Version").RightAligned()).AddColumn("Time").AddColumn("Author")
                .AddColumn(new TableColumn("Upserted").RightAligned()).AddColumn(new TableColumn("Deleted").RightAligned()).AddColumn("Plan").AddColumn("Message");
            foreach (var version in versions)
            {
                table.AddRow(version.Version.ToString(CultureInfo.InvariantCulture), TextFormat.Time(version.Time), Markup.Escape(version.Author ?? ""),
                    TextFormat.Count(version.UpsertedCount), TextFormat.Count(version.DeletedCount), Markup.Escape(version.ActivatedPlan ?? ""),
                    Markup.Escape(version.Message ?? ""));
            }

            host.Out.Write(table);
            host.Out.MarkupLine(Markup.Escape($"Roll back with `geoassign map rollback VERSION`; answer as of a version with `geoassign resolve LAT LNG --version VERSION`."));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Rollback(GlobalOptions global)
    {
        var version = new Argument<ulong>("VERSION") { Description = "The version of the live map to make live again (`geoassign map history` lists them)" };
        var expected = new Option<ulong?>("--expected-version") { Description = "Apply only if the live map is at this version (optimistic concurrency)", HelpName = "VERSION" };
        var message = new Option<string?>("--message") { Description = "Why: recorded with the new version", HelpName = "TEXT" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var command = new Command("rollback", "Make a past version the live map again, as one new version (the versions in between stay in the history); needs an editor key")
        {
            version, expected, message, json,
        };
        command.SetAction((parse, cancellationToken) => global.RunAsync(parse, cancellationToken, async (client, settings, token) =>
        {
            var host = global.Host;
            var target = parse.GetValue(version);
            if (target == 0)
            {
                throw new CliInputException("VERSION 0 is the map before any edit; give a version `geoassign map history` lists.");
            }

            var result = await client.RollbackAsync(target, parse.GetValue(expected), parse.GetValue(message), token).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(host, new { rolled_back_to = target, map_version = result.MapVersion, upserted = result.UpsertedCount, deleted = result.DeletedCount });
                return ExitCodes.Success;
            }

            host.Out.MarkupLine(Markup.Escape($"Rolled the live map back to version {target}: {TextFormat.Count(result.UpsertedCount)} territories created or replaced, {TextFormat.Count(result.DeletedCount)} deleted.")
                + $" Map version [bold]{result.MapVersion}[/].");
            return ExitCodes.Success;
        }, error => PlanAdvice.ForPlan(error, null)));
        return command;
    }
}

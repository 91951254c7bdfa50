// geoassign map info [--json]
using System.CommandLine;
using System.Globalization;
using GeoAssign.Cli.Output;
using Spectre.Console;

namespace GeoAssign.Cli.Commands;

internal static class MapCommand
{
    public static Command Build(GlobalOptions global) => new("map", "Inspect the map the server serves") { Info(global) };

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
                });
                return ExitCodes.Success;
            }

            var replica = info.Replica;
            var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
            grid.AddRow("[bold]Server[/]", Markup.Escape(settings.Address.ToString().TrimEnd('/')));
            grid.AddRow("[bold]Map version[/]", info.MapVersion.ToString(CultureInfo.InvariantCulture));
            grid.AddRow("[bold]Territories[/]", TextFormat.Count(info.TerritoryCount));
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
}

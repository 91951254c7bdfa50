// geoassign import FILE.geojson [--layer L] [--replace] [--expected-version V] [--repair] [--json]
using System.CommandLine;
using GeoAssign.Cli.Output;
using Spectre.Console;

namespace GeoAssign.Cli.Commands;

internal static class ImportCommand
{
    public static Command Build(GlobalOptions global)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A GeoJSON FeatureCollection; each feature becomes a territory (id, name, owner_id, layer, priority, parent_id)" };
        var layer = new Option<string?>("--layer") { Description = "Layer of features without a layer property [default: geo]; with --replace, the layer replaced", HelpName = "LAYER" };
        var replace = new Option<bool>("--replace") { Description = "Make the layer exactly the file's features, deleting its other territories (default: merge)" };
        var expected = new Option<ulong?>("--expected-version") { Description = "Apply only if the map is at this version (optimistic concurrency)", HelpName = "VERSION" };
        var repair = new Option<bool>("--repair") { Description = "Repair invalid polygons (self-intersections, spikes, rings across ±180 unsplit) instead of rejecting the file; each repair is listed as a warning" };
        var skipNoArea = new Option<bool>("--skip-no-area") { Description = "With --repair, leave out features with no area left once repaired (each listed as a warning) instead of rejecting the file" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var command = new Command("import", "Import a GeoJSON file of territories (atomically, as one new map version); needs an editor key")
        {
            file, layer, replace, expected, repair, skipNoArea, json,
        };
        command.SetAction((parse, cancellationToken) => global.RunAsync(parse, cancellationToken, async (client, settings, token) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                throw new CliInputException($"{path.FullName}: no such file.");
            }

            var host = global.Host;
            var length = path.Length;
            long sent = 0;
            var result = await new RowProgress(() => Interlocked.Read(ref sent), bytes: true).RunAsync(host.Error, $"Uploading {path.Name}", length, () => Interlocked.Read(ref sent),
                () => client.ImportGeoJsonAsync(path.FullName, parse.GetValue(layer), parse.GetValue(replace), parse.GetValue(expected), parse.GetValue(repair),
                    new Progress(bytes => Interlocked.Exchange(ref sent, bytes)), parse.GetValue(skipNoArea), token),
                "Server validating, building the index and storing").ConfigureAwait(false);

            if (parse.GetValue(json))
            {
                JsonOutput.Write(host, new
                {
                    file = path.FullName,
                    map_version = result.MapVersion,
                    created = result.CreatedCount,
                    updated = result.UpdatedCount,
                    deleted = result.DeletedCount,
                    bytes = result.Bytes,
                    warnings = result.Warnings,
                });
            }
            else
            {
                host.Out.MarkupLine(Markup.Escape(
                    $"Imported {path.Name} ({TextFormat.Bytes(result.Bytes)}): {TextFormat.Count(result.CreatedCount)} created, {TextFormat.Count(result.UpdatedCount)} updated, {TextFormat.Count(result.DeletedCount)} deleted.")
                    + $" Map version [bold]{result.MapVersion}[/].");
                foreach (var warning in result.Warnings)
                {
                    CliErrors.Warn(host, warning);
                }
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>Reports progress synchronously (System.Progress would post it to the thread pool, out of order).</summary>
    private sealed class Progress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}

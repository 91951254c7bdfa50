// geoassign import FILE.geojson [--layer L] [--replace] [--expected-version V] [--repair] [--plan P] [--message M] [--json],
// and geoassign plan import NAME FILE, the same import into a plan.
using System.CommandLine;
using GeoAssign.Cli.Output;
using GeoAssign.Client;
using Spectre.Console;

namespace GeoAssign.Cli.Commands;

internal static class ImportCommand
{
    public static Command Build(GlobalOptions global) => Create(global, forPlan: false);

    /// <summary><c>geoassign plan import NAME FILE</c>: the import with the plan as an argument.</summary>
    public static Command BuildForPlan(GlobalOptions global) => Create(global, forPlan: true);

    private static Command Create(GlobalOptions global, bool forPlan)
    {
        var name = new Argument<string>("NAME") { Description = "The plan to import into" };
        var file = new Argument<FileInfo>("FILE") { Description = "A GeoJSON FeatureCollection; each feature becomes a territory (id, name, owner_id, layer, priority, parent_id)" };
        var layer = new Option<string?>("--layer") { Description = "Layer of features without a layer property [default: geo]; with --replace, the layer replaced", HelpName = "LAYER" };
        var replace = new Option<bool>("--replace") { Description = "Make the layer exactly the file's features, deleting its other territories (default: merge)" };
        var expected = new Option<ulong?>("--expected-version")
        {
            Description = forPlan ? "Apply only if the plan is at this version (optimistic concurrency)" : "Apply only if the map (or the plan, with --plan) is at this version (optimistic concurrency)",
            HelpName = "VERSION",
        };
        var repair = new Option<bool>("--repair") { Description = "Repair invalid polygons (self-intersections, spikes, rings across ±180 unsplit) instead of rejecting the file; each repair is listed as a warning" };
        var skipNoArea = new Option<bool>("--skip-no-area") { Description = "With --repair, leave out features with no area left once repaired (each listed as a warning) instead of rejecting the file" };
        var plan = new Option<string?>("--plan") { Description = "Import into this plan instead of the live map (`geoassign plan create` makes one)", HelpName = "NAME" };
        var message = new Option<string?>("--message") { Description = "Why: recorded with the change (map history, plan)", HelpName = "TEXT" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var command = forPlan
            ? new Command("import", "Import a GeoJSON file of territories into a plan (atomically, as one new plan version); needs an editor key")
            {
                name, file, layer, replace, expected, repair, skipNoArea, message, json,
            }
            : new Command("import", "Import a GeoJSON file of territories (atomically, as one new map version); needs an editor key")
            {
                file, layer, replace, expected, repair, skipNoArea, plan, message, json,
            };
        string? PlanName(ParseResult parse) => forPlan ? parse.GetValue(name) : parse.GetValue(plan);
        command.SetAction((parse, cancellationToken) => global.RunAsync(parse, cancellationToken, async (client, settings, token) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                throw new CliInputException($"{path.FullName}: no such file.");
            }

            var target = PlanName(parse);
            if (target is { Length: 0 })
            {
                throw new CliInputException("The plan's name is empty (`geoassign plan list` shows the plans).");
            }

            var options = new GeoJsonImportOptions
            {
                Layer = parse.GetValue(layer),
                Replace = parse.GetValue(replace),
                ExpectedVersion = parse.GetValue(expected),
                RepairInvalidGeometry = parse.GetValue(repair),
                SkipFeaturesWithoutArea = parse.GetValue(skipNoArea),
                Plan = target,
                Message = parse.GetValue(message),
            };
            var host = global.Host;
            var length = path.Length;
            long sent = 0;
            var result = await new RowProgress(() => Interlocked.Read(ref sent), bytes: true).RunAsync(host.Error,
                target is null ? $"Uploading {path.Name}" : $"Uploading {path.Name} into plan {target}", length, () => Interlocked.Read(ref sent),
                () => client.ImportGeoJsonAsync(path.FullName, options, new Progress(bytes => Interlocked.Exchange(ref sent, bytes)), token),
                "Server validating, building the index and storing").ConfigureAwait(false);

            if (parse.GetValue(json))
            {
                JsonOutput.Write(host, new
                {
                    file = path.FullName,
                    plan = target,
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
                var counts = $"{TextFormat.Count(result.CreatedCount)} created, {TextFormat.Count(result.UpdatedCount)} updated, {TextFormat.Count(result.DeletedCount)} deleted.";
                if (target is null)
                {
                    host.Out.MarkupLine(Markup.Escape($"Imported {path.Name} ({TextFormat.Bytes(result.Bytes)}): {counts}") + $" Map version [bold]{result.MapVersion}[/].");
                }
                else
                {
                    host.Out.MarkupLine(Markup.Escape($"Imported {path.Name} ({TextFormat.Bytes(result.Bytes)}) into plan {target}: {counts}")
                        + $" Plan version [bold]{result.MapVersion}[/]; the live map is unchanged.");
                    host.Out.MarkupLine(Markup.Escape($"Next: `geoassign plan diff {target}` shows what it changes, `geoassign plan check {target}` its overlaps and gaps."));
                }

                foreach (var warning in result.Warnings)
                {
                    CliErrors.Warn(host, warning);
                }
            }

            return ExitCodes.Success;
        }, error => PlanAdvice.ForPlan(error, PlanName(parse), edit: true)));
        return command;
    }

    /// <summary>Reports progress synchronously (System.Progress would post it to the thread pool, out of order).</summary>
    internal sealed class Progress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}

// Commands that prepare a comparison: import a map, write the points, export answers and territories.
using System.CommandLine;
using System.Globalization;
using System.Text;
using GeoAssign.Client;
using GeoAssign.LoadTest.Points;
using GeoAssign.LoadTest.Scenarios;
using GeoAssign.Protos.V1;
using Spectre.Console;

namespace GeoAssign.LoadTest.Commands;

/// <summary>import, points, answers and export-territories.</summary>
internal static class SetupCommands
{
    /// <summary><c>import FILE [--repair [--skip-no-area]] [--replace]</c>: a GeoJSON FeatureCollection into the first target, through GeoAssign.Client.</summary>
    public static Command Import(LoadOptions options, LoadTestHost host)
    {
        var file = new Argument<string>("FILE") { Description = "GeoJSON FeatureCollection of territories" };
        var repair = new Option<bool>("--repair") { Description = "Let the server repair invalid polygons (us-atlas has 40)" };
        var skipNoArea = new Option<bool>("--skip-no-area") { Description = "With --repair, leave out features with no area once repaired (us-atlas's Falls Church city, 51610)" };
        var replace = new Option<bool>("--replace") { Description = "Make --layer exactly the file's territories" };
        var command = new Command("import", "Import a GeoJSON map into the first --target (setup for a run).") { file, repair, skipNoArea, replace };
        command.SetAction((parse, token) => LoadTestCli.GuardAsync(host, token, async () =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"{path} does not exist.", path);
            }

            await using var client = new GeoAssignClient(new GeoAssignClientOptions
            {
                Address = options.Targets(parse)[0],
                ApiKey = options.ApiKeyValue(parse),
                DefaultDeadline = TimeSpan.FromMinutes(10),
            });
            var layer = parse.GetValue(options.Layer);
            var result = await client.ImportGeoJsonAsync(path, string.IsNullOrEmpty(layer) ? null : layer, parse.GetValue(replace),
                repairInvalidGeometry: parse.GetValue(repair), skipFeaturesWithoutArea: parse.GetValue(skipNoArea), cancellationToken: token).ConfigureAwait(false);
            host.Out.WriteLine(FormattableString.Invariant(
                $"imported {path}: map version {result.MapVersion}, {result.CreatedCount} created, {result.UpdatedCount} updated, {result.DeletedCount} deleted, {result.Warnings.Count} warnings"));
            return LoadTestCli.Ok;
        }));
        return command;
    }

    /// <summary><c>points --out FILE</c>: the run's points (--points, --point-count, --seed) as CSV id,lat,lng, for peers to load.</summary>
    public static Command Points(LoadOptions options, LoadTestHost host)
    {
        var output = new Option<string>("--out") { Description = "CSV file to write (id,lat,lng)", Required = true, HelpName = "FILE" };
        var command = new Command("points", "Write the points a run would send as CSV id,lat,lng (ids 1..N), for peers to load the same points.") { output };
        command.SetAction((parse, token) => LoadTestCli.GuardAsync(host, token, async () =>
        {
            var settings = options.ToSettings("resolve", parse);
            using var channels = new TargetChannels(settings);
            var points = PointSources.Parse(settings, channels).Generate(settings.PointCount, settings.Seed);
            var path = parse.GetValue(output)!;
            await using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
            await writer.WriteAsync("id,lat,lng\n").ConfigureAwait(false);
            var line = new StringBuilder();
            for (var i = 0; i < points.Length; i++)
            {
                line.Clear();
                line.Append(i + 1).Append(',').Append(points[i].Lat.ToString("R", CultureInfo.InvariantCulture)).Append(',')
                    .Append(points[i].Lng.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
                await writer.WriteAsync(line, token).ConfigureAwait(false);
            }

            host.Error.WriteLine($"wrote {points.Length:N0} points to {path}");
            return LoadTestCli.Ok;
        }));
        return command;
    }

    /// <summary><c>answers --out FILE</c>: the first target's answer for every point, as CSV id,territory_id (empty when unassigned).</summary>
    public static Command Answers(LoadOptions options, LoadTestHost host)
    {
        var output = new Option<string>("--out") { Description = "CSV file to write (id,territory_id)", Required = true, HelpName = "FILE" };
        var command = new Command("answers", "Resolve every point of --points with ResolveBatch and write id,territory_id (ids 1..N as `points` numbers them), to compare with a peer's answers.") { output };
        command.SetAction((parse, token) => LoadTestCli.GuardAsync(host, token, async () =>
        {
            var settings = options.ToSettings("batch", parse);
            using var channels = new TargetChannels(settings);
            var points = PointSources.Parse(settings, channels).Generate(settings.PointCount, settings.Seed);
            var client = new AssignmentService.AssignmentServiceClient(channels.ForTarget(0));
            var path = parse.GetValue(output)!;
            await using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
            await writer.WriteAsync("id,territory_id\n").ConfigureAwait(false);
            var request = new ResolveBatchRequest { Layer = settings.Layer, Points = new PointChunk() };
            var chunkSize = Math.Min(settings.BatchSize, 10_000);
            var line = new StringBuilder();
            for (var start = 0; start < points.Length; start += chunkSize)
            {
                var count = Math.Min(chunkSize, points.Length - start);
                PointChunks.Fill(request.Points, points, start, count);
                var response = await client.ResolveBatchAsync(request, channels.Unary(token)).ConfigureAwait(false);
                var answers = response.Assignments;
                for (var i = 0; i < count; i++)
                {
                    line.Clear();
                    line.Append(start + i + 1).Append(',').Append(answers.GetTerritory(i)?.TerritoryId ?? "").Append('\n');
                    await writer.WriteAsync(line, token).ConfigureAwait(false);
                }
            }

            host.Error.WriteLine($"wrote {points.Length:N0} answers to {path}");
            return LoadTestCli.Ok;
        }));
        return command;
    }

    /// <summary>
    /// <c>export-territories --out FILE.tsv</c>: id, priority and GeoJSON geometry of the layer's
    /// territories as the server holds them (after any repair), in PostgreSQL COPY text format, so a
    /// peer loads exactly the geometries GeoAssign answers from.
    /// </summary>
    public static Command ExportTerritories(LoadOptions options, LoadTestHost host)
    {
        var output = new Option<string>("--out") { Description = "TSV file to write (id, priority, geometry GeoJSON)", Required = true, HelpName = "FILE" };
        var command = new Command("export-territories", "Write the --layer's territories as the server holds them (id<TAB>priority<TAB>geometry GeoJSON), for COPY into a peer.") { output };
        command.SetAction((parse, token) => LoadTestCli.GuardAsync(host, token, async () =>
        {
            var settings = options.ToSettings("resolve", parse);
            using var channels = new TargetChannels(settings);
            var client = new TerritoryService.TerritoryServiceClient(channels.ForTarget(0));
            var path = parse.GetValue(output)!;
            await using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
            var token2 = "";
            var count = 0;
            var layer = string.IsNullOrEmpty(settings.Layer) ? "geo" : settings.Layer;
            do
            {
                var page = await client.ListTerritoriesAsync(new ListTerritoriesRequest { Layer = layer, IncludeGeometry = true, PageSize = 1000, PageToken = token2 },
                    channels.Unary(token)).ConfigureAwait(false);
                foreach (var territory in page.Territories)
                {
                    await writer.WriteAsync($"{CopyText(territory.Id)}\t{territory.Priority.ToString(CultureInfo.InvariantCulture)}\t{CopyText(territory.GeometryGeojson)}\n")
                        .ConfigureAwait(false);
                    count++;
                }

                token2 = page.NextPageToken;
            }
            while (token2.Length > 0);

            host.Error.WriteLine($"wrote {count:N0} territories of layer {layer} to {path}");
            return LoadTestCli.Ok;
        }));
        return command;
    }

    // PostgreSQL COPY text format: backslash, tab, newline and carriage return are escaped.
    internal static string CopyText(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal);
}

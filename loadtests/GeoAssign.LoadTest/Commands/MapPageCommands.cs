// Commands for the map page's scale proof: generate a high-vertex map, time the page in headless Chromium.
using System.CommandLine;
using System.Globalization;
using GeoAssign.Index.GeoJson;
using GeoAssign.LoadTest.MapPage;
using GeoAssign.Testing;
using Spectre.Console;

namespace GeoAssign.LoadTest.Commands;

/// <summary>synthetic-map and map-page.</summary>
internal static class MapPageCommands
{
    /// <summary><c>synthetic-map --out FILE [--districts N] [--vertices N]</c>: a Voronoi map of the contiguous US with wiggly shared borders.</summary>
    public static Command SyntheticMap(LoadTestHost host)
    {
        var output = new Option<string>("--out") { Description = "GeoJSON file to write", Required = true, HelpName = "FILE" };
        var districts = new Option<int>("--districts") { Description = "Districts (Voronoi cells)", DefaultValueFactory = _ => 3000, HelpName = "N" };
        var vertices = new Option<int>("--vertices") { Description = "Vertices in total, about", DefaultValueFactory = _ => 5_000_000, HelpName = "N" };
        var seed = new Option<int>("--map-seed") { Description = "Seed of the sites and wiggles", DefaultValueFactory = _ => 1, HelpName = "N" };
        var command = new Command("synthetic-map", "Write a high-vertex territory map for the map page's scale proof: --districts Voronoi cells over the contiguous US whose shared borders wiggle with about --vertices vertices in all (each border once per neighbour).")
        {
            output, districts, vertices, seed,
        };
        command.SetAction((parse, token) => LoadTestCli.GuardAsync(host, token, async () =>
        {
            var cells = parse.GetValue(districts);
            // A Voronoi cell clipped to a box has a little under six edges on average (5.8 measured), each counted by both of its cells.
            var perEdge = Math.Max(0, (int)Math.Ceiling(parse.GetValue(vertices) / (cells * 5.8)) - 1);
            var territories = SyntheticTerritories.Generate(new SyntheticRegion("districts", -125, 24.5, -66.9, 49.5), new SyntheticMapOptions
            {
                Seed = parse.GetValue(seed),
                CellCount = cells,
                HoleFraction = 0,
                MultiPolygonPairs = 0,
                OverlayCount = 0,
                VerticesPerEdge = perEdge,
                Roughness = 0.05,
                OwnerCount = 120,
                IdPrefix = "d",
            });
            var path = parse.GetValue(output)!;
            await using (var stream = File.Create(path))
            {
                await TerritoryGeoJsonWriter.WriteAsync(stream, territories, token).ConfigureAwait(false);
            }

            var total = territories.Sum(t => (long)t.Geometry.NumPoints);
            host.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {territories.Count:N0} districts, {total:N0} vertices, {new FileInfo(path).Length:N0} bytes to {path}"));
            return LoadTestCli.Ok;
        }));
        return command;
    }

    /// <summary><c>map-page --page-url URL</c>: time to the first full draw and bytes, browser cache cold and warm, then zoom steps.</summary>
    public static Command MapPage(LoadTestHost host)
    {
        var url = new Option<string>("--page-url") { Description = "The server's HTTP/1.1 endpoint (GeoAssign:Http1Url)", DefaultValueFactory = _ => "http://127.0.0.1:5081", HelpName = "URL" };
        var label = new Option<string>("--label") { Description = "Name of the map in the table", DefaultValueFactory = _ => "map", HelpName = "TEXT" };
        var runs = new Option<int>("--runs") { Description = "Page loads with a cold browser cache (and as many warm)", DefaultValueFactory = _ => 3, HelpName = "N" };
        var markdown = new Option<string?>("--markdown") { Description = "Markdown table to write (rows are appended when it exists)", HelpName = "FILE" };
        var command = new Command("map-page", "Open the map page in headless Chromium (Debian's chromium, or $GEOASSIGN_CHROMIUM) and measure the time from navigation to every territory drawn and the bytes transferred, with a cold then a warm browser cache; then zoom in step by step.")
        {
            url, label, runs, markdown,
        };
        command.SetAction((parse, token) => LoadTestCli.GuardAsync(host, token, async () =>
        {
            var rows = await MapPageTimer.RunAsync(new Uri(parse.GetValue(url)!), parse.GetValue(label)!, parse.GetValue(runs), host, token).ConfigureAwait(false);
            var table = MapPageTimer.Table(rows, header: parse.GetValue(markdown) is not { } file || !File.Exists(file));
            host.Out.Write(table);
            if (parse.GetValue(markdown) is { } path)
            {
                await File.AppendAllTextAsync(path, table, token).ConfigureAwait(false);
            }

            return LoadTestCli.Ok;
        }));
        return command;
    }
}

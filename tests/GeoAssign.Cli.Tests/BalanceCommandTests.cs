// geoassign balance: tables, CSV and JSON that match the client's report, and charts that open as images with bars.
using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using GeoAssign.Cli.Output;
using GeoAssign.Client;
using GeoAssign.Protos.V1;
using GeoAssign.Testing.Servers;
using SkiaSharp;
using BalanceReport = GeoAssign.Client.BalanceReport;

namespace GeoAssign.Cli.Tests;

public sealed class BalanceCommandTests : IAsyncLifetime
{
    // The chart's bar colours (BalanceChart): live, then plan.
    private static readonly SKColor LiveColor = new(31, 119, 180);
    private static readonly SKColor PlanColor = new(255, 127, 14);

    private readonly string _folder = Directory.CreateTempSubdirectory("geoassign-balance-tests-").FullName;
    private TestServer _server = null!;
    private string _accounts = "";

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        // Six 1-degree squares, three owners; the plan gives two squares of rep-a to rep-c.
        await _server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Territories = { Enumerable.Range(0, 6).Select(i => Shapes.Territory($"t{i}", Shapes.Square(i, 0, 1), owner: $"rep-{"aaabbc"[i]}")) },
        });
        await new PlanService.PlanServiceClient(_server.Channel).CreatePlanAsync(new CreatePlanRequest { Name = "fy27" });
        await _server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Plan = "fy27",
            Territories = { Enumerable.Range(1, 2).Select(i => Shapes.Territory($"t{i}", Shapes.Square(i, 0, 1), owner: "rep-c")) },
        });

        var random = new Random(7);
        _accounts = Path.Combine(_folder, "accounts.csv");
        await System.IO.File.WriteAllLinesAsync(_accounts, ["id,lat,lng,potential,tier",
            .. Enumerable.Range(0, 2_000).Select(i => string.Create(CultureInfo.InvariantCulture,
                $"acc-{i},{0.05 + 0.9 * random.NextDouble():R},{random.Next(-1, 7) + 0.05 + 0.9 * random.NextDouble():R},{random.Next(0, 10_000) / 10.0:R},{"ABC"[random.Next(3)]}"))]);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private string File(string name) => Path.Combine(_folder, name);

    private async Task<BalanceReport> ClientReportAsync(bool weighted)
    {
        using var client = _server.Client();
        var lines = await System.IO.File.ReadAllLinesAsync(_accounts);
        var accounts = lines.Skip(1).Select(line => line.Split(',')).Select(f => new BalanceAccount(f[0],
            double.Parse(f[1], CultureInfo.InvariantCulture), double.Parse(f[2], CultureInfo.InvariantCulture),
            weighted ? double.Parse(f[3], CultureInfo.InvariantCulture) : null, weighted ? f[4] : null));
        return await client.BalanceReportAsync(accounts, plan: "fy27");
    }

    [Fact]
    public async Task A_png_chart_is_written_with_the_chart_size_and_bars_of_the_live_map_and_the_plan()
    {
        var png = File("balance.png");
        var result = CliAssert.Exit(0, await CliRunner.RunAsync(_server, "balance", _accounts, "--plan", "fy27", "--weight-column", "potential", "--tier-column", "tier",
            "--chart", png));
        CliAssert.Contains("Wrote the chart to balance.png.", result.Out, result);

        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        Assert.Equal((BalanceChart.Width(3), BalanceChart.Height), (bitmap.Width, bitmap.Height));
        var background = bitmap.GetPixel(1, 1);
        long other = 0;
        long live = 0;
        long plan = 0;
        for (var y = 0; y < bitmap.Height; y += 2)
        {
            for (var x = 0; x < bitmap.Width; x += 2)
            {
                var pixel = bitmap.GetPixel(x, y);
                other += pixel == background ? 0 : 1;
                live += pixel == LiveColor ? 1 : 0;
                plan += pixel == PlanColor ? 1 : 0;
            }
        }

        Assert.True(other > bitmap.Width * bitmap.Height / 4 / 20, $"only {other} sampled pixels differ from the background");
        Assert.True(live > 1_000, $"only {live} sampled pixels have the live bars' colour");
        Assert.True(plan > 1_000, $"only {plan} sampled pixels have the plan bars' colour");
    }

    [Fact]
    public async Task An_svg_chart_parses_as_svg_with_two_bars_per_owner_and_the_json_matches_the_client()
    {
        var svg = File("balance.svg");
        var result = CliAssert.Exit(0, await CliRunner.RunAsync(_server, "balance", _accounts, "--plan", "fy27", "--chart", svg, "--json"));

        var document = XDocument.Load(svg);
        Assert.Equal("svg", document.Root!.Name.LocalName);
        Assert.Equal(BalanceChart.Width(3).ToString(CultureInfo.InvariantCulture), document.Root.Attribute("width")?.Value);
        Assert.Equal(BalanceChart.Height.ToString(CultureInfo.InvariantCulture), document.Root.Attribute("height")?.Value);
        var fills = document.Descendants().Select(e => e.Attribute("fill")?.Value?.ToUpperInvariant()).ToList();
        // Three owners, live and plan: three bars of each colour, plus one legend swatch each.
        Assert.Equal(4, fills.Count(f => f == "#1F77B4"));
        Assert.Equal(4, fills.Count(f => f == "#FF7F0E"));

        var expected = await ClientReportAsync(weighted: false);
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        Assert.Equal(2_000, root.GetProperty("account_count").GetInt64());
        Assert.False(root.GetProperty("weighted").GetBoolean());
        foreach (var (side, balance) in new[] { ("live", expected.Live), ("plan", expected.Plan!) })
        {
            var owners = root.GetProperty(side).GetProperty("owners").EnumerateArray()
                .Select(o => (o.GetProperty("owner_id").GetString(), o.GetProperty("totals").GetProperty("count").GetInt64())).ToList();
            Assert.Equal(balance.Owners.Select(o => ((string?)o.OwnerId, o.Totals.Count)), owners);
            Assert.Equal(balance.CountFigures.Gini, root.GetProperty(side).GetProperty("count_figures").GetProperty("gini").GetDouble());
        }

        Assert.Equal(["rep-a", "rep-b", "rep-c"], expected.Plan!.Owners.Select(o => o.OwnerId));
        Assert.True(expected.Plan.CountFigures.Gini != expected.Live.CountFigures.Gini);
    }

    [Fact]
    public async Task The_table_and_the_csv_show_owners_tiers_and_figures_of_both_maps()
    {
        var csv = File("balance.csv");
        var result = CliAssert.Exit(0, await CliRunner.RunAsync(_server, "balance", _accounts, "--plan", "fy27", "--weight-column", "potential", "--tier-column", "tier",
            "--csv", csv));
        var expected = await ClientReportAsync(weighted: true);

        CliAssert.Contains("Balanced 2,000 accounts from accounts.csv against the live map (version 1) and plan fy27", result.Out, result);
        CliAssert.Contains("Accounts (plan fy27)", result.Out, result);
        CliAssert.Contains("Weight (live)", result.Out, result);
        CliAssert.Contains("(unassigned)", result.Out, result);
        CliAssert.Contains(expected.Live.WeightFigures.Gini.ToString("0.000", CultureInfo.InvariantCulture), result.Out, result);
        CliAssert.Contains(expected.Plan!.CountFigures.CoefficientOfVariation.ToString("0.000", CultureInfo.InvariantCulture), result.Out, result);

        var rows = ResolveCsvCommandTests.ReadCsv(csv);
        Assert.Equal(["map", "kind", "id", "owner_id", "accounts", "weight", "overrides", "territories", "tier:A", "tier:B", "tier:C"], rows[0]);
        var planOwner = rows.Single(r => r[0] == "plan:fy27" && r[1] == "owner" && r[2] == "rep-c");
        var owner = expected.Plan.Owners.Single(o => o.OwnerId == "rep-c");
        Assert.Equal(owner.Totals.Count.ToString(CultureInfo.InvariantCulture), planOwner[4]);
        Assert.Equal(owner.Totals.Weight, double.Parse(planOwner[5], CultureInfo.InvariantCulture));
        Assert.Equal("3", planOwner[7]);
        Assert.Equal(owner.Totals.Tiers.Select(t => t.Count.ToString(CultureInfo.InvariantCulture)), planOwner.Skip(8));
        Assert.Equal(6 + 3 + 1, rows.Count(r => r[0] == "live"));
        var unassigned = rows.Single(r => r[0] == "live" && r[1] == "unassigned");
        Assert.Equal(expected.Live.Unassigned.Count.ToString(CultureInfo.InvariantCulture), unassigned[4]);
    }

    [Fact]
    public async Task A_chart_with_another_extension_or_a_bad_weight_is_refused_before_anything_is_written()
    {
        var gif = CliAssert.Exit(1, await CliRunner.RunAsync(_server, "balance", _accounts, "--chart", File("chart.gif")));
        CliAssert.Contains(".svg or .png", gif.Error, gif);

        var bad = File("bad.csv");
        await System.IO.File.WriteAllLinesAsync(bad, ["id,lat,lng,potential", "a,0.5,0.5,10", "b,0.5,1.5,-3"]);
        var negative = CliAssert.Exit(1, await CliRunner.RunAsync(_server, "balance", bad, "--weight-column", "potential", "--chart", File("bad.png")));
        CliAssert.Contains("line 3: potential -3 is negative", negative.Error, negative);
        Assert.False(System.IO.File.Exists(File("bad.png")));

        var missing = CliAssert.Exit(1, await CliRunner.RunAsync(_server, "balance", bad, "--tier-column", "segment"));
        CliAssert.Contains("segment is missing", missing.Error, missing);
    }
}

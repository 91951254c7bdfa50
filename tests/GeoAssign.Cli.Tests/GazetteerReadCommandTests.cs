// geoassign gazetteer get and list against a real server, and resolve-csv of postal codes through one stream.
using System.Globalization;
using System.Text.Json;
using GeoAssign.Testing;
using GeoAssign.Testing.Servers;

namespace GeoAssign.Cli.Tests;

public sealed class GazetteerReadCommandTests(GazetteerReadCommandTests.ZipServer fixture) : IClassFixture<GazetteerReadCommandTests.ZipServer>
{
    private static readonly string ZipSample = Path.Combine(TestDatasets.DataDirectory, "us-zip-sample.tsv");

    private static readonly List<string[]> Zips = File.ReadAllLines(ZipSample).Select(line => line.Split('\t')).ToList();

    /// <summary>The sample server with the US ZIP sample imported; <see cref="BeforeImport"/> is the version before it.</summary>
    public sealed class ZipServer : IAsyncLifetime
    {
        public SampleServer Sample { get; } = new();

        public ulong BeforeImport { get; private set; }

        public async Task InitializeAsync()
        {
            await Sample.InitializeAsync();
            using var client = Sample.Server.Client();
            BeforeImport = (await client.GetMapInfoAsync()).MapVersion;
            await client.ImportGazetteerAsync(ZipSample);
        }

        public Task DisposeAsync() => Sample.DisposeAsync();
    }

    private TestServer Server => fixture.Sample.Server;

    [Fact]
    public async Task Get_shows_a_code_in_its_normal_form_and_an_unknown_or_malformed_one_is_an_error()
    {
        var table = CliAssert.Exit(0, await CliRunner.RunAsync(Server, "gazetteer", "get", "us", "02139-4307"));
        CliAssert.Contains("US 02139", table.Out, table);
        CliAssert.Contains("Cambridge", table.Out, table);
        CliAssert.Contains("Massachusetts (MA)", table.Out, table);
        CliAssert.Contains("(42.3647, -71.1042)", table.Out, table);

        var json = JsonDocument.Parse(CliAssert.Exit(0, await CliRunner.RunAsync(Server, "gazetteer", "get", "US", " 00501 ", "--json")).Out).RootElement;
        Assert.Equal(("US", "00501", "Holtsville", 40.8154, -73.0451), (json.GetProperty("country").GetString(), json.GetProperty("postal_code").GetString(),
            json.GetProperty("place_name").GetString(), json.GetProperty("lat").GetDouble(), json.GetProperty("lng").GetDouble()));

        var unknown = CliAssert.Exit(2, await CliRunner.RunAsync(Server, "gazetteer", "get", "US", "99999"));
        CliAssert.Contains("US \"99999\"", unknown.Error, unknown);
        var country = CliAssert.Exit(2, await CliRunner.RunAsync(Server, "gazetteer", "get", "USA", "02139"));
        CliAssert.Contains("ISO 3166-1 alpha-2", country.Error, country);

        // The version before the import has no codes; a plan reads the live map's.
        var past = CliAssert.Exit(2, await CliRunner.RunAsync(Server, "gazetteer", "get", "US", "02139", "--version", fixture.BeforeImport.ToString(CultureInfo.InvariantCulture)));
        CliAssert.Contains("no postal codes of US", past.Error, past);
        var plan = CliAssert.Exit(2, await CliRunner.RunAsync(Server, "gazetteer", "get", "US", "02139", "--plan", "no-such-plan"));
        CliAssert.Contains("no-such-plan", plan.Error, plan);
    }

    [Fact]
    public async Task List_pages_through_a_prefix_as_a_table_json_and_csv_with_progress()
    {
        var expected = Zips.Where(z => z[1].StartsWith("021", StringComparison.Ordinal)).Select(z => z[1]).Order(StringComparer.Ordinal).ToList();
        Assert.InRange(expected.Count, 4, 500);

        // Pages of three: the listing spans many requests and keeps the order.
        var json = CliAssert.Exit(0, await CliRunner.RunAsync(Server, "gazetteer", "list", "us", "--prefix", "021", "--page-size", "3", "--json"));
        var listed = JsonDocument.Parse(json.Out).RootElement.EnumerateArray().Select(e => e.GetProperty("postal_code").GetString()!).ToList();
        Assert.Equal(expected, listed);

        var table = CliAssert.Exit(0, await CliRunner.RunAsync(Server, "gazetteer", "list", "US", "--prefix", "021", "--page-size", "3"));
        CliAssert.Contains($"{expected.Count} postal codes starting with \"021\"", table.Out, table);
        CliAssert.Contains(expected[^1], table.Out, table);

        // Every code of the country to CSV, on a terminal: the progress line names the listing.
        var output = fixture.Sample.File("us-codes.csv");
        var csv = CliAssert.Exit(0, await CliRunner.RunAsync(new Dictionary<string, string?> { [GeoAssignCli.UrlVariable] = Server.Address.ToString() },
            ["gazetteer", "list", "US", "--page-size", "1000", "--csv", output], interactive: true));
        CliAssert.Contains($"Wrote {Zips.Count:N0} postal codes to us-codes.csv", csv.Out, csv);
        CliAssert.Contains("Listing US postal codes", csv.Error, csv);
        var rows = (await File.ReadAllLinesAsync(output)).Select(l => l.Split(',')).ToList();
        Assert.Equal("country,postal_code,lat,lng,place_name,admin_name1,admin_code1,accuracy", string.Join(',', rows[0]));
        Assert.Equal(Zips.Select(z => z[1]).Order(StringComparer.Ordinal), rows.Skip(1).Select(r => r[1]));
        var cambridge = rows.Single(r => r[1] == "02139");
        Assert.Equal(("42.3647", "-71.1042", "MA"), (cambridge[2], cambridge[3], cambridge[6]));

        var none = CliAssert.Exit(0, await CliRunner.RunAsync(Server, "gazetteer", "list", "GB"));
        CliAssert.Contains("No postal codes of GB.", none.Out, none);
    }

    [Theory]
    [InlineData("both", "mutually exclusive")]
    [InlineData("page-size", "--page-size 0 is not a positive number")]
    public async Task List_refuses_bad_options_before_asking_the_server(string kind, string message)
    {
        string[] args = kind == "both"
            ? ["gazetteer", "list", "US", "--json", "--csv", fixture.Sample.File("x.csv")]
            : ["gazetteer", "list", "US", "--page-size", "0"];
        var result = CliAssert.Exit(1, await CliRunner.RunAsync(Server, args));
        CliAssert.Contains(message, result.Error, result);
    }

    [Fact]
    public async Task Resolve_csv_streams_thousands_of_postal_codes_and_marks_unknown_and_names_malformed_rows()
    {
        var states = new BruteForceResolver(TestDatasets.LoadValid(TestData.SamplePath));
        var input = fixture.Sample.File("zips.csv");
        // Each ZIP twice (as ZIP+4 and lower case country), past the client's batch threshold: one stream.
        var lines = new List<string> { "id,country,postal_code" };
        foreach (var zip in Zips)
        {
            lines.Add($"a{zip[1]},us,{zip[1]}-0001");
            lines.Add($"b{zip[1]},US, {zip[1]} ");
        }

        lines.Add("unknown,US,00000");
        lines.Add("bad,USA,02139");
        await File.WriteAllLinesAsync(input, lines);
        var output = fixture.Sample.File("zips-out.csv");
        var result = CliAssert.Exit(0, await CliRunner.RunAsync(Server, "resolve-csv", input, output, "--skip-invalid", "--json"));
        var summary = JsonDocument.Parse(result.Out).RootElement;
        Assert.Equal((Zips.Count * 2 + 1, 1, 1), (summary.GetProperty("rows").GetInt32(), summary.GetProperty("postal_code_not_found").GetInt32(),
            summary.GetProperty("skipped").GetInt32()));
        CliAssert.Contains($"line {lines.Count}: country \"USA\" is not an ISO 3166-1 alpha-2 code", result.Error, result);

        var rows = (await File.ReadAllLinesAsync(output)).Skip(1).Select(l => l.Split(',')).ToDictionary(r => r[0]);
        foreach (var zip in Zips)
        {
            var (lat, lng) = (double.Parse(zip[9], CultureInfo.InvariantCulture), double.Parse(zip[10], CultureInfo.InvariantCulture));
            var territory = states.ResolveId("geo", lng, lat) ?? "";
            foreach (var id in new[] { "a" + zip[1], "b" + zip[1] })
            {
                Assert.Equal((territory, territory.Length == 0 ? "unassigned" : "postal_code", zip[1]), (rows[id][1], rows[id][3], rows[id][5]));
            }
        }

        Assert.Equal(("", "postal_code_not_found", ""), (rows["unknown"][1], rows["unknown"][3], rows["unknown"][5]));
    }
}

// geoassign import and geoassign resolve (a point, or a postal code of the gazetteer).
using System.Text;
using System.Text.Json;
using GeoAssign.Testing.Servers;

namespace GeoAssign.Cli.Tests;

public sealed class ImportCommandTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private readonly string _folder = Directory.CreateTempSubdirectory("geoassign-cli-import-").FullName;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Import_prints_the_counts_and_the_new_version_then_json_and_replace_work()
    {
        var result = CliAssert.Exit(0, await CliRunner.RunAsync(_server, "import", TestData.SamplePath));
        CliAssert.Contains("Imported us-states.geojson", result.Out, result);
        CliAssert.Contains("56 created, 0 updated, 0 deleted", result.Out, result);
        CliAssert.Contains("Map version 1", result.Out, result);

        var again = CliAssert.Exit(0, await CliRunner.RunAsync(_server, "import", TestData.SamplePath, "--json"));
        using var json = JsonDocument.Parse(again.Out);
        Assert.Equal(2, json.RootElement.GetProperty("map_version").GetInt64());
        Assert.Equal(0, json.RootElement.GetProperty("created").GetInt32());
        Assert.Equal(56, json.RootElement.GetProperty("updated").GetInt32());
        Assert.Equal(new FileInfo(TestData.SamplePath).Length, json.RootElement.GetProperty("bytes").GetInt64());

        var one = await SquareFileAsync("sq-1");
        CliAssert.Exit(0, await CliRunner.RunAsync(_server, "import", one, "--layer", "squares"));
        var other = await SquareFileAsync("sq-2");
        var replaced = CliAssert.Exit(0, await CliRunner.RunAsync(_server, "import", other, "--layer", "geo", "--replace", "--expected-version", "3"));
        CliAssert.Contains("1 created, 0 updated, 56 deleted", replaced.Out, replaced);
    }

    [Fact]
    public async Task An_invalid_polygon_is_rejected_and_imported_with_repair_which_lists_the_repair()
    {
        var bowtie = Path.Combine(_folder, "bowtie.geojson");
        await File.WriteAllTextAsync(bowtie, """{"type":"FeatureCollection","features":[{"type":"Feature","id":"bowtie","properties":{"owner_id":"r"},"geometry":{"type":"Polygon","coordinates":[[[30,30],[31,31],[31,30],[30,31],[30,30]]]}}]}""");
        var rejected = CliAssert.Exit(2, await CliRunner.RunAsync(_server, "import", bowtie));
        CliAssert.Contains("bowtie", rejected.Error, rejected);

        var repaired = CliAssert.Exit(0, await CliRunner.RunAsync(_server, "import", bowtie, "--repair", "--json"));
        using var json = JsonDocument.Parse(repaired.Out);
        Assert.Equal(1, json.RootElement.GetProperty("created").GetInt32());
        var warning = Assert.Single(json.RootElement.GetProperty("warnings").EnumerateArray());
        Assert.Contains("repaired invalid geometry", warning.GetString());
    }

    [Fact]
    public async Task A_feature_with_no_area_once_repaired_is_left_out_only_when_asked()
    {
        // A ring that collapses to a line once repaired, beside a good square.
        var file = Path.Combine(_folder, "collapsed.geojson");
        await File.WriteAllTextAsync(file, """{"type":"FeatureCollection","features":[{"type":"Feature","id":"sliver","properties":{"owner_id":"r"},"geometry":{"type":"Polygon","coordinates":[[[40,40],[41,41],[42,42],[41,41],[40,40]]]}},{"type":"Feature","id":"kept","properties":{"owner_id":"r"},"geometry":{"type":"Polygon","coordinates":[[[40,45],[41,45],[41,46],[40,46],[40,45]]]}}]}""");
        var rejected = CliAssert.Exit(2, await CliRunner.RunAsync(_server, "import", file, "--repair"));
        CliAssert.Contains("no area left once repaired", rejected.Error, rejected);
        var withoutRepair = CliAssert.Exit(2, await CliRunner.RunAsync(_server, "import", file, "--skip-no-area"));
        CliAssert.Contains("needs options.repair_invalid_geometry", withoutRepair.Error, withoutRepair);

        var imported = CliAssert.Exit(0, await CliRunner.RunAsync(_server, "import", file, "--repair", "--skip-no-area", "--json"));
        using var json = JsonDocument.Parse(imported.Out);
        Assert.Equal(1, json.RootElement.GetProperty("created").GetInt32());
        var warning = Assert.Single(json.RootElement.GetProperty("warnings").EnumerateArray()).GetString();
        Assert.Contains("features[0] (id \"sliver\"): left out, as asked", warning);
        CliAssert.Exit(2, await CliRunner.RunAsync(_server, "territories", "get", "sliver"));
    }

    [Fact]
    public async Task On_a_terminal_the_upload_shows_a_progress_bar_in_bytes()
    {
        var result = CliAssert.Exit(0, await CliRunner.RunAsync(
            new Dictionary<string, string?> { [GeoAssignCli.UrlVariable] = _server.Address.ToString() }, ["import", TestData.SamplePath], interactive: true));
        CliAssert.Contains("Uploading us-states.geojson", result.Error, result);
        CliAssert.Contains("567.3 KiB", result.Error, result);
        CliAssert.Contains("56 created", result.Out, result);
    }

    private async Task<string> SquareFileAsync(string id)
    {
        var path = Path.Combine(_folder, id + ".geojson");
        await File.WriteAllTextAsync(path, "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"id\":\"" + id
            + "\",\"properties\":{\"name\":\"Square\",\"owner_id\":\"rep-9\"},\"geometry\":" + Shapes.Square(0, 0, 1) + "}]}");
        return path;
    }

    [Fact]
    public async Task Import_of_a_missing_file_is_an_input_error_and_bad_geojson_is_rejected_by_the_server()
    {
        var missing = CliAssert.Exit(1, await CliRunner.RunAsync(_server, "import", Path.Combine(_folder, "nope.geojson")));
        CliAssert.Contains("nope.geojson: no such file", missing.Error, missing);

        var bad = Path.Combine(_folder, "bad.geojson");
        await File.WriteAllTextAsync(bad, """{"type":"FeatureCollection","features":[{"type":"Feature","id":"x","properties":{"owner_id":"r"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0.5]]]}}]}""");
        var rejected = CliAssert.Exit(2, await CliRunner.RunAsync(_server, "import", bad));
        CliAssert.Contains("The server rejected the request (INVALID_ARGUMENT)", rejected.Error, rejected);
        CliAssert.Contains("features[0]", rejected.Error, rejected);

        var stale = CliAssert.Exit(2, await CliRunner.RunAsync(_server, "import", TestData.SamplePath, "--expected-version", "12345"));
        CliAssert.Contains("not at the expected version", stale.Error, stale);
        CliAssert.Contains("--expected-version", stale.Error, stale);
    }
}

public sealed class ResolveCommandTests(SampleServer fixture) : IClassFixture<SampleServer>
{
    [Fact]
    public async Task Resolve_prints_the_territory_owner_reason_and_version()
    {
        var result = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "resolve", "39.7392", "-104.9903"));
        var owner = TestData.SampleTerritories.Single(t => t.Id == "08").OwnerId;
        CliAssert.Contains("Territory    08", result.Out, result);
        CliAssert.Contains($"Owner        {owner}", result.Out, result);
        CliAssert.Contains("Map version  1", result.Out, result);
        Assert.Empty(result.Error);
    }

    [Fact]
    public async Task Resolve_json_has_stable_snake_case_fields()
    {
        var result = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "resolve", "39.7392", "-104.9903", "--json", "--layer", "geo"));
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        Assert.Equal(["lat", "lng", "territory_id", "owner_id", "layer", "reason", "ancestor_ids", "map_version"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("08", root.GetProperty("territory_id").GetString());
        Assert.Contains(root.GetProperty("reason").GetString(), new[] { "interior_cell", "exact_test" });

        var nowhere = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "resolve", "-33.8688", "151.2093", "--json"));
        using var none = JsonDocument.Parse(nowhere.Out);
        Assert.Equal(JsonValueKind.Null, none.RootElement.GetProperty("territory_id").ValueKind);
        Assert.Equal("unassigned", none.RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Resolve_with_country_and_postal_code_answers_at_the_codes_gazetteer_point()
    {
        using var client = fixture.Server.Client();
        await client.ImportGazetteerAsync(new MemoryStream(Encoding.UTF8.GetBytes(
            "US\t80202\tDenver\tColorado\tCO\t\t\t\t\t39.7494\t-104.9951\t\nGB\tSW1A 1AA\tLondon\t\t\t\t\t\t\t51.501\t-0.1416\t\n")));

        var text = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "resolve", "--country", "us", "--postal-code", "80202-1234"));
        CliAssert.Contains("Postal code  US 80202, Denver, CO", text.Out, text);
        CliAssert.Contains("Point        (39.7494, -104.9951) (the postal code's point)", text.Out, text);
        CliAssert.Contains("Territory    08", text.Out, text);

        var json = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "resolve", "--country", "US", "--postal-code", "80202", "--json"));
        var root = JsonDocument.Parse(json.Out).RootElement;
        Assert.Equal(["postal_code", "assignment"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("US", "80202", "Denver"), (root.GetProperty("postal_code").GetProperty("country").GetString(),
            root.GetProperty("postal_code").GetProperty("code").GetString(), root.GetProperty("postal_code").GetProperty("place_name").GetString()));
        var assignment = root.GetProperty("assignment");
        Assert.Equal(("08", 39.7494, -104.9951), (assignment.GetProperty("territory_id").GetString(), assignment.GetProperty("lat").GetDouble(),
            assignment.GetProperty("lng").GetDouble()));
        Assert.Equal("postal_code", assignment.GetProperty("reason").GetString());

        // London lies in no US state: said in words, naming the code.
        var nowhere = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "resolve", "--country", "GB", "--postal-code", "sw1a1aa"));
        CliAssert.Contains("No territory of layer geo covers postal code GB SW1A 1AA at (51.501, -0.1416)", nowhere.Out, nowhere);

        var unknown = CliAssert.Exit(2, await CliRunner.RunAsync(fixture.Server, "resolve", "--country", "US", "--postal-code", "99999"));
        CliAssert.Contains("NOT_FOUND", unknown.Error, unknown);
        CliAssert.Contains("99999", unknown.Error, unknown);
    }

    [Fact]
    public async Task A_point_and_a_postal_code_together_or_half_a_postal_code_are_usage_errors()
    {
        var both = CliAssert.Exit(1, await CliRunner.RunAsync(fixture.Server, "resolve", "1", "2", "--country", "US", "--postal-code", "80202"));
        CliAssert.Contains("Give either LAT LNG or --country and --postal-code, not both.", both.Error, both);

        var noCode = CliAssert.Exit(1, await CliRunner.RunAsync(fixture.Server, "resolve", "--country", "US"));
        CliAssert.Contains("--country needs --postal-code.", noCode.Error, noCode);

        var noCountry = CliAssert.Exit(1, await CliRunner.RunAsync(fixture.Server, "resolve", "--postal-code", "80202"));
        CliAssert.Contains("--postal-code needs --country", noCountry.Error, noCountry);

        var nothing = CliAssert.Exit(1, await CliRunner.RunAsync(fixture.Server, "resolve"));
        CliAssert.Contains("Required argument missing", nothing.Error, nothing);
    }

    [Fact]
    public async Task An_unassigned_point_says_so_in_words()
    {
        var result = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "resolve", "0", "0"));
        CliAssert.Contains("No territory of layer geo covers (0, 0)", result.Out, result);
    }

    [Fact]
    public async Task Bad_coordinates_are_rejected_by_the_server_naming_them_and_text_is_a_usage_error()
    {
        var outOfRange = CliAssert.Exit(2, await CliRunner.RunAsync(fixture.Server, "resolve", "95", "0"));
        CliAssert.Contains("INVALID_ARGUMENT", outOfRange.Error, outOfRange);
        CliAssert.Contains("lat 95", outOfRange.Error, outOfRange);

        var nan = CliAssert.Exit(2, await CliRunner.RunAsync(fixture.Server, "resolve", "NaN", "0"));
        CliAssert.Contains("INVALID_ARGUMENT", nan.Error, nan);

        var text = CliAssert.Exit(1, await CliRunner.RunAsync(fixture.Server, "resolve", "north", "0"));
        CliAssert.Contains("north", text.Error, text);

        var missing = CliAssert.Exit(1, await CliRunner.RunAsync(fixture.Server, "resolve", "1"));
        CliAssert.Contains("Required argument missing", missing.Error, missing);

        var layer = CliAssert.Exit(2, await CliRunner.RunAsync(fixture.Server, "resolve", "1", "2", "--layer", "enterprise"));
        CliAssert.Contains("NOT_FOUND", layer.Error, layer);
    }
}

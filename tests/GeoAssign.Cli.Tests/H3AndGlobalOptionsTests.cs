// geoassign h3 cell (local), the global options and the environment, auth and unreachable servers.
using System.Globalization;
using System.Text.Json;
using GeoAssign.Testing.Servers;
using H3Api = GeoAssign.H3.H3;

namespace GeoAssign.Cli.Tests;

public sealed class H3CommandTests
{
    // No server: the URL points nowhere, so any attempt to call one would fail.
    private static readonly Dictionary<string, string?> Nowhere = new() { [GeoAssignCli.UrlVariable] = "http://127.0.0.1:9" };

    [Fact]
    public async Task H3_cell_json_matches_the_library_without_a_server()
    {
        var result = CliAssert.Exit(0, await CliRunner.RunAsync(Nowhere, ["h3", "cell", "39.7392", "-104.9903", "9", "--json"]));
        var cell = H3Api.LatLngToCell(39.7392, -104.9903, 9);
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        Assert.Equal(cell.ToString(), root.GetProperty("cell").GetString());
        Assert.Equal(9, root.GetProperty("resolution").GetInt32());
        Assert.Equal(H3Api.GetBaseCellNumber(cell), root.GetProperty("base_cell").GetInt32());
        Assert.False(root.GetProperty("is_pentagon").GetBoolean());
        Assert.Equal(H3Api.CellToLatLng(cell).Lat, root.GetProperty("center").GetProperty("lat").GetDouble());
        Assert.Equal(6, root.GetProperty("boundary").GetArrayLength());
        Assert.Equal(H3Api.CellToBoundary(cell)[0].Lng, root.GetProperty("boundary")[0].GetProperty("lng").GetDouble());
    }

    [Fact]
    public async Task H3_cell_prints_the_cell_its_base_cell_centre_and_boundary()
    {
        var result = CliAssert.Exit(0, await CliRunner.RunAsync(Nowhere, ["h3", "cell", "0", "0", "0"]));
        var cell = H3Api.LatLngToCell(0, 0, 0);
        CliAssert.Contains($"Cell        {cell}", result.Out, result);
        CliAssert.Contains("Resolution  0 (class II)", result.Out, result);
        CliAssert.Contains($"Base cell   {H3Api.GetBaseCellNumber(cell).ToString(CultureInfo.InvariantCulture)}", result.Out, result);
        CliAssert.Contains("Boundary", result.Out, result);
    }

    [Theory]
    [InlineData("91", "0", "5", "LAT 91 is out of range")]
    [InlineData("0", "-181", "5", "LNG -181 is out of range")]
    [InlineData("0", "0", "16", "RES 16 is out of range")]
    public async Task H3_cell_rejects_bad_input_as_a_usage_error(string lat, string lng, string res, string message)
    {
        var result = CliAssert.Exit(1, await CliRunner.RunAsync(Nowhere, ["h3", "cell", lat, lng, res]));
        CliAssert.Contains(message, result.Error, result);
    }
}

public sealed class GlobalOptionsTests(SampleServer fixture) : IClassFixture<SampleServer>
{
    [Fact]
    public async Task The_url_comes_from_the_option_else_the_environment()
    {
        var env = new Dictionary<string, string?> { [GeoAssignCli.UrlVariable] = "http://127.0.0.1:9" };
        var fromOption = CliAssert.Exit(0, await CliRunner.RunAsync(env, ["--url", fixture.Server.Address.ToString(), "map", "info"]));
        CliAssert.Contains(fixture.Server.Address.ToString().TrimEnd('/'), fromOption.Out, fromOption);

        // The option also works after the command.
        CliAssert.Exit(0, await CliRunner.RunAsync(env, ["map", "info", "--url", fixture.Server.Address.ToString()]));
        CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "map", "info"));
    }

    [Fact]
    public async Task An_unreachable_server_is_exit_3_naming_the_url_and_how_to_point_elsewhere()
    {
        var port = TestServer.FreePort();
        var result = CliAssert.Exit(3, await CliRunner.RunAsync(new Dictionary<string, string?>(), ["--url", $"http://127.0.0.1:{port}", "resolve", "1", "2"]));
        CliAssert.Contains($"Cannot reach the GeoAssign server at http://127.0.0.1:{port}", result.Error, result);
        CliAssert.Contains("--url or GEOASSIGN_URL", result.Error, result);
        CliAssert.Contains("retrying", result.Error, result);
    }

    [Fact]
    public async Task A_malformed_url_or_timeout_is_a_usage_error()
    {
        var url = CliAssert.Exit(1, await CliRunner.RunAsync(new Dictionary<string, string?> { [GeoAssignCli.UrlVariable] = "localhost:5080" }, ["map", "info"]));
        CliAssert.Contains("GEOASSIGN_URL \"localhost:5080\" is not an absolute http:// or https:// URL", url.Error, url);
        var timeout = CliAssert.Exit(1, await CliRunner.RunAsync(fixture.Server, "map", "info", "--timeout", "-1"));
        CliAssert.Contains("--timeout", timeout.Error, timeout);
    }

    [Fact]
    public async Task Help_lists_the_commands_and_exit_codes_and_usage_errors_exit_1()
    {
        var help = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "--help"));
        foreach (var command in new[] { "import", "resolve", "resolve-csv", "reassign", "territories", "map", "h3" })
        {
            CliAssert.Contains($"  {command} ", help.Out, help);
        }

        CliAssert.Contains("Exit codes: 0 done; 1 usage or input error; 2 the server rejected the request", help.Out, help);
        CliAssert.Exit(1, await CliRunner.RunAsync(fixture.Server));
        CliAssert.Exit(1, await CliRunner.RunAsync(fixture.Server, "resolve", "1", "2", "--no-such-option"));
        CliAssert.Exit(1, await CliRunner.RunAsync(fixture.Server, "frobnicate"));
    }
}

public sealed class AuthCommandTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(TestServer.WithKeys);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Dictionary<string, string?> Environment(string? key) => new()
    {
        [GeoAssignCli.UrlVariable] = _server.Address.ToString(),
        [GeoAssignCli.ApiKeyVariable] = key,
    };

    [Fact]
    public async Task Without_a_key_the_cli_says_to_pass_one_and_exits_4()
    {
        var result = CliAssert.Exit(4, await CliRunner.RunAsync(Environment(null), ["map", "info"]));
        CliAssert.Contains("needs an API key", result.Error, result);
        CliAssert.Contains("--api-key KEY or set GEOASSIGN_API_KEY", result.Error, result);

        var unknown = CliAssert.Exit(4, await CliRunner.RunAsync(Environment(null), ["map", "info", "--api-key", "wrong-key-0123456789"]));
        CliAssert.Contains("does not accept this API key", unknown.Error, unknown);
    }

    [Fact]
    public async Task A_reader_key_may_look_up_but_an_edit_says_it_needs_the_editor_role()
    {
        CliAssert.Exit(0, await CliRunner.RunAsync(Environment(TestServer.ReaderKey), ["map", "info"]));
        var denied = CliAssert.Exit(4, await CliRunner.RunAsync(Environment(TestServer.ReaderKey), ["import", TestData.SamplePath]));
        CliAssert.Contains("needs an API key with the editor role", denied.Error, denied);
        var delete = CliAssert.Exit(4, await CliRunner.RunAsync(Environment(TestServer.ReaderKey), ["territories", "delete", "08"]));
        CliAssert.Contains("editor role", delete.Error, delete);
    }

    [Fact]
    public async Task An_editor_key_from_the_option_beats_the_environment_and_edits()
    {
        var result = CliAssert.Exit(0, await CliRunner.RunAsync(Environment(TestServer.ReaderKey),
            ["import", TestData.SamplePath, "--api-key", TestServer.EditorKey]));
        CliAssert.Contains("56 created", result.Out, result);
        CliAssert.Exit(0, await CliRunner.RunAsync(Environment(TestServer.ReaderKey), ["resolve", "39.7392", "-104.9903"]));
    }
}

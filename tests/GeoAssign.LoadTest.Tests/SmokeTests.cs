// A short run of every scenario and setup command, in-process, against the real server on a free port.
using System.Text.Json;
using GeoAssign.Testing.Servers;

namespace GeoAssign.LoadTest.Tests;

/// <summary>The real server with the shipped sample map (56 US states, layer geo), shared by the smoke tests.</summary>
public sealed class SampleServer : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync();
        await using var client = Server.Client();
        await client.ImportGeoJsonAsync(TestData.SamplePath);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class SmokeTests(SampleServer sample) : IClassFixture<SampleServer>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("geoassign-load-smoke-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("resolve")]
    [InlineData("batch", "--batch-size", "500")]
    [InlineData("stream", "--batch-size", "2000")]
    [InlineData("reassign", "--batch-size", "200")]
    [InlineData("echo")]
    [InlineData("echo-stream", "--batch-size", "2000")]
    public async Task Every_scenario_runs_without_errors_and_reports_what_it_measured(string scenario, params string[] extra)
    {
        var (code, output, error, result) = await RunAsync([scenario, .. Quick, .. extra]);

        Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
        Assert.True(result.GetProperty("requests").GetInt64() > 0);
        Assert.Equal(0, result.GetProperty("errorCount").GetInt64());
        Assert.Equal(result.GetProperty("requests").GetInt64(), result.GetProperty("latency").GetProperty("count").GetInt64());
        Assert.True(result.GetProperty("latency").GetProperty("p99Micros").GetInt64() > 0);
        Assert.True(result.GetProperty("itemsPerSecond").GetDouble() >= result.GetProperty("requestsPerSecond").GetDouble());
        Assert.Equal("closed", result.GetProperty("mode").GetString());
        // The final table went to stdout.
        Assert.Contains("p50 / p90 / p99 / p99.9 / max", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_open_loop_sends_at_the_rate_and_reports_its_dispatch_lag()
    {
        var (code, output, error, result) = await RunAsync(["resolve", "--warmup", "0.2", "--duration", "1", "--rate", "200", "--concurrency", "4"]);

        Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
        Assert.Equal("open", result.GetProperty("mode").GetString());
        Assert.InRange(result.GetProperty("requests").GetInt64(), 195, 201);
        Assert.Equal(0, result.GetProperty("unsent").GetInt64());
        Assert.Equal(result.GetProperty("requests").GetInt64(), result.GetProperty("dispatchLag").GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task Mixed_moves_a_border_while_resolving()
    {
        var (code, output, error, result) = await RunAsync(["mixed", .. Quick, "--edit-rate", "10"]);

        Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
        Assert.Equal(0, result.GetProperty("errorCount").GetInt64());
        // Edits go one at a time (each waits for its fsync), so a loaded machine sends fewer than 10 a second.
        Assert.InRange(result.GetProperty("edits").GetInt64(), 1, 11);
        Assert.True(result.GetProperty("editLatency").GetProperty("count").GetInt64() > 0);
        Assert.False(result.TryGetProperty("editErrors", out var editErrors) && editErrors.EnumerateObject().Any(), editErrors.ToString());
        // The edited territory is the state that covers the first point (uniform over the continental US).
        Assert.Matches("^[0-9]{2}$", result.GetProperty("editTerritory").GetString());
    }

    [Fact]
    public async Task Converge_times_edits_through_rotating_targets_until_every_target_serves_them()
    {
        // Two targets that are the same server: rotation, one watch per target, an answer per edit.
        var (code, output, error, result) = await RunAsync(["converge", "--target", sample.Server.Address.ToString(), .. Quick, "--edit-rate", "20"]);

        Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
        Assert.Equal(2, result.GetProperty("targets").GetArrayLength());
        Assert.Equal(0, result.GetProperty("errorCount").GetInt64());
        Assert.InRange(result.GetProperty("requests").GetInt64(), 1, 21);
        Assert.Equal("geoassign-load-probe", result.GetProperty("editTerritory").GetString());
    }

    [Fact]
    public async Task Points_answers_and_territories_are_exported_for_a_peer()
    {
        var points = Path.Combine(_folder, "points.csv");
        var answers = Path.Combine(_folder, "answers.csv");
        var territories = Path.Combine(_folder, "territories.tsv");
        var denver = Path.Combine(_folder, "denver.csv");
        File.WriteAllText(denver, "id,lat,lng\nd,39.7392,-104.9903\natlantic,30,-40\n");

        Assert.Equal(0, (await RunAsync(["points", "--point-count", "1000", "--out", points], json: false)).Code);
        Assert.Equal(0, (await RunAsync(["answers", "--points", $"file:{denver}", "--out", answers], json: false)).Code);
        Assert.Equal(0, (await RunAsync(["export-territories", "--out", territories], json: false)).Code);

        var pointLines = File.ReadAllLines(points);
        Assert.Equal(1001, pointLines.Length);
        Assert.Equal("id,lat,lng", pointLines[0]);
        Assert.StartsWith("1,", pointLines[1], StringComparison.Ordinal);
        Assert.Equal(["id,territory_id", "1,08", "2,"], File.ReadAllLines(answers));
        var rows = File.ReadAllLines(territories);
        Assert.Equal(56, rows.Length);
        Assert.All(rows, row =>
        {
            var fields = row.Split('\t');
            Assert.Equal(3, fields.Length);
            Assert.Equal("0", fields[1]);
            using var geometry = JsonDocument.Parse(fields[2]);
            Assert.Contains(geometry.RootElement.GetProperty("type").GetString(), new[] { "Polygon", "MultiPolygon" });
        });
    }

    [Fact]
    public async Task Near_border_points_can_come_from_the_servers_territories()
    {
        var points = Path.Combine(_folder, "near.csv");

        var (code, _, error, _) = await RunAsync(["points", "--points", "near-borders", "--border-metres", "5", "--point-count", "200", "--out", points], json: false);

        Assert.True(code == 0, error);
        var rows = File.ReadAllLines(points).Skip(1).Select(line => line.Split(',')).ToArray();
        Assert.Equal(200, rows.Length);
        // Every point lies within 5 m of a US state border, so inside the states' overall box.
        Assert.All(rows, row => Assert.InRange(double.Parse(row[1], System.Globalization.CultureInfo.InvariantCulture), -15, 72));
    }

    [Theory]
    [InlineData("--concurrency 0 resolve", "--concurrency 0")]
    [InlineData("stream --rate 10", "closed loop only")]
    [InlineData("resolve --points uniform:1,2,3", "uniform needs 4")]
    [InlineData("resolve --target ftp://x", "--target")]
    public async Task Bad_options_stop_with_a_message_and_exit_code_1(string arguments, string message)
    {
        var (code, _, error, _) = await RunAsync(arguments.Split(' '), json: false);

        Assert.Equal(1, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_server_is_reported_by_status_code()
    {
        var port = TestServer.FreePort();
        var json = Path.Combine(_folder, "down.json");
        var output = new StringWriter();
        var error = new StringWriter();

        var code = await LoadTestCli.RunAsync(["resolve", "--target", $"http://127.0.0.1:{port}", "--warmup", "0", "--duration", "0.5", "-c", "1", "--json", json],
            LoadTestHost.ForWriters(output, error));

        Assert.Equal(LoadTestCli.ServerError, code);
        using var result = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal(0, result.RootElement.GetProperty("requests").GetInt64());
        Assert.True(result.RootElement.GetProperty("errors").GetProperty("Unavailable").GetInt64() > 0);
    }

    // No warm-up: every caller's first call starts inside the window and is counted however slowly a
    // loaded machine answers it (a first call also pays for the JIT on both sides).
    private static readonly string[] Quick = ["--warmup", "0", "--duration", "1", "--concurrency", "2", "--point-count", "10000"];

    private async Task<(int Code, string Output, string Error, JsonElement Result)> RunAsync(string[] args, bool json = true)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var path = Path.Combine(_folder, $"{Guid.NewGuid():N}.json");
        string[] all = [.. args, "--target", sample.Server.Address.ToString(), .. json ? new[] { "--json", path } : []];
        var code = await LoadTestCli.RunAsync(all, LoadTestHost.ForWriters(output, error));
        var result = json && File.Exists(path) ? JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone() : default;
        return (code, output.ToString(), error.ToString(), result);
    }
}

// Short runs of the activate and history scenarios against two real replicas that share a real redis-server.
using System.Text.Json;
using GeoAssign.Protos.V1;
using GeoAssign.Testing.Servers;

namespace GeoAssign.LoadTest.Tests;

/// <summary>
/// A redis-server and two servers in-process that follow it (each on a free loopback port), with the
/// shipped sample map (56 US states, layer geo) imported through the first. Shared by the plan
/// scenario tests, which run one at a time (one class).
/// </summary>
public sealed class TwoReplicas : IAsyncLifetime
{
    public RedisServer Redis { get; private set; } = null!;

    public TestServer First { get; private set; } = null!;

    public TestServer Second { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        var map = "plans-" + Guid.NewGuid().ToString("N")[..8];
        First = await TestServer.StartAsync(Settings(map, "replica-0"));
        Second = await TestServer.StartAsync(Settings(map, "replica-1"));
        await using var client = First.Client();
        var imported = await client.ImportGeoJsonAsync(TestData.SamplePath);
        // The second replica learns of the import through Redis: the tests start once it serves it.
        await Eventually.UntilAsync(async () => (await Second.Territories.GetMapInfoAsync(new GetMapInfoRequest())).MapVersion >= imported.MapVersion,
            TimeSpan.FromSeconds(30), "the second replica serves the imported map");
    }

    public async Task DisposeAsync()
    {
        await Second.DisposeAsync();
        await First.DisposeAsync();
        await Redis.DisposeAsync();
    }

    private Dictionary<string, string?> Settings(string map, string replica) => new()
    {
        ["GeoAssign:Redis:ConnectionString"] = Redis.ConnectionString,
        ["GeoAssign:Redis:MapName"] = map,
        ["GeoAssign:ReplicaId"] = replica,
    };
}

public sealed class PlanScenarioTests(TwoReplicas cluster) : IClassFixture<TwoReplicas>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("geoassign-load-plans-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Activate_times_plans_made_live_through_each_replica_and_leaves_the_map_as_it_found_it()
    {
        var before = await LiveTerritoriesAsync();

        var (code, output, error, result) = await RunAsync(["activate", "--activations", "2", "--warmup-activations", "0", "--change-share", "0.2", "--border-moves", "2"]);

        Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
        Assert.Equal(2, result.GetProperty("requests").GetInt64());
        Assert.Equal(0, result.GetProperty("errorCount").GetInt64());
        Assert.Equal(2, result.GetProperty("latency").GetProperty("count").GetInt64());
        var steps = result.GetProperty("phases").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("latency"));
        Assert.Equal(2, steps["CreatePlan sent → plan indexed on every replica"].GetProperty("count").GetInt64());
        Assert.Equal(2, steps["DiffPlan, first call (computed)"].GetProperty("count").GetInt64());
        Assert.Equal(2, steps["ActivatePlan call"].GetProperty("count").GetInt64());
        Assert.Equal(2, steps["ActivatePlan acknowledged → the activating replica serving"].GetProperty("count").GetInt64());
        // Two activations, each watched on the one replica that did not make it.
        Assert.Equal(2, steps["ActivatePlan acknowledged → each other replica serving"].GetProperty("count").GetInt64());
        Assert.True(steps["CreatePlan call (copies and indexes the live map on that replica)"].GetProperty("p50Micros").GetInt64() > 0);
        var notes = string.Join("\n", result.GetProperty("notes").EnumerateArray().Select(n => n.GetString()));
        // 20 % of 56 states: 2 moved borders (4 states) and 7 other owners; the diffs and activations saw all 11.
        Assert.Contains("each plan changes 11 of them (7 other owners, 2 moved borders", notes, StringComparison.Ordinal);
        Assert.Contains("territories the diffs listed: 11; territories the activations upserted: 11", notes, StringComparison.Ordinal);

        // A redistricting round and the round that restores it: the live map is what it was, and no plan is left.
        Assert.Equal(before, await LiveTerritoriesAsync());
        var plans = await new PlanService.PlanServiceClient(cluster.Second.Channel).ListPlansAsync(new ListPlansRequest());
        Assert.Empty(plans.Plans);
        var history = await cluster.First.Territories.ListVersionsAsync(new ListVersionsRequest());
        Assert.Equal(2, history.Versions.Count(v => v.ActivatedPlan.StartsWith("geoassign-load-", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task History_compares_a_past_version_with_the_live_map_and_times_the_first_lookup_on_each()
    {
        await MakeAPastVersionAsync();

        var (code, output, error, result) = await RunAsync(["history", "--warmup", "0", "--duration", "1", "--concurrency", "3", "--point-count", "1000", "--first-lookups", "2"]);

        Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
        Assert.Equal(0, result.GetProperty("errorCount").GetInt64());
        var steps = result.GetProperty("phases").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("latency").GetProperty("count").GetInt64());
        var live = steps["Resolve, live map"];
        Assert.True(live > 0);
        var version = Assert.Single(steps.Keys, k => k.StartsWith("Resolve, version ", StringComparison.Ordinal));
        var asOf = Assert.Single(steps.Keys, k => k.StartsWith("Resolve, as_of ", StringComparison.Ordinal));
        // Three callers, one of each kind at a time: the kinds stay within a call of one another per caller.
        Assert.InRange(steps[version], live - 3, live + 3);
        Assert.InRange(steps[asOf], live - 3, live + 3);
        // The driver and the scenario each read the clock to place a call in the window: one call a caller may fall apart.
        Assert.InRange(live + steps[version] + steps[asOf], result.GetProperty("requests").GetInt64() - 3, result.GetProperty("requests").GetInt64());
        Assert.InRange(steps["Resolve, first call on a past version (builds its index)"], 1, 2);
        Assert.Equal(steps["Resolve, first call on a past version (builds its index)"], steps["Resolve, second call on that version"]);
    }

    [Fact]
    public async Task History_refuses_a_version_the_history_does_not_list()
    {
        await MakeAPastVersionAsync();

        var (code, _, error, _) = await RunAsync(["history", "--map-version", "999999", "--duration", "0.2"], json: false);

        Assert.Equal(1, code);
        Assert.Contains("--map-version 999999 is not a past version", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("activate --change-share 0", "--change-share 0")]
    [InlineData("activate --activations 0", "--activations 0")]
    [InlineData("activate --layer nothing-here", "layer nothing-here has 0")]
    public async Task Bad_activate_options_stop_with_a_message_and_exit_code_1(string arguments, string message)
    {
        var (code, _, error, _) = await RunAsync(arguments.Split(' '), json: false);

        Assert.Equal(1, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    private async Task<Dictionary<string, (string Owner, string Geometry)>> LiveTerritoriesAsync()
    {
        var page = await cluster.Second.Territories.ListTerritoriesAsync(new ListTerritoriesRequest { Layer = "geo", IncludeGeometry = true, PageSize = 1000 });
        Assert.Empty(page.NextPageToken);
        return page.Territories.ToDictionary(t => t.Id, t => (t.OwnerId, t.GeometryGeojson));
    }

    // A live edit in a layer of its own: the version before it (the import's, at least) is a past one.
    private async Task MakeAPastVersionAsync() =>
        await cluster.First.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest { Territories = { Square($"history-probe-{Guid.NewGuid():N}") } });

    private static Territory Square(string id) => new()
    {
        Id = id,
        OwnerId = "rep-probe",
        Layer = "probe",
        GeometryGeojson = """{"type":"Polygon","coordinates":[[[10,10],[10.1,10],[10.1,10.1],[10,10.1],[10,10]]]}""",
    };

    private async Task<(int Code, string Output, string Error, JsonElement Result)> RunAsync(string[] args, bool json = true)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var path = Path.Combine(_folder, $"{Guid.NewGuid():N}.json");
        string[] all = [.. args, "--target", cluster.First.Address.ToString(), "--target", cluster.Second.Address.ToString(), .. json ? new[] { "--json", path } : []];
        var code = await LoadTestCli.RunAsync(all, LoadTestHost.ForWriters(output, error));
        var result = json && File.Exists(path) ? JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone() : default;
        return (code, output.ToString(), error.ToString(), result);
    }
}

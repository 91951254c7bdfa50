// geoassign plan propose: a plan written from accounts and owners, progress on a terminal, tables and JSON, refusals.
using System.Globalization;
using System.Text.Json;
using GeoAssign.Cli;
using GeoAssign.Protos.V1;
using GeoAssign.Testing.Servers;

namespace GeoAssign.Cli.Tests;

public sealed class PlanProposeCommandTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("geoassign-propose-tests-").FullName;
    private TestServer _server = null!;
    private string _accounts = "";
    private string _owners = "";

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        // Twelve 1-degree squares in a row: rep-a has eight, rep-b three, rep-c one.
        await _server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Territories = { Enumerable.Range(0, 12).Select(i => Shapes.Territory($"t{i:00}", Shapes.Square(i, 0, 1), owner: $"rep-{"aaaaaaaabbbc"[i]}")) },
        });

        var random = new Random(11);
        _accounts = Path.Combine(_folder, "accounts.csv");
        await File.WriteAllLinesAsync(_accounts, ["id,lat,lng,potential",
            .. Enumerable.Range(0, 1_200).Select(i => string.Create(CultureInfo.InvariantCulture,
                $"acc-{i},{0.05 + 0.9 * random.NextDouble():R},{random.Next(0, 12) + 0.05 + 0.9 * random.NextDouble():R},{1 + random.Next(0, 9)}")),
            "acc-far,50,50,1"]);
        _owners = Path.Combine(_folder, "owners.csv");
        await File.WriteAllLinesAsync(_owners, ["owner_id,capacity", "rep-a,1", "rep-b,1", "rep-c,1"]);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_proposal_for_owners_is_written_as_a_plan_and_summarised_against_the_baseline_and_today()
    {
        var result = CliAssert.Exit(0, await CliRunner.RunAsync(_server, "plan", "propose", "fy27", "--accounts", _accounts, "--blocks", "layer:geo",
            "--owners", _owners, "--weight-column", "potential", "--time-limit", "5s", "--seed", "4"));
        CliAssert.Contains("Wrote plan fy27", result.Out, result);
        CliAssert.Contains("k-means baseline", result.Out, result);
        CliAssert.Contains("today", result.Out, result);
        CliAssert.Contains("1 accounts lie in no block", result.Out, result);
        CliAssert.Contains("3 territories created, 0 replaced, 12 deleted", result.Out, result);

        var plan = await new PlanService.PlanServiceClient(_server.Channel).GetPlanAsync(new GetPlanRequest { Name = "fy27" });
        Assert.Equal(3u, plan.Plan.TerritoryCount);
    }

    [Fact]
    public async Task Json_carries_the_figures_and_a_terminal_shows_progress()
    {
        var environment = new Dictionary<string, string?> { [GeoAssignCli.UrlVariable] = _server.Address.ToString() };
        var result = CliAssert.Exit(0, await CliRunner.RunAsync(environment, ["plan", "propose", "fy28", "--accounts", _accounts, "--blocks", "layer:geo",
            "--territories", "3", "--time-limit", "5s", "--json"], interactive: true));
        CliAssert.Contains("Proposing fy28 from accounts.csv", result.Error, result);
        using var json = JsonDocument.Parse(result.Out);
        var proposal = json.RootElement.GetProperty("proposal");
        Assert.Equal("fy28", proposal.GetProperty("plan").GetProperty("name").GetString());
        var territories = proposal.GetProperty("figures").GetProperty("territories");
        Assert.Equal(3, territories.GetArrayLength());
        Assert.Equal(12, territories.EnumerateArray().Sum(t => t.GetProperty("block_count").GetInt32()));
        Assert.Equal(1_200, territories.EnumerateArray().Sum(t => t.GetProperty("account_count").GetInt64()));
    }

    [Theory]
    [InlineData("--blocks", "county", "write layer:LAYER")]
    [InlineData("--blocks", "h3:16", "write layer:LAYER")]
    [InlineData("--territories", "3", "Give --territories K or --owners")]
    public async Task Bad_options_are_input_errors(string option, string value, string expected)
    {
        string[] args = option == "--territories"
            ? ["plan", "propose", "p", "--accounts", _accounts, "--blocks", "layer:geo", "--owners", _owners, option, value]
            : ["plan", "propose", "p", "--accounts", _accounts, "--territories", "2", option, value];
        var result = CliAssert.Exit(ExitCodes.InputError, await CliRunner.RunAsync(_server, args));
        CliAssert.Contains(expected, result.Error, result);
    }

    [Fact]
    public async Task A_server_refusal_names_the_problem()
    {
        var result = await CliRunner.RunAsync(_server, "plan", "propose", "p", "--accounts", _accounts, "--blocks", "layer:geo", "--territories", "13");
        CliAssert.Exit(ExitCodes.Rejected, result);
        CliAssert.Contains("13 territories cannot be drawn from 12 blocks", result.Error, result);
    }

    [Fact]
    public async Task Split_heavy_divides_the_squares_and_the_output_names_the_shared_ones()
    {
        // Each square carries about a quarter of a target of three: above a share of 0.2, all are divided.
        var result = CliAssert.Exit(0, await CliRunner.RunAsync(_server, "plan", "propose", "fy29", "--accounts", _accounts, "--blocks", "layer:geo",
            "--territories", "3", "--split-heavy", "20%", "--balance-tolerance", "off", "--iteration-budget", "200000", "--time-limit", "20s"));
        CliAssert.Contains("Divided blocks", result.Out, result);
        CliAssert.Contains("blocks heavier than", result.Out, result);
        CliAssert.Contains("are shared by several territories", result.Out, result);

        var plain = CliAssert.Exit(0, await CliRunner.RunAsync(_server, "plan", "propose", "fy30", "--accounts", _accounts, "--blocks", "layer:geo",
            "--territories", "3", "--split-heavy", "off", "--time-limit", "5s"));
        Assert.DoesNotContain("Divided blocks", plain.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("off", 0.0)]
    [InlineData("0.3", 0.3)]
    [InlineData("30%", 0.3)]
    [InlineData("30", 0.3)]
    public void Split_shares_read_as_numbers_or_percentages(string? text, double? expected) =>
        Assert.Equal(expected, Commands.PlanProposeCommand.SplitShare(text));

    [Fact]
    public void Objective_weights_not_named_keep_the_defaults()
    {
        Assert.Null(Commands.PlanProposeCommand.Objective(null));
        Assert.Equal((1.0, 30.0, 0.1), Commands.PlanProposeCommand.Objective("compactness=30"));
        Assert.Equal((2.0, 0.5, 0.0), Commands.PlanProposeCommand.Objective(" Disruption=0 , balance=2,compactness=5e-1"));
    }

    [Fact]
    public async Task An_objective_reaches_the_search()
    {
        // rep-a holds eight squares today: balance moves accounts away from rep-a, while disruption
        // alone keeps every account with its owner. Different moved counts show that the weights reach
        // the engine rather than being parsed and dropped.
        var balanced = CliAssert.Exit(0, await CliRunner.RunAsync(_server, "plan", "propose", "obj-b", "--accounts", _accounts, "--blocks", "layer:geo",
            "--owners", _owners, "--objective", "balance=1,compactness=0,disruption=0", "--iteration-budget", "200000", "--json"));
        var still = CliAssert.Exit(0, await CliRunner.RunAsync(_server, "plan", "propose", "obj-d", "--accounts", _accounts, "--blocks", "layer:geo",
            "--owners", _owners, "--objective", "balance=0,compactness=0,disruption=1", "--iteration-budget", "200000", "--json"));
        Assert.True(Moved(balanced.Out) > 0, balanced.Out);
        Assert.Equal(0, Moved(still.Out));

        static long Moved(string json) => JsonDocument.Parse(json).RootElement.GetProperty("proposal").GetProperty("figures").GetProperty("moved_accounts").GetInt64();
    }

    [Theory]
    [InlineData("--split-heavy", "0", "--split-heavy 0")]
    [InlineData("--split-heavy", "lots", "--split-heavy lots")]
    [InlineData("--balance-tolerance", "x", "--balance-tolerance x")]
    [InlineData("--iteration-budget", "0", "--iteration-budget 0")]
    [InlineData("--objective", "compactness", "'compactness' is not NAME=WEIGHT")]
    [InlineData("--objective", "compactness=-1", "'compactness=-1' is not NAME=WEIGHT")]
    [InlineData("--objective", "shape=1", "'shape' is not an objective")]
    [InlineData("--objective", "balance=1,balance=2", "balance is named twice")]
    [InlineData("--objective", "balance=0,compactness=0,disruption=0", "at least one weight must be above 0")]
    public async Task Bad_split_tolerance_and_budget_values_are_input_errors(string option, string value, string expected)
    {
        var result = CliAssert.Exit(ExitCodes.InputError, await CliRunner.RunAsync(_server, "plan", "propose", "p", "--accounts", _accounts, "--blocks", "layer:geo",
            "--territories", "2", option, value));
        CliAssert.Contains(expected, result.Error, result);
    }
}

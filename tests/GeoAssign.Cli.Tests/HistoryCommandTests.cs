// geoassign map history, map rollback, plan create --from-version, and --version / --as-of on the lookup commands.
using System.Globalization;
using System.Text.Json;
using GeoAssign.Client;

namespace GeoAssign.Cli.Tests;

/// <summary>
/// Version 1 seeds west (rep-a) and east (rep-b); version 2 moves east to rep-c ("east to rep-c"); a plan "p"
/// takes version 3 (not a live version).
/// </summary>
public sealed class HistoryCommandTests : PlanServerTests
{
    private DateTimeOffset _afterV1;

    private async Task SecondVersionAndPlanAsync()
    {
        // Version 2 takes effect after the clock moved past this instant, so it lies between versions 1 and 2.
        _afterV1 = DateTimeOffset.UtcNow;
        var deadline = DateTimeOffset.UtcNow.AddSeconds(5);
        while (DateTimeOffset.UtcNow <= _afterV1.AddMilliseconds(20))
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "the clock did not move on");
            await Task.Delay(5);
        }
        await Client.UpsertAsync([Square("east", 1, "rep-c")], new EditOptions { Message = "east to rep-c" });
        await Client.CreatePlanAsync("p");
    }

    private string AsOf => _afterV1.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Map_history_lists_the_live_versions_newest_first_with_their_messages()
    {
        await SecondVersionAndPlanAsync();

        var table = CliAssert.Exit(0, await RunAsync("map", "history"));
        CliAssert.Contains("east to rep-c", table.Out, table);
        CliAssert.Contains("seed", table.Out, table);
        CliAssert.Contains("`geoassign map rollback VERSION`", table.Out, table);

        var json = CliAssert.Exit(0, await RunAsync("map", "history", "--json"));
        using var document = JsonDocument.Parse(json.Out);
        var versions = document.RootElement.EnumerateArray().ToList();
        Assert.Equal([2UL, 1UL], versions.Select(v => v.GetProperty("version").GetUInt64()));
        Assert.Equal(["version", "time", "author", "message", "upserted", "deleted", "activated_plan"], Names(versions[0]));
        Assert.Equal((1, 0), (versions[0].GetProperty("upserted").GetInt32(), versions[0].GetProperty("deleted").GetInt32()));

        using var limited = JsonDocument.Parse(CliAssert.Exit(0, await RunAsync("map", "history", "--limit", "1", "--json")).Out);
        Assert.Equal([2UL], limited.RootElement.EnumerateArray().Select(v => v.GetProperty("version").GetUInt64()));
        CliAssert.Contains("--limit 0 must be 1 or more", CliAssert.Exit(1, await RunAsync("map", "history", "--limit", "0")).Error, json);
    }

    [Fact]
    public async Task An_activation_appears_in_the_history_with_its_plan_and_message()
    {
        await PlanMovingEastAsync("fy27");
        CliAssert.Exit(0, await RunAsync("plan", "activate", "fy27", "--message", "go live"));

        using var document = JsonDocument.Parse(CliAssert.Exit(0, await RunAsync("map", "history", "--limit", "1", "--json")).Out);
        var newest = Assert.Single(document.RootElement.EnumerateArray());
        Assert.Equal(("fy27", "go live"), (newest.GetProperty("activated_plan").GetString(), newest.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Map_rollback_makes_a_past_version_live_again_and_refuses_stale_or_unknown_versions()
    {
        await SecondVersionAndPlanAsync();

        var stale = CliAssert.Exit(2, await RunAsync("map", "rollback", "1", "--expected-version", "1"));
        CliAssert.Contains("not at the expected version", stale.Error, stale);
        CliAssert.Contains("retry with --expected-version 2", stale.Error, stale);

        var rolledBack = CliAssert.Exit(0, await RunAsync("map", "rollback", "1", "--expected-version", "2", "--message", "undo"));
        CliAssert.Contains("Rolled the live map back to version 1: 1 territories created or replaced, 0 deleted. Map version 4.", rolledBack.Out, rolledBack);
        Assert.Equal("rep-b", (await Client.ResolveAsync(0.5, 1.5)).OwnerId);

        var json = CliAssert.Exit(0, await RunAsync("map", "rollback", "2", "--json"));
        using var document = JsonDocument.Parse(json.Out);
        Assert.Equal(["rolled_back_to", "map_version", "upserted", "deleted"], Names(document.RootElement));
        Assert.Equal(2UL, document.RootElement.GetProperty("rolled_back_to").GetUInt64());

        var planVersion = CliAssert.Exit(2, await RunAsync("map", "rollback", "3"));
        CliAssert.Contains("FAILED_PRECONDITION", planVersion.Error, planVersion);
        CliAssert.Contains("hint: `geoassign map history` lists the versions the server keeps.", planVersion.Error, planVersion);
        CliAssert.Exit(1, await RunAsync("map", "rollback", "latest"));
        CliAssert.Contains("VERSION 0 is the map before any edit", CliAssert.Exit(1, await RunAsync("map", "rollback", "0")).Error, planVersion);
    }

    [Fact]
    public async Task Lookups_answer_from_a_past_version_or_instant()
    {
        await SecondVersionAndPlanAsync();

        var atVersion = CliAssert.Exit(0, await RunAsync("resolve", "0.5", "1.5", "--version", "1"));
        CliAssert.Contains("Owner        rep-b", atVersion.Out, atVersion);
        CliAssert.Contains("Map          version 1", atVersion.Out, atVersion);
        using (var json = JsonDocument.Parse(CliAssert.Exit(0, await RunAsync("resolve", "0.5", "1.5", "--as-of", AsOf, "--json")).Out))
        {
            Assert.Equal(("rep-b", 1UL), (json.RootElement.GetProperty("owner_id").GetString(), json.RootElement.GetProperty("map_version").GetUInt64()));
        }

        CliAssert.Contains("Owner        rep-c", CliAssert.Exit(0, await RunAsync("resolve", "0.5", "1.5")).Out, atVersion);

        var points = File("points.csv");
        await System.IO.File.WriteAllLinesAsync(points, ["id,lat,lng", "e,0.5,1.5"]);
        CliAssert.Exit(0, await RunAsync("resolve-csv", points, File("owners.csv"), "--version", "1"));
        Assert.Equal(["e", "east", "rep-b"], ResolveCsvCommandTests.ReadCsv(File("owners.csv"))[1].Take(3));

        var accounts = File("accounts.csv");
        await System.IO.File.WriteAllLinesAsync(accounts, ["id,lat,lng,current_owner_id", "a,0.5,1.5,rep-c"]);
        var reassign = CliAssert.Exit(0, await RunAsync("reassign", accounts, File("moves.csv"), "--as-of", AsOf));
        CliAssert.Contains("against the live map as of", reassign.Out, reassign);
        Assert.Equal([["a", "rep-c", "rep-b", "east"]], ResolveCsvCommandTests.ReadCsv(File("moves.csv")).Skip(1));
    }

    [Fact]
    public async Task A_version_that_is_not_a_live_one_is_rejected_with_a_pointer_to_the_history_and_bad_input_is_a_usage_error()
    {
        await SecondVersionAndPlanAsync();

        var planVersion = CliAssert.Exit(2, await RunAsync("resolve", "0.5", "1.5", "--version", "3"));
        CliAssert.Contains("FAILED_PRECONDITION", planVersion.Error, planVersion);
        CliAssert.Contains("`geoassign map history` lists the versions the server keeps", planVersion.Error, planVersion);

        CliAssert.Contains("--as-of \"last week\" is not an ISO-8601", CliAssert.Exit(1, await RunAsync("resolve", "0.5", "1.5", "--as-of", "last week")).Error, planVersion);
        CliAssert.Contains("--version 0 is the map before any edit", CliAssert.Exit(1, await RunAsync("resolve", "0.5", "1.5", "--version", "0")).Error, planVersion);
    }

    [Fact]
    public async Task Plan_create_from_a_past_version_starts_the_plan_there()
    {
        await SecondVersionAndPlanAsync();

        var created = CliAssert.Exit(0, await RunAsync("plan", "create", "old", "--from-version", "1", "--json"));
        using var document = JsonDocument.Parse(created.Out);
        Assert.Equal(1UL, document.RootElement.GetProperty("base_version").GetUInt64());
        Assert.Equal("rep-b", (await Client.ResolveAsync(0.5, 1.5, null, MapView.ForPlan("old"))).OwnerId);

        var planVersion = CliAssert.Exit(2, await RunAsync("plan", "create", "older", "--from-version", "3"));
        CliAssert.Contains("FAILED_PRECONDITION", planVersion.Error, planVersion);
        CliAssert.Contains("`geoassign map history`", planVersion.Error, planVersion);
    }
}

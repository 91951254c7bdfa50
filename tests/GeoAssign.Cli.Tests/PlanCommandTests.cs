// geoassign plan ..., and --plan on import, territories, resolve, resolve-csv and reassign, against a real server.
using System.Globalization;
using System.Text.Json;
using GeoAssign.Client;
using GeoAssign.Testing.Servers;

namespace GeoAssign.Cli.Tests;

/// <summary>
/// A server per test holding two 1°×1° squares at the equator in layer geo: "west" (rep-a) at version 1 and
/// "east" (rep-b), and a folder for files.
/// </summary>
public abstract class PlanServerTests : IAsyncLifetime
{
    protected TestServer Server { get; private set; } = null!;

    protected GeoAssignClient Client { get; private set; } = null!;

    protected string Folder { get; } = Directory.CreateTempSubdirectory("geoassign-cli-plans-").FullName;

    public async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync();
        Client = Server.Client();
        await Client.UpsertAsync([Square("west", 0, "rep-a"), Square("east", 1, "rep-b")], new EditOptions { Message = "seed" });
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }

    protected static Territory Square(string id, double lng, string owner, double width = 1, int priority = 0) => new()
    {
        Id = id,
        OwnerId = owner,
        Priority = priority,
        GeometryGeoJson = string.Create(CultureInfo.InvariantCulture,
            $"{{\"type\":\"Polygon\",\"coordinates\":[[[{lng},0],[{lng + width},0],[{lng + width},1],[{lng},1],[{lng},0]]]}}"),
    };

    /// <summary>A square of <paramref name="size"/>° as GeoJSON geometry text.</summary>
    protected static string Rectangle(double lng, double lat, double size) => string.Create(CultureInfo.InvariantCulture,
        $"{{\"type\":\"Polygon\",\"coordinates\":[[[{lng},{lat}],[{lng + size},{lat}],[{lng + size},{lat + size}],[{lng},{lat + size}],[{lng},{lat}]]]}}");

    protected string File(string name) => Path.Combine(Folder, name);

    protected Task<CliResult> RunAsync(params string[] args) => CliRunner.RunAsync(Server, args);

    /// <summary>A plan "p" where "east" belongs to rep-c.</summary>
    protected async Task<ulong> PlanMovingEastAsync(string name = "p")
    {
        await Client.CreatePlanAsync(name);
        return (await Client.UpsertAsync([Square("east", 1, "rep-c")], new EditOptions { Plan = name })).MapVersion;
    }

    protected async Task<string> FeaturesAsync(string name, params (string Id, double Lng, string Owner)[] features)
    {
        var path = File(name);
        await System.IO.File.WriteAllTextAsync(path, "{\"type\":\"FeatureCollection\",\"features\":["
            + string.Join(",", features.Select(f => $"{{\"type\":\"Feature\",\"id\":\"{f.Id}\",\"properties\":{{\"owner_id\":\"{f.Owner}\"}},\"geometry\":{Square(f.Id, f.Lng, f.Owner).GeometryGeoJson}}}"))
            + "]}");
        return path;
    }

    protected static string[] Names(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name)];

    protected static string Text(ulong value) => value.ToString(CultureInfo.InvariantCulture);
}

public sealed class PlanCommandTests : PlanServerTests
{
    private static readonly string[] PlanFields =
        ["name", "status", "version", "base_version", "territory_count", "layers", "created_time", "created_by", "message", "effective_at", "scheduled_rebase", "scheduled_force", "activated_version"];

    [Fact]
    public async Task Plan_create_says_where_the_plan_starts_and_what_to_do_next()
    {
        var created = CliAssert.Exit(0, await RunAsync("plan", "create", "fy27", "--message", "next year"));
        CliAssert.Contains("Created plan fy27, from live version 1 (2 territories). Plan version 2.", created.Out, created);
        CliAssert.Contains("`geoassign plan import fy27 FILE`", created.Out, created);

        var blank = CliAssert.Exit(0, await RunAsync("plan", "create", "blank", "--empty"));
        CliAssert.Contains("Created plan blank, empty. Plan version 3.", blank.Out, blank);

        var json = CliAssert.Exit(0, await RunAsync("plan", "create", "fy28", "--json"));
        using var document = JsonDocument.Parse(json.Out);
        Assert.Equal(PlanFields, Names(document.RootElement));
        Assert.Equal(("fy28", "draft", 1UL, 2), (document.RootElement.GetProperty("name").GetString(), document.RootElement.GetProperty("status").GetString(),
            document.RootElement.GetProperty("base_version").GetUInt64(), document.RootElement.GetProperty("territory_count").GetInt32()));
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("activated_version").ValueKind);
    }

    [Fact]
    public async Task Plan_create_refuses_a_name_in_use_with_a_hint_and_contradictory_options_as_a_usage_error()
    {
        CliAssert.Exit(0, await RunAsync("plan", "create", "fy27"));
        var again = CliAssert.Exit(2, await RunAsync("plan", "create", "fy27"));
        CliAssert.Contains("ALREADY_EXISTS", again.Error, again);
        CliAssert.Contains("hint: Pick another name, or delete the old plan first (`geoassign plan delete fy27`)", again.Error, again);

        var both = CliAssert.Exit(1, await RunAsync("plan", "create", "x", "--empty", "--from-version", "1"));
        CliAssert.Contains("--from-version and --empty are mutually exclusive", both.Error, both);
        CliAssert.Exit(1, await RunAsync("plan", "create"));
        var badName = CliAssert.Exit(2, await RunAsync("plan", "create", "has space"));
        CliAssert.Contains("INVALID_ARGUMENT", badName.Error, badName);
    }

    [Fact]
    public async Task Plan_import_and_import_with_plan_edit_only_the_plan()
    {
        await Client.CreatePlanAsync("fy27");
        var file = await FeaturesAsync("east.geojson", ("east", 1, "rep-c"));

        var imported = CliAssert.Exit(0, await RunAsync("plan", "import", "fy27", file, "--message", "east to rep-c"));
        CliAssert.Contains("Imported east.geojson", imported.Out, imported);
        CliAssert.Contains("into plan fy27: 0 created, 1 updated, 0 deleted. Plan version 3; the live map is unchanged.", imported.Out, imported);
        CliAssert.Contains("Next: `geoassign plan diff fy27`", imported.Out, imported);

        var north = await FeaturesAsync("north.geojson", ("north", 5, "rep-n"));
        var json = CliAssert.Exit(0, await RunAsync("import", north, "--plan", "fy27", "--json"));
        using var document = JsonDocument.Parse(json.Out);
        Assert.Equal("fy27", document.RootElement.GetProperty("plan").GetString());
        Assert.Equal(1, document.RootElement.GetProperty("created").GetInt32());

        Assert.Equal("rep-b", (await Client.ResolveAsync(0.5, 1.5)).OwnerId);
        Assert.Equal("rep-c", (await Client.ResolveAsync(0.5, 1.5, null, MapView.ForPlan("fy27"))).OwnerId);
        Assert.Equal(1UL, (await Client.GetMapInfoAsync()).MapVersion);
    }

    [Fact]
    public async Task Plan_import_into_an_unknown_plan_or_at_a_stale_version_is_rejected_with_what_to_do()
    {
        await Client.CreatePlanAsync("fy27");
        var file = await FeaturesAsync("east.geojson", ("east", 1, "rep-c"));

        var unknown = CliAssert.Exit(2, await RunAsync("plan", "import", "nope", file));
        CliAssert.Contains("NOT_FOUND", unknown.Error, unknown);
        CliAssert.Contains("hint: `geoassign plan list` shows the plans there are", unknown.Error, unknown);

        var stale = CliAssert.Exit(2, await RunAsync("plan", "import", "fy27", file, "--expected-version", "1"));
        CliAssert.Contains("Plan fy27 is not at the expected version", stale.Error, stale);
        CliAssert.Contains("retry with --expected-version 2", stale.Error, stale);

        CliAssert.Exit(1, await RunAsync("plan", "import", "fy27"));
        var missing = CliAssert.Exit(1, await RunAsync("plan", "import", "fy27", File("nope.geojson")));
        CliAssert.Contains("nope.geojson: no such file", missing.Error, missing);
    }

    [Fact]
    public async Task Plan_list_and_show_describe_the_plans_in_tables_and_json()
    {
        var none = CliAssert.Exit(0, await RunAsync("plan", "list"));
        CliAssert.Contains("No plans. Create one with `geoassign plan create NAME`.", none.Out, none);

        await Client.CreatePlanAsync("fy27", message: "next year");
        await Client.CreatePlanAsync("blank", empty: true);
        var table = CliAssert.Exit(0, await RunAsync("plan", "list"));
        CliAssert.Contains("fy27", table.Out, table);
        CliAssert.Contains("next year", table.Out, table);
        CliAssert.Contains("draft", table.Out, table);

        var json = CliAssert.Exit(0, await RunAsync("plan", "list", "--json"));
        using var list = JsonDocument.Parse(json.Out);
        Assert.Equal(["blank", "fy27"], list.RootElement.EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.All(list.RootElement.EnumerateArray(), p => Assert.Equal(PlanFields, Names(p)));

        var show = CliAssert.Exit(0, await RunAsync("plan", "show", "fy27"));
        CliAssert.Contains("Status         draft", show.Out, show);
        CliAssert.Contains("Branched from  live version 1", show.Out, show);
        CliAssert.Contains("Layers         geo", show.Out, show);
        using var one = JsonDocument.Parse(CliAssert.Exit(0, await RunAsync("plan", "show", "fy27", "--json")).Out);
        Assert.Equal(PlanFields, Names(one.RootElement));
        Assert.Equal("next year", one.RootElement.GetProperty("message").GetString());

        var unknown = CliAssert.Exit(2, await RunAsync("plan", "show", "nope"));
        CliAssert.Contains("`geoassign plan list` shows the plans", unknown.Error, unknown);
        CliAssert.Exit(1, await RunAsync("plan", "show"));
    }

    [Fact]
    public async Task Plan_delete_honours_the_expected_version_and_says_the_plans_version_when_it_differs()
    {
        var plan = await Client.CreatePlanAsync("p");
        var stale = CliAssert.Exit(2, await RunAsync("plan", "delete", "p", "--expected-version", Text(plan.Version - 1)));
        CliAssert.Contains($"Plan p is at version {plan.Version}", stale.Error, stale);
        CliAssert.Contains($"retry with --expected-version {plan.Version}", stale.Error, stale);

        var deleted = CliAssert.Exit(0, await RunAsync("plan", "delete", "p", "--expected-version", Text(plan.Version), "--json"));
        using var json = JsonDocument.Parse(deleted.Out);
        Assert.Equal(["plan", "version"], Names(json.RootElement));
        Assert.True(json.RootElement.GetProperty("version").GetUInt64() > plan.Version);
        Assert.Empty(await Client.ListPlansAsync());

        await Client.CreatePlanAsync("q");
        CliAssert.Contains("Deleted plan q.", CliAssert.Exit(0, await RunAsync("plan", "delete", "q")).Out, deleted);
        var gone = CliAssert.Exit(2, await RunAsync("plan", "delete", "q"));
        CliAssert.Contains("NOT_FOUND", gone.Error, gone);
        CliAssert.Exit(1, await RunAsync("plan", "delete", "q", "--expected-version", "x"));
    }

    [Fact]
    public async Task Plan_diff_shows_territory_changes_and_owner_transfers_and_writes_csv_and_geojson()
    {
        await PlanMovingEastAsync();
        var csv = File("transfers.csv");
        var geoJson = File("changed.geojson");

        var result = CliAssert.Exit(0, await RunAsync("plan", "diff", "p", "--csv", csv, "--geojson", geoJson));

        CliAssert.Contains("Plan p (version 3) against the live map (version 1): 0 territories created, 1 changed, 0 deleted.", result.Out, result);
        CliAssert.Contains("Territory changes", result.Out, result);
        CliAssert.Contains("rep-b → rep-c", result.Out, result);
        CliAssert.Contains("Owner transfers", result.Out, result);
        CliAssert.Contains("Changed areas written to changed.geojson.", result.Out, result);
        var rows = ResolveCsvCommandTests.ReadCsv(csv);
        Assert.Equal(["layer", "old_owner_id", "new_owner_id", "area_km2", "piece_count"], rows[0]);
        var row = Assert.Single(rows.Skip(1));
        Assert.Equal(["geo", "rep-b", "rep-c"], row.Take(3));
        Assert.InRange(double.Parse(row[3], CultureInfo.InvariantCulture), 12_200, 12_400);
        Assert.Equal("1", row[4]);
        using var features = JsonDocument.Parse(await System.IO.File.ReadAllTextAsync(geoJson));
        Assert.Equal("FeatureCollection", features.RootElement.GetProperty("type").GetString());
        Assert.Equal("rep-c", Assert.Single(features.RootElement.GetProperty("features").EnumerateArray()).GetProperty("properties").GetProperty("new_owner_id").GetString());
    }

    [Fact]
    public async Task Plan_diff_json_has_stable_fields_and_an_unknown_plan_is_rejected()
    {
        await PlanMovingEastAsync();
        var json = CliAssert.Exit(0, await RunAsync("plan", "diff", "p", "--json"));
        using var document = JsonDocument.Parse(json.Out);
        var root = document.RootElement;
        Assert.Equal(["plan", "live_version", "plan_version", "territories", "transfers", "area_method", "geojson", "csv"], Names(root));
        var territory = Assert.Single(root.GetProperty("territories").EnumerateArray());
        Assert.Equal(["id", "kind", "fields", "old_owner_id", "new_owner_id", "old_layer", "new_layer"], Names(territory));
        Assert.Equal(("east", "changed"), (territory.GetProperty("id").GetString(), territory.GetProperty("kind").GetString()));
        var transfer = Assert.Single(root.GetProperty("transfers").EnumerateArray());
        Assert.Equal(["layer", "old_owner_id", "new_owner_id", "area_km2", "piece_count"], Names(transfer));

        var unknown = CliAssert.Exit(2, await RunAsync("plan", "diff", "nope"));
        CliAssert.Contains("NOT_FOUND", unknown.Error, unknown);
        CliAssert.Contains("`geoassign plan list`", unknown.Error, unknown);
        CliAssert.Exit(1, await RunAsync("plan", "diff"));
    }

    [Fact]
    public async Task Plan_check_lists_overlaps_and_gaps_inside_a_coverage_file_and_writes_them_as_geojson()
    {
        await Client.CreatePlanAsync("p");
        await Client.UpsertAsync([Square("east", 0.5, "rep-b", width: 1.5, priority: 1)], new EditOptions { Plan = "p" });
        var coverage = File("coverage.geojson");
        await System.IO.File.WriteAllTextAsync(coverage, "{\"type\":\"Feature\",\"properties\":{},\"geometry\":" + Rectangle(0, 0, 3) + "}");
        var geoJson = File("issues.geojson");

        var result = CliAssert.Exit(0, await RunAsync("plan", "check", "p", "--coverage", coverage, "--geojson", geoJson));

        CliAssert.Contains("Checked plan p at version 3.", result.Out, result);
        CliAssert.Contains("needs attention", result.Out, result);
        CliAssert.Contains("Overlaps in geo", result.Out, result);
        CliAssert.Contains("east / west", result.Out, result);
        CliAssert.Contains("Gaps in geo", result.Out, result);
        CliAssert.Contains("an activation refuses new overlaps unless forced (--force)", result.Out, result);
        using var features = JsonDocument.Parse(await System.IO.File.ReadAllTextAsync(geoJson));
        var kinds = features.RootElement.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("kind").GetString()).ToList();
        Assert.Contains("overlap", kinds);
        Assert.Contains("gap", kinds);

        var live = CliAssert.Exit(0, await RunAsync("plan", "check"));
        CliAssert.Contains("Checked the live map at version 1 (no coverage area given, so no gaps were looked for", live.Out, live);
        CliAssert.Contains("clean", live.Out, live);
    }

    [Fact]
    public async Task Plan_check_json_has_stable_fields_and_bad_options_are_usage_errors_or_rejections()
    {
        await Client.CreatePlanAsync("p");
        var json = CliAssert.Exit(0, await RunAsync("plan", "check", "p", "--sliver-km2", "0.5", "--json"));
        using var document = JsonDocument.Parse(json.Out);
        Assert.Equal(["plan", "version", "clean", "layers", "override_conflict_count", "override_conflicts", "area_method", "geojson"], Names(document.RootElement));
        var layer = Assert.Single(document.RootElement.GetProperty("layers").EnumerateArray());
        Assert.Equal(["layer", "territory_count", "clean", "overlaps", "gaps", "small_territories"], Names(layer));
        Assert.True(document.RootElement.GetProperty("clean").GetBoolean());

        var coverage = File("coverage.geojson");
        await System.IO.File.WriteAllTextAsync(coverage, Rectangle(0, 0, 3));
        var both = CliAssert.Exit(1, await RunAsync("plan", "check", "p", "--coverage", coverage, "--coverage-layer", "state"));
        CliAssert.Contains("--coverage-layer and --coverage are mutually exclusive", both.Error, both);
        CliAssert.Exit(1, await RunAsync("plan", "check", "p", "--sliver-km2", "-1"));
        var point = File("point.geojson");
        await System.IO.File.WriteAllTextAsync(point, "{\"type\":\"Point\",\"coordinates\":[0,0]}");
        CliAssert.Contains("is not a GeoJSON Polygon", CliAssert.Exit(1, await RunAsync("plan", "check", "p", "--coverage", point)).Error, json);

        var layerMissing = CliAssert.Exit(2, await RunAsync("plan", "check", "p", "--layer", "county"));
        CliAssert.Contains("NOT_FOUND", layerMissing.Error, layerMissing);
        CliAssert.Contains("`geoassign map info` lists the live map's layers", layerMissing.Error, layerMissing);
        var pointFeature = File("point-feature.geojson");
        await System.IO.File.WriteAllTextAsync(pointFeature, "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[0,0]}}");
        var rejected = CliAssert.Exit(2, await RunAsync("plan", "check", "p", "--coverage", pointFeature));
        CliAssert.Contains("INVALID_ARGUMENT", rejected.Error, rejected);
        CliAssert.Contains("Give --coverage a valid Polygon or MultiPolygon", rejected.Error, rejected);
    }

    [Fact]
    public async Task Plan_preview_writes_the_moved_accounts_and_shows_each_owners_book_before_and_after()
    {
        await PlanMovingEastAsync();
        var accounts = File("accounts.csv");
        await System.IO.File.WriteAllLinesAsync(accounts, ["id,lat,lng,current_owner_id", "a1,0.5,0.5,rep-a", "a2,0.5,1.5,rep-b", "a3,0.2,1.2,rep-b"]);
        var output = File("moves.csv");

        var result = CliAssert.Exit(0, await RunAsync("plan", "preview", "p", accounts, output));

        CliAssert.Contains("Checked 3 accounts from accounts.csv against plan p at version 3 (layer geo)", result.Out, result);
        CliAssert.Contains("Accounts per owner", result.Out, result);
        CliAssert.Contains("+2", result.Out, result);
        CliAssert.Contains("1 other owner keeps the same number of accounts.", result.Out, result);
        var rows = ResolveCsvCommandTests.ReadCsv(output);
        Assert.Equal(["id", "old_owner_id", "new_owner_id", "territory_id"], rows[0]);
        Assert.Equal([["a2", "rep-b", "rep-c", "east"], ["a3", "rep-b", "rep-c", "east"]], rows.Skip(1));

        var json = CliAssert.Exit(0, await RunAsync("plan", "preview", "p", accounts, output, "--json"));
        using var document = JsonDocument.Parse(json.Out);
        Assert.Equal("p", document.RootElement.GetProperty("plan").GetString());
        var owners = document.RootElement.GetProperty("owner_counts").EnumerateArray()
            .Select(o => (o.GetProperty("owner_id").GetString(), o.GetProperty("before").GetInt64(), o.GetProperty("after").GetInt64()));
        Assert.Equal([("rep-a", 1L, 1L), ("rep-b", 2L, 0L), ("rep-c", 0L, 2L)], owners);

        // reassign --plan is the same run.
        var reassign = CliAssert.Exit(0, await RunAsync("reassign", accounts, File("moves-2.csv"), "--plan", "p"));
        CliAssert.Contains("against plan p at version 3", reassign.Out, reassign);
        Assert.Equal(rows, ResolveCsvCommandTests.ReadCsv(File("moves-2.csv")));
    }

    [Fact]
    public async Task Plan_preview_of_an_unknown_plan_is_rejected_and_a_missing_argument_is_a_usage_error()
    {
        var accounts = File("accounts.csv");
        await System.IO.File.WriteAllLinesAsync(accounts, ["id,lat,lng,current_owner_id", "a1,0.5,0.5,rep-a"]);
        var unknown = CliAssert.Exit(2, await RunAsync("plan", "preview", "nope", accounts, File("out.csv")));
        CliAssert.Contains("NOT_FOUND", unknown.Error, unknown);
        CliAssert.Contains("`geoassign plan list`", unknown.Error, unknown);
        Assert.False(System.IO.File.Exists(File("out.csv")));
        CliAssert.Exit(1, await RunAsync("plan", "preview", "p", accounts));
    }

    [Fact]
    public async Task Plan_activate_makes_the_plan_live_and_json_has_stable_fields()
    {
        await PlanMovingEastAsync();
        var result = CliAssert.Exit(0, await RunAsync("plan", "activate", "p", "--expected-live-version", "1", "--message", "go live", "--json"));
        using var document = JsonDocument.Parse(result.Out);
        var root = document.RootElement;
        Assert.Equal(["plan", "scheduled", "effective_at", "version", "upserted", "deleted", "new_overlaps"], Names(root));
        Assert.False(root.GetProperty("scheduled").GetBoolean());
        Assert.Equal((1, 0), (root.GetProperty("upserted").GetInt32(), root.GetProperty("deleted").GetInt32()));
        Assert.Equal("rep-c", (await Client.ResolveAsync(0.5, 1.5)).OwnerId);

        var twice = CliAssert.Exit(2, await RunAsync("plan", "activate", "p"));
        CliAssert.Contains("read-only", twice.Error, twice);
        CliAssert.Contains("hint: Plan p is live already", twice.Error, twice);
    }

    [Fact]
    public async Task Plan_activate_after_the_live_map_moved_suggests_rebase_and_rebases()
    {
        await PlanMovingEastAsync();
        await Client.UpsertAsync([Square("far", 10, "rep-f")]);

        var moved = CliAssert.Exit(2, await RunAsync("plan", "activate", "p"));
        CliAssert.Contains("Plan p was not activated (ABORTED)", moved.Error, moved);
        CliAssert.Contains("`geoassign plan activate p --rebase`", moved.Error, moved);

        var stale = CliAssert.Exit(2, await RunAsync("plan", "activate", "p", "--rebase", "--expected-live-version", "1"));
        CliAssert.Contains("--expected-live-version 4", stale.Error, stale);

        var rebased = CliAssert.Exit(0, await RunAsync("plan", "activate", "p", "--rebase"));
        CliAssert.Contains("Plan p is live: 1 territories created or replaced, 0 deleted. Map version 5.", rebased.Out, rebased);
        Assert.Equal("rep-f", (await Client.ResolveAsync(0.5, 10.5)).OwnerId);
    }

    [Fact]
    public async Task Plan_activate_with_new_overlaps_suggests_check_or_force_and_force_lists_them()
    {
        await Client.CreatePlanAsync("p");
        await Client.UpsertAsync([Square("east", 0.5, "rep-b", width: 1.5)], new EditOptions { Plan = "p" });

        var refused = CliAssert.Exit(2, await RunAsync("plan", "activate", "p"));
        CliAssert.Contains("Plan p was not activated (FAILED_PRECONDITION)", refused.Error, refused);
        CliAssert.Contains("`geoassign plan check p`", refused.Error, refused);
        CliAssert.Contains("--force", refused.Error, refused);
        Assert.Equal(1UL, (await Client.GetMapInfoAsync()).MapVersion);

        var forced = CliAssert.Exit(0, await RunAsync("plan", "activate", "p", "--force"));
        CliAssert.Contains("Plan p is live", forced.Out, forced);
        CliAssert.Contains("New overlap let through: east / west", forced.Error, forced);
    }

    [Fact]
    public async Task Plan_activate_at_a_date_schedules_it_and_plan_cancel_takes_it_back()
    {
        await PlanMovingEastAsync();
        var scheduled = CliAssert.Exit(0, await RunAsync("plan", "activate", "p", "--at", "2099-01-01T09:30:00+01:00"));
        CliAssert.Contains("Plan p will go live at 2099-01-01 08:30:00 UTC; every replica applies it then.", scheduled.Out, scheduled);
        CliAssert.Contains("`geoassign plan cancel p`", scheduled.Out, scheduled);
        var show = CliAssert.Exit(0, await RunAsync("plan", "show", "p"));
        CliAssert.Contains("scheduled for 2099-01-01 08:30:00 UTC", show.Out, show);
        Assert.Equal(1UL, (await Client.GetMapInfoAsync()).MapVersion);

        var cancelled = CliAssert.Exit(0, await RunAsync("plan", "cancel", "p", "--json"));
        using var json = JsonDocument.Parse(cancelled.Out);
        Assert.Equal(["plan", "version"], Names(json.RootElement));
        Assert.Equal(PlanStatus.Draft, (await Client.GetPlanAsync("p")).Status);

        var nothing = CliAssert.Exit(2, await RunAsync("plan", "cancel", "p"));
        CliAssert.Contains("FAILED_PRECONDITION", nothing.Error, nothing);
        CliAssert.Contains("hint: Nothing is scheduled for plan p: `geoassign plan show p` shows its status.", nothing.Error, nothing);
        CliAssert.Exit(1, await RunAsync("plan", "cancel"));

        var date = CliAssert.Exit(1, await RunAsync("plan", "activate", "p", "--at", "next monday"));
        CliAssert.Contains("--at \"next monday\" is not an ISO-8601 date and time", date.Error, date);
    }

    [Fact]
    public async Task Territories_list_get_and_delete_work_on_a_plan_and_an_unknown_plan_is_rejected()
    {
        await PlanMovingEastAsync();
        var list = CliAssert.Exit(0, await RunAsync("territories", "list", "--plan", "p"));
        CliAssert.Contains("2 territories in plan p.", list.Out, list);
        CliAssert.Contains("rep-c", list.Out, list);
        var get = CliAssert.Exit(0, await RunAsync("territories", "get", "east", "--plan", "p", "--json"));
        using (var json = JsonDocument.Parse(get.Out))
        {
            Assert.Equal("rep-c", json.RootElement.GetProperty("owner_id").GetString());
        }

        var deleted = CliAssert.Exit(0, await RunAsync("territories", "delete", "west", "--plan", "p", "--message", "drop west"));
        CliAssert.Contains("Deleted 1 territory from plan p. Plan version 4.", deleted.Out, deleted);
        Assert.Equal("rep-a", (await Client.GetTerritoryAsync("west")).OwnerId);

        var unknown = CliAssert.Exit(2, await RunAsync("territories", "list", "--plan", "nope"));
        CliAssert.Contains("`geoassign plan list` shows the plans", unknown.Error, unknown);
        var gone = CliAssert.Exit(2, await RunAsync("territories", "get", "west", "--plan", "p"));
        CliAssert.Contains("NOT_FOUND", gone.Error, gone);
    }

    [Fact]
    public async Task Resolve_and_resolve_csv_answer_from_a_plan_and_take_at_most_one_map()
    {
        await PlanMovingEastAsync();
        var resolved = CliAssert.Exit(0, await RunAsync("resolve", "0.5", "1.5", "--plan", "p"));
        CliAssert.Contains("Owner        rep-c", resolved.Out, resolved);
        CliAssert.Contains("Map          plan p", resolved.Out, resolved);
        CliAssert.Contains("Map version  3", resolved.Out, resolved);
        using (var json = JsonDocument.Parse(CliAssert.Exit(0, await RunAsync("resolve", "0.5", "1.5", "--plan", "p", "--json")).Out))
        {
            Assert.Equal(["lat", "lng", "territory_id", "owner_id", "layer", "reason", "ancestor_ids", "map_version"], Names(json.RootElement));
            Assert.Equal(3UL, json.RootElement.GetProperty("map_version").GetUInt64());
        }

        var points = File("points.csv");
        await System.IO.File.WriteAllLinesAsync(points, ["id,lat,lng", "w,0.5,0.5", "e,0.5,1.5"]);
        var csv = CliAssert.Exit(0, await RunAsync("resolve-csv", points, File("owners.csv"), "--plan", "p"));
        CliAssert.Contains("(plan p).", csv.Out, csv);
        Assert.Equal(["rep-a", "rep-c"], ResolveCsvCommandTests.ReadCsv(File("owners.csv")).Skip(1).Select(r => r[2]));

        foreach (var args in new[]
        {
            new[] { "resolve", "0.5", "1.5", "--plan", "p", "--version", "1" },
            ["resolve-csv", points, File("x.csv"), "--plan", "p", "--as-of", "2026-01-01"],
            ["reassign", points, File("y.csv"), "--as-of", "2026-01-01", "--version", "1"],
        })
        {
            var both = CliAssert.Exit(1, await RunAsync(args));
            CliAssert.Contains("--plan, --as-of and --version are mutually exclusive", both.Error, both);
        }

        var unknown = CliAssert.Exit(2, await RunAsync("resolve", "0.5", "1.5", "--plan", "nope"));
        CliAssert.Contains("`geoassign plan list` shows the plans", unknown.Error, unknown);
    }

    [Fact]
    public async Task On_a_terminal_a_diff_shows_what_the_server_is_doing_while_it_computes()
    {
        await PlanMovingEastAsync();
        var result = CliAssert.Exit(0, await CliRunner.RunAsync(
            new Dictionary<string, string?> { [GeoAssignCli.UrlVariable] = Server.Address.ToString() }, ["plan", "diff", "p"], interactive: true));
        CliAssert.Contains("Comparing plan p with the live map", result.Error, result);
        CliAssert.Contains("Owner transfers", result.Out, result);
    }

    [Fact]
    public async Task Help_lists_the_plan_commands()
    {
        var help = CliAssert.Exit(0, await RunAsync("--help"));
        CliAssert.Contains("  plan ", help.Out, help);
        var plan = CliAssert.Exit(0, await RunAsync("plan", "--help"));
        foreach (var command in new[] { "create", "import", "list", "show", "delete", "diff", "check", "preview", "activate", "cancel" })
        {
            CliAssert.Contains($"  {command} ", plan.Out, plan);
        }
    }
}

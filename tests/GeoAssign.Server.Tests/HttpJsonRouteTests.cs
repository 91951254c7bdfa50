// Every HTTP/JSON route's happy path, over HTTP/1.1 and over HTTP/2, against a real server.
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using GeoAssign.Testing.Servers;

namespace GeoAssign.Server.Tests;

public sealed class HttpJsonRouteTests
{
    // Two squares side by side; "sq-b" wins their shared border by priority.
    internal static readonly string TwoSquares = FeatureCollection(
        ("sq-a", Shapes.Square(10, 10, 1), "rep-a", 0),
        ("sq-b", Shapes.Square(11, 10, 1), "rep-b", 1));

    [Theory]
    [MemberData(nameof(HttpJson.Versions), MemberType = typeof(HttpJson))]
    public async Task Lookups_reads_and_edits_answer_over_their_routes(string version)
    {
        await using var server = await TestServer.StartAsync(TestServer.WithKeys, http1: true);
        using var http = new HttpJson(server, Version.Parse(version), TestServer.EditorKey);

        // Import: the body is the GeoJSON file itself, the options are query parameters.
        var imported = (await http.PostRawAsync("/v1/territories:import?message=first%20import", Encoding.UTF8.GetBytes(TwoSquares), "application/geo+json")).Ok();
        var v1 = imported.GetProperty("summary").GetProperty("mapVersion").GetUInt64();
        Assert.Equal(2, imported.GetProperty("summary").GetProperty("createdCount").GetInt32());

        // Resolve: query parameters, read-your-writes by min_version.
        var one = (await http.GetAsync($"/v1/resolve?lat=10.5&lng=10.5&min_version={v1}")).Ok().GetProperty("assignment");
        Assert.Equal("sq-a", one.GetProperty("territoryId").GetString());
        Assert.Equal("rep-a", one.GetProperty("ownerId").GetString());
        Assert.Equal("REASON_INTERIOR_CELL", one.GetProperty("reason").GetString());
        Assert.Equal(v1, one.GetProperty("mapVersion").GetUInt64());

        // Batch: column form in and out; territory_refs[i] - 1 indexes territories.
        var batch = (await http.PostAsync("/v1/resolve:batch", """{"points":{"lat":[10.5,10.5,50],"lng":[11.5,11.0,50],"ids":["p1","p2","p3"]}}""")).Ok()
            .GetProperty("assignments");
        var refs = batch.GetProperty("territoryRefs").EnumerateArray().Select(r => r.GetInt32()).ToList();
        Assert.Equal("sq-b", batch.GetProperty("territories")[refs[0] - 1].GetProperty("territoryId").GetString());
        Assert.Equal("sq-b", batch.GetProperty("territories")[refs[1] - 1].GetProperty("territoryId").GetString());
        Assert.Equal(0, refs[2]);
        Assert.Equal(["REASON_INTERIOR_CELL", "REASON_EXACT_TEST", "REASON_UNASSIGNED"], batch.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(["p1", "p2", "p3"], batch.GetProperty("ids").EnumerateArray().Select(r => r.GetString()));

        // Upsert: POST creates, PUT replaces; territories as in the Territory message.
        var created = (await http.PostAsync("/v1/territories", Upsert("sq-c", Shapes.Square(20, 20, 1), "rep-c"))).Ok();
        Assert.Equal(1, created.GetProperty("createdCount").GetInt32());
        var updated = (await http.PutAsync("/v1/territories", Upsert("sq-c", Shapes.Square(20, 20, 2), "rep-d"))).Ok();
        Assert.Equal(1, updated.GetProperty("updatedCount").GetInt32());
        var v3 = updated.GetProperty("mapVersion").GetUInt64();

        // Get one, list in pages.
        var got = (await http.GetAsync($"/v1/territories/sq-c?min_version={v3}")).Ok().GetProperty("territory");
        Assert.Equal("rep-d", got.GetProperty("ownerId").GetString());
        Assert.Contains("Polygon", got.GetProperty("geometryGeojson").GetString());
        var page1 = (await http.GetAsync("/v1/territories?page_size=2")).Ok();
        Assert.Equal(["sq-a", "sq-b"], page1.GetProperty("territories").EnumerateArray().Select(t => t.GetProperty("id").GetString()));
        var token = Uri.EscapeDataString(page1.GetProperty("nextPageToken").GetString()!);
        var page2 = (await http.GetAsync($"/v1/territories?page_size=2&page_token={token}")).Ok();
        Assert.Equal(["sq-c"], page2.GetProperty("territories").EnumerateArray().Select(t => t.GetProperty("id").GetString()));
        Assert.Equal("", page2.GetProperty("nextPageToken").GetString());

        // ImportGeoJson itself, for programs: options and the file (base64) in one JSON body.
        var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(FeatureCollection(("sq-d", Shapes.Square(30, 30, 1), "rep-e", 0))));
        var importJson = (await http.PostAsync("/v1/territories:importJson", $$"""{"options":{"mode":"IMPORT_MODE_MERGE"},"featureCollection":"{{base64}}"}""")).Ok();
        Assert.Equal(1, importJson.GetProperty("summary").GetProperty("createdCount").GetInt32());

        // Delete: by query (DELETE) or by body (POST :delete).
        Assert.Equal(1, (await http.DeleteAsync("/v1/territories?ids=sq-d&message=gone")).Ok().GetProperty("deletedCount").GetInt32());
        var deleted = (await http.PostAsync("/v1/territories:delete", """{"ids":["sq-c"]}""")).Ok();
        Assert.Equal(1, deleted.GetProperty("deletedCount").GetInt32());
        var afterDelete = deleted.GetProperty("mapVersion").GetUInt64();

        // Map info and history.
        var info = (await http.GetAsync("/v1/map")).Ok();
        Assert.Equal(afterDelete, info.GetProperty("mapVersion").GetUInt64());
        Assert.Equal(2, info.GetProperty("territoryCount").GetInt32());
        Assert.Equal(10_000, info.GetProperty("limits").GetProperty("maxPointsPerMessage").GetInt32());
        var versions = (await http.GetAsync("/v1/map/versions?page_size=10")).Ok().GetProperty("versions");
        Assert.Equal(afterDelete, versions[0].GetProperty("version").GetUInt64());
        var first = versions.EnumerateArray().Single(v => v.GetProperty("version").GetUInt64() == v1);
        Assert.Equal("first import", first.GetProperty("message").GetString());
        Assert.Equal("editor-1", first.GetProperty("author").GetString());

        // Rollback to v3, where sq-c was (and sq-d not yet): sq-c comes back.
        var rolledBack = (await http.PostAsync("/v1/map:rollback", $$"""{"version":{{v3}},"message":"undo"}""")).Ok();
        Assert.Equal(1, rolledBack.GetProperty("upsertedCount").GetInt32());
        var v4 = rolledBack.GetProperty("mapVersion").GetUInt64();
        Assert.Equal("sq-c", (await http.GetAsync($"/v1/resolve?lat=21.5&lng=21.5&min_version={v4}")).Ok().GetProperty("assignment").GetProperty("territoryId").GetString());

        // As of a version: the past answers.
        Assert.Equal("", (await http.GetAsync($"/v1/resolve?lat=21.5&lng=21.5&version={afterDelete}")).Ok().GetProperty("assignment").GetProperty("territoryId").GetString());
    }

    [Theory]
    [MemberData(nameof(HttpJson.Versions), MemberType = typeof(HttpJson))]
    public async Task Overrides_are_set_read_listed_used_and_deleted_over_their_routes(string version)
    {
        await using var server = await TestServer.StartAsync(TestServer.WithKeys, http1: true);
        using var http = new HttpJson(server, Version.Parse(version), TestServer.EditorKey);
        (await http.PostRawAsync("/v1/territories:import", Encoding.UTF8.GetBytes(TwoSquares), "application/json")).Ok();

        var set = (await http.PostAsync("/v1/overrides",
            """{"overrides":[{"accountId":"acme","ownerId":"rep-key","protected":true,"validUntil":"2099-01-01T00:00:00Z"},{"account_id":"globex","owner_id":"rep-g"}]}""")).Ok();
        Assert.Equal(2u, set.GetProperty("createdCount").GetUInt32());
        var version1 = set.GetProperty("mapVersion").GetUInt64();

        var got = (await http.GetAsync("/v1/overrides/acme")).Ok();
        Assert.Equal("rep-key", got.GetProperty("override").GetProperty("ownerId").GetString());
        Assert.True(got.GetProperty("inForce").GetBoolean());
        var listed = (await http.GetAsync("/v1/overrides?page_size=1&expiring_within=3153600000s")).Ok();
        Assert.Equal(["acme"], listed.GetProperty("overrides").EnumerateArray().Select(o => o.GetProperty("accountId").GetString()));

        var answer = (await http.GetAsync($"/v1/resolve?lat=10.5&lng=10.5&account_id=acme&min_version={version1}")).Ok().GetProperty("assignment");
        Assert.Equal(("rep-key", "REASON_ACCOUNT_OVERRIDE", "sq-a"),
            (answer.GetProperty("ownerId").GetString(), answer.GetProperty("reason").GetString(), answer.GetProperty("territoryId").GetString()));

        var deleted = (await http.DeleteAsync("/v1/overrides?account_ids=acme&account_ids=globex")).Ok();
        Assert.Equal(2u, deleted.GetProperty("deletedCount").GetUInt32());
        Assert.Equal(404, (int)(await http.GetAsync("/v1/overrides/acme")).Status);
    }

    [Theory]
    [MemberData(nameof(HttpJson.Versions), MemberType = typeof(HttpJson))]
    public async Task Plans_are_created_edited_compared_checked_activated_and_deleted_over_their_routes(string version)
    {
        await using var server = await TestServer.StartAsync(TestServer.WithKeys, http1: true);
        using var http = new HttpJson(server, Version.Parse(version), TestServer.EditorKey);
        var live = (await http.PostRawAsync("/v1/territories:import", Encoding.UTF8.GetBytes(TwoSquares), "application/json")).Ok()
            .GetProperty("summary").GetProperty("mapVersion").GetUInt64();

        var plan = (await http.PostAsync("/v1/plans", """{"name":"q3","message":"next quarter"}""")).Ok().GetProperty("plan");
        Assert.Equal("q3", plan.GetProperty("name").GetString());
        Assert.Equal(live, plan.GetProperty("baseVersion").GetUInt64());

        // Edit the plan through the territory routes, naming it.
        var edited = (await http.PostAsync("/v1/territories", Upsert("sq-a", Shapes.Square(10, 10, 1), "rep-z", plan: "q3"))).Ok();
        var planVersion = edited.GetProperty("mapVersion").GetUInt64();
        var inPlan = (await http.GetAsync($"/v1/resolve?lat=10.5&lng=10.5&plan=q3&min_version={planVersion}")).Ok().GetProperty("assignment");
        Assert.Equal("rep-z", inPlan.GetProperty("ownerId").GetString());
        Assert.Equal("rep-a", (await http.GetAsync("/v1/resolve?lat=10.5&lng=10.5")).Ok().GetProperty("assignment").GetProperty("ownerId").GetString());

        Assert.Contains("q3", (await http.GetAsync("/v1/plans")).Ok().GetProperty("plans").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.Equal(planVersion, (await http.GetAsync("/v1/plans/q3")).Ok().GetProperty("plan").GetProperty("version").GetUInt64());

        var diff = (await http.GetAsync("/v1/plans/q3:diff")).Ok();
        var changed = Assert.Single(diff.GetProperty("territories").EnumerateArray());
        Assert.Equal("sq-a", changed.GetProperty("id").GetString());
        Assert.Equal("rep-z", changed.GetProperty("newOwnerId").GetString());
        var transfer = Assert.Single(diff.GetProperty("transfers").EnumerateArray());
        Assert.True(transfer.GetProperty("areaKm2").GetDouble() > 10_000);

        var planCoverage = (await http.PostAsync("/v1/plans/q3:checkCoverage", "{}")).Ok();
        Assert.True(Assert.Single(planCoverage.GetProperty("layers").EnumerateArray()).GetProperty("clean").GetBoolean());
        var liveCoverage = (await http.PostAsync("/v1/map:checkCoverage", """{"layer":"geo"}""")).Ok();
        Assert.Equal(live, liveCoverage.GetProperty("version").GetUInt64());

        // Schedule, cancel, then activate now.
        var at = DateTimeOffset.UtcNow.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        Assert.True((await http.PostAsync("/v1/plans/q3:activate", $$"""{"effectiveAt":"{{at}}"}""")).Ok().GetProperty("scheduled").GetBoolean());
        (await http.PostAsync("/v1/plans/q3:cancelActivation", "{}")).Ok();
        var activated = (await http.PostAsync("/v1/plans/q3:activate", "{}")).Ok();
        Assert.False(activated.GetProperty("scheduled").GetBoolean());
        var newLive = activated.GetProperty("version").GetUInt64();
        Assert.Equal("rep-z", (await http.GetAsync($"/v1/resolve?lat=10.5&lng=10.5&min_version={newLive}")).Ok().GetProperty("assignment").GetProperty("ownerId").GetString());
        var versionsDiff = (await http.GetAsync($"/v1/map:diff?from_version={live}&to_version={newLive}")).Ok();
        Assert.Equal("sq-a", Assert.Single(versionsDiff.GetProperty("territories").EnumerateArray()).GetProperty("id").GetString());

        Assert.True((await http.DeleteAsync("/v1/plans/q3")).Ok().GetProperty("version").GetUInt64() > newLive);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/v1/plans/q3")).Status);
    }

    [Theory]
    [MemberData(nameof(HttpJson.Versions), MemberType = typeof(HttpJson))]
    public async Task WatchMap_streams_one_JSON_object_a_line_for_each_new_version(string version)
    {
        await using var server = await TestServer.StartAsync(http1: true);
        using var http = new HttpJson(server, Version.Parse(version));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await http.OpenStreamAsync("/v1/map:watch", timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        // The first line is the version current when the watch starts.
        var current = JsonDocument.Parse(await reader.ReadLineAsync(timeout.Token) ?? "").RootElement;
        Assert.Equal(0UL, current.GetProperty("mapVersion").GetUInt64());

        var imported = (await http.PostRawAsync("/v1/territories:import", Encoding.UTF8.GetBytes(TwoSquares), "application/json")).Ok()
            .GetProperty("summary").GetProperty("mapVersion").GetUInt64();
        var next = JsonDocument.Parse(await reader.ReadLineAsync(timeout.Token) ?? "").RootElement;
        Assert.Equal(imported, next.GetProperty("mapVersion").GetUInt64());
        Assert.Equal(["sq-a", "sq-b"], next.GetProperty("upsertedIds").EnumerateArray().Select(i => i.GetString()).Order());
    }

    internal static string FeatureCollection(params (string Id, string Geometry, string Owner, int Priority)[] features) =>
        "{\"type\":\"FeatureCollection\",\"features\":[" + string.Join(",", features.Select(f =>
            $$"""{"type":"Feature","id":"{{f.Id}}","properties":{"name":"Square {{f.Id}}","owner_id":"{{f.Owner}}","priority":{{f.Priority}}},"geometry":{{f.Geometry}}}""")) + "]}";

    internal static string Upsert(string id, string geometry, string owner, string plan = "") =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["territories"] = new[] { new Dictionary<string, object> { ["id"] = id, ["name"] = "Square " + id, ["ownerId"] = owner, ["geometryGeojson"] = geometry } },
            ["plan"] = plan,
        });
}

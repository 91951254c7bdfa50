// HTTP/JSON errors: API keys, and each kind of bad request answered with the HTTP status of its gRPC code and gRPC's message.
using System.Net;
using System.Text;
using GeoAssign.Protos.V1;
using GeoAssign.Testing.Servers;
using Grpc.Core;

namespace GeoAssign.Server.Tests;

/// <summary>A server with API keys and small limits, and an HTTP/1.1 endpoint.</summary>
public sealed class KeyedSmallLimitsServer : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    public ulong Version { get; private set; }

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>(TestServer.WithKeys)
        {
            ["GeoAssign:MaxPointsPerMessage"] = "10",
            ["GeoAssign:MaxMessageBytes"] = "65536",
            ["GeoAssign:MinVersionWait"] = "00:00:00.2",
        };
        Server = await TestServer.StartAsync(settings, http1: true);
        using var http = new HttpJson(Server, HttpVersion.Version11, TestServer.EditorKey);
        Version = (await http.PostRawAsync("/v1/territories:import", Encoding.UTF8.GetBytes(HttpJsonRouteTests.TwoSquares), "application/json")).Ok()
            .GetProperty("summary").GetProperty("mapVersion").GetUInt64();
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class HttpJsonErrorTests(KeyedSmallLimitsServer fixture) : IClassFixture<KeyedSmallLimitsServer>
{
    private TestServer Server => fixture.Server;

    [Theory]
    [MemberData(nameof(HttpJson.Versions), MemberType = typeof(HttpJson))]
    public async Task A_missing_or_unknown_key_is_401_and_a_reader_key_on_an_edit_is_403(string version)
    {
        using var anonymous = new HttpJson(Server, Version.Parse(version));
        var missing = (await anonymous.GetAsync("/v1/map")).Error(HttpStatusCode.Unauthorized, StatusCode.Unauthenticated);
        var grpcMissing = await RpcAssert.FailsAsync(StatusCode.Unauthenticated, () => Server.Territories.GetMapInfoAsync(new GetMapInfoRequest()));
        Assert.Equal(grpcMissing.Status.Detail, missing);

        using var stranger = new HttpJson(Server, Version.Parse(version), "not-a-key-of-this-server");
        Assert.Contains("not known", (await stranger.GetAsync("/v1/resolve?lat=10.5&lng=10.5")).Error(HttpStatusCode.Unauthorized, StatusCode.Unauthenticated));

        using var reader = new HttpJson(Server, Version.Parse(version), TestServer.ReaderKey);
        Assert.Equal("sq-a", (await reader.GetAsync("/v1/resolve?lat=10.5&lng=10.5")).Ok().GetProperty("assignment").GetProperty("territoryId").GetString());
        Assert.Contains("needs an editor key",
            (await reader.PostAsync("/v1/territories", HttpJsonRouteTests.Upsert("r-1", Shapes.Square(40, 40, 1), "rep-r"))).Error(HttpStatusCode.Forbidden, StatusCode.PermissionDenied));
        Assert.Contains("TerritoryService/ImportGeoJsonBody changes the map and needs an editor key",
            (await reader.PostRawAsync("/v1/territories:import", Encoding.UTF8.GetBytes(HttpJsonRouteTests.TwoSquares), "application/json"))
                .Error(HttpStatusCode.Forbidden, StatusCode.PermissionDenied));
        (await reader.PostAsync("/v1/plans", """{"name":"by-reader"}""")).Error(HttpStatusCode.Forbidden, StatusCode.PermissionDenied);
        (await reader.DeleteAsync("/v1/territories?ids=sq-a")).Error(HttpStatusCode.Forbidden, StatusCode.PermissionDenied);
        (await reader.PostAsync("/v1/map:rollback", """{"version":1}""")).Error(HttpStatusCode.Forbidden, StatusCode.PermissionDenied);

        // Nothing was changed by any of them.
        Assert.Equal(fixture.Version, (await reader.GetAsync("/v1/map")).Ok().GetProperty("mapVersion").GetUInt64());
    }

    [Theory]
    [MemberData(nameof(HttpJson.Versions), MemberType = typeof(HttpJson))]
    public async Task Each_kind_of_bad_request_gets_the_HTTP_status_of_its_gRPC_code_and_gRPCs_message(string version)
    {
        using var http = new HttpJson(Server, Version.Parse(version), TestServer.EditorKey);
        var key = Shapes.Key(TestServer.EditorKey);

        // A number that is not one: the transcoding refuses it before the service.
        Assert.Contains("abc", (await http.GetAsync("/v1/resolve?lat=abc&lng=0")).Error(HttpStatusCode.BadRequest, StatusCode.InvalidArgument));

        // A value out of range, and a missing field: the service's own message, as over gRPC.
        var outOfRange = (await http.GetAsync("/v1/resolve?lat=91&lng=0")).Error(HttpStatusCode.BadRequest, StatusCode.InvalidArgument);
        var grpcOutOfRange = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Server.Assignments.ResolveAsync(new ResolveRequest { Lat = 91, Lng = 0 }, key));
        Assert.Equal(grpcOutOfRange.Status.Detail, outOfRange);
        Assert.Equal("lat is required.", (await http.GetAsync("/v1/resolve?lng=0")).Error(HttpStatusCode.BadRequest, StatusCode.InvalidArgument));

        // A body that is not JSON, and a JSON body of the wrong shape.
        (await http.PostAsync("/v1/resolve:batch", "{\"points\":")).Error(HttpStatusCode.BadRequest, StatusCode.InvalidArgument);
        (await http.PostAsync("/v1/resolve:batch", """{"points":{"lat":"north"}}""")).Error(HttpStatusCode.BadRequest, StatusCode.InvalidArgument);
        // A GeoJSON body that is not a FeatureCollection: the import's message names the problem.
        Assert.Contains("FeatureCollection", (await http.PostRawAsync("/v1/territories:import", Encoding.UTF8.GetBytes("""{"type":"Feature"}"""), "application/json"))
            .Error(HttpStatusCode.BadRequest, StatusCode.InvalidArgument));

        // Unknown plan and territory: 404, with gRPC's message.
        var unknownPlan = (await http.GetAsync("/v1/resolve?lat=10.5&lng=10.5&plan=nope")).Error(HttpStatusCode.NotFound, StatusCode.NotFound);
        var grpcUnknownPlan = await RpcAssert.FailsAsync(StatusCode.NotFound, () => Server.Assignments.ResolveAsync(new ResolveRequest { Lat = 10.5, Lng = 10.5, Plan = "nope" }, key));
        Assert.Equal(grpcUnknownPlan.Status.Detail, unknownPlan);
        (await http.GetAsync("/v1/plans/nope")).Error(HttpStatusCode.NotFound, StatusCode.NotFound);
        (await http.GetAsync("/v1/territories/nope")).Error(HttpStatusCode.NotFound, StatusCode.NotFound);

        // A version conflict is 409 (ABORTED), and so is a plan that exists (ALREADY_EXISTS).
        Assert.Contains("expected map version 99",
            (await http.PostAsync("/v1/territories", HttpJsonRouteTests.Upsert("c-1", Shapes.Square(40, 40, 1), "rep-c").Replace("\"plan\"", "\"expectedVersion\":99,\"plan\"", StringComparison.Ordinal)))
                .Error(HttpStatusCode.Conflict, StatusCode.Aborted));
        (await http.PostRawAsync("/v1/territories:import?expected_version=99", Encoding.UTF8.GetBytes(HttpJsonRouteTests.TwoSquares), "application/json"))
            .Error(HttpStatusCode.Conflict, StatusCode.Aborted);
        var plan = $"p-{version.Replace('.', '-')}";
        (await http.PostAsync("/v1/plans", $$"""{"name":"{{plan}}"}""")).Ok();
        (await http.PostAsync("/v1/plans", $$"""{"name":"{{plan}}"}""")).Error(HttpStatusCode.Conflict, StatusCode.AlreadyExists);
        // Nothing to cancel: FAILED_PRECONDITION is 400.
        (await http.PostAsync($"/v1/plans/{plan}:cancelActivation", "{}")).Error(HttpStatusCode.BadRequest, StatusCode.FailedPrecondition);
        (await http.DeleteAsync($"/v1/plans/{plan}")).Ok();

        // A count limit is 429 (RESOURCE_EXHAUSTED) naming the setting.
        var points = string.Join(",", Enumerable.Repeat("10.5", 11));
        Assert.Contains("GeoAssign:MaxPointsPerMessage",
            (await http.PostAsync("/v1/resolve:batch", $$$"""{"points":{"lat":[{{{points}}}],"lng":[{{{points}}}]}}""")).Error(HttpStatusCode.TooManyRequests, StatusCode.ResourceExhausted));

        // A body above the message-size limit is 413, with the status gRPC gives such a message.
        var large = HttpJsonRouteTests.FeatureCollection(("big", Shapes.Circle(50, 50, 1, 4_000), "rep-big", 0));
        Assert.True(large.Length > 65_536);
        Assert.Contains("GeoAssign:MaxMessageBytes",
            (await http.PostRawAsync("/v1/territories:import", Encoding.UTF8.GetBytes(large), "application/json")).Error(HttpStatusCode.RequestEntityTooLarge, StatusCode.ResourceExhausted));

        // min_version not reached within the wait: 503 (UNAVAILABLE), retry elsewhere.
        Assert.Contains("min_version 1000", (await http.GetAsync("/v1/resolve?lat=10.5&lng=10.5&min_version=1000")).Error(HttpStatusCode.ServiceUnavailable, StatusCode.Unavailable));

        // No such route.
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/v1/nothing-here")).Status);

        // None of it changed the map.
        Assert.Equal(fixture.Version, (await http.GetAsync("/v1/map")).Ok().GetProperty("mapVersion").GetUInt64());
    }

    [Theory]
    [MemberData(nameof(HttpJson.Versions), MemberType = typeof(HttpJson))]
    public async Task A_malformed_JSON_body_is_400_naming_the_problem_and_where_and_the_server_keeps_serving(string version)
    {
        using var http = new HttpJson(Server, Version.Parse(version), TestServer.EditorKey);
        (string Path, string Body, string Message)[] cases =
        [
            ("/v1/resolve:batch", "{\"points\":", "The request body is not valid JSON: Expected depth to be zero at the end of the JSON payload"),
            ("/v1/resolve:batch", "not json", "The request body is not valid JSON: 'not json' is an invalid JSON literal"),
            ("/v1/resolve:batch", "{\"points\":{\"lat\":[1],\"lng\":[2]}} {}", "The request body is not valid JSON: '{' is invalid after a single JSON value"),
            ("/v1/resolve:batch", "", "The request body is empty: send a JSON object of the request's fields ({} for none)."),
            ("/v1/resolve:batch", "[1,2]", "geoassign.v1.ResolveBatchRequest: the body must be a JSON object of the request's fields, not a list."),
            ("/v1/resolve:batch", """{"points":{"lat":"north"}}""", "geoassign.v1.ResolveBatchRequest: points.lat: expected a list ([…]), not a string."),
            ("/v1/resolve:batch", """{"points":{"lat":[10.5,"north"]}}""", "points.lat[1]: expected a JSON number, not the string \"north\"."),
            ("/v1/resolve:batch", """{"points":{"lat":[null]}}""", "points.lat[0]: a list cannot hold null."),
            ("/v1/resolve:batch", """{"points":{"lat":[10.5],"lng":[10.5]},"minVersion":1.5}""", "minVersion: expected a non-negative integer, not a number."),
            ("/v1/resolve:batch", """{"points":{"lat":[10.5],"lng":[10.5]},"Layer":"geo"}""", "Layer: geoassign.v1.ResolveBatchRequest has no field \"Layer\" (its fields: points, layer,"),
            ("/v1/territories", """{"territories":[{"id":"t","ownerId":"r"},{"id":"u","owner":"r"}]}""", "territories[1].owner: geoassign.v1.Territory has no field \"owner\""),
            ("/v1/territories:delete", """{"ids":"sq-a"}""", "ids: expected a list ([…]), not a string."),
            ("/v1/territories:delete", """{"ids":null}""", "ids: expected a list ([…]), not null."),
            ("/v1/territories:delete", """{"ids":["sq-a"],"allowMissing":"yes"}""", "allowMissing: expected true or false, not the string \"yes\"."),
            ("/v1/territories:importJson", """{"options":{"mode":"MERGE"},"featureCollection":"e30="}""",
                "options.mode: expected one of IMPORT_MODE_UNSPECIFIED, IMPORT_MODE_MERGE, IMPORT_MODE_REPLACE, not the string \"MERGE\"."),
            ("/v1/territories:importJson", """{"featureCollection":"{not base64}"}""", "featureCollection: expected base64 text, which this is not."),
            ("/v1/map:checkCoverage", """{"sliverAreaKm2":"1.5"}""", "sliverAreaKm2: expected a JSON number, not the string \"1.5\"."),
        ];
        foreach (var (path, body, message) in cases)
        {
            var answer = await http.PostAsync(path, body);
            Assert.True(answer.Status == HttpStatusCode.BadRequest, $"{path} {body}: {(int)answer.Status} {answer.Text}");
            Assert.Contains(message, answer.Error(HttpStatusCode.BadRequest, StatusCode.InvalidArgument), StringComparison.Ordinal);
            // The message reads as it is written: no \u0022 for a quote.
            Assert.DoesNotContain("\\u00", answer.Text, StringComparison.Ordinal);
        }

        // Proto3 JSON forms the transcoding reads pass the check: proto names, integers as text, null for a single field, NaN.
        (await http.PostAsync("/v1/resolve:batch", """{"points":{"lat":[10.5],"lng":[10.5]},"min_version":"0","asOf":null}""")).Ok();
        Assert.Contains("NaN", (await http.PostAsync("/v1/map:checkCoverage", """{"sliverAreaKm2":"NaN"}""")).Error(HttpStatusCode.BadRequest, StatusCode.InvalidArgument));

        // A body without a declared length that grows past the limit is 413, like one that declares it.
        var large = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"ids\":[" + string.Join(",", Enumerable.Repeat("\"aaaaaaaaaa\"", 10_000)) + "]}")));
        large.Headers.ContentType = new("application/json");
        Assert.Contains("GeoAssign:MaxMessageBytes", (await http.SendAsync(HttpMethod.Post, "/v1/territories:delete", large)).Error(HttpStatusCode.RequestEntityTooLarge, StatusCode.ResourceExhausted));

        // The server keeps serving, and nothing was changed.
        using var after = new HttpJson(Server, Version.Parse(version), TestServer.ReaderKey);
        Assert.Equal("sq-a", (await after.GetAsync("/v1/resolve?lat=10.5&lng=10.5")).Ok().GetProperty("assignment").GetProperty("territoryId").GetString());
        Assert.Equal(fixture.Version, (await after.GetAsync("/v1/map")).Ok().GetProperty("mapVersion").GetUInt64());
    }

    [Theory]
    [MemberData(nameof(HttpJson.Versions), MemberType = typeof(HttpJson))]
    public async Task A_query_parameter_that_names_no_field_is_400_instead_of_being_ignored(string version)
    {
        using var http = new HttpJson(Server, Version.Parse(version), TestServer.EditorKey);
        (string Path, string Message)[] gets =
        [
            ("/v1/resolve?lat=10.5&lng=10.5&acount_id=acme",
                "The query parameter \"acount_id\" is not a field of geoassign.v1.ResolveRequest (its fields: lat, lng, layer, minVersion, plan, version, asOf, accountId)."),
            ("/v1/resolve?lat=10.5&lon=10.5", "The query parameter \"lon\" is not a field of geoassign.v1.ResolveRequest"),
            ("/v1/resolve?lat=10.5&lng=10.5&lat.value=1", "The query parameter \"lat.value\" is not a field"),
            ("/v1/territories?pageSize=5&page_sise=5", "The query parameter \"page_sise\" is not a field of geoassign.v1.ListTerritoriesRequest"),
        ];
        foreach (var (path, message) in gets)
        {
            Assert.Contains(message, (await http.GetAsync(path)).Error(HttpStatusCode.BadRequest, StatusCode.InvalidArgument), StringComparison.Ordinal);
        }

        // A route whose body is the whole request reads no query parameter.
        var batch = await http.PostAsync("/v1/resolve:batch?layer=geo", """{"points":{"lat":[10.5],"lng":[10.5]}}""");
        Assert.Contains("The query parameter \"layer\" is not read: this route takes every field of geoassign.v1.ResolveBatchRequest in the JSON body.",
            batch.Error(HttpStatusCode.BadRequest, StatusCode.InvalidArgument), StringComparison.Ordinal);

        // JSON names, proto names and well-known types given as one value pass; the map did not change.
        Assert.Equal("sq-a", (await http.GetAsync("/v1/resolve?lat=10.5&lng=10.5&account_id=acme&accountId=acme&min_version=0&as_of=2100-01-01T00:00:00Z"))
            .Ok().GetProperty("assignment").GetProperty("territoryId").GetString());
        Assert.Equal(fixture.Version, (await http.GetAsync("/v1/map")).Ok().GetProperty("mapVersion").GetUInt64());
    }
}

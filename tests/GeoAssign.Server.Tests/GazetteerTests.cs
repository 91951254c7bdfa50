// Postal codes through a real server: import (all rows or none), ResolveAddress against brute force, replace, history, restart, JSON.
using System.Globalization;
using System.Net;
using System.Text;
using GeoAssign.Protos.V1;
using GeoAssign.Testing;
using GeoAssign.Testing.Servers;
using Google.Protobuf;
using Grpc.Core;

namespace GeoAssign.Server.Tests;

public sealed class GazetteerTests
{
    private static readonly string StatesSample = Path.Combine(TestDatasets.RepositoryRoot, "server", "GeoAssign.Server", "samples", "us-states.geojson");
    private static readonly string ZipSample = Path.Combine(TestDatasets.DataDirectory, "us-zip-sample.tsv");

    private static async Task<ImportGazetteerResponse> ImportAsync(TestServer server, string text, bool replace = false, int chunk = 4096, Metadata? headers = null)
    {
        using var call = server.Territories.ImportGazetteer(headers);
        var bytes = Encoding.UTF8.GetBytes(text);
        await call.RequestStream.WriteAsync(new ImportGazetteerRequest { Options = new ImportGazetteerOptions { Replace = replace, Message = "postal codes" } });
        for (var at = 0; at < bytes.Length; at += chunk)
        {
            await call.RequestStream.WriteAsync(new ImportGazetteerRequest { Chunk = ByteString.CopyFrom(bytes, at, Math.Min(chunk, bytes.Length - at)) });
        }

        await call.RequestStream.CompleteAsync();
        return await call;
    }

    private static async Task<ulong> ImportStatesAsync(TestServer server) =>
        (await server.Territories.ImportGeoJsonAsync(new ImportGeoJsonRequest { FeatureCollection = ByteString.CopyFrom(await File.ReadAllBytesAsync(StatesSample)) }))
            .Summary.MapVersion;

    private static Task<ResolveAddressResponse> ResolveAsync(TestServer server, string country, string code, ulong version = 0, string plan = "", string account = "") =>
        server.Assignments.ResolveAddressAsync(new ResolveAddressRequest { Country = country, PostalCode = code, Version = version, Plan = plan, AccountId = account }).ResponseAsync;

    private static string Row(string country, string code, double lat, double lng, string place = "") =>
        string.Join('\t', country, code, place, "", "", "", "", "", "", lat.ToString(CultureInfo.InvariantCulture), lng.ToString(CultureInfo.InvariantCulture), "") + "\n";

    [Fact]
    public async Task Every_sample_zip_resolves_to_the_state_a_brute_force_polygon_test_puts_its_point_in()
    {
        var rows = File.ReadAllLines(ZipSample).Select(line => line.Split('\t')).ToList();
        Assert.InRange(rows.Count, 2_000, 10_000);
        var states = new BruteForceResolver(TestDatasets.LoadValid(StatesSample));
        await using var server = await TestServer.StartAsync();
        await ImportStatesAsync(server);
        // Chunks of 1,000 bytes split rows anywhere.
        var imported = await ImportAsync(server, await File.ReadAllTextAsync(ZipSample), chunk: 1_000);
        Assert.Equal(((ulong)rows.Count, (ulong)rows.Count, 0ul), (imported.RowCount, imported.CreatedCount, imported.UpdatedCount));
        Assert.Equal(["US"], imported.Countries);

        var inside = 0;
        foreach (var row in rows)
        {
            var (lat, lng) = (double.Parse(row[9], CultureInfo.InvariantCulture), double.Parse(row[10], CultureInfo.InvariantCulture));
            var expected = states.ResolveId("geo", lng, lat);
            var answer = await ResolveAsync(server, "us", row[1]);
            Assert.Equal((row[1], lat, lng, row[2], row[4]), (answer.Location.PostalCode, answer.Location.Lat, answer.Location.Lng, answer.Location.PlaceName, answer.Location.AdminCode1));
            Assert.True(expected == (answer.Assignment.TerritoryId.Length == 0 ? null : answer.Assignment.TerritoryId), $"ZIP {row[1]} at ({lat}, {lng}): brute force says {expected ?? "none"}, the server {answer.Assignment.TerritoryId}.");
            Assert.Equal(expected is null ? Reason.Unassigned : Reason.PostalCode, answer.Assignment.Reason);
            Assert.Equal(imported.MapVersion, answer.Assignment.MapVersion);
            inside += expected is null ? 0 : 1;
        }

        // The 1:10m outlines miss some coastal ZIP points; nearly all lie in a state.
        Assert.True(inside > rows.Count * 9 / 10, $"only {inside} of {rows.Count} ZIP points lie in a state");
        Assert.Equal("25", (await ResolveAsync(server, "US", "02139-4307")).Assignment.TerritoryId);
        Assert.Equal("36", (await ResolveAsync(server, " us", " 00501 ")).Assignment.TerritoryId);
    }

    [Fact]
    public async Task An_import_with_bad_rows_names_each_by_its_line_and_changes_nothing()
    {
        await using var server = await TestServer.StartAsync();
        var version = await ImportStatesAsync(server);
        var text = Row("US", "02139", 42.3647, -71.1042)
            + "USA\t10001\tNew York\t\t\t\t\t\t\t40.75\t-73.99\t\n"
            + "\n"
            + Row("US", "10002", 95, -73.98)
            + "US\t10003\tonly three fields\n"
            + Row("US", "", 40.7, -73.9)
            + "US\t10004\t\t\t\t\t\t\t\t40.7\tabc\t\n"
            + "US\t10005\t\t\t\t\t\t\t\t40.7\t-74\tx\n";
        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => ImportAsync(server, text, chunk: 5));
        var detail = error.Status.Detail;
        Assert.StartsWith("6 problems in the postal-code file, nothing was changed:", detail);
        foreach (var expected in new[] { "line 2: country code \"USA\"", "line 4: latitude \"95\"", "line 5: has 3 tab-separated fields", "line 6: postal code is empty",
            "line 7: longitude \"abc\"", "line 8: accuracy \"x\"" })
        {
            Assert.Contains(expected, detail);
        }

        Assert.DoesNotContain("line 1:", detail);
        Assert.DoesNotContain("line 3:", detail);
        var info = await server.Territories.GetMapInfoAsync(new GetMapInfoRequest());
        Assert.Equal(version, info.MapVersion);
        var missing = await RpcAssert.FailsAsync(StatusCode.NotFound, () => ResolveAsync(server, "US", "02139"));
        Assert.Contains("no postal codes of US", missing.Status.Detail);
    }

    [Fact]
    public async Task Codes_are_normalised_per_country_and_an_unknown_code_is_named_in_its_normal_form()
    {
        await using var server = await TestServer.StartAsync();
        await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest { Territories = { Shapes.Territory("europe", Shapes.Square(-10, 40, 30), owner: "rep-eu") } });
        var imported = await ImportAsync(server, Row("GB", "sw1a1aa", 51.501, -0.1416, "London") + Row("nl", "1012ab", 52.373, 4.893) + Row("NL", "1012 AB", 52.374, 4.894));
        Assert.Equal((3ul, 2ul), (imported.RowCount, imported.CreatedCount));
        Assert.Equal(["GB", "NL"], imported.Countries);

        var london = await ResolveAsync(server, "gb", " SW1A  1AA ");
        Assert.Equal(("SW1A 1AA", "europe", "rep-eu", Reason.PostalCode), (london.Location.PostalCode, london.Assignment.TerritoryId, london.Assignment.OwnerId, london.Assignment.Reason));
        // A code repeated in the file is the last row's.
        var amsterdam = await ResolveAsync(server, "NL", "1012 ab");
        Assert.Equal(("1012 AB", 52.374), (amsterdam.Location.PostalCode, amsterdam.Location.Lat));

        var unknown = await RpcAssert.FailsAsync(StatusCode.NotFound, () => ResolveAsync(server, "GB", "ec1a1bb"));
        Assert.Contains("no postal code GB \"EC1A 1BB\"", unknown.Status.Detail);
        var country = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => ResolveAsync(server, "GBR", "EC1A 1BB"));
        Assert.Contains("ISO 3166-1 alpha-2", country.Status.Detail);
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => ResolveAsync(server, "GB", "  "));
    }

    [Fact]
    public async Task Replace_makes_a_countrys_codes_the_files_and_past_versions_and_plans_answer_with_theirs()
    {
        await using var server = await TestServer.StartAsync();
        await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest { Territories = { Shapes.Territory("world", Shapes.Square(-125, 25, 55), owner: "rep-w") } });
        var first = await ImportAsync(server, Row("US", "02139", 42.36, -71.10) + Row("US", "10001", 40.75, -73.99) + Row("GB", "SW1A 1AA", 51.5, -0.14));
        var replaced = await ImportAsync(server, Row("US", "94105", 37.79, -122.39) + Row("US", "02139", 42.37, -71.11), replace: true);
        Assert.Equal((1ul, 1ul, 1ul, 3ul), (replaced.CreatedCount, replaced.UpdatedCount, replaced.DeletedCount, replaced.TotalCount));

        await RpcAssert.FailsAsync(StatusCode.NotFound, () => ResolveAsync(server, "US", "10001"));
        Assert.Equal(42.37, (await ResolveAsync(server, "US", "02139")).Location.Lat);
        Assert.Equal("SW1A 1AA", (await ResolveAsync(server, "GB", "SW1A 1AA")).Location.PostalCode);

        // The version before the replace still has its codes; the one before any import has none.
        var past = await ResolveAsync(server, "US", "10001", version: first.MapVersion);
        Assert.Equal((first.MapVersion, Reason.PostalCode), (past.Assignment.MapVersion, past.Assignment.Reason));
        Assert.Equal(42.36, (await ResolveAsync(server, "US", "02139", version: first.MapVersion)).Location.Lat);
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => ResolveAsync(server, "US", "94105", version: first.MapVersion - 1));

        // A plan has no gazetteer of its own: it uses the live map's.
        var plans = new PlanService.PlanServiceClient(server.Channel);
        await plans.CreatePlanAsync(new CreatePlanRequest { Name = "q3" });
        Assert.Equal("world", (await ResolveAsync(server, "US", "94105", plan: "q3")).Assignment.TerritoryId);
    }

    [Fact]
    public async Task The_gazetteer_survives_a_restart_and_imports_need_the_editor_role()
    {
        var data = Directory.CreateTempSubdirectory("geoassign-gazetteer-").FullName;
        try
        {
            ulong version;
            await using (var server = await TestServer.StartAsync(TestServer.WithKeys, dataDirectory: data))
            {
                var editor = Shapes.Key(TestServer.EditorKey);
                await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest { Territories = { Shapes.Territory("east", Shapes.Square(-80, 35, 15), owner: "rep-e") } }, editor);
                version = (await ImportAsync(server, Row("US", "02139", 42.3647, -71.1042, "Cambridge") + Row("US", "00501", 40.8154, -73.0451), headers: editor)).MapVersion;
                var denied = await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => ImportAsync(server, Row("US", "10001", 40.75, -73.99), headers: Shapes.Key(TestServer.ReaderKey)));
                Assert.Contains("ImportGazetteer", denied.Status.Detail);
            }

            await using (var server = await TestServer.StartAsync(TestServer.WithKeys, dataDirectory: data))
            {
                var answer = await server.Assignments.ResolveAddressAsync(new ResolveAddressRequest { Country = "US", PostalCode = "00501" }, Shapes.Key(TestServer.ReaderKey));
                Assert.Equal(("00501", "east", "rep-e", version), (answer.Location.PostalCode, answer.Assignment.TerritoryId, answer.Assignment.OwnerId, answer.Assignment.MapVersion));
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(HttpJson.Versions), MemberType = typeof(HttpJson))]
    public async Task The_file_posted_as_the_body_imports_with_its_options_and_bad_rows_are_named(string version)
    {
        await using var server = await TestServer.StartAsync(TestServer.WithKeys, http1: true);
        using var editor = new HttpJson(server, Version.Parse(version), TestServer.EditorKey);
        var imported = (await editor.PostRawAsync("/v1/gazetteer:import?message=ZIPs", await File.ReadAllBytesAsync(ZipSample), "text/tab-separated-values")).Ok();
        var rows = File.ReadAllLines(ZipSample).Length;
        Assert.Equal((rows, rows), (imported.GetProperty("createdCount").GetInt32(), imported.GetProperty("totalCount").GetInt32()));
        var version1 = imported.GetProperty("mapVersion").GetUInt64();

        var replaced = (await editor.PostRawAsync($"/v1/gazetteer:import?replace=true&expected_version={version1}",
            Encoding.UTF8.GetBytes(Row("US", "80202", 39.7494, -104.9951)), "text/plain")).Ok();
        Assert.Equal((rows - 1, 1), (replaced.GetProperty("deletedCount").GetInt32(), replaced.GetProperty("totalCount").GetInt32()));

        var bad = (await editor.PostRawAsync("/v1/gazetteer:import", Encoding.UTF8.GetBytes(Row("US", "1", 1, 2) + "XX\t1\n"), "text/plain"))
            .Error(HttpStatusCode.BadRequest, StatusCode.InvalidArgument);
        Assert.Contains("line 2: has 2 tab-separated fields", bad);
        using var reader = new HttpJson(server, Version.Parse(version), TestServer.ReaderKey);
        (await reader.PostRawAsync("/v1/gazetteer:import", Encoding.UTF8.GetBytes(Row("US", "1", 1, 2)), "text/plain")).Error(HttpStatusCode.Forbidden, StatusCode.PermissionDenied);
    }

    [Theory]
    [MemberData(nameof(HttpJson.Versions), MemberType = typeof(HttpJson))]
    public async Task The_json_route_resolves_a_postal_code_and_names_an_unknown_one(string version)
    {
        await using var server = await TestServer.StartAsync(TestServer.WithKeys, http1: true);
        var editor = Shapes.Key(TestServer.EditorKey);
        await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest { Territories = { Shapes.Territory("east", Shapes.Square(-80, 35, 15), owner: "rep-e") } }, editor);
        await ImportAsync(server, Row("US", "02139", 42.3647, -71.1042, "Cambridge"), headers: editor);
        using var http = new HttpJson(server, Version.Parse(version), TestServer.ReaderKey);

        var answer = (await http.GetAsync("/v1/resolve:address?country=us&postal_code=02139-4307&account_id=nobody")).Ok();
        Assert.Equal("east", answer.GetProperty("assignment").GetProperty("territoryId").GetString());
        Assert.Equal("REASON_POSTAL_CODE", answer.GetProperty("assignment").GetProperty("reason").GetString());
        Assert.Equal("02139", answer.GetProperty("location").GetProperty("postalCode").GetString());
        Assert.Equal(42.3647, answer.GetProperty("location").GetProperty("lat").GetDouble());

        var missing = (await http.GetAsync("/v1/resolve:address?country=US&postal_code=99999")).Error(HttpStatusCode.NotFound, StatusCode.NotFound);
        Assert.Contains("US \"99999\"", missing);
        (await http.GetAsync("/v1/resolve:address?country=USA&postal_code=1")).Error(HttpStatusCode.BadRequest, StatusCode.InvalidArgument);
        using var anonymous = new HttpJson(server, Version.Parse(version));
        (await anonymous.GetAsync("/v1/resolve:address?country=US&postal_code=02139")).Error(HttpStatusCode.Unauthorized, StatusCode.Unauthenticated);
    }

    [Fact]
    public async Task Map_info_counts_the_postal_codes_of_each_country()
    {
        await using var server = await TestServer.StartAsync();
        Assert.Empty((await server.Territories.GetMapInfoAsync(new GetMapInfoRequest())).Gazetteer);
        await ImportAsync(server, Row("US", "02139", 42.3647, -71.1042) + Row("US", "80202", 39.7494, -104.9951) + Row("GB", "SW1A 1AA", 51.501, -0.1416)
            + Row("AD", "AD100", 42.58, 1.64));

        var info = await server.Territories.GetMapInfoAsync(new GetMapInfoRequest());
        Assert.Equal([("AD", 1ul), ("GB", 1ul), ("US", 2ul)], info.Gazetteer.Select(c => (c.Country, c.PostalCodeCount)));

        await ImportAsync(server, Row("GB", "EC1A 1BB", 51.52, -0.1), replace: true);
        info = await server.Territories.GetMapInfoAsync(new GetMapInfoRequest());
        Assert.Equal([("AD", 1ul), ("GB", 1ul), ("US", 2ul)], info.Gazetteer.Select(c => (c.Country, c.PostalCodeCount)));
        await ImportAsync(server, Row("GB", "N1 9GU", 51.53, -0.12));
        info = await server.Territories.GetMapInfoAsync(new GetMapInfoRequest());
        Assert.Equal(2ul, info.Gazetteer.Single(c => c.Country == "GB").PostalCodeCount);
    }

    [Fact]
    public async Task Get_postal_code_normalises_the_code_and_names_an_unknown_one()
    {
        await using var server = await TestServer.StartAsync();
        await ImportAsync(server, Row("US", "02139", 42.3647, -71.1042, "Cambridge") + Row("GB", "SW1A 1AA", 51.501, -0.1416, "London"));

        var zip = await server.Territories.GetPostalCodeAsync(new GetPostalCodeRequest { Country = " us", PostalCode = "02139-4307" });
        Assert.Equal(("US", "02139", 42.3647, -71.1042, "Cambridge"), (zip.PostalCode.Country, zip.PostalCode.PostalCode, zip.PostalCode.Lat, zip.PostalCode.Lng, zip.PostalCode.PlaceName));
        Assert.Equal("SW1A 1AA", (await server.Territories.GetPostalCodeAsync(new GetPostalCodeRequest { Country = "gb", PostalCode = "sw1a1aa" })).PostalCode.PostalCode);
        Assert.True(zip.MapVersion > 0);

        var missing = await Assert.ThrowsAsync<RpcException>(() => server.Territories.GetPostalCodeAsync(new GetPostalCodeRequest { Country = "US", PostalCode = "99999" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Contains("US \"99999\"", missing.Status.Detail);
        var noCountry = await Assert.ThrowsAsync<RpcException>(() => server.Territories.GetPostalCodeAsync(new GetPostalCodeRequest { Country = "FR", PostalCode = "75008" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, noCountry.StatusCode);
        Assert.Contains("no postal codes of FR", noCountry.Status.Detail);
        foreach (var (country, code) in new[] { ("USA", "02139"), ("", "02139"), ("U1", "02139"), ("US", " ") })
        {
            var bad = await Assert.ThrowsAsync<RpcException>(() => server.Territories.GetPostalCodeAsync(new GetPostalCodeRequest { Country = country, PostalCode = code }).ResponseAsync);
            Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        }
    }

    [Fact]
    public async Task List_postal_codes_pages_through_every_sample_zip_in_order_and_filters_by_prefix()
    {
        var codes = File.ReadAllLines(ZipSample).Select(line => line.Split('\t')[1]).Order(StringComparer.Ordinal).ToList();
        await using var server = await TestServer.StartAsync();
        await ImportAsync(server, await File.ReadAllTextAsync(ZipSample) + Row("GB", "SW1A 1AA", 51.501, -0.1416) + Row("GB", "SW1A 2AA", 51.5034, -0.1276)
            + Row("GB", "SW1 1AA", 51.49, -0.14));

        var listed = new List<string>();
        var token = "";
        var pages = 0;
        do
        {
            var page = await server.Territories.ListPostalCodesAsync(new ListPostalCodesRequest { Country = "us", PageSize = 500, PageToken = token });
            Assert.InRange(page.PostalCodes.Count, 1, 500);
            Assert.Equal((ulong)codes.Count, page.CountryCount);
            listed.AddRange(page.PostalCodes.Select(p => p.PostalCode));
            token = page.NextPageToken;
            pages++;
        }
        while (token.Length > 0);

        Assert.Equal(codes, listed);
        Assert.Equal((codes.Count + 499) / 500, pages);

        var prefix = codes.Where(c => c.StartsWith("021", StringComparison.Ordinal)).ToList();
        Assert.True(prefix.Count > 3, $"the sample has {prefix.Count} ZIPs starting 021");
        var first = await server.Territories.ListPostalCodesAsync(new ListPostalCodesRequest { Country = "US", Prefix = "021", PageSize = prefix.Count - 1 });
        Assert.Equal(prefix[..^1], first.PostalCodes.Select(p => p.PostalCode));
        var last = await server.Territories.ListPostalCodesAsync(new ListPostalCodesRequest { Country = "US", Prefix = " 021", PageSize = 10, PageToken = first.NextPageToken });
        Assert.Equal([prefix[^1]], last.PostalCodes.Select(p => p.PostalCode));
        Assert.Empty(last.NextPageToken);

        var london = await server.Territories.ListPostalCodesAsync(new ListPostalCodesRequest { Country = "GB", Prefix = "sw1a " });
        Assert.Equal(["SW1A 1AA", "SW1A 2AA"], london.PostalCodes.Select(p => p.PostalCode));
        Assert.Empty((await server.Territories.ListPostalCodesAsync(new ListPostalCodesRequest { Country = "FR" })).PostalCodes);

        var otherPrefix = await Assert.ThrowsAsync<RpcException>(() => server.Territories.ListPostalCodesAsync(
            new ListPostalCodesRequest { Country = "US", Prefix = "022", PageToken = first.NextPageToken }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, otherPrefix.StatusCode);
        foreach (var bad in new[] { new ListPostalCodesRequest { Country = "USA" }, new ListPostalCodesRequest { Country = "US", PageSize = -1 },
            new ListPostalCodesRequest { Country = "US", PageToken = "not-a-token" } })
        {
            Assert.Equal(StatusCode.InvalidArgument, (await Assert.ThrowsAsync<RpcException>(() => server.Territories.ListPostalCodesAsync(bad).ResponseAsync)).StatusCode);
        }
    }

    [Theory]
    [MemberData(nameof(HttpJson.Versions), MemberType = typeof(HttpJson))]
    public async Task The_json_routes_read_and_list_postal_codes_and_count_them_in_map_info(string version)
    {
        await using var server = await TestServer.StartAsync(TestServer.WithKeys, http1: true);
        var editor = Shapes.Key(TestServer.EditorKey);
        await ImportAsync(server, Row("US", "02139", 42.3647, -71.1042, "Cambridge") + Row("US", "02138", 42.38, -71.13) + Row("US", "80202", 39.7494, -104.9951)
            + Row("GB", "SW1A 1AA", 51.501, -0.1416), headers: editor);
        using var http = new HttpJson(server, Version.Parse(version), TestServer.ReaderKey);

        var one = (await http.GetAsync("/v1/gazetteer/us/02139-4307")).Ok();
        Assert.Equal("02139", one.GetProperty("postalCode").GetProperty("postalCode").GetString());
        Assert.Equal("Cambridge", one.GetProperty("postalCode").GetProperty("placeName").GetString());
        Assert.Equal("SW1A 1AA", (await http.GetAsync("/v1/gazetteer/GB/sw1a%201aa")).Ok().GetProperty("postalCode").GetProperty("postalCode").GetString());
        var missing = (await http.GetAsync("/v1/gazetteer/US/99999")).Error(HttpStatusCode.NotFound, StatusCode.NotFound);
        Assert.Contains("US \"99999\"", missing);
        (await http.GetAsync("/v1/gazetteer/USA/02139")).Error(HttpStatusCode.BadRequest, StatusCode.InvalidArgument);

        var page = (await http.GetAsync("/v1/gazetteer/us?prefix=021&page_size=1")).Ok();
        Assert.Equal(["02138"], page.GetProperty("postalCodes").EnumerateArray().Select(p => p.GetProperty("postalCode").GetString()));
        var next = page.GetProperty("nextPageToken").GetString()!;
        var rest = (await http.GetAsync($"/v1/gazetteer/US?prefix=021&page_size=1&page_token={Uri.EscapeDataString(next)}")).Ok();
        Assert.Equal(["02139"], rest.GetProperty("postalCodes").EnumerateArray().Select(p => p.GetProperty("postalCode").GetString()));
        Assert.False(rest.TryGetProperty("nextPageToken", out var end) && end.GetString()!.Length > 0);
        (await http.GetAsync("/v1/gazetteer/1x")).Error(HttpStatusCode.BadRequest, StatusCode.InvalidArgument);
        (await http.GetAsync("/v1/gazetteer/US?page_size=-1")).Error(HttpStatusCode.BadRequest, StatusCode.InvalidArgument);

        var info = (await http.GetAsync("/v1/map")).Ok();
        Assert.Equal([("GB", 1L), ("US", 3L)], info.GetProperty("gazetteer").EnumerateArray()
            .Select(c => (c.GetProperty("country").GetString(), c.GetProperty("postalCodeCount").GetInt64())));

        using var anonymous = new HttpJson(server, Version.Parse(version));
        (await anonymous.GetAsync("/v1/gazetteer/US/02139")).Error(HttpStatusCode.Unauthorized, StatusCode.Unauthenticated);
        (await anonymous.GetAsync("/v1/gazetteer/US")).Error(HttpStatusCode.Unauthorized, StatusCode.Unauthenticated);
    }
}

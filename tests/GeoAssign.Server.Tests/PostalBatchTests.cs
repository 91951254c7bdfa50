// Postal codes in ResolveBatch and ResolveStream through a real server: per-row outcomes, brute force, bad input, JSON.
using System.Globalization;
using System.Net;
using System.Text;
using GeoAssign.Protos.V1;
using GeoAssign.Testing;
using GeoAssign.Testing.Servers;
using Google.Protobuf;
using Grpc.Core;

namespace GeoAssign.Server.Tests;

public sealed class PostalBatchTests
{
    private static readonly string StatesSample = Path.Combine(TestDatasets.RepositoryRoot, "server", "GeoAssign.Server", "samples", "us-states.geojson");
    private static readonly string ZipSample = Path.Combine(TestDatasets.DataDirectory, "us-zip-sample.tsv");

    private static async Task<ulong> ImportAsync(TestServer server, string text, Metadata? headers = null)
    {
        using var call = server.Territories.ImportGazetteer(headers);
        await call.RequestStream.WriteAsync(new ImportGazetteerRequest { Options = new ImportGazetteerOptions(), Chunk = ByteString.CopyFromUtf8(text) });
        await call.RequestStream.CompleteAsync();
        return (await call).MapVersion;
    }

    private static string Row(string country, string code, double lat, double lng, string place = "") =>
        string.Join('\t', country, code, place, "", "", "", "", "", "", lat.ToString(CultureInfo.InvariantCulture), lng.ToString(CultureInfo.InvariantCulture), "") + "\n";

    // Europe and the eastern US, each with an owner; GB, NL and US codes inside them, one US code outside.
    private static async Task<TestServer> StartAsync(bool keys = false)
    {
        var server = await TestServer.StartAsync(keys ? TestServer.WithKeys : null, http1: keys);
        var editor = keys ? Shapes.Key(TestServer.EditorKey) : null;
        await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Territories = { Shapes.Territory("europe", Shapes.Square(-10, 40, 30), owner: "rep-eu"), Shapes.Territory("east", Shapes.Square(-80, 35, 15), owner: "rep-e") },
        }, editor);
        await ImportAsync(server, Row("GB", "SW1A 1AA", 51.501, -0.1416, "London") + Row("NL", "1012 AB", 52.373, 4.893, "Amsterdam")
            + Row("US", "02139", 42.3647, -71.1042, "Cambridge") + Row("US", "94105", 37.79, -122.39, "San Francisco"), editor);
        return server;
    }

    private static PointChunk Postal(params (string Country, string Code)[] rows)
    {
        var chunk = new PointChunk();
        foreach (var (country, code) in rows)
        {
            chunk.AddPostalCode(country, code);
        }

        return chunk;
    }

    [Fact]
    public async Task A_batch_answers_each_postal_row_found_unknown_or_outside_and_normalises_codes()
    {
        await using var server = await StartAsync();
        var chunk = Postal(("us", "02139-4307"), ("GB", " sw1a1aa "), ("nl", "1012ab"), ("US", "99999"), ("US", "94105"), ("US", "02139"));
        chunk.Ids.Add(["a", "b", "c", "d", "e", "f"]);
        var answer = (await server.Assignments.ResolveBatchAsync(new ResolveBatchRequest { Points = chunk })).Assignments;

        Assert.Equal(6, answer.Count);
        Assert.Equal(["east", "europe", "europe", null, null, "east"], Enumerable.Range(0, 6).Select(i => answer.GetTerritory(i)?.TerritoryId));
        Assert.Equal([Reason.PostalCode, Reason.PostalCode, Reason.PostalCode, Reason.PostalCodeNotFound, Reason.Unassigned, Reason.PostalCode], answer.Reasons);
        Assert.Equal(["a", "b", "c", "d", "e", "f"], answer.Ids);
        Assert.Equal("rep-e", answer.GetAssignment(0).OwnerId);
        Assert.Equal("", answer.GetAssignment(3).OwnerId);

        // The point used comes back per row; a repeated code is listed once.
        Assert.Equal(("US", "02139", 42.3647, -71.1042, "Cambridge"),
            (answer.GetLocation(0)!.Country, answer.GetLocation(0)!.PostalCode, answer.GetLocation(0)!.Lat, answer.GetLocation(0)!.Lng, answer.GetLocation(0)!.PlaceName));
        Assert.Equal("SW1A 1AA", answer.GetLocation(1)!.PostalCode);
        Assert.Equal("1012 AB", answer.GetLocation(2)!.PostalCode);
        Assert.Null(answer.GetLocation(3));
        Assert.Equal("94105", answer.GetLocation(4)!.PostalCode);
        Assert.Same(answer.GetLocation(0), answer.GetLocation(5));
        Assert.Equal(4, answer.Locations.Count);
    }

    [Fact]
    public async Task Points_and_postal_codes_mix_in_one_chunk_and_overrides_apply_to_postal_rows()
    {
        await using var server = await StartAsync();
        var accounts = new AccountService.AccountServiceClient(server.Channel);
        await accounts.UpsertOverridesAsync(new UpsertOverridesRequest { Overrides = { new Protos.V1.AccountOverride { AccountId = "acme", OwnerId = "rep-key" } } });

        var chunk = new PointChunk();
        chunk.AddPoint(50, 10);
        chunk.AddPostalCode("US", "02139");
        chunk.AddPoint(0, -150);
        chunk.AddPostalCode("US", "00000");
        chunk.AddPostalCode("GB", "SW1A 1AA");
        chunk.AccountIds.Add(["", "", "", "acme", "acme"]);
        Assert.Equal((5, 5, 5), (chunk.Lat.Count, chunk.Countries.Count, chunk.Count));
        var answer = (await server.Assignments.ResolveBatchAsync(new ResolveBatchRequest { Points = chunk })).Assignments;

        Assert.Equal([Reason.InteriorCell, Reason.PostalCode, Reason.Unassigned, Reason.PostalCodeNotFound, Reason.AccountOverride], answer.Reasons);
        Assert.Equal([0u, 1u, 0u, 0u, 2u], answer.LocationRefs);
        // An unknown code has no owner, not even its account's override's.
        Assert.Equal(("", ""), (answer.GetAssignment(3).OwnerId, answer.GetAssignment(3).TerritoryId));
        Assert.Equal(("rep-key", "europe", "rep-eu"), (answer.GetAssignment(4).OwnerId, answer.GetAssignment(4).TerritoryId, answer.GetAssignment(4).TerritoryOwnerId));

        // A chunk of points only has no location columns.
        var points = new PointChunk();
        points.Add(50, 10);
        var plain = (await server.Assignments.ResolveBatchAsync(new ResolveBatchRequest { Points = points })).Assignments;
        Assert.Empty(plain.LocationRefs);
        Assert.Empty(plain.Locations);
    }

    [Fact]
    public async Task Every_sample_zip_streamed_as_a_postal_code_lands_where_a_brute_force_test_puts_its_centroid()
    {
        var rows = File.ReadAllLines(ZipSample).Select(line => line.Split('\t')).ToList();
        var states = new BruteForceResolver(TestDatasets.LoadValid(StatesSample));
        await using var server = await TestServer.StartAsync();
        await server.Territories.ImportGeoJsonAsync(new ImportGeoJsonRequest { FeatureCollection = ByteString.CopyFrom(await File.ReadAllBytesAsync(StatesSample)) });
        await ImportAsync(server, await File.ReadAllTextAsync(ZipSample));

        using var call = server.Assignments.ResolveStream();
        var answers = new List<(Reason Reason, string? Territory, PostalCodeLocation? Location)>();
        var reading = Task.Run(async () =>
        {
            await foreach (var response in call.ResponseStream.ReadAllAsync())
            {
                Assert.Equal((ulong)answers.Count, response.FirstIndex);
                for (var i = 0; i < response.Assignments.Count; i++)
                {
                    answers.Add((response.Assignments.Reasons[i], response.Assignments.GetTerritory(i)?.TerritoryId, response.Assignments.GetLocation(i)));
                }
            }
        });
        foreach (var part in rows.Chunk(500))
        {
            // ZIP+4 and lower case or padded forms name the same ZIP; one unknown code per chunk.
            var chunk = Postal([.. part.Select((row, i) => (i % 2 == 0 ? "us" : " US ", i % 3 == 0 ? row[1] + "-0001" : row[1])), ("US", "00000")]);
            await call.RequestStream.WriteAsync(new ResolveStreamRequest { Points = chunk });
        }

        await call.RequestStream.CompleteAsync();
        await reading;

        var expected = rows.Chunk(500).SelectMany(part => part.Select(row => (Row: row, Known: true)).Append((Row: (string[])["US", "00000"], Known: false))).ToList();
        Assert.Equal(expected.Count, answers.Count);
        var inside = 0;
        for (var i = 0; i < answers.Count; i++)
        {
            var (row, known) = expected[i];
            if (!known)
            {
                Assert.Equal((Reason.PostalCodeNotFound, null, null), answers[i]);
                continue;
            }

            var (lat, lng) = (double.Parse(row[9], CultureInfo.InvariantCulture), double.Parse(row[10], CultureInfo.InvariantCulture));
            var state = states.ResolveId("geo", lng, lat);
            Assert.True(state == answers[i].Territory, $"ZIP {row[1]} at ({lat}, {lng}): brute force says {state ?? "none"}, the stream {answers[i].Territory}.");
            Assert.Equal(state is null ? Reason.Unassigned : Reason.PostalCode, answers[i].Reason);
            Assert.Equal((row[1], lat, lng), (answers[i].Location!.PostalCode, answers[i].Location!.Lat, answers[i].Location!.Lng));
            inside += state is null ? 0 : 1;
        }

        Assert.True(inside > rows.Count * 9 / 10, $"only {inside} of {rows.Count} ZIP points lie in a state");
    }

    [Fact]
    public async Task A_plan_uses_the_live_gazetteer_and_a_past_version_its_own()
    {
        await using var server = await StartAsync();
        var before = (await server.Territories.GetMapInfoAsync(new GetMapInfoRequest())).MapVersion;
        await ImportAsync(server, Row("US", "10001", 40.75, -73.99));
        await new PlanService.PlanServiceClient(server.Channel).CreatePlanAsync(new CreatePlanRequest { Name = "q3" });

        var plan = (await server.Assignments.ResolveBatchAsync(new ResolveBatchRequest { Points = Postal(("US", "10001")), Plan = "q3" })).Assignments;
        Assert.Equal([Reason.PostalCode], plan.Reasons);
        var past = (await server.Assignments.ResolveBatchAsync(new ResolveBatchRequest { Points = Postal(("US", "10001"), ("US", "02139")), Version = before })).Assignments;
        Assert.Equal([Reason.PostalCodeNotFound, Reason.PostalCode], past.Reasons);
        Assert.Equal(before, past.MapVersion);
    }

    [Fact]
    public async Task Get_and_list_postal_codes_read_a_past_version_or_instant_and_a_plan_reads_the_live_gazetteer()
    {
        await using var server = await StartAsync();
        var before = (await server.Territories.GetMapInfoAsync(new GetMapInfoRequest())).MapVersion;
        var added = await ImportAsync(server, Row("US", "10001", 40.75, -73.99, "New York"));
        await new PlanService.PlanServiceClient(server.Channel).CreatePlanAsync(new CreatePlanRequest { Name = "q3" });

        var past = await RpcAssert.FailsAsync(StatusCode.NotFound,
            () => server.Territories.GetPostalCodeAsync(new GetPostalCodeRequest { Country = "US", PostalCode = "10001", Version = before }));
        Assert.Contains($"US \"10001\" at map version {before}", past.Status.Detail);
        var now = await server.Territories.GetPostalCodeAsync(new GetPostalCodeRequest { Country = "us", PostalCode = "10001-2345", Version = added });
        Assert.Equal(("10001", added), (now.PostalCode.PostalCode, now.MapVersion));
        var plan = await server.Territories.GetPostalCodeAsync(new GetPostalCodeRequest { Country = "US", PostalCode = "10001", Plan = "q3" });
        Assert.Equal(("New York", added), (plan.PostalCode.PlaceName, plan.MapVersion));
        await RpcAssert.FailsAsync(StatusCode.NotFound,
            () => server.Territories.GetPostalCodeAsync(new GetPostalCodeRequest { Country = "US", PostalCode = "10001", Plan = "nope" }));
        var both = await RpcAssert.FailsAsync(StatusCode.InvalidArgument,
            () => server.Territories.GetPostalCodeAsync(new GetPostalCodeRequest { Country = "US", PostalCode = "10001", Plan = "q3", Version = added }));
        Assert.Contains("at most one", both.Status.Detail);

        var listedBefore = await server.Territories.ListPostalCodesAsync(new ListPostalCodesRequest { Country = "US", Version = before });
        Assert.Equal(["02139", "94105"], listedBefore.PostalCodes.Select(c => c.PostalCode));
        Assert.Equal((2ul, before), (listedBefore.CountryCount, listedBefore.MapVersion));
        var history = await server.Territories.ListVersionsAsync(new ListVersionsRequest());
        var addedAt = history.Versions.Single(v => v.Version == added).Time;
        var listedAt = await server.Territories.ListPostalCodesAsync(new ListPostalCodesRequest { Country = "US", AsOf = addedAt, PageSize = 2 });
        Assert.Equal(["02139", "10001"], listedAt.PostalCodes.Select(c => c.PostalCode));
        Assert.Equal(3ul, listedAt.CountryCount);
        var next = await server.Territories.ListPostalCodesAsync(new ListPostalCodesRequest { Country = "US", AsOf = addedAt, PageSize = 2, PageToken = listedAt.NextPageToken });
        Assert.Equal(["94105"], next.PostalCodes.Select(c => c.PostalCode));
        var listedPlan = await server.Territories.ListPostalCodesAsync(new ListPostalCodesRequest { Country = "US", Plan = "q3" });
        Assert.Equal(3, listedPlan.PostalCodes.Count);
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition,
            () => server.Territories.ListPostalCodesAsync(new ListPostalCodesRequest { Country = "US", Version = added + 100 }));
    }

    [Theory]
    [InlineData("lengths", "2 countries but 1 postal_codes")]
    [InlineData("lat-length", "2 countries but 1 lat values")]
    [InlineData("country", "points[1]: country \"USA\" is not an ISO 3166-1 alpha-2 code")]
    [InlineData("empty-code", "points[1]: the postal code is empty")]
    [InlineData("long-code", "points[1]: postal code \"123456789012345678901\" is not a postal code")]
    [InlineData("both", "points[1] has both a point and a postal code")]
    [InlineData("neither", "points[1] has neither a point nor a postal code")]
    [InlineData("half", "points[1] has a postal code but no country")]
    [InlineData("bad-point", "points[0]: ")]
    public async Task A_malformed_postal_chunk_is_invalid_argument_naming_the_row(string kind, string message)
    {
        await using var server = await StartAsync();
        var chunk = kind switch
        {
            "lengths" => new PointChunk { Countries = { "US", "US" }, PostalCodes = { "02139" } },
            "lat-length" => new PointChunk { Countries = { "US", "US" }, PostalCodes = { "02139", "02139" }, Lat = { 0 }, Lng = { 0 } },
            "country" => Postal(("US", "02139"), ("USA", "02139")),
            "empty-code" => Postal(("US", "02139"), ("US", "  ")),
            "long-code" => Postal(("US", "02139"), ("US", "123456789012345678901")),
            "both" => new PointChunk { Countries = { "", "US" }, PostalCodes = { "", "02139" }, Lat = { 50, 42.36 }, Lng = { 10, -71.1 } },
            "neither" => new PointChunk { Countries = { "US", "" }, PostalCodes = { "02139", "" } },
            "half" => new PointChunk { Countries = { "", "" }, PostalCodes = { "", "02139" }, Lat = { 50, 0 }, Lng = { 10, 0 } },
            _ => new PointChunk { Countries = { "", "US" }, PostalCodes = { "", "02139" }, Lat = { 95, 0 }, Lng = { 10, 0 } },
        };
        var batch = await RpcAssert.FailsAsync(StatusCode.InvalidArgument,
            () => server.Assignments.ResolveBatchAsync(new ResolveBatchRequest { Points = chunk }).ResponseAsync);
        Assert.Contains(message, batch.Status.Detail);

        // In a stream the index is stream-wide: the same chunk after one good message of two rows.
        using var call = server.Assignments.ResolveStream();
        await call.RequestStream.WriteAsync(new ResolveStreamRequest { Points = Postal(("US", "02139"), ("GB", "SW1A 1AA")) });
        Assert.True(await call.ResponseStream.MoveNext());
        await call.RequestStream.WriteAsync(new ResolveStreamRequest { Points = chunk });
        var stream = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () =>
        {
            while (await call.ResponseStream.MoveNext())
            {
            }
        });
        var shifted = message.StartsWith("points[", StringComparison.Ordinal)
            ? "points[" + (int.Parse(message[7..8], CultureInfo.InvariantCulture) + 2).ToString(CultureInfo.InvariantCulture) + message[8..]
            : message;
        Assert.Contains(shifted, stream.Status.Detail);
    }

    [Theory]
    [MemberData(nameof(HttpJson.Versions), MemberType = typeof(HttpJson))]
    public async Task The_json_batch_route_takes_postal_rows_and_answers_each(string version)
    {
        await using var server = await StartAsync(keys: true);
        using var http = new HttpJson(server, Version.Parse(version), TestServer.ReaderKey);
        var batch = (await http.PostAsync("/v1/resolve:batch",
            """{"points":{"countries":["us","GB","US"],"postalCodes":["02139-4307","sw1a1aa","99999"],"ids":["a","b","c"]}}""")).Ok().GetProperty("assignments");
        Assert.Equal(["REASON_POSTAL_CODE", "REASON_POSTAL_CODE", "REASON_POSTAL_CODE_NOT_FOUND"], batch.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        var refs = batch.GetProperty("locationRefs").EnumerateArray().Select(r => r.GetInt32()).ToList();
        Assert.Equal([1, 2, 0], refs);
        Assert.Equal(["02139", "SW1A 1AA"], batch.GetProperty("locations").EnumerateArray().Select(l => l.GetProperty("postalCode").GetString()));
        Assert.Equal(42.3647, batch.GetProperty("locations")[0].GetProperty("lat").GetDouble());
        var territories = batch.GetProperty("territoryRefs").EnumerateArray().Select(r => r.GetInt32()).ToList();
        Assert.Equal("east", batch.GetProperty("territories")[territories[0] - 1].GetProperty("territoryId").GetString());
        Assert.Equal(0, territories[2]);

        var bad = (await http.PostAsync("/v1/resolve:batch", """{"points":{"countries":["US","USA"],"postalCodes":["02139","1"]}}"""))
            .Error(HttpStatusCode.BadRequest, StatusCode.InvalidArgument);
        Assert.Contains("points[1]: country \"USA\"", bad);
        using var anonymous = new HttpJson(server, Version.Parse(version));
        (await anonymous.PostAsync("/v1/resolve:batch", """{"points":{"countries":["US"],"postalCodes":["02139"]}}"""))
            .Error(HttpStatusCode.Unauthorized, StatusCode.Unauthenticated);
    }
}

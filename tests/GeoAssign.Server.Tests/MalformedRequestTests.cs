// Request bytes that do not decode get the gRPC specification's status, never UNKNOWN (which means "may have been applied").
using GeoAssign.Protos.V1;
using GeoAssign.Testing.Servers;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace GeoAssign.Server.Tests;

public sealed class MalformedRequestTests(EmptyServer fixture) : IClassFixture<EmptyServer>
{
    private const string Resolve = "/geoassign.v1.AssignmentService/Resolve";
    private static readonly byte[] GoodResolve = new ResolveRequest { Lat = 0.5, Lng = 0.5, Layer = "geo" }.ToByteArray();

    private async Task<RawAnswer> CallAsync(string method, byte[] body, string? encoding = null)
    {
        using var raw = new RawGrpc(fixture.Server.Address);
        return await raw.CallAsync(method, body, encoding);
    }

    private static void Unparsable(RawAnswer answer, string type)
    {
        Assert.True(answer.Status == StatusCode.Internal, $"Expected Internal but got {answer.Status}: {answer.Message}");
        Assert.StartsWith($"The request message could not be parsed as {type}: ", answer.Message);
    }

    [Fact]
    public async Task A_field_number_0_is_INTERNAL_naming_the_message_type()
    {
        var answer = await CallAsync(Resolve, RawGrpc.Frame([0x00, 0x01]));
        Unparsable(answer, "geoassign.v1.ResolveRequest");
        Assert.Contains("tag", answer.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_truncated_message_is_INTERNAL()
    {
        var answer = await CallAsync(Resolve, RawGrpc.Frame(GoodResolve.AsSpan(0, GoodResolve.Length - 2)));
        Unparsable(answer, "geoassign.v1.ResolveRequest");
    }

    [Fact]
    public async Task An_over_long_varint_is_INTERNAL()
    {
        // min_version (field 4, varint) with eleven continuation bytes: a varint has at most ten.
        byte[] payload = [0x20, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01];
        Unparsable(await CallAsync(Resolve, RawGrpc.Frame(payload)), "geoassign.v1.ResolveRequest");
    }

    [Fact]
    public async Task Invalid_utf8_in_a_string_field_is_INTERNAL()
    {
        // layer (field 3) = C3 28: a lead byte without its continuation.
        Unparsable(await CallAsync(Resolve, RawGrpc.Frame([0x1A, 0x02, 0xC3, 0x28])), "geoassign.v1.ResolveRequest");
    }

    [Fact]
    public async Task Nesting_past_the_protobuf_recursion_limit_is_INTERNAL_and_changes_nothing()
    {
        var before = (await fixture.Server.Territories.GetMapInfoAsync(new GetMapInfoRequest())).MapVersion;
        var value = Value.ForString("deep");
        for (var i = 0; i < 120; i++)
        {
            value = Value.ForStruct(new Struct { Fields = { ["a"] = value } });
        }

        var territory = Shapes.Territory("deep", Shapes.Square(0, 0, 1), attributes: value.StructValue);
        var body = RawGrpc.Frame(new UpsertTerritoriesRequest { Territories = { territory } });

        var answer = await CallAsync("/geoassign.v1.TerritoryService/UpsertTerritories", body);

        Unparsable(answer, "geoassign.v1.UpsertTerritoriesRequest");
        Assert.Contains("nesting", answer.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, (await fixture.Server.Territories.GetMapInfoAsync(new GetMapInfoRequest())).MapVersion);
    }

    [Theory]
    [InlineData(0x8000_0000u)]
    [InlineData(0xFFFF_FFFFu)]
    public async Task A_length_prefix_of_2_GiB_or_more_is_RESOURCE_EXHAUSTED(uint length)
    {
        var answer = await CallAsync(Resolve, RawGrpc.Frame(GoodResolve, length: length));
        Assert.True(answer.Status == StatusCode.ResourceExhausted, $"{answer.Status}: {answer.Message}");
        Assert.Contains(length.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), answer.Message);
        Assert.Contains("GeoAssign:MaxMessageBytes", answer.Message);
    }

    [Fact]
    public async Task A_compressed_flag_other_than_0_or_1_is_INTERNAL()
    {
        var answer = await CallAsync(Resolve, RawGrpc.Frame(GoodResolve, flag: 7));
        Assert.True(answer.Status == StatusCode.Internal, $"{answer.Status}: {answer.Message}");
        Assert.Contains("compressed flag", answer.Message);
    }

    [Fact]
    public async Task A_body_that_is_not_gzip_under_grpc_encoding_gzip_is_INTERNAL()
    {
        var answer = await CallAsync(Resolve, RawGrpc.Frame(GoodResolve, flag: 1), encoding: "gzip");
        Assert.True(answer.Status == StatusCode.Internal, $"{answer.Status}: {answer.Message}");
        Assert.Contains("gzip", answer.Message);
    }

    [Fact]
    public async Task Gzip_that_inflates_past_the_message_limit_is_RESOURCE_EXHAUSTED()
    {
        // 17 MiB of zeros compress to a few KiB: the compressed size says nothing about the real one.
        var bomb = RawGrpc.Gzip(new byte[17 * 1024 * 1024]);
        var answer = await CallAsync(Resolve, RawGrpc.Frame(bomb, flag: 1), encoding: "gzip");
        Assert.True(answer.Status == StatusCode.ResourceExhausted, $"{answer.Status}: {answer.Message}");
        Assert.Contains("GeoAssign:MaxMessageBytes", answer.Message);
    }

    [Fact]
    public async Task Well_formed_gzip_is_still_read()
    {
        var answer = await CallAsync(Resolve, RawGrpc.Frame(RawGrpc.Gzip(GoodResolve), flag: 1), encoding: "gzip");
        // The map is empty: a well-formed lookup in a layer without territories is NOT_FOUND.
        Assert.True(answer.Status == StatusCode.NotFound, $"{answer.Status}: {answer.Message}");
    }

    [Fact]
    public async Task A_bad_message_inside_a_bidi_stream_is_INTERNAL()
    {
        await fixture.Server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest { Territories = { Shapes.Territory("bidi", Shapes.Square(10, 10, 1)) } });
        var good = new ResolveStreamRequest { Points = new PointChunk() };
        good.Points.Add(10.5, 10.5);
        var body = RawGrpc.Frame(good).Concat(RawGrpc.Frame([0x00])).ToArray();

        var answer = await CallAsync("/geoassign.v1.AssignmentService/ResolveStream", body);

        Unparsable(answer, "geoassign.v1.ResolveStreamRequest");
    }

    [Fact]
    public async Task A_bad_message_of_a_reassign_stream_is_INTERNAL()
    {
        Unparsable(await CallAsync("/geoassign.v1.ReassignmentService/Reassign", RawGrpc.Frame([0xFF])), "geoassign.v1.ReassignRequest");
    }

    [Fact]
    public async Task A_bad_message_of_a_client_stream_is_INTERNAL_and_imports_nothing()
    {
        var before = (await fixture.Server.Territories.GetMapInfoAsync(new GetMapInfoRequest())).MapVersion;
        var first = new ImportGeoJsonStreamRequest { Options = new ImportGeoJsonOptions(), Chunk = ByteString.CopyFromUtf8("{\"type\":\"FeatureCollection\",") };
        var body = RawGrpc.Frame(first).Concat(RawGrpc.Frame([0x12, 0x05, 0x01])).ToArray();

        var answer = await CallAsync("/geoassign.v1.TerritoryService/ImportGeoJsonStream", body);

        Unparsable(answer, "geoassign.v1.ImportGeoJsonStreamRequest");
        Assert.Equal(before, (await fixture.Server.Territories.GetMapInfoAsync(new GetMapInfoRequest())).MapVersion);
    }

    [Fact]
    public async Task A_bad_request_of_a_server_stream_is_INTERNAL()
    {
        Unparsable(await CallAsync("/geoassign.v1.TerritoryService/WatchMap", RawGrpc.Frame([0x08, 0x80])), "geoassign.v1.WatchMapRequest");
    }
}

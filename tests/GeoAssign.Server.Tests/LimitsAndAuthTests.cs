// Configured limits give RESOURCE_EXHAUSTED; API keys and roles; health and reflection stay open.
using GeoAssign.Testing.Servers;
using Grpc.Health.V1;
using GeoAssign.Protos.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Reflection.V1Alpha;

namespace GeoAssign.Server.Tests;

public sealed class SmallLimitsServer : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await TestServer.StartAsync(new Dictionary<string, string?>
    {
        ["GeoAssign:MaxTerritoriesPerEdit"] = "3",
        ["GeoAssign:MaxTerritoriesPerMap"] = "4",
        ["GeoAssign:MaxVerticesPerTerritory"] = "100",
        ["GeoAssign:MaxPointsPerMessage"] = "10",
        ["GeoAssign:MaxAttributesBytes"] = "64",
        ["GeoAssign:MaxMessageBytes"] = "65536",
        ["GeoAssign:MaxImportBytes"] = "100000",
    });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class LimitTests(SmallLimitsServer fixture) : IClassFixture<SmallLimitsServer>
{
    private TerritoryService.TerritoryServiceClient Client => fixture.Server.Territories;

    [Fact]
    public async Task Each_limit_is_resource_exhausted_naming_it_and_changes_nothing()
    {
        var start = await Client.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Territories = { Shapes.Territory("l-1", Shapes.Square(0, 0, 1)), Shapes.Territory("l-2", Shapes.Square(2, 0, 1)), Shapes.Territory("l-3", Shapes.Square(4, 0, 1)) },
        });

        var perEdit = await RpcAssert.FailsAsync(StatusCode.ResourceExhausted, () => Client.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Territories = { Enumerable.Range(0, 4).Select(i => Shapes.Territory($"e-{i}", Shapes.Square(i * 2, 5, 1))) },
        }));
        Assert.Contains("limit is 3", perEdit.Status.Detail);
        Assert.Contains("GeoAssign:MaxTerritoriesPerEdit", perEdit.Status.Detail);

        var perMap = await RpcAssert.FailsAsync(StatusCode.ResourceExhausted, () => Client.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Territories = { Shapes.Territory("m-1", Shapes.Square(0, 10, 1)), Shapes.Territory("m-2", Shapes.Square(2, 10, 1)) },
        }));
        Assert.Contains("5 territories", perMap.Status.Detail);
        Assert.Contains("raise GeoAssign:MaxTerritoriesPerMap", perMap.Status.Detail);

        var vertices = await RpcAssert.FailsAsync(StatusCode.ResourceExhausted, () => Client.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Territories = { Shapes.Territory("v-1", Shapes.Circle(10, 10, 1, 150)) },
        }));
        Assert.Contains("territories[0] (id \"v-1\")", vertices.Status.Detail);
        Assert.Contains("raise GeoAssign:MaxVerticesPerTerritory", vertices.Status.Detail);

        var attributes = await RpcAssert.FailsAsync(StatusCode.ResourceExhausted, () => Client.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Territories = { Shapes.Territory("a-1", Shapes.Square(0, 20, 1), attributes: Struct.Parser.ParseJson("{\"note\": \"" + new string('x', 100) + "\"}")) },
        }));
        Assert.Contains("attributes", attributes.Status.Detail);
        Assert.Contains("GeoAssign:MaxAttributesBytes", attributes.Status.Detail);

        var message = await RpcAssert.FailsAsync(StatusCode.ResourceExhausted, () => Client.ImportGeoJsonAsync(new ImportGeoJsonRequest
        {
            FeatureCollection = ByteString.CopyFrom(new byte[70_000]),
        }));
        Assert.NotEmpty(message.Status.Detail);

        var points = new PointChunk();
        for (var i = 0; i < 11; i++)
        {
            points.Add(0.5, 0.5);
        }

        await RpcAssert.FailsAsync(StatusCode.ResourceExhausted,
            () => fixture.Server.Assignments.ResolveBatchAsync(new ResolveBatchRequest { Points = points }));

        using var import = Client.ImportGeoJsonStream();
        // Well-formed so far (JSON allows any amount of white space), so only the size can stop it.
        var opening = "{\"type\":\"FeatureCollection\",\"features\":[" + new string(' ', 60_000);
        await import.RequestStream.WriteAsync(new ImportGeoJsonStreamRequest { Options = new ImportGeoJsonOptions(), Chunk = ByteString.CopyFromUtf8(opening) });
        await import.RequestStream.WriteAsync(new ImportGeoJsonStreamRequest { Chunk = ByteString.CopyFromUtf8(new string(' ', 60_000)) });
        await import.RequestStream.CompleteAsync();
        var tooBig = await RpcAssert.FailsAsync(StatusCode.ResourceExhausted, async () => await import);
        Assert.Contains("100,000", tooBig.Status.Detail);

        // Nothing changed, and the server still serves.
        var info = await Client.GetMapInfoAsync(new GetMapInfoRequest());
        Assert.Equal(start.MapVersion, info.MapVersion);
        Assert.Equal(3u, info.TerritoryCount);
        var answer = await fixture.Server.Assignments.ResolveAsync(new ResolveRequest { Lat = 0.5, Lng = 0.5 });
        Assert.Equal("l-1", answer.Assignment.TerritoryId);
    }
}

public sealed class KeyedServer : IAsyncLifetime
{
    public const string ReaderKey = "reader-key-0123456789";
    public const string EditorKey = "editor-key-0123456789";

    public TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await TestServer.StartAsync(new Dictionary<string, string?>
    {
        ["GeoAssign:ApiKeys:0:Key"] = ReaderKey,
        ["GeoAssign:ApiKeys:0:Role"] = "reader",
        ["GeoAssign:ApiKeys:1:Key"] = EditorKey,
        ["GeoAssign:ApiKeys:1:Role"] = "editor",
    });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class AuthenticationTests(KeyedServer fixture) : IClassFixture<KeyedServer>
{
    private static UpsertTerritoriesRequest Edit(string id) => new() { Territories = { Shapes.Territory(id, Shapes.Square(0, 0, 1)) } };

    [Fact]
    public async Task Without_a_known_key_every_call_is_unauthenticated()
    {
        var none = await RpcAssert.FailsAsync(StatusCode.Unauthenticated,
            () => fixture.Server.Assignments.ResolveAsync(new ResolveRequest { Lat = 0, Lng = 0 }));
        Assert.Contains("x-api-key", none.Status.Detail);
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated,
            () => fixture.Server.Territories.GetMapInfoAsync(new GetMapInfoRequest(), Shapes.Key("wrong-key-0123456789")));
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, () => fixture.Server.Territories.UpsertTerritoriesAsync(Edit("k-0")));
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, () => fixture.Server.Diagnostics.EchoAsync(new EchoRequest()));
    }

    [Fact]
    public async Task A_reader_key_looks_up_but_may_not_edit()
    {
        var reader = Shapes.Key(KeyedServer.ReaderKey);
        var denied = await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => fixture.Server.Territories.UpsertTerritoriesAsync(Edit("k-1"), reader));
        Assert.Contains("editor", denied.Status.Detail);
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied,
            () => fixture.Server.Territories.DeleteTerritoriesAsync(new DeleteTerritoriesRequest { Ids = { "x" } }, reader));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied,
            () => fixture.Server.Territories.ImportGeoJsonAsync(new ImportGeoJsonRequest(), reader));

        var info = await fixture.Server.Territories.GetMapInfoAsync(new GetMapInfoRequest(), reader);
        Assert.NotNull(info.Replica);
        await fixture.Server.Diagnostics.EchoAsync(new EchoRequest(), reader);
    }

    [Fact]
    public async Task An_editor_key_edits_and_looks_up()
    {
        var editor = Shapes.Key(KeyedServer.EditorKey);
        var edit = await fixture.Server.Territories.UpsertTerritoriesAsync(Edit("k-2"), editor);
        var answer = await fixture.Server.Assignments.ResolveAsync(new ResolveRequest { Lat = 0.5, Lng = 0.5, MinVersion = edit.MapVersion }, editor);
        Assert.Equal("k-2", answer.Assignment.TerritoryId);
    }

    [Fact]
    public async Task Health_and_reflection_need_no_key()
    {
        var health = await new Health.HealthClient(fixture.Server.Channel).CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);

        using var reflection = new ServerReflection.ServerReflectionClient(fixture.Server.Channel).ServerReflectionInfo();
        await reflection.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        Assert.True(await reflection.ResponseStream.MoveNext());
        var services = reflection.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        await reflection.RequestStream.CompleteAsync();
        Assert.Contains("geoassign.v1.AssignmentService", services);
        Assert.Contains("geoassign.v1.TerritoryService", services);
    }
}

public sealed class DiagnosticsTests(EmptyServer fixture) : IClassFixture<EmptyServer>
{
    [Fact]
    public async Task Echo_returns_the_payload_or_the_requested_size()
    {
        var client = fixture.Server.Diagnostics;
        var echoed = await client.EchoAsync(new EchoRequest { Payload = ByteString.CopyFromUtf8("hello") });
        Assert.Equal("hello", echoed.Payload.ToStringUtf8());
        var sized = await client.EchoAsync(new EchoRequest { Payload = ByteString.CopyFromUtf8("x"), ResponseSize = 1000 });
        Assert.Equal(1000, sized.Payload.Length);
        await RpcAssert.FailsAsync(StatusCode.ResourceExhausted, () => client.EchoAsync(new EchoRequest { ResponseSize = 64 * 1024 * 1024 }));

        using var stream = client.EchoStream();
        for (var i = 0; i < 3; i++)
        {
            await stream.RequestStream.WriteAsync(new EchoStreamRequest { ResponseSize = (uint)(10 * i) });
            Assert.True(await stream.ResponseStream.MoveNext());
            Assert.Equal(10 * i, stream.ResponseStream.Current.Payload.Length);
        }

        await stream.RequestStream.CompleteAsync();
        Assert.False(await stream.ResponseStream.MoveNext());
    }
}

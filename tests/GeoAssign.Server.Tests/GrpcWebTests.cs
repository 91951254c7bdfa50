// gRPC-Web over HTTP/1.1, for browsers and proxies that cannot speak HTTP/2, when the operator turns it on.
using GeoAssign.Protos.V1;
using GeoAssign.Testing.Servers;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using Xunit;

namespace GeoAssign.Server.Tests;

public sealed class GrpcWebTests
{
    [Fact]
    public async Task With_GrpcWeb_enabled_an_HTTP1_endpoint_serves_imports_lookups_and_server_streams()
    {
        await using var server = await StartHttp1Async(enableGrpcWeb: true);
        using var channel = GrpcWebChannel(server);
        var territories = new TerritoryService.TerritoryServiceClient(channel);
        var assignments = new AssignmentService.AssignmentServiceClient(channel);

        var imported = await territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Territories = { Shapes.Territory("web-1", Shapes.Square(10, 10, 1)), Shapes.Territory("web-2", Shapes.Square(11, 10, 1), priority: 1) },
        });
        var one = await assignments.ResolveAsync(new ResolveRequest { Lat = 10.5, Lng = 10.5, MinVersion = imported.MapVersion });
        Assert.Equal("web-1", one.Assignment.TerritoryId);

        var points = new PointChunk();
        points.Add(10.5, 11.5);
        points.Add(10.5, 11.0); // on the shared border: web-2 has the higher priority
        points.Add(50, 50);
        var batch = await assignments.ResolveBatchAsync(new ResolveBatchRequest { Points = points });
        Assert.Equal(["web-2", "web-2", ""], Enumerable.Range(0, batch.Assignments.Count).Select(i => batch.Assignments.GetAssignment(i).TerritoryId));

        // A server stream: WatchMap's first message is the current version.
        using var watch = territories.WatchMap(new WatchMapRequest());
        Assert.True(await watch.ResponseStream.MoveNext());
        Assert.Equal(imported.MapVersion, watch.ResponseStream.Current.MapVersion);

        // Errors keep their status and message.
        var error = await Assert.ThrowsAsync<RpcException>(async () => await assignments.ResolveAsync(new ResolveRequest { Lat = 91, Lng = 0 }));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("lat", error.Status.Detail);
    }

    [Fact]
    public async Task Without_it_gRPC_Web_calls_are_refused()
    {
        await using var server = await StartHttp1Async(enableGrpcWeb: false);
        using var channel = GrpcWebChannel(server);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await new AssignmentService.AssignmentServiceClient(channel).ResolveAsync(new ResolveRequest { Lat = 10.5, Lng = 10.5 }));
        // gRPC itself turns the content type away.
        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Contains("application/grpc-web", error.Status.Detail);
    }

    // The real server with one endpoint that speaks HTTP/1.1 only (Kestrel:Endpoints overrides the
    // test server's HTTP/2 urls), on a port the OS picks.
    private static Task<TestServer> StartHttp1Async(bool enableGrpcWeb) => TestServer.StartAsync(new Dictionary<string, string?>
    {
        ["Kestrel:Endpoints:web:Url"] = "http://127.0.0.1:0",
        ["Kestrel:Endpoints:web:Protocols"] = "Http1",
        ["GeoAssign:EnableGrpcWeb"] = enableGrpcWeb ? "true" : "false",
    });

    private static GrpcChannel GrpcWebChannel(TestServer server) => GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions
    {
        HttpHandler = new GrpcWebHandler(GrpcWebMode.GrpcWeb, new HttpClientHandler()),
        HttpVersion = System.Net.HttpVersion.Version11,
        HttpVersionPolicy = System.Net.Http.HttpVersionPolicy.RequestVersionExact,
    });
}

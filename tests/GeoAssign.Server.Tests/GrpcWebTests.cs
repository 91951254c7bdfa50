// gRPC-Web over HTTP/1.1, for browsers and proxies that cannot speak HTTP/2, when the operator turns it on.
using GeoAssign.Protos.V1;
using GeoAssign.Server.Hosting;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace GeoAssign.Server.Tests;

public sealed class GrpcWebTests
{
    [Fact]
    public async Task With_GrpcWeb_enabled_an_HTTP1_endpoint_serves_imports_lookups_and_server_streams()
    {
        await using var server = await Http1Server.StartAsync(enableGrpcWeb: true);
        using var channel = server.Channel();
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
        await using var server = await Http1Server.StartAsync(enableGrpcWeb: false);
        using var channel = server.Channel();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await new AssignmentService.AssignmentServiceClient(channel).ResolveAsync(new ResolveRequest { Lat = 10.5, Lng = 10.5 }));
        // gRPC itself turns the content type away.
        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Contains("application/grpc-web", error.Status.Detail);
    }

    // The real server with one endpoint that speaks HTTP/1.1 only, on a port the OS picks.
    private sealed class Http1Server(WebApplication app, string address, string dataDirectory) : IAsyncDisposable
    {
        public static async Task<Http1Server> StartAsync(bool enableGrpcWeb)
        {
            var dataDirectory = Path.Combine(Path.GetTempPath(), "geoassign-server-tests", Guid.NewGuid().ToString("N"));
            var app = GeoAssignServerApp.Build([], builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Kestrel:Endpoints:web:Url"] = "http://127.0.0.1:0",
                ["Kestrel:Endpoints:web:Protocols"] = "Http1",
                ["GeoAssign:EnableGrpcWeb"] = enableGrpcWeb ? "true" : "false",
                ["GeoAssign:DataDirectory"] = dataDirectory,
                ["Logging:LogLevel:Default"] = "Error",
            }));
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            return new Http1Server(app, address, dataDirectory);
        }

        public GrpcChannel Channel() => GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = new GrpcWebHandler(GrpcWebMode.GrpcWeb, new HttpClientHandler()),
            HttpVersion = System.Net.HttpVersion.Version11,
            HttpVersionPolicy = System.Net.Http.HttpVersionPolicy.RequestVersionExact,
        });

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}

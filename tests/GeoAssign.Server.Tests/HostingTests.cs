// Start-up validation, the data-folder lock, and graceful shutdown.
using GeoAssign.Protos.V1;
using GeoAssign.Replication;
using GeoAssign.Testing.Servers;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace GeoAssign.Server.Tests;

public sealed class HostingTests
{
    [Fact]
    public async Task Bad_configuration_stops_the_start_naming_each_bad_setting()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["GeoAssign:MaxPointsPerMessage"] = "0",
            ["GeoAssign:ApiKeys:0:Key"] = "short",
            ["GeoAssign:ApiKeys:0:Role"] = "admin",
        }));
        Assert.Contains("GeoAssign:MaxPointsPerMessage must be positive", error.Message);
        Assert.Contains("GeoAssign:ApiKeys:0:Key must have at least 16 characters", error.Message);
        Assert.Contains("GeoAssign:ApiKeys:0:Role must be \"reader\" or \"editor\"", error.Message);
    }

    [Fact]
    public async Task Bad_redis_configuration_stops_the_start_naming_each_bad_setting()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["GeoAssign:Store"] = "Redis",
            ["GeoAssign:Redis:MapName"] = "two words",
            ["GeoAssign:Redis:PollInterval"] = "00:00:00",
        }));
        Assert.Contains("GeoAssign:Store is Redis, so GeoAssign:Redis:ConnectionString must be set", error.Message);
        Assert.Contains("GeoAssign:Redis:MapName must be non-empty, without braces, spaces or control characters", error.Message);
        Assert.Contains("GeoAssign:Redis:PollInterval must be between 10 ms and 1 minute", error.Message);
    }

    [Theory]
    [InlineData("geo assign", "127.0.0.1:26379", "must be non-empty, without commas, spaces or control characters")]
    [InlineData("geoassign", "127.0.0.1:26379,serviceName=other", "but the connection string says serviceName=other")]
    public async Task A_bad_sentinel_service_name_stops_the_start_naming_the_setting(string serviceName, string connectionString, string problem)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["GeoAssign:Redis:ConnectionString"] = connectionString,
            ["GeoAssign:Redis:ServiceName"] = serviceName,
        }));
        Assert.Contains("GeoAssign:Redis:ServiceName", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public async Task A_server_that_cannot_reach_redis_says_where_it_looked()
    {
        // A loopback port nobody listens on: the connection is refused at once.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var error = await Assert.ThrowsAsync<MapStoreException>(() => TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["GeoAssign:Redis:ConnectionString"] = $"127.0.0.1:{port}",
            ["GeoAssign:Redis:ConnectRetryTime"] = "00:00:01",
        }));
        Assert.Contains($"127.0.0.1:{port}", error.Message);
        Assert.Contains("GeoAssign:Redis:ConnectionString", error.Message);
    }

    [Fact]
    public async Task A_second_server_cannot_use_a_data_folder_in_use()
    {
        await using var first = await TestServer.StartAsync();
        var error = await Assert.ThrowsAsync<MapStoreException>(() => TestServer.StartAsync(dataDirectory: first.DataDirectory));
        Assert.Contains(Path.GetFullPath(first.DataDirectory), error.Message);
        Assert.Contains("in use by another GeoAssign server", error.Message);
    }

    [Fact]
    public async Task A_restarted_server_serves_what_it_acknowledged()
    {
        var directory = Path.Combine(Path.GetTempPath(), "geoassign-server-tests", Guid.NewGuid().ToString("N"));
        ulong version;
        await using (var first = await TestServer.StartAsync(new Dictionary<string, string?> { ["GeoAssign:SnapshotEveryChanges"] = "2" }, dataDirectory: directory))
        {
            for (var i = 0; i < 5; i++)
            {
                await first.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest { Territories = { Shapes.Territory($"r-{i}", Shapes.Square(i * 2, 0, 1)) } });
            }

            version = (await first.Territories.DeleteTerritoriesAsync(new DeleteTerritoriesRequest { Ids = { "r-0" } })).MapVersion;
        }

        await using var second = await TestServer.StartAsync(dataDirectory: directory);
        var info = await second.Territories.GetMapInfoAsync(new GetMapInfoRequest());
        Assert.Equal(version, info.MapVersion);
        Assert.Equal(4u, info.TerritoryCount);
        var answer = await second.Assignments.ResolveAsync(new ResolveRequest { Lat = 0.5, Lng = 2.5 });
        Assert.Equal("r-1", answer.Assignment.TerritoryId);
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task Shutdown_lets_a_stream_in_flight_finish_and_ends_watchers_with_unavailable()
    {
        var server = await TestServer.StartAsync();
        try
        {
            await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest { Territories = { Shapes.Territory("s-1", Shapes.Square(0, 0, 1)) } });
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            using var watch = server.Territories.WatchMap(new WatchMapRequest(), cancellationToken: timeout.Token);
            Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));

            using var stream = server.Assignments.ResolveStream(cancellationToken: timeout.Token);
            var points = new PointChunk();
            points.Add(0.5, 0.5);
            await stream.RequestStream.WriteAsync(new ResolveStreamRequest { Points = points });
            Assert.True(await stream.ResponseStream.MoveNext(timeout.Token));

            var stopping = server.App.StopAsync(timeout.Token);
            var watchError = await RpcAssert.FailsAsync(StatusCode.Unavailable, async () => await watch.ResponseStream.MoveNext(timeout.Token));
            Assert.Contains("shutting down", watchError.Status.Detail);

            // The stream that was in flight is still answered, then ends normally.
            await stream.RequestStream.WriteAsync(new ResolveStreamRequest { Points = points });
            Assert.True(await stream.ResponseStream.MoveNext(timeout.Token));
            Assert.Equal("s-1", stream.ResponseStream.Current.Assignments.GetAssignment(0).TerritoryId);
            await stream.RequestStream.CompleteAsync();
            Assert.False(await stream.ResponseStream.MoveNext(timeout.Token));
            Assert.Equal(StatusCode.OK, stream.GetStatus().StatusCode);
            await stopping;
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}

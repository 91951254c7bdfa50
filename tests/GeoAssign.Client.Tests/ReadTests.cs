// GetTerritory, ListTerritories (auto-paging), GetMapInfo and WatchAsync.
using GeoAssign.Testing.Servers;
using Grpc.Core;

namespace GeoAssign.Client.Tests;

public sealed class ReadTests(SampleServer fixture) : IClassFixture<SampleServer>
{
    private static async Task<List<T>> AllAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }

    [Fact]
    public async Task Get_returns_the_territory_with_its_geometry_or_not_found()
    {
        using var client = fixture.Server.Client();
        var colorado = await client.GetTerritoryAsync("08");
        var expected = TestData.SampleTerritories.Single(t => t.Id == "08");
        Assert.Equal(("Colorado", expected.OwnerId, "geo"), (colorado.Name, colorado.OwnerId, colorado.Layer));
        Assert.StartsWith("{", colorado.GeometryGeoJson, StringComparison.Ordinal);

        var missing = await Assert.ThrowsAsync<GeoAssignException>(() => client.GetTerritoryAsync("no-such-id"));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Contains("no-such-id", missing.ServerMessage, StringComparison.Ordinal);
        var empty = await Assert.ThrowsAsync<GeoAssignException>(() => client.GetTerritoryAsync(""));
        Assert.Equal(StatusCode.InvalidArgument, empty.StatusCode);
    }

    [Fact]
    public async Task List_pages_through_every_territory_in_id_order_without_repeats()
    {
        using var client = fixture.Server.Client(configure: o => o.PageSize = 7);
        var all = await AllAsync(client.ListTerritoriesAsync(layer: "geo"));

        var expected = TestData.SampleTerritories.Select(t => t.Id).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, all.Select(t => t.Id));
        Assert.All(all, t => Assert.Null(t.GeometryGeoJson));
    }

    [Fact]
    public async Task List_filters_by_owner_and_layer_and_can_include_geometry()
    {
        using var client = fixture.Server.Client();
        var owner = TestData.SampleTerritories.First().OwnerId;
        var owned = await AllAsync(client.ListTerritoriesAsync(ownerId: owner, includeGeometry: true));
        Assert.NotEmpty(owned);
        Assert.All(owned, t =>
        {
            Assert.Equal(owner, t.OwnerId);
            Assert.NotNull(t.GeometryGeoJson);
        });

        Assert.Empty(await AllAsync(client.ListTerritoriesAsync(layer: "no-such-layer")));
    }

    [Fact]
    public async Task Map_info_reports_version_layers_replica_and_limits()
    {
        using var client = fixture.Server.Client();
        var info = await client.GetMapInfoAsync();

        Assert.True(info.MapVersion >= fixture.Version);
        Assert.True(info.TerritoryCount >= 56);
        var geo = Assert.Single(info.Layers, l => l.Layer == "geo");
        Assert.Equal(56, geo.TerritoryCount);
        Assert.InRange(geo.FinestResolution, 0, 15);
        Assert.True(geo.VertexCount > 1000);
        Assert.NotEmpty(geo.Cells);
        Assert.Equal(("embedded", "serving"), (info.Replica.StoreKind, info.Replica.State));
        Assert.Equal(10_000, info.Limits.MaxPointsPerMessage);
        Assert.Equal(TimeSpan.FromMilliseconds(200), info.Limits.MinVersionWait);
    }

    [Fact]
    public async Task Watch_starts_at_the_current_version_then_reports_each_edit()
    {
        using var client = fixture.Server.Client();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var watch = client.WatchAsync(0, timeout.Token).GetAsyncEnumerator(timeout.Token);

        Assert.True(await watch.MoveNextAsync());
        var marker = watch.Current;
        Assert.Equal(marker.MapVersion, marker.PreviousVersion);

        var edit = await client.UpsertAsync([new Territory { Id = "watched", OwnerId = "rep-w", Layer = "watch", GeometryGeoJson = Shapes.Square(70, 70, 1) }]);
        Assert.True(await watch.MoveNextAsync());
        var change = watch.Current;
        Assert.Equal(edit.MapVersion, change.MapVersion);
        Assert.Equal(marker.MapVersion, change.PreviousVersion);
        Assert.Equal(["watched"], change.UpsertedIds);
        Assert.Equal(["watch"], change.Layers);
        Assert.False(change.Resync);
    }
}

/// <summary>Watching across a server restart: the client reconnects and resumes after the last version it saw.</summary>
public sealed class WatchReconnectTests
{
    [Fact]
    public async Task Watch_reconnects_after_the_server_restarts_and_misses_no_version()
    {
        var port = TestServer.FreePort();
        var data = Path.Combine(Path.GetTempPath(), "geoassign-client-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var first = await TestServer.StartAsync(port: port, dataDirectory: data);
            using var client = first.Client(configure: o =>
            {
                o.MaxRetries = 100;
                o.RetryMaxDelay = TimeSpan.FromMilliseconds(250);
            });
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var v1 = (await client.UpsertAsync([new Territory { Id = "w-1", OwnerId = "rep-w", Layer = "watch", GeometryGeoJson = Shapes.Square(0, 0, 1) }])).MapVersion;
            await using var watch = client.WatchAsync(0, timeout.Token).GetAsyncEnumerator(timeout.Token);
            Assert.True(await watch.MoveNextAsync());
            Assert.Equal(v1, watch.Current.MapVersion);

            // The watcher waits for the next version while the server goes away and comes back.
            var next = watch.MoveNextAsync().AsTask();
            await first.DisposeAsync();
            await using var second = await TestServer.StartAsync(port: port, dataDirectory: data);
            var v2 = (await client.UpsertAsync([new Territory { Id = "w-2", OwnerId = "rep-w", Layer = "watch", GeometryGeoJson = Shapes.Square(2, 0, 1) }])).MapVersion;

            Assert.True(await next);
            Assert.Equal(v2, watch.Current.MapVersion);
            Assert.Equal(v1, watch.Current.PreviousVersion);
            // A restarted server may no longer describe the change (then it says resync).
            Assert.True(watch.Current.Resync || watch.Current.UpsertedIds.Contains("w-2"));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}

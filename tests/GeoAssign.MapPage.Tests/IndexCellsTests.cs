// The index's cells the map page's "look inside" loads (/map/cells.geojson): capped, checked, behind the API keys.
using System.Net;
using System.Text.Json;
using GeoAssign.Index.Cells;
using GeoAssign.Replication.Replicas;
using GeoAssign.Server.MapPage;
using GeoAssign.Testing.Servers;
using Microsoft.Extensions.DependencyInjection;

namespace GeoAssign.MapPage.Tests;

public sealed class IndexCellsTests
{
    [Fact]
    public async Task Cells_are_capped_coarsest_first_and_say_how_many_were_left_out()
    {
        await using var server = await TestServer.StartAsync(TestServer.WithKeys, http1: true);
        await server.ImportAsync(TestData.SampleTerritories, headers: Shapes.Key(TestServer.EditorKey));
        using var http = new HttpClient { BaseAddress = server.Http1Address };
        http.DefaultRequestHeaders.Add("x-api-key", TestServer.ReaderKey);
        var index = server.App.Services.GetRequiredService<MapReplica>().State.Live.Layers["geo"];

        using var all = JsonDocument.Parse(await http.GetStringAsync("/map/cells.geojson?bbox=-110,35,-100,42&limit=20000"));
        var everything = CellWindow.Collect(index, -110, 35, -100, 42, 20_000);
        Assert.True(everything.TotalIsExact);
        Assert.Equal(everything.Total, all.RootElement.GetProperty("total").GetInt64());
        Assert.Equal(0, all.RootElement.GetProperty("omitted").GetInt64());
        var features = all.RootElement.GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(everything.Cells.Select(c => c.Cell.ToString()), features.Select(f => f.GetProperty("id").GetString()));
        // Every hexagon is a closed ring of its H3 boundary.
        Assert.All(features, f =>
        {
            var ring = f.GetProperty("geometry").GetProperty("coordinates")[0];
            Assert.InRange(ring.GetArrayLength(), 6, 11);
            Assert.Equal(ring[0].ToString(), ring[ring.GetArrayLength() - 1].ToString());
        });

        using var capped = JsonDocument.Parse(await http.GetStringAsync("/map/cells.geojson?bbox=-110,35,-100,42&limit=100"));
        var kept = capped.RootElement.GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(100, kept.Count);
        Assert.Equal(everything.Total - 100, capped.RootElement.GetProperty("omitted").GetInt64());
        // The coarsest cells are the ones kept.
        var resolutions = features.Select(f => f.GetProperty("properties").GetProperty("resolution").GetInt32()).ToList();
        Assert.True(kept.Max(f => f.GetProperty("properties").GetProperty("resolution").GetInt32()) <= resolutions.Order().ElementAt(100));

        // A box across the antimeridian (the Aleutians) holds cells on both sides.
        using var across = JsonDocument.Parse(await http.GetStringAsync("/map/cells.geojson?bbox=170,50,-170,56"));
        Assert.True(across.RootElement.GetProperty("total").GetInt64() > 0);
    }

    [Fact]
    public async Task Cells_need_a_key_and_a_well_formed_box()
    {
        await using var server = await TestServer.StartAsync(TestServer.WithKeys, http1: true);
        await server.ImportAsync(TestData.SampleTerritories, headers: Shapes.Key(TestServer.EditorKey));
        using var http = new HttpClient { BaseAddress = server.Http1Address };

        using var noKey = await http.GetAsync("/map/cells.geojson?bbox=-110,35,-100,42");
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        http.DefaultRequestHeaders.Add("x-api-key", TestServer.ReaderKey);
        foreach (var bad in new[] { "", "?bbox=1,2,3", "?bbox=-110,42,-100,35", "?bbox=-190,35,-100,42", "?bbox=a,b,c,d", $"?bbox=-110,35,-100,42&limit={IndexCells.MaxLimit + 1}" })
        {
            using var response = await http.GetAsync("/map/cells.geojson" + bad);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(3, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetInt32());
        }

        using var noLayer = await http.GetAsync("/map/cells.geojson?bbox=-110,35,-100,42&layer=postal");
        Assert.Equal(HttpStatusCode.NotFound, noLayer.StatusCode);
        Assert.Contains("its layers are geo", await noLayer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

// The drawing the map page loads (/map/territories.geojson): simplified per zoom, cached per version, behind the API keys.
using System.Net;
using System.Text.Json;
using GeoAssign.Protos.V1;
using GeoAssign.Replication.Replicas;
using GeoAssign.Server.MapPage;
using GeoAssign.Testing.Servers;
using Microsoft.Extensions.DependencyInjection;

namespace GeoAssign.MapPage.Tests;

public sealed class DrawingTests
{
    [Fact]
    public async Task Drawing_has_every_territory_at_every_zoom_and_more_detail_as_the_zoom_grows_but_never_the_full_resolution()
    {
        await using var server = await TestServer.StartAsync(http1: true);
        await server.ImportAsync(TestData.SampleTerritories);
        using var http = new HttpClient { BaseAddress = server.Http1Address };
        var fullVertices = (await server.Territories.GetMapInfoAsync(new GetMapInfoRequest())).Layers.Single().VertexCount;

        var vertices = new Dictionary<int, long>();
        foreach (var zoom in new[] { 0, 4, 8, TerritoryDrawing.MaxZoom })
        {
            using var drawing = JsonDocument.Parse(await http.GetStringAsync($"/map/territories.geojson?zoom={zoom}"));
            var features = drawing.RootElement.GetProperty("features").EnumerateArray().ToList();
            Assert.Equal(TestData.SampleTerritories.Select(t => t.Id).Order(StringComparer.Ordinal), features.Select(f => f.GetProperty("id").GetString()));
            Assert.All(features, f => Assert.Contains(f.GetProperty("geometry").GetProperty("type").GetString(), new[] { "Polygon", "MultiPolygon" }));
            Assert.Equal(zoom, drawing.RootElement.GetProperty("zoom").GetInt32());
            vertices[zoom] = features.Sum(f => CountPositions(f.GetProperty("geometry").GetProperty("coordinates")));
        }

        Assert.True(vertices[0] < vertices[4] && vertices[4] < vertices[8] && vertices[8] <= vertices[TerritoryDrawing.MaxZoom],
            $"Vertices by zoom: {string.Join(", ", vertices.Select(v => $"{v.Key}: {v.Value}"))}");
        Assert.True(vertices[4] * 2 < (long)fullVertices, $"Zoom 4 draws {vertices[4]} of the map's {fullVertices} vertices.");
        Assert.True(vertices[TerritoryDrawing.MaxZoom] < (long)fullVertices, $"Zoom {TerritoryDrawing.MaxZoom} draws {vertices[TerritoryDrawing.MaxZoom]} of {fullVertices} vertices.");

        // Past the finest drawing: the finest drawing, not the full resolution.
        Assert.Equal(await http.GetByteArrayAsync($"/map/territories.geojson?zoom={TerritoryDrawing.MaxZoom}"), await http.GetByteArrayAsync("/map/territories.geojson?zoom=19.5"));

        // The same over HTTP/2 on the gRPC port.
        using var http2 = new HttpClient { BaseAddress = server.Address, DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var overHttp2 = await http2.GetAsync("/map/territories.geojson?zoom=4");
        Assert.Equal(HttpStatusCode.OK, overHttp2.StatusCode);
        Assert.Equal("application/geo+json", overHttp2.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await http.GetByteArrayAsync("/map/territories.geojson?zoom=4"), await overHttp2.Content.ReadAsByteArrayAsync());
        using var page = await http2.GetAsync("/map");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task Drawing_is_cached_per_version_and_zoom_level_and_a_new_version_draws_anew()
    {
        await using var server = await TestServer.StartAsync();
        await server.ImportAsync(TestData.SampleTerritories);
        var drawing = server.App.Services.GetRequiredService<TerritoryDrawing>();
        var replica = server.App.Services.GetRequiredService<MapReplica>();

        var first = drawing.Draw(replica.State.Live, "", "geo", 5);
        Assert.Same(first, drawing.Draw(replica.State.Live, "", "geo", 5.9));
        Assert.NotSame(first, drawing.Draw(replica.State.Live, "", "geo", 6));

        var edit = await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest { Territories = { Shapes.Territory("new-one", Shapes.Square(-60, 30, 2)) } });
        await Eventually.UntilAsync(() => replica.State.Live.Version >= (long)edit.MapVersion, TimeSpan.FromSeconds(10), "the edit is applied");
        var after = drawing.Draw(replica.State.Live, "", "geo", 5);
        Assert.NotSame(first, after);
        Assert.Contains("\"new-one\"", System.Text.Encoding.UTF8.GetString(after), StringComparison.Ordinal);
        Assert.DoesNotContain("\"new-one\"", System.Text.Encoding.UTF8.GetString(first), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drawing_needs_a_key_when_the_server_has_keys_and_names_unknown_layers_and_plans()
    {
        await using var server = await TestServer.StartAsync(TestServer.WithKeys, http1: true);
        await server.ImportAsync(TestData.SampleTerritories, headers: Shapes.Key(TestServer.EditorKey));
        using var http = new HttpClient { BaseAddress = server.Http1Address };

        // The page and its assets hold no data: no key.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/map")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/map/assets/leaflet.js")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/map/assets/leaflet-LICENSE.txt")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/map/assets/nothing.js")).StatusCode);

        using var noKey = await http.GetAsync("/map/territories.geojson");
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal(16, JsonDocument.Parse(await noKey.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetInt32());
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, "/map/territories.geojson", "not-a-key")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, "/map/territories.geojson", TestServer.ReaderKey)).StatusCode);

        using var noLayer = await SendAsync(http, "/map/territories.geojson?layer=postal", TestServer.ReaderKey);
        Assert.Equal(HttpStatusCode.NotFound, noLayer.StatusCode);
        Assert.Contains("its layers are geo", await noLayer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var noPlan = await SendAsync(http, "/map/territories.geojson?plan=q9", TestServer.ReaderKey);
        Assert.Equal(HttpStatusCode.NotFound, noPlan.StatusCode);
        Assert.Contains("q9", await noPlan.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_assets_carry_a_content_hash_so_a_browser_keeps_them_and_revalidates_the_page()
    {
        await using var server = await TestServer.StartAsync(http1: true);
        using var http = new HttpClient { BaseAddress = server.Http1Address };

        using var page = await http.GetAsync("/map");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal("no-cache", page.Headers.CacheControl?.ToString());
        var pageTag = page.Headers.ETag!;
        using var again = new HttpRequestMessage(HttpMethod.Get, "/map") { Headers = { IfNoneMatch = { pageTag } } };
        Assert.Equal(HttpStatusCode.NotModified, (await http.SendAsync(again)).StatusCode);

        // The page names each asset with the hash of its content; that URL is kept for a year.
        var script = System.Text.RegularExpressions.Regex.Match(html, "/map/assets/leaflet\\.js\\?v=([0-9a-f]+)");
        Assert.True(script.Success, html);
        using var asset = await http.GetAsync(script.Value);
        Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        Assert.True(asset.Headers.CacheControl is { Public: true, MaxAge.TotalDays: >= 365 }, asset.Headers.CacheControl?.ToString());
        Assert.Equal($"\"{script.Groups[1].Value}\"", asset.Headers.ETag?.Tag);
        var content = await asset.Content.ReadAsByteArrayAsync();
        Assert.Equal(script.Groups[1].Value, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content).AsSpan(0, 8)));

        // Asked for without the hash (or with an old one) it is revalidated; a browser that has it gets a 304.
        using var plain = await http.GetAsync("/map/assets/leaflet.js?v=old");
        Assert.Equal("no-cache", plain.Headers.CacheControl?.ToString());
        using var revalidate = new HttpRequestMessage(HttpMethod.Get, "/map/assets/leaflet.js") { Headers = { IfNoneMatch = { asset.Headers.ETag! } } };
        using var notModified = await http.SendAsync(revalidate);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        // Gzipped for browsers, the same bytes once decompressed.
        using var gzipped = new HttpRequestMessage(HttpMethod.Get, script.Value) { Headers = { AcceptEncoding = { new("gzip") } } };
        using var compressed = await http.SendAsync(gzipped);
        Assert.Equal("gzip", compressed.Content.Headers.ContentEncoding.Single());
        await using var unzip = new System.IO.Compression.GZipStream(await compressed.Content.ReadAsStreamAsync(), System.IO.Compression.CompressionMode.Decompress);
        using var copy = new MemoryStream();
        await unzip.CopyToAsync(copy);
        Assert.Equal(content, copy.ToArray());
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, string path, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("x-api-key", key);
        return http.SendAsync(request);
    }

    // Positions in GeoJSON coordinates of any depth: arrays whose first item is a number.
    private static long CountPositions(JsonElement coordinates) =>
        coordinates.ValueKind == JsonValueKind.Array && coordinates.GetArrayLength() > 0 && coordinates[0].ValueKind == JsonValueKind.Number
            ? 1
            : coordinates.EnumerateArray().Sum(CountPositions);
}

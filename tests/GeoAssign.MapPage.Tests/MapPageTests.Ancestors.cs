// The map page's hover: a territory's ancestors, parent first, across layers.
using GeoAssign.Protos.V1;
using GeoAssign.Testing.Servers;
using Microsoft.Playwright;

namespace GeoAssign.MapPage.Tests;

public sealed partial class MapPageTests
{
    [Fact]
    public async Task Hover_shows_the_territory_ancestors_parent_first_even_from_another_layer()
    {
        await using var server = await TestServer.StartAsync(http1: true);
        await server.ImportAsync(TestData.SampleTerritories);
        var version = (await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Territories =
            {
                Shapes.Territory("country-us", Shapes.Square(-100, 40, 40), owner: "vp-americas", layer: "regions"),
                Shapes.Territory("region-west", Shapes.Square(-110, 40, 16), owner: "rvp-west", layer: "regions", parent: "country-us"),
                Shapes.Territory("district-front-range", Shapes.Square(-105, 39.5, 2), owner: "rep-front-range", layer: "districts", parent: "region-west"),
                Shapes.Territory("district-plains", Shapes.Square(-101, 39.5, 2), owner: "rep-plains", layer: "districts"),
            },
        })).MapVersion;
        await using var session = await OpenAsync(server, version);
        var page = session.Page;
        await page.SelectOptionAsync("#layer", "districts");
        await page.WaitForFunctionAsync("() => window.geoassignMap.drawnIds.length === 2 && window.geoassignMap.ancestorsKey.endsWith('/districts')", null, Wait);

        // Close enough that each district (2° squares) is a large target for the pointer.
        await page.EvaluateAsync("() => { window.geoassignMap.map.setView([40.5, -102], 6, { animate: false }); }");
        await page.WaitForFunctionAsync("() => window.geoassignMap.drawnKey.endsWith('/districts/6')", null, Wait);
        await HoverAsync(page, 40.5, -104);
        await page.WaitForFunctionAsync("() => document.querySelector('#hover').innerText.includes('district-front-range')", null, Wait);
        var chain = await page.Locator("#hover .ancestor").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.id)");
        Assert.Equal(["region-west", "country-us"], chain);
        var hover = await page.InnerTextAsync("#hover");
        Assert.Contains("rvp-west", hover, StringComparison.Ordinal);
        Assert.Contains("vp-americas", hover, StringComparison.Ordinal);
        Assert.True(hover.IndexOf("region-west", StringComparison.Ordinal) < hover.IndexOf("country-us", StringComparison.Ordinal), hover);
        // The same as the server's answer for a point there.
        var answer = (await server.Assignments.ResolveAsync(new ResolveRequest { Lat = 40.5, Lng = -104, Layer = "districts" })).Assignment;
        Assert.Equal(chain, answer.AncestorIds);

        // Without a parent: no ancestors.
        await HoverAsync(page, 40.5, -100);
        await page.WaitForFunctionAsync("() => document.querySelector('#hover').innerText.includes('district-plains')", null, Wait);
        Assert.Equal(0, await page.Locator("#hover .ancestor").CountAsync());
        session.AssertNoErrors();
    }

    private static async Task HoverAsync(IPage page, double lat, double lng)
    {
        var point = await page.EvaluateAsync<double[]>($"() => {{ const p = window.geoassignMap.map.latLngToContainerPoint([{lat}, {lng}]); return [p.x, p.y]; }}");
        var box = await page.Locator("#map").BoundingBoxAsync();
        Assert.NotNull(box);
        // Two moves: Leaflet's canvas finds the shape under the pointer on a move within the map.
        await page.Mouse.MoveAsync(box.X + (float)point[0] - 3, box.Y + (float)point[1] - 3);
        await page.Mouse.MoveAsync(box.X + (float)point[0], box.Y + (float)point[1]);
    }
}

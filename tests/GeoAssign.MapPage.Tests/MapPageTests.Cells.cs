// The map page's "look inside": the index's H3 cells in view, interior and boundary, against the server's index.
using System.Text.Json;
using GeoAssign.H3;
using GeoAssign.Index.Cells;
using GeoAssign.Protos.V1;
using GeoAssign.Replication.Replicas;
using GeoAssign.Testing.Servers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using H3Api = GeoAssign.H3.H3;

namespace GeoAssign.MapPage.Tests;

public sealed partial class MapPageTests
{
    [Fact]
    public async Task Look_inside_draws_the_index_cells_in_view_with_interior_and_boundary_as_the_server_index_has_them()
    {
        await using var server = await TestServer.StartAsync(http1: true);
        var version = await server.ImportAsync(TestData.SampleTerritories);
        await using var session = await OpenAsync(server, version);
        var page = session.Page;

        // The Colorado–Kansas border (-102.05) across the middle of the view.
        await page.EvaluateAsync("() => { window.geoassignMap.map.setView([39.5, -102.05], 8, { animate: false }); }");
        await page.WaitForFunctionAsync("() => window.geoassignMap.drawnKey && window.geoassignMap.drawnKey.endsWith('/8')", null, Wait);
        Assert.Equal(0, await page.Locator("path[data-cell]").CountAsync());
        await page.CheckAsync("#cells-toggle");
        await page.WaitForFunctionAsync("() => window.geoassignMap.cells !== null", null, Wait);
        var shown = JsonDocument.Parse(await page.EvaluateAsync<string>("() => JSON.stringify(window.geoassignMap.cells)")).RootElement;
        var box = shown.GetProperty("box").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.True(box[0] < -102.05 && box[2] > -102.05 && box[1] < 39.5 && box[3] > 39.5, $"The view {string.Join(",", box)} misses the border.");

        // Exactly the leaves the server's index has in that view, each with its kind.
        var index = server.App.Services.GetRequiredService<MapReplica>().State.Live.Layers["geo"];
        var expected = CellWindow.Collect(index, box[0], box[1], box[2], box[3], 100_000);
        Assert.True(expected.TotalIsExact && expected.Cells.Count < 3000, $"{expected.Total} cells in view: more than the page's default limit.");
        var kinds = shown.GetProperty("kinds").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal(expected.Cells.ToDictionary(c => c.Cell.ToString(), c => (string?)(c.Interior ? "interior" : "boundary")).OrderBy(p => p.Key, StringComparer.Ordinal),
            kinds.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(0, shown.GetProperty("omitted").GetInt64());
        Assert.Contains(kinds.Values, k => k == "interior");
        Assert.Contains(kinds.Values, k => k == "boundary");
        Assert.Equal(kinds.Values.Count(k => k == "interior"), await page.Locator("path.cell-interior").CountAsync());
        Assert.Equal(kinds.Values.Count(k => k == "boundary"), await page.Locator("path.cell-boundary").CountAsync());

        // A point well inside Colorado lies in an interior cell, one on the border in a boundary cell,
        // as the server's lookups say; each is drawn with its class.
        await AssertLeafAsync(server, page, index, kinds, 39.5, -103.5, "interior", AssignmentReason.InteriorCell);
        await AssertLeafAsync(server, page, index, kinds, 39.5, -102.0517, "boundary", AssignmentReason.ExactTest);

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Chromium.ArtifactsDirectory, "map-page-cells.png") });

        // Off again: no cells.
        await page.UncheckAsync("#cells-toggle");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('path[data-cell]').length === 0", null, Wait);
        Assert.True(await page.IsHiddenAsync("#cells-status"));
        session.AssertNoErrors();
    }

    [Fact]
    public async Task Look_inside_says_how_many_cells_it_left_out_when_the_view_holds_too_many()
    {
        await using var server = await TestServer.StartAsync(http1: true);
        var version = await server.ImportAsync(TestData.SampleTerritories);
        await using var session = await OpenAsync(server, version);
        var page = session.Page;

        await page.CheckAsync("#cells-toggle");
        await page.WaitForFunctionAsync("() => window.geoassignMap.cells !== null", null, Wait);
        var shown = JsonDocument.Parse(await page.EvaluateAsync<string>("() => JSON.stringify(window.geoassignMap.cells)")).RootElement;
        var omitted = shown.GetProperty("omitted").GetInt64();
        Assert.True(omitted > 0, "The whole United States fits in the cell limit; the test needs a view with more.");
        Assert.Equal(shown.GetProperty("total").GetInt64() - omitted, shown.GetProperty("kinds").EnumerateObject().Count());
        Assert.Equal(3000, shown.GetProperty("limit").GetInt32());
        var status = await page.InnerTextAsync("#cells-status");
        Assert.Contains($"{omitted} more are left out", status, StringComparison.Ordinal);
        Assert.Contains("zoom in", status, StringComparison.Ordinal);
        session.AssertNoErrors();
    }

    private static async Task AssertLeafAsync(TestServer server, IPage page, LayerIndex index, Dictionary<string, string?> kinds,
        double lat, double lng, string kind, AssignmentReason reason)
    {
        var finest = H3Api.LatLngToCell(lat, lng, index.Resolution);
        var leaf = Enumerable.Range(0, index.Resolution + 1).Select(r => H3Api.CellToParent(finest, r).ToString()).Single(kinds.ContainsKey);
        Assert.Equal(kind, kinds[leaf]);
        Assert.Equal(reason, index.Resolve(lat, lng).Reason);
        var answer = (await server.Assignments.ResolveAsync(new ResolveRequest { Lat = lat, Lng = lng })).Assignment;
        Assert.Equal(kind == "interior" ? Reason.InteriorCell : Reason.ExactTest, answer.Reason);
        Assert.Contains($"cell-{kind}", await page.Locator($"path[data-cell='{leaf}']").GetAttributeAsync("class") ?? "", StringComparison.Ordinal);
    }
}

// The map page's plan chooser: the areas a plan gives another owner, drawn and labelled beside the diff table.
using System.Text.Json;
using GeoAssign.Index.GeoJson;
using GeoAssign.Protos.V1;
using GeoAssign.Testing;
using GeoAssign.Testing.Servers;
using Google.Protobuf;

namespace GeoAssign.MapPage.Tests;

public sealed partial class MapPageTests
{
    [Fact]
    public async Task Choosing_a_plan_that_moves_a_county_highlights_its_area_as_old_to_new_owner_beside_the_diff_table()
    {
        await using var server = await TestServer.StartAsync(http1: true);
        var counties = TestDatasets.UsCountiesExtract();
        await server.ImportAsync(counties);
        var plans = new PlanService.PlanServiceClient(server.Channel);
        await plans.CreatePlanAsync(new CreatePlanRequest { Name = "q3", Message = "Denver to the Arapahoe rep" });
        await plans.CreatePlanAsync(new CreatePlanRequest { Name = "unchanged" });
        // Denver county (rep-383) goes to Arapahoe's rep (rep-296).
        var denver = counties.Single(c => c.Id == "08031");
        Assert.Equal("rep-383", denver.OwnerId);
        await server.Territories.ImportGeoJsonAsync(new ImportGeoJsonRequest
        {
            Options = new ImportGeoJsonOptions { Plan = "q3", Mode = ImportMode.Merge },
            FeatureCollection = ByteString.CopyFromUtf8(TerritoryGeoJsonWriter.WriteToString([denver with { OwnerId = "rep-296" }])),
        });
        var version = (await server.Territories.GetMapInfoAsync(new GetMapInfoRequest())).MapVersion;
        await using var session = await OpenAsync(server, version);
        var page = session.Page;

        await page.WaitForFunctionAsync("() => (window.geoassignMap.plans || []).length === 2", null, Wait);
        await page.SelectOptionAsync("#plan-choice", "q3");
        await page.WaitForFunctionAsync("() => window.geoassignMap.planDiff !== null", null, Wait);
        var shown = JsonDocument.Parse(await page.EvaluateAsync<string>("() => JSON.stringify(window.geoassignMap.planDiff)")).RootElement;

        // The same as DiffPlan: its transfers in the table, its changed areas on the map.
        var expected = await plans.DiffPlanAsync(new DiffPlanRequest { Plan = "q3", IncludeGeojson = true });
        var transfer = Assert.Single(expected.Transfers);
        Assert.Equal(("rep-383", "rep-296"), (transfer.OldOwnerId, transfer.NewOwnerId));
        var areas = JsonDocument.Parse(expected.ChangedAreasGeojson.ToStringUtf8()).RootElement.GetProperty("features").EnumerateArray().ToList();
        Assert.NotEmpty(areas);
        Assert.Equal(areas.Select(a => $"{a.GetProperty("properties").GetProperty("old_owner_id").GetString()} → {a.GetProperty("properties").GetProperty("new_owner_id").GetString()}"),
            shown.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(areas.Count, await page.Locator("path.plan-change").CountAsync());
        var labels = await page.Locator(".plan-change-label").AllInnerTextsAsync();
        Assert.Equal(areas.Count, labels.Count);
        Assert.All(labels, l => Assert.Equal("rep-383 → rep-296", l));

        var row = page.Locator("#plan-diff tbody tr");
        Assert.Equal(1, await row.CountAsync());
        Assert.Equal("rep-383", await row.GetAttributeAsync("data-old"));
        Assert.Equal("rep-296", await row.GetAttributeAsync("data-new"));
        Assert.Equal(transfer.AreaKm2.ToString("F1", System.Globalization.CultureInfo.InvariantCulture), await row.Locator("td.number").First.InnerTextAsync());
        Assert.True(await page.IsVisibleAsync("#plan-diff"));
        await page.ScreenshotAsync(new Microsoft.Playwright.PageScreenshotOptions { Path = Path.Combine(Chromium.ArtifactsDirectory, "map-page-plan.png") });

        // A plan that changes nothing: no areas, no table; none chosen: nothing drawn.
        await page.SelectOptionAsync("#plan-choice", "unchanged");
        await page.WaitForFunctionAsync("() => window.geoassignMap.planDiff?.plan === 'unchanged'", null, Wait);
        Assert.Equal(0, await page.Locator("path.plan-change").CountAsync());
        Assert.True(await page.IsHiddenAsync("#plan-diff"));
        Assert.Contains("no area changes owner", await page.InnerTextAsync("#plan-summary"), StringComparison.Ordinal);
        await page.SelectOptionAsync("#plan-choice", "");
        await page.WaitForFunctionAsync("() => window.geoassignMap.planDiff === null && document.querySelector('#plan-summary').hidden", null, Wait);
        session.AssertNoErrors();
    }
}

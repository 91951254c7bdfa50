// The map page's search box with postal codes: the gazetteer's point marked, the ResolveAddress answer shown.
using System.Globalization;
using System.Net.Http.Headers;
using GeoAssign.Protos.V1;
using GeoAssign.Testing;
using GeoAssign.Testing.Servers;

namespace GeoAssign.MapPage.Tests;

public sealed partial class MapPageTests
{
    [Fact]
    public async Task Search_by_postal_code_marks_the_code_point_and_shows_the_ResolveAddress_answer()
    {
        await using var server = await TestServer.StartAsync(http1: true);
        await server.ImportAsync(TestData.SampleTerritories);
        using var http = new HttpClient { BaseAddress = server.Http1Address };
        using var body = new ByteArrayContent(await File.ReadAllBytesAsync(Path.Combine(TestDatasets.DataDirectory, "us-zip-sample.tsv")));
        body.Headers.ContentType = new MediaTypeHeaderValue("text/tab-separated-values");
        using var imported = await http.PostAsync("/v1/gazetteer:import", body);
        Assert.True(imported.IsSuccessStatusCode, await imported.Content.ReadAsStringAsync());
        var version = (await server.Territories.GetMapInfoAsync(new GetMapInfoRequest())).MapVersion;
        await using var session = await OpenAsync(server, version);
        var page = session.Page;

        // With its country, and bare (the country last searched, else US), in any of the forms the gazetteer normalises.
        foreach (var (typed, code, territory) in new[] { ("US 10001", "10001", "36"), ("80202-1234", "80202", "08"), ("us,00501", "00501", "36") })
        {
            await page.EvaluateAsync("() => { window.geoassignMap.answer = null; }");
            await page.FillAsync("#search-text", typed);
            await page.PressAsync("#search-text", "Enter");
            var shown = await AnswerAsync(page);
            var expected = await server.Assignments.ResolveAddressAsync(new ResolveAddressRequest { Country = "US", PostalCode = code });
            Assert.Equal(Reason.PostalCode, expected.Assignment.Reason);
            Assert.Equal(territory, expected.Assignment.TerritoryId);
            Assert.Equal((expected.Location.Lat, expected.Location.Lng), (shown.Lat, shown.Lng));
            Assert.Equal(expected.Assignment.TerritoryId, shown.Answer.GetProperty("territoryId").GetString());
            Assert.Equal(expected.Assignment.OwnerId, shown.Answer.GetProperty("ownerId").GetString());
            Assert.Equal("REASON_POSTAL_CODE", shown.Answer.GetProperty("reason").GetString());
            Assert.Equal("REASON_POSTAL_CODE", await page.InnerTextAsync("#answer-reason"));
            Assert.Equal(expected.Assignment.OwnerId, await page.InnerTextAsync("#answer-owner"));
            Assert.StartsWith($"US {code} {expected.Location.PlaceName}", await page.InnerTextAsync("#answer-postal"), StringComparison.Ordinal);
            Assert.Equal(expected.Assignment.MapVersion.ToString(CultureInfo.InvariantCulture), await page.InnerTextAsync("#answer-version"));

            // The marker stands on the code's point.
            var marked = await page.EvaluateAsync<double[]>("() => { const m = window.geoassignMap.marker.getLatLng(); return [m.lat, m.lng]; }");
            Assert.Equal([expected.Location.Lat, expected.Location.Lng], marked);
            Assert.Contains($"US {code}", await page.InnerTextAsync(".leaflet-tooltip-top"), StringComparison.Ordinal);
        }

        session.AssertNoErrors();

        // A code the gazetteer does not have: the server's message, under the search box.
        await page.FillAsync("#search-text", "US 99999");
        await page.PressAsync("#search-text", "Enter");
        await page.WaitForFunctionAsync("() => document.querySelector('#search-error').innerText.includes('99999')", null, Wait);
        Assert.Contains("no postal code", await page.InnerTextAsync("#search-error"), StringComparison.Ordinal);
    }
}

// The map page's watch stream survives the server: it reconnects after a restart and shows the newer version.
using GeoAssign.Protos.V1;
using GeoAssign.Testing.Servers;

namespace GeoAssign.MapPage.Tests;

public sealed partial class MapPageTests
{
    [Fact]
    public async Task The_watch_stream_reconnects_after_the_server_restarts_and_the_page_shows_the_newer_version()
    {
        var data = Path.Combine(Path.GetTempPath(), "geoassign-test-servers", Guid.NewGuid().ToString("N"));
        TestServer? first = null;
        try
        {
            first = await TestServer.StartAsync(http1: true, dataDirectory: data);
            var http1Port = first.Http1Address!.Port;
            var version = await first.ImportAsync(TestData.SampleTerritories);
            // No poll within the test: only the stream can bring the new version.
            await using var session = await OpenAsync(first, version, poll: 600_000);
            var page = session.Page;
            await page.EvaluateAsync("() => { window.notReloaded = true; }");
            await page.WaitForFunctionAsync("() => window.geoassignMap.watchConnections === 1", null, Wait);
            Assert.Contains("live", await page.InnerTextAsync("#live-status"), StringComparison.Ordinal);

            // The server goes away: the page says it is reconnecting.
            await first.DisposeAsync();
            first = null;
            await page.WaitForFunctionAsync("() => document.querySelector('#live-status').className === 'reconnecting'", null, Wait);

            // Back on the same address and data, and edited: the page follows without a reload.
            await using var second = await TestServer.StartAsync(http1: true, dataDirectory: data, http1Port: http1Port);
            var next = (await second.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
            {
                Territories = { Shapes.Territory("after-restart", Shapes.Square(-60, 30, 4), owner: "rep-after-restart", priority: 1) },
            })).MapVersion;
            Assert.True(next > version);
            await page.WaitForFunctionAsync("v => window.geoassignMap.drawnVersion === v", (long)next, Wait);

            Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"), "The page reloaded to show the new version.");
            Assert.True(await page.EvaluateAsync<int>("() => window.geoassignMap.watchConnections") >= 2);
            Assert.Equal(next.ToString(System.Globalization.CultureInfo.InvariantCulture), await page.InnerTextAsync("#map-version"));
            Assert.Contains("after-restart", await page.EvaluateAsync<string[]>("() => window.geoassignMap.drawnIds"));
            Assert.Equal("live", await page.GetAttributeAsync("#live-status", "class"));
            // Requests failed while the server was away; the page's own script never did.
            session.AssertNoScriptErrors();
        }
        finally
        {
            if (first is not null)
            {
                await first.DisposeAsync();
            }

            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }
}

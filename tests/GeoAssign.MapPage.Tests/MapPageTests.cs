// The map page in headless Chromium against a real server with the sample map.
using System.Text.Json;
using GeoAssign.Protos.V1;
using GeoAssign.Testing.Servers;
using Microsoft.Playwright;

namespace GeoAssign.MapPage.Tests;

public sealed partial class MapPageTests(Chromium chromium) : IClassFixture<Chromium>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    // What the page is given to show what a test waits for.
    private static readonly PageWaitForFunctionOptions Wait = new() { Timeout = (float)Deadline.TotalMilliseconds };

    [Fact]
    public async Task Page_draws_every_territory_of_the_sample_map_with_a_legend_of_owners()
    {
        await using var server = await TestServer.StartAsync(http1: true);
        var version = await server.ImportAsync(TestData.SampleTerritories);
        await using var session = await OpenAsync(server, version);
        var page = session.Page;

        var expectedIds = TestData.SampleTerritories.Select(t => t.Id).Order(StringComparer.Ordinal).ToList();
        var drawnIds = (await page.EvaluateAsync<string[]>("() => window.geoassignMap.drawnIds")).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expectedIds, drawnIds);
        Assert.Equal(expectedIds.Count, await page.EvaluateAsync<int>("() => window.geoassignMap.drawnLayerCount"));
        Assert.Equal(version.ToString(System.Globalization.CultureInfo.InvariantCulture), await page.InnerTextAsync("#map-version"));

        // The legend: every owner once, with its number of territories.
        var expectedOwners = TestData.SampleTerritories.GroupBy(t => t.OwnerId).ToDictionary(g => g.Key, g => g.Count());
        var legend = page.Locator("#legend li");
        Assert.Equal(expectedOwners.Count, await legend.CountAsync());
        for (var i = 0; i < expectedOwners.Count; i++)
        {
            var item = legend.Nth(i);
            var owner = await item.GetAttributeAsync("data-owner");
            Assert.NotNull(owner);
            Assert.Equal(expectedOwners[owner], int.Parse(await item.GetAttributeAsync("data-count") ?? "", System.Globalization.CultureInfo.InvariantCulture));
            Assert.Contains(owner, await item.InnerTextAsync(), StringComparison.Ordinal);
        }

        // The territories are drawn on the canvas: many distinct colours, not a blank background.
        var colours = await page.EvaluateAsync<int>("""
            () => {
              const canvas = document.querySelector('#map canvas');
              const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
              const seen = new Set();
              for (let i = 0; i < data.length; i += 4 * 97) seen.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
              return seen.size;
            }
            """);
        Assert.True(colours > 20, $"The canvas shows {colours} colours; the 56 territories should show dozens.");

        var screenshot = Path.Combine(Chromium.ArtifactsDirectory, "map-page.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot });
        Assert.True(new FileInfo(screenshot).Length > 10_000, $"The screenshot {screenshot} is too small to show the map.");
        session.AssertNoErrors();
    }

    [Fact]
    public async Task Click_shows_the_answer_the_grpc_api_gives_and_marks_the_point()
    {
        await using var server = await TestServer.StartAsync(http1: true);
        var version = await server.ImportAsync(TestData.SampleTerritories);
        await using var session = await OpenAsync(server, version);
        var page = session.Page;

        // Denver: a click where the page draws it.
        var point = await page.EvaluateAsync<JsonElement>("() => window.geoassignMap.map.latLngToContainerPoint([39.7392, -104.9903])");
        var box = await page.Locator("#map").BoundingBoxAsync();
        Assert.NotNull(box);
        await page.Mouse.ClickAsync(box.X + (float)point.GetProperty("x").GetDouble(), box.Y + (float)point.GetProperty("y").GetDouble());
        var clicked = await AnswerAsync(page);
        Assert.InRange(clicked.Lat, 39.0, 40.5);
        Assert.InRange(clicked.Lng, -105.8, -104.2);
        await AssertSameAsGrpcAsync(server, page, clicked, "08");
        // The pointer rests on Colorado: its id, name and owner (Leaflet's mouseover may come after the
        // click's answer on a busy machine: wait for it).
        await page.WaitForFunctionAsync("() => document.querySelector('#hover').innerText.includes('Colorado')", null,
            new PageWaitForFunctionOptions { Timeout = 15_000 });
        var hover = await page.InnerTextAsync("#hover");
        Assert.Contains("08", hover, StringComparison.Ordinal);
        Assert.Contains("Colorado", hover, StringComparison.Ordinal);
        Assert.Contains("rep-069", hover, StringComparison.Ordinal);
        Assert.Equal(1, await page.EvaluateAsync<int>("() => document.querySelectorAll('.leaflet-tooltip-top').length"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Chromium.ArtifactsDirectory, "map-page-resolved.png") });

        // The search box: coordinates typed in.
        await page.EvaluateAsync("() => { window.geoassignMap.answer = null; }");
        await page.FillAsync("#search-text", "40.7128, -74.0060");
        await page.PressAsync("#search-text", "Enter");
        var searched = await AnswerAsync(page);
        Assert.Equal((40.7128, -74.0060), (searched.Lat, searched.Lng));
        await AssertSameAsGrpcAsync(server, page, searched, "36");

        // Not coordinates: said so, nothing resolved.
        await page.FillAsync("#search-text", "Denver");
        await page.PressAsync("#search-text", "Enter");
        Assert.Contains("lat,lng", await page.InnerTextAsync("#search-error"), StringComparison.Ordinal);
        session.AssertNoErrors();
    }

    [Fact]
    public async Task A_new_map_version_appears_without_reloading_the_page_as_the_watch_stream_announces_it()
    {
        await using var server = await TestServer.StartAsync(http1: true);
        var version = await server.ImportAsync(TestData.SampleTerritories);
        // No poll within the test's deadline: only the stream can bring the version.
        await using var session = await OpenAsync(server, version, poll: 600_000);
        var page = session.Page;
        // Gone if the page reloads.
        await page.EvaluateAsync("() => { window.notReloaded = true; }");

        var edit = await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Territories = { Shapes.Territory("atlantic-test", Shapes.Square(-60, 30, 4), owner: "rep-new-version", priority: 1) },
        });
        var next = edit.MapVersion;
        Assert.True(next > version);

        try
        {
            await page.WaitForFunctionAsync("v => window.geoassignMap.drawnVersion === v", (long)next, new PageWaitForFunctionOptions { Timeout = (float)Deadline.TotalMilliseconds });
        }
        catch (TimeoutException)
        {
            var watch = await page.EvaluateAsync<string>("() => JSON.stringify({ error: window.geoassignMap.watchError, received: window.geoassignMap.watchReceived, drawn: window.geoassignMap.drawnVersion })");
            Assert.Fail($"Version {next} did not appear within {Deadline}; the watch stream: {watch}");
        }

        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"), "The page reloaded to show the new version.");
        Assert.Equal(next.ToString(System.Globalization.CultureInfo.InvariantCulture), await page.InnerTextAsync("#map-version"));
        Assert.Contains("atlantic-test", await page.EvaluateAsync<string[]>("() => window.geoassignMap.drawnIds"));
        Assert.Equal(1, await page.Locator("#legend li[data-owner='rep-new-version']").CountAsync());
        session.AssertNoErrors();
    }

    [Fact]
    public async Task Choosing_a_layer_draws_and_resolves_that_layer()
    {
        await using var server = await TestServer.StartAsync(http1: true);
        await server.ImportAsync(TestData.SampleTerritories);
        var version = (await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Territories =
            {
                Shapes.Territory("zip-a", Shapes.Square(-105.5, 39.5, 1), owner: "rep-zip-a", layer: "postal"),
                Shapes.Territory("zip-b", Shapes.Square(-104.5, 39.5, 1), owner: "rep-zip-b", layer: "postal"),
            },
        })).MapVersion;
        await using var session = await OpenAsync(server, version);
        var page = session.Page;
        Assert.Equal(["geo", "postal"], await page.Locator("#layer option").AllInnerTextsAsync());
        Assert.Equal(56, await page.EvaluateAsync<int>("() => window.geoassignMap.drawnIds.length"));

        await page.SelectOptionAsync("#layer", "postal");
        await page.WaitForFunctionAsync("() => window.geoassignMap.drawnIds.length === 2", null, new PageWaitForFunctionOptions { Timeout = (float)Deadline.TotalMilliseconds });
        Assert.Equal(["rep-zip-a", "rep-zip-b"], (await page.Locator("#legend li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.owner)")).Order(StringComparer.Ordinal));

        await page.FillAsync("#search-text", "39.7392,-104.9903");
        await page.PressAsync("#search-text", "Enter");
        var answer = await AnswerAsync(page);
        // Denver (-104.99) is in zip-a (-105.5 to -104.5).
        Assert.Equal("zip-a", answer.Answer.GetProperty("territoryId").GetString());
        Assert.Equal("postal", answer.Answer.GetProperty("layer").GetString());
        session.AssertNoErrors();
    }

    // poll: the page's safety-net poll of /v1/map in milliseconds; a minute leaves new versions to the watch stream.
    private async Task<PageSession> OpenAsync(TestServer server, ulong version, int poll = 250)
    {
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        var page = await context.NewPageAsync();
        var session = new PageSession(context, page);
        await page.GotoAsync(new Uri(server.Http1Address!, $"/map?poll={poll}").ToString());
        await page.WaitForFunctionAsync("v => window.geoassignMap && window.geoassignMap.drawnVersion === v", (long)version,
            new PageWaitForFunctionOptions { Timeout = (float)Deadline.TotalMilliseconds });
        return session;
    }

    private static async Task<(double Lat, double Lng, JsonElement Answer)> AnswerAsync(IPage page)
    {
        await page.WaitForFunctionAsync("() => window.geoassignMap.answer !== null", null, new PageWaitForFunctionOptions { Timeout = (float)Deadline.TotalMilliseconds });
        var answer = await page.EvaluateAsync<JsonElement>("() => window.geoassignMap.answer");
        return (answer.GetProperty("lat").GetDouble(), answer.GetProperty("lng").GetDouble(), answer);
    }

    private static async Task AssertSameAsGrpcAsync(TestServer server, IPage page, (double Lat, double Lng, JsonElement Answer) shown, string territory)
    {
        var expected = (await server.Assignments.ResolveAsync(new ResolveRequest { Lat = shown.Lat, Lng = shown.Lng })).Assignment;
        Assert.Equal(territory, expected.TerritoryId);
        var reason = Assignment.Descriptor.FindFieldByName("reason").EnumType.FindValueByNumber((int)expected.Reason).Name;
        Assert.Equal(expected.TerritoryId, shown.Answer.GetProperty("territoryId").GetString());
        Assert.Equal(expected.OwnerId, shown.Answer.GetProperty("ownerId").GetString());
        Assert.Equal(reason, shown.Answer.GetProperty("reason").GetString());
        Assert.Equal(expected.MapVersion, shown.Answer.GetProperty("mapVersion").GetUInt64());

        // What the panel says.
        Assert.StartsWith(expected.TerritoryId + " ", await page.InnerTextAsync("#answer-territory"), StringComparison.Ordinal);
        Assert.Equal(expected.OwnerId, await page.InnerTextAsync("#answer-owner"));
        Assert.Equal(reason, await page.InnerTextAsync("#answer-reason"));
        Assert.Equal(expected.MapVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), await page.InnerTextAsync("#answer-version"));
    }

    // A page and what went wrong in it: script errors and failed requests.
    private sealed class PageSession : IAsyncDisposable
    {
        private readonly IBrowserContext _context;
        private readonly List<string> _errors = [];

        public PageSession(IBrowserContext context, IPage page)
        {
            _context = context;
            Page = page;
            page.PageError += (_, error) => { lock (_errors) { _errors.Add($"script error: {error}"); } };
            page.Console += (_, message) => { if (message.Type == "error") { lock (_errors) { _errors.Add($"console: {message.Text}"); } } };
            page.Response += (_, response) => { if (response.Status >= 400) { lock (_errors) { _errors.Add($"{response.Status} for {response.Url}"); } } };
        }

        public IPage Page { get; }

        public void AssertNoErrors()
        {
            lock (_errors)
            {
                Assert.True(_errors.Count == 0, string.Join(Environment.NewLine, _errors));
            }
        }

        public void AssertNoScriptErrors()
        {
            lock (_errors)
            {
                var scriptErrors = _errors.Where(e => e.StartsWith("script error", StringComparison.Ordinal)).ToList();
                Assert.True(scriptErrors.Count == 0, string.Join(Environment.NewLine, scriptErrors));
            }
        }

        public ValueTask DisposeAsync() => _context.DisposeAsync();
    }
}

// Times the map page in headless Chromium: navigation to every territory drawn, bytes transferred, zoom steps.
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Spectre.Console;

namespace GeoAssign.LoadTest.MapPage;

/// <summary>
/// Opens the map page in the system's headless Chromium (never a browser Playwright downloads) and
/// reads what the page itself measured: the time from navigation start to the performance mark the
/// page sets once its layer is on the canvas (<c>geoassign-drawn …</c>), and the bytes of the page,
/// its assets and the drawing as the browser received them (Resource Timing <c>transferSize</c>,
/// so compressed and 0 for what its cache answered). A cold load uses a fresh browser context, a
/// warm one a second page in the same context. Not thread-safe; one run at a time.
/// </summary>
internal static class MapPageTimer
{
    private const string DrawnSignal = "() => performance.getEntriesByType('mark').some(m => m.name.startsWith('geoassign-drawn '))";

    private const string ReadLoad = """
        () => {
          const mark = performance.getEntriesByType('mark').find(m => m.name.startsWith('geoassign-drawn '));
          const navigation = performance.getEntriesByType('navigation')[0];
          const resources = performance.getEntriesByType('resource');
          const drawings = resources.filter(r => r.name.includes('/map/territories.geojson'));
          const sum = (list, field) => list.reduce((total, r) => total + (r[field] || 0), 0);
          return {
            drawnMs: mark.startTime,
            receivedMs: drawings.reduce((latest, r) => Math.max(latest, r.responseEnd), 0),
            transferred: (navigation ? navigation.transferSize : 0) + sum(resources, 'transferSize'),
            drawing: sum(drawings, 'transferSize'),
            drawingDecoded: sum(drawings, 'decodedBodySize'),
            territories: window.geoassignMap.drawnIds.length,
            zoom: window.geoassignMap.map.getZoom(),
          };
        }
        """;

    private const string ZoomStep = """
        async (zoom) => {
          const started = performance.now();
          const sent = performance.getEntriesByType('resource').filter(r => r.name.includes('/map/territories.geojson')).length;
          window.geoassignMap.map.setZoom(zoom, { animate: false });
          await new Promise((resolve) => {
            const check = () => (document.body.dataset.drawnKey || '').endsWith('/' + zoom) ? resolve() : requestAnimationFrame(check);
            check();
          });
          const drawings = performance.getEntriesByType('resource').filter(r => r.name.includes('/map/territories.geojson')).slice(sent);
          return { ms: performance.now() - started, received: drawings.reduce((latest, r) => Math.max(latest, r.responseEnd), started) - started,
            bytes: drawings.reduce((t, r) => t + r.transferSize, 0), decoded: drawings.reduce((t, r) => t + r.decodedBodySize, 0), territories: window.geoassignMap.drawnIds.length };
        }
        """;

    /// <summary>One measured load or zoom step.</summary>
    internal sealed record Row(string Map, string Load, double Milliseconds, double ReceivedMilliseconds, long Transferred, long Drawing, long DrawingDecoded, int Territories, double Zoom);

    public static async Task<List<Row>> RunAsync(Uri server, string label, int runs, LoadTestHost host, CancellationToken cancellationToken)
    {
        var executable = Environment.GetEnvironmentVariable("GEOASSIGN_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        if (!File.Exists(executable))
        {
            throw new LoadTestInputException($"No Chromium at {executable}: install Debian's chromium package or set GEOASSIGN_CHROMIUM.");
        }

        using var playwright = await Playwright.CreateAsync().ConfigureAwait(false);
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            // Root in a container has no user namespaces for the sandbox.
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        }).ConfigureAwait(false);

        var rows = new List<Row>();
        var page = new Uri(server, "/map?poll=600000").ToString();
        for (var run = 1; run <= runs; run++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } })
                .ConfigureAwait(false);
            var cold = await context.NewPageAsync().ConfigureAwait(false);
            rows.Add(await LoadAsync(cold, page, label, run == 1 ? "cold browser, first open" : "cold browser").ConfigureAwait(false));
            host.Error.WriteLine(Describe(rows[^1]));
            await cold.CloseAsync().ConfigureAwait(false);

            var warm = await context.NewPageAsync().ConfigureAwait(false);
            rows.Add(await LoadAsync(warm, page, label, "warm browser").ConfigureAwait(false));
            host.Error.WriteLine(Describe(rows[^1]));
            if (run == runs)
            {
                // Zoom in one level at a time, as a wheel does, each to its drawing on the canvas.
                var from = (int)Math.Floor(rows[^1].Zoom);
                foreach (var zoom in Enumerable.Range(from + 1, 4))
                {
                    var step = await warm.EvaluateAsync<JsonElement>(ZoomStep, zoom).ConfigureAwait(false);
                    rows.Add(new Row(label, $"zoom to {zoom}", step.GetProperty("ms").GetDouble(), step.GetProperty("received").GetDouble(),
                        (long)step.GetProperty("bytes").GetDouble(), (long)step.GetProperty("bytes").GetDouble(), (long)step.GetProperty("decoded").GetDouble(),
                        step.GetProperty("territories").GetInt32(), zoom));
                    host.Error.WriteLine(Describe(rows[^1]));
                }
            }
        }

        return rows;
    }

    private static async Task<Row> LoadAsync(IPage page, string url, string label, string load)
    {
        await page.GotoAsync(url).ConfigureAwait(false);
        await page.WaitForFunctionAsync(DrawnSignal, null, new PageWaitForFunctionOptions { Timeout = 300_000, PollingInterval = 10 }).ConfigureAwait(false);
        var result = await page.EvaluateAsync<JsonElement>(ReadLoad).ConfigureAwait(false);
        return new Row(label, load, result.GetProperty("drawnMs").GetDouble(), result.GetProperty("receivedMs").GetDouble(), (long)result.GetProperty("transferred").GetDouble(),
            (long)result.GetProperty("drawing").GetDouble(), (long)result.GetProperty("drawingDecoded").GetDouble(),
            result.GetProperty("territories").GetInt32(), result.GetProperty("zoom").GetDouble());
    }

    private static string Describe(Row row) => string.Create(CultureInfo.InvariantCulture,
        $"{row.Map}: {row.Load}: {row.Milliseconds:F0} ms (drawing received at {row.ReceivedMilliseconds:F0} ms), {row.Transferred:N0} bytes ({row.Drawing:N0} of them the drawing), {row.Territories:N0} territories at zoom {row.Zoom}");

    /// <summary>The rows as a Markdown table.</summary>
    public static string Table(IEnumerable<Row> rows, bool header)
    {
        var text = new StringBuilder();
        if (header)
        {
            text.Append("| map | load | every territory drawn (ms) | drawing received (ms) | bytes transferred | of them the drawing (decoded) | territories | zoom |\n");
            text.Append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        }

        foreach (var row in rows)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"| {row.Map} | {row.Load} | {row.Milliseconds:F0} | {row.ReceivedMilliseconds:F0} | {row.Transferred:N0} | {row.Drawing:N0} ({row.DrawingDecoded:N0}) | {row.Territories:N0} | {row.Zoom:0.#} |\n");
        }

        return text.ToString();
    }
}

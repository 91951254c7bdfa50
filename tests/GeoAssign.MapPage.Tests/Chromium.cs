// One headless Chromium (Debian's chromium package) per test class, driven by Playwright.
using Microsoft.Playwright;

namespace GeoAssign.MapPage.Tests;

/// <summary>
/// Starts the system's Chromium headless through Playwright (never a browser Playwright downloads):
/// GEOASSIGN_CHROMIUM names the executable, else /usr/bin/chromium (Debian's chromium package,
/// which tests/run.sh installs). When the browser cannot start, every test of the class fails with
/// the reason. Shared by the tests of one class; each test opens its own page.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>The running browser.</summary>
    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser has not started.");

    /// <summary>Where the tests keep their screenshots: artifacts/ under the test output folder.</summary>
    public static string ArtifactsDirectory => Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;

    public async Task InitializeAsync()
    {
        var executable = Environment.GetEnvironmentVariable("GEOASSIGN_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"No Chromium at {executable}: install Debian's chromium package (tests/run.sh does) or set GEOASSIGN_CHROMIUM.");
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            // Root in a container has no user namespaces for the sandbox.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
            Timeout = 60_000,
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

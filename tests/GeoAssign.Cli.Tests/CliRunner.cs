// Runs the geoassign entry point in-process and captures what it prints and returns.
using GeoAssign.Testing.Servers;
using Spectre.Console;

namespace GeoAssign.Cli.Tests;

/// <summary>What one run of the CLI printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Out}\n--- stderr ---\n{Error}";
}

/// <summary>
/// Runs <c>geoassign</c> through <see cref="GeoAssignCli.RunAsync"/> with consoles on string writers
/// (no colours, no ANSI unless it plays a terminal, 200 columns) and an environment of its own, so that nothing of the machine's
/// environment (such as GEOASSIGN_URL) leaks into a test.
/// </summary>
public static class CliRunner
{
    public static Task<CliResult> RunAsync(TestServer server, params string[] args) =>
        RunAsync(new Dictionary<string, string?> { [GeoAssignCli.UrlVariable] = server.Address.ToString() }, args);

    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string?> environment, string[] args, bool interactive = false)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var host = new CliHost
        {
            Out = Console(output, interactive: false),
            Error = Console(error, interactive),
            Environment = name => environment.GetValueOrDefault(name),
            ConfigureClient = options =>
            {
                options.RetryBaseDelay = TimeSpan.FromMilliseconds(20);
                options.RetryMaxDelay = TimeSpan.FromMilliseconds(100);
            },
        };
        var code = await GeoAssignCli.RunAsync(args, host);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    private static IAnsiConsole Console(TextWriter writer, bool interactive)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            // A terminal speaks ANSI; Spectre draws live progress only then.
            Ansi = interactive ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        console.Profile.Width = 200;
        return console;
    }
}

/// <summary>Assertions on a CLI run that print the whole run when they fail.</summary>
public static class CliAssert
{
    public static CliResult Exit(int expected, CliResult result)
    {
        Assert.True(result.ExitCode == expected, $"expected exit {expected}, got {result}");
        return result;
    }

    public static void Contains(string expected, string actual, CliResult result) =>
        Assert.True(actual.Contains(expected, StringComparison.Ordinal), $"expected \"{expected}\" in the output of {result}");
}

/// <summary>An open server holding the shipped sample, and a temporary folder for files.</summary>
public sealed class SampleServer : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    public string Folder { get; } = Directory.CreateTempSubdirectory("geoassign-cli-tests-").FullName;

    public async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync();
        using var client = Server.Client();
        await client.ImportGeoJsonAsync(TestData.SamplePath);
    }

    public string File(string name) => Path.Combine(Folder, name);

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}

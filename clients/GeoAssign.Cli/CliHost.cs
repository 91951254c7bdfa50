// Where the CLI writes and what it reads from its environment, so tests can run it in-process.
using GeoAssign.Client;
using Spectre.Console;

namespace GeoAssign.Cli;

/// <summary>
/// The consoles, environment and client settings one run of the CLI uses. The process gets the real
/// ones (<see cref="FromProcess"/>); tests pass writers they read back and their own environment.
/// </summary>
internal sealed class CliHost
{
    /// <summary>Results: tables and JSON. Scripts read this.</summary>
    public required IAnsiConsole Out { get; init; }

    /// <summary>Errors, warnings and progress, so that they never mix with results.</summary>
    public required IAnsiConsole Error { get; init; }

    /// <summary>Reads an environment variable (GEOASSIGN_URL, GEOASSIGN_API_KEY).</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>Adjusts the client options after the command line is applied (tests shorten retry delays).</summary>
    public Action<GeoAssignClientOptions>? ConfigureClient { get; init; }

    /// <summary>Plain text writer behind <see cref="Out"/>, for JSON and help text that must not pass through markup.</summary>
    public TextWriter OutWriter => Out.Profile.Out.Writer;

    /// <summary>Plain text writer behind <see cref="Error"/>.</summary>
    public TextWriter ErrorWriter => Error.Profile.Out.Writer;

    public static CliHost FromProcess() => new()
    {
        Out = Console(System.Console.Out, System.Console.IsOutputRedirected),
        Error = Console(System.Console.Error, System.Console.IsErrorRedirected),
    };

    // Redirected output is read by programs or saved: no wrapping at an imagined 80 columns.
    private static IAnsiConsole Console(TextWriter writer, bool redirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
        if (redirected)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }

    /// <summary>Line width when output goes to a file or pipe.</summary>
    public const int RedirectedWidth = 400;
}

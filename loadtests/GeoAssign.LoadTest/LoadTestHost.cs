// Where the tool writes, so tests can run it in-process and read what it printed.
using Spectre.Console;

namespace GeoAssign.LoadTest;

/// <summary>The consoles of one run: results on <see cref="Out"/>, progress and messages on <see cref="Error"/>.</summary>
internal sealed class LoadTestHost
{
    public required IAnsiConsole Out { get; init; }

    public required IAnsiConsole Error { get; init; }

    /// <summary>Whether stderr is a terminal (the progress line rewrites itself) or a log (plain lines).</summary>
    public bool Interactive { get; init; }

    public TextWriter ErrorWriter => Error.Profile.Out.Writer;

    public static LoadTestHost FromProcess() => new()
    {
        Out = Create(Console.Out, Console.IsOutputRedirected),
        Error = Create(Console.Error, Console.IsErrorRedirected),
        Interactive = !Console.IsErrorRedirected,
    };

    /// <summary>A host writing plain text to two writers (tests, and output redirected to files).</summary>
    public static LoadTestHost ForWriters(TextWriter output, TextWriter error) => new()
    {
        Out = Create(output, redirected: true),
        Error = Create(error, redirected: true),
        Interactive = false,
    };

    private static IAnsiConsole Create(TextWriter writer, bool redirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        if (redirected)
        {
            console.Profile.Width = 200;
        }

        return console;
    }
}

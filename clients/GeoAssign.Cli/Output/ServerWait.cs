// A spinner on stderr while the server computes something that takes a while (a diff, a coverage check, an activation).
using Spectre.Console;

namespace GeoAssign.Cli.Output;

/// <summary>Shows a status line with a spinner on a terminal while a call runs; logs and pipes get nothing.</summary>
internal static class ServerWait
{
    public static async Task<T> RunAsync<T>(IAnsiConsole console, string description, Func<Task<T>> work)
    {
        if (!console.Profile.Capabilities.Interactive)
        {
            return await work().ConfigureAwait(false);
        }

        T result = default!;
        await console.Status().StartAsync(Markup.Escape(description), async _ => result = await work().ConfigureAwait(false)).ConfigureAwait(false);
        return result;
    }
}

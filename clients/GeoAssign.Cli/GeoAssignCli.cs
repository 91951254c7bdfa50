// The `geoassign` command line: the command tree and how one command line runs.
using System.CommandLine;
using GeoAssign.Cli.Commands;

namespace GeoAssign.Cli;

/// <summary>Builds the command tree and runs one command line.</summary>
internal static class GeoAssignCli
{
    public const string UrlVariable = "GEOASSIGN_URL";
    public const string ApiKeyVariable = "GEOASSIGN_API_KEY";

    /// <summary>Runs <paramref name="args"/> and returns the exit code (see <see cref="ExitCodes"/>).</summary>
    public static async Task<int> RunAsync(string[] args, CliHost host, CancellationToken cancellationToken = default)
    {
        var root = Build(host);
        var configuration = new InvocationConfiguration
        {
            Output = host.OutWriter,
            Error = host.ErrorWriter,
            // Each command reports its own failures (CliErrors); nothing should reach this handler.
            EnableDefaultExceptionHandler = true,
        };
        return await root.Parse(args).InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }

    internal static RootCommand Build(CliHost host)
    {
        var global = new GlobalOptions(host);
        var root = new RootCommand("""
            geoassign: import territory maps into a GeoAssign server, resolve points and CSV files to their
            territory and owner, find the accounts a map change reassigns, redistrict with plans, set owners of
            named accounts by hand (overrides), look back through the map's history, and inspect H3 cells.

            Exit codes: 0 done; 1 usage or input error; 2 the server rejected the request;
            3 the server is unreachable or did not answer in time; 4 not authorised (API key missing,
            unknown, or not an editor key for an edit); 5 unexpected failure; 130 interrupted.
            """)
        {
            global.Url,
            global.ApiKey,
            global.Timeout,
        };
        root.Add(ImportCommand.Build(global));
        root.Add(ResolveCommand.Build(global));
        root.Add(ResolveCsvCommand.Build(global));
        root.Add(ReassignCommand.Build(global));
        root.Add(BalanceCommand.Build(global));
        root.Add(TerritoriesCommand.Build(global));
        root.Add(MapCommand.Build(global));
        root.Add(PlanCommand.Build(global));
        root.Add(OverridesCommand.Build(global));
        root.Add(GazetteerCommand.Build(global));
        root.Add(H3Command.Build(global));
        return root;
    }
}

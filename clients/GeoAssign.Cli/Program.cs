// The `geoassign` command: see GeoAssignCli for the commands and ExitCodes for what it returns.
using GeoAssign.Cli;

return await GeoAssignCli.RunAsync(args, CliHost.FromProcess());

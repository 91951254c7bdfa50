// Runs the GeoAssign gRPC server: `dotnet run --project server/GeoAssign.Server`.
using GeoAssign.Replication;
using GeoAssign.Server.Hosting;
using Microsoft.Extensions.Options;

try
{
    var app = GeoAssignServerApp.Build(args);
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is MapStoreException or OptionsValidationException)
{
    // Start-up problems a person can fix: say what, without a stack trace.
    await Console.Error.WriteLineAsync($"GeoAssign cannot start: {e.Message}");
    return 1;
}

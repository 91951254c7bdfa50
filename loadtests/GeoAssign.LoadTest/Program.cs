// geoassign-load: see LoadTestCli for the commands and README.md for how to use them.
using GeoAssign.LoadTest;

using var interrupt = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    interrupt.Cancel();
};
return await LoadTestCli.RunAsync(args, LoadTestHost.FromProcess(), interrupt.Token);

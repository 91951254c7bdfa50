// A foreign gRPC stack against the real server: grpc-js (Node.js) from the .proto files alone.
using System.Diagnostics;
using GeoAssign.Testing;
using GeoAssign.Testing.Servers;

namespace GeoAssign.Server.Tests;

public sealed class InteropTests
{
    [Fact]
    public async Task A_grpc_js_client_built_from_the_protos_alone_resolves_edits_streams_and_gets_the_documented_errors()
    {
        var script = Path.Combine(TestDatasets.RepositoryRoot, "tests", "interop", "interop.mjs");
        Assert.True(Directory.Exists(Path.Combine(TestDatasets.RepositoryRoot, "tests", "interop", "node_modules", "@grpc", "grpc-js")),
            "grpc-js is not installed: run `npm ci` in tests/interop (bash tests/run.sh does).");

        await using var server = await TestServer.StartAsync();
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = TestDatasets.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(server.Address.Authority);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        var report = await output + await errors;
        Assert.True(process.ExitCode == 0, $"grpc-js interop checks failed (exit code {process.ExitCode}):\n{report}");
        Assert.Contains("all interop checks passed", report);
        Assert.Equal(11, report.Split('\n').Count(line => line.StartsWith("ok  ", StringComparison.Ordinal)));
    }
}

// The real server as a separate process (`dotnet GeoAssign.Server.dll`), for kill-and-restart tests.
using System.Diagnostics;
using System.Text.RegularExpressions;
using Grpc.Net.Client;

namespace GeoAssign.Testing.Servers;

/// <summary>
/// Runs <c>dotnet GeoAssign.Server.dll</c> with a data folder and port 0 from the environment, and
/// learns its address from the start-up log line. Disposing kills it if it still runs. The
/// GeoAssign.Server.dll beside the test assembly is the one run (a project that references
/// GeoAssign.Server has it in its output).
/// </summary>
/// <remarks>Thread-safe for <see cref="Output"/> and <see cref="Channel"/>; one test starts, signals and disposes it.</remarks>
public sealed partial class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<string> _address = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _output = [];

    private ServerProcess(Process process)
    {
        _process = process;
    }

    /// <summary>Where the server listens, e.g. <c>http://127.0.0.1:40123</c>.</summary>
    public Uri Address => new(_address.Task.Result);

    /// <summary>A channel to the server.</summary>
    public GrpcChannel Channel { get; private set; } = null!;

    /// <summary>Everything the process wrote to stdout and stderr so far, one line each.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    /// <summary>
    /// Starts the server on <paramref name="dataDirectory"/> with <paramref name="environment"/> on top
    /// of the test defaults, and waits (at most 60 s) until it logs where it listens.
    /// </summary>
    /// <exception cref="InvalidOperationException">The process did not start or exited before it listened.</exception>
    public static async Task<ServerProcess> StartAsync(string dataDirectory, IDictionary<string, string>? environment = null)
    {
        var serverDll = Path.Combine(AppContext.BaseDirectory, "GeoAssign.Server.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(serverDll);
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["GEOASSIGN_DATA_DIR"] = dataDirectory;
        start.Environment["Logging__LogLevel__Default"] = "Information";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var server = new ServerProcess(process);
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => server._address.TrySetException(new InvalidOperationException($"The server exited with code {process.ExitCode}:\n{server.Output}"));

        var address = await server._address.Task.WaitAsync(TimeSpan.FromSeconds(60));
        server.Channel = GrpcChannel.ForAddress(address);
        return server;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }

        var match = ListeningLine().Match(line);
        if (match.Success)
        {
            _address.TrySetResult(match.Groups[1].Value);
        }
    }

    /// <summary>Freezes the process (SIGSTOP), as a long pause of a VM or container would.</summary>
    public void Pause() => Signal("STOP");

    /// <summary>Lets a paused process run again (SIGCONT).</summary>
    public void Resume() => Signal("CONT");

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {_process.Id} failed with exit code {kill.ExitCode}.");
        }
    }

    /// <summary>Kills the process at once (SIGKILL): no shutdown, no flush.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>Kills the process if it still runs.</summary>
    public void Dispose()
    {
        Channel?.Dispose();
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"serving gRPC on (http://[^;,\s]+)")]
    private static partial Regex ListeningLine();
}

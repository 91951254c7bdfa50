// A real redis-server for tests (a primary, a replica or a sentinel): a child process on a free loopback port.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GeoAssign.Testing.Servers;

/// <summary>
/// Runs <c>redis-server</c> (Debian's <c>/usr/bin/redis-server</c>, or <c>$GEOASSIGN_REDIS_SERVER</c>)
/// on a free port of 127.0.0.1, persisting to an append-only file fsynced on every write
/// (<c>--appendonly yes --appendfsync always</c>) in a temporary folder, exactly as production must,
/// so that an acknowledged write survives <see cref="Kill"/> and <see cref="RestartAsync"/>.
/// <see cref="StartReplicaAsync"/> starts a replica of another server, and
/// <see cref="StartSentinelAsync"/> a sentinel (<c>redis-server --sentinel</c>, the same Debian
/// package) that monitors a primary, for failover tests.
/// </summary>
/// <remarks>
/// <para>Disposing kills the process and deletes the folder, also when a test fails; processes still
/// running when the test host exits are killed then. <see cref="ExecuteAsync"/> speaks RESP over a
/// socket of its own, so the fixture depends on no Redis client library (only the Redis store and
/// the load generator's probe use one).</para>
/// <para>Thread-safe for <see cref="ExecuteAsync"/>; start, stop, kill and restart are called by one test.</para>
/// </remarks>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(10);
    // Each poll opens a connection: a little longer than Eventually's default.
    private static readonly TimeSpan RedisPollInterval = TimeSpan.FromMilliseconds(20);
    private static readonly Lock LiveLock = new();
    private static readonly HashSet<RedisServer> Live = [];

    private readonly string _executable;
    private readonly string[] _extraArguments;
    private readonly string? _sentinelConfiguration;
    private Process? _process;
    private int _disposed;

    static RedisServer()
    {
        // A test host that exits (or is stopped) with servers still running takes them down too.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            lock (LiveLock)
            {
                foreach (var server in Live)
                {
                    server.KillProcess();
                }
            }
        };
    }

    private RedisServer(string executable, int port, string dataDirectory, string[] extraArguments, string? sentinelConfiguration)
    {
        _executable = executable;
        Port = port;
        DataDirectory = dataDirectory;
        _extraArguments = extraArguments;
        _sentinelConfiguration = sentinelConfiguration;
    }

    /// <summary>The redis-server to run: <c>$GEOASSIGN_REDIS_SERVER</c>, else the first on the PATH or in /usr/bin; null when there is none.</summary>
    public static string? Executable { get; } = FindExecutable();

    /// <summary>The loopback port the server listens on; the same after a restart.</summary>
    public int Port { get; }

    /// <summary>A StackExchange.Redis connection string for the server.</summary>
    public string ConnectionString => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>The server's data folder (the append-only file and the log), deleted on dispose.</summary>
    public string DataDirectory { get; }

    /// <summary>The server's log file.</summary>
    public string LogFile => Path.Combine(DataDirectory, "redis.log");

    /// <summary>Whether the server process is running.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Whether this is a sentinel rather than a data node.</summary>
    public bool IsSentinel => _sentinelConfiguration is not null;

    /// <summary>
    /// Starts a server on a free loopback port and waits until it answers PING.
    /// <paramref name="extraArguments"/> are appended to the command line (e.g. <c>--stream-node-max-entries 4</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException">redis-server is missing, or exits at start.</exception>
    /// <exception cref="Xunit.Sdk.XunitException">redis-server does not answer in time.</exception>
    public static Task<RedisServer> StartAsync(params string[] extraArguments) => StartNodeAsync(extraArguments, sentinelConfiguration: null);

    /// <summary>
    /// Starts a replica of <paramref name="primary"/> (persisting like any server) and waits until its
    /// link to the primary is up and the initial sync is done.
    /// </summary>
    /// <exception cref="InvalidOperationException">redis-server exits at start.</exception>
    /// <exception cref="Xunit.Sdk.XunitException">redis-server does not answer, or does not sync, in time.</exception>
    public static async Task<RedisServer> StartReplicaAsync(RedisServer primary, params string[] extraArguments)
    {
        var replica = await StartNodeAsync(
            ["--replicaof", "127.0.0.1", primary.Port.ToString(CultureInfo.InvariantCulture), .. extraArguments], sentinelConfiguration: null).ConfigureAwait(false);
        try
        {
            await replica.WaitUntilAsync(async () => await replica.InfoAsync("replication").ConfigureAwait(false) is var info
                && info.Contains("master_link_status:up", StringComparison.Ordinal)
                && info.Contains("master_sync_in_progress:0", StringComparison.Ordinal), "synced with its primary").ConfigureAwait(false);
            return replica;
        }
        catch
        {
            await replica.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Starts a sentinel that monitors <paramref name="primary"/> as <paramref name="serviceName"/>
    /// with <paramref name="quorum"/>: it considers the primary down after
    /// <paramref name="downAfter"/> without a reply and retries a failover after <paramref name="failoverTimeout"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">redis-server does not start in sentinel mode.</exception>
    public static Task<RedisServer> StartSentinelAsync(RedisServer primary, string serviceName, int quorum, TimeSpan downAfter, TimeSpan failoverTimeout)
    {
        var configuration = string.Join('\n',
            $"sentinel monitor {serviceName} 127.0.0.1 {primary.Port.ToString(CultureInfo.InvariantCulture)} {quorum.ToString(CultureInfo.InvariantCulture)}",
            $"sentinel down-after-milliseconds {serviceName} {((long)downAfter.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}",
            $"sentinel failover-timeout {serviceName} {((long)failoverTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}",
            $"sentinel parallel-syncs {serviceName} 1",
            "");
        return StartNodeAsync([], configuration);
    }

    private static async Task<RedisServer> StartNodeAsync(string[] extraArguments, string? sentinelConfiguration)
    {
        var executable = Executable ?? throw new InvalidOperationException(
            "redis-server is not installed: the Redis tests need it (apt-get install redis-server, or set GEOASSIGN_REDIS_SERVER to its path).");
        for (var attempt = 1; ; attempt++)
        {
            var directory = Path.Combine(Path.GetTempPath(), "geoassign-redis-tests", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            var server = new RedisServer(executable, TestServer.FreePort(), directory, extraArguments, sentinelConfiguration);
            try
            {
                await server.StartProcessAsync().ConfigureAwait(false);
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3 && server.LogContains("Address already in use"))
            {
                // Another process took the port between probing and binding: try another.
                await server.DisposeAsync().ConfigureAwait(false);
            }
            catch
            {
                await server.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>The text of <c>INFO <paramref name="section"/></c>.</summary>
    public async Task<string> InfoAsync(string section) => (string?)await ExecuteAsync("INFO", section).ConfigureAwait(false) ?? "";

    /// <summary>
    /// Waits (<see cref="Eventually"/>, at most <paramref name="timeout"/>, default 15 s) until
    /// <paramref name="condition"/> holds; a condition that fails because the server does not answer
    /// yet (starting, loading, or changing roles) counts as not holding. Fails naming
    /// <paramref name="what"/>, with the server's log.
    /// </summary>
    /// <exception cref="Xunit.Sdk.XunitException">It did not hold in time.</exception>
    public Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        Eventually.UntilAsync(async () =>
        {
            try
            {
                return await condition().ConfigureAwait(false);
            }
            catch (Exception e) when (IsNotAnsweringYet(e))
            {
                return false;
            }
        }, timeout ?? StartTimeout, () => $"Redis on port {Port} is {what}. Its log:\n{LogTail()}", RedisPollInterval);

    /// <summary>Stops the server cleanly (SHUTDOWN NOSAVE: the append-only file is already on disk) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (!IsRunning)
        {
            return;
        }

        try
        {
            await ExecuteAsync("SHUTDOWN", "NOSAVE").ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or EndOfStreamException)
        {
            // The server closes the connection as it exits.
        }

        using var timeout = new CancellationTokenSource(CommandTimeout);
        try
        {
            await _process!.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            KillProcess();
        }
    }

    /// <summary>Kills the server at once (SIGKILL), as a crash or power cut would: no shutdown, no final write.</summary>
    public void Kill() => KillProcess();

    /// <summary>
    /// Freezes the server (SIGSTOP): connections stay open but nothing is answered, as with a hung
    /// server or a network partition. Requests sent meanwhile run after <see cref="ResumeAsync"/>.
    /// </summary>
    public Task PauseAsync() => SignalAsync("-STOP");

    /// <summary>Lets a paused server go on (SIGCONT).</summary>
    public Task ResumeAsync() => SignalAsync("-CONT");

    private async Task SignalAsync(string signal)
    {
        var process = _process is { HasExited: false } running ? running : throw new InvalidOperationException("redis-server is not running.");
        using var kill = Process.Start(new ProcessStartInfo("kill", [signal, process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("Cannot run kill.");
        await kill.WaitForExitAsync().ConfigureAwait(false);
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill {signal} {process.Id} exited with code {kill.ExitCode}.");
        }
    }

    /// <summary>Starts the server again on the same port with the same data folder (stopping it first if it runs) and waits until it answers.</summary>
    public async Task RestartAsync()
    {
        if (IsRunning)
        {
            await StopAsync().ConfigureAwait(false);
        }

        await StartProcessAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Runs one command on a connection of its own and returns the reply: a string (simple or bulk),
    /// a long (integer), null, or an <c>object?[]</c> (array).
    /// </summary>
    /// <exception cref="InvalidOperationException">Redis replied with an error.</exception>
    public async Task<object?> ExecuteAsync(params string[] command)
    {
        ArgumentOutOfRangeException.ThrowIfZero(command.Length);
        using var timeout = new CancellationTokenSource(CommandTimeout);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token).ConfigureAwait(false);
        var stream = client.GetStream();
        var request = new StringBuilder().Append('*').Append(command.Length).Append("\r\n");
        foreach (var argument in command)
        {
            request.Append('$').Append(Encoding.UTF8.GetByteCount(argument)).Append("\r\n").Append(argument).Append("\r\n");
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), timeout.Token).ConfigureAwait(false);
        var reader = new RespReader(stream, timeout.Token);
        return await reader.ReadAsync().ConfigureAwait(false);
    }

    /// <summary>Kills the server if it runs and deletes its data folder.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return ValueTask.CompletedTask;
        }

        KillProcess();
        _process?.Dispose();
        lock (LiveLock)
        {
            Live.Remove(this);
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind harms nothing.
        }

        return ValueTask.CompletedTask;
    }

    private async Task StartProcessAsync()
    {
        var start = new ProcessStartInfo(_executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = DataDirectory,
        };
        string[] arguments;
        if (_sentinelConfiguration is null)
        {
            arguments = [
                "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "yes", "--appendfsync", "always",
                "--dir", DataDirectory, "--logfile", LogFile, "--daemonize", "no"];
        }
        else
        {
            // A sentinel rewrites its configuration file (what it learns of the others): written once,
            // kept across restarts.
            var configurationFile = Path.Combine(DataDirectory, "sentinel.conf");
            if (!File.Exists(configurationFile))
            {
                await File.WriteAllTextAsync(configurationFile, _sentinelConfiguration).ConfigureAwait(false);
            }

            arguments = [
                configurationFile, "--sentinel",
                "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                "--dir", DataDirectory, "--logfile", LogFile, "--daemonize", "no"];
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var argument in _extraArguments)
        {
            start.ArgumentList.Add(argument);
        }

        _process?.Dispose();
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start {_executable}.");
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        lock (LiveLock)
        {
            Live.Add(this);
        }

        try
        {
            await Eventually.UntilAsync(async () =>
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException(
                        $"redis-server{(IsSentinel ? " --sentinel" : "")} exited with code {process.ExitCode} at start on port {Port}. Its log:\n{LogTail()}");
                }

                try
                {
                    return await ExecuteAsync("PING").ConfigureAwait(false) is "PONG";
                }
                catch (Exception e) when (IsNotAnsweringYet(e))
                {
                    // Not listening yet, or loading the append-only file (-LOADING).
                    return false;
                }
            }, StartTimeout, () => $"redis-server answers PING on port {Port}. Its log:\n{LogTail()}", RedisPollInterval).ConfigureAwait(false);
        }
        catch (Xunit.Sdk.XunitException)
        {
            KillProcess();
            throw;
        }
    }

    private static bool IsNotAnsweringYet(Exception e) =>
        e is SocketException or IOException or EndOfStreamException or OperationCanceledException or InvalidOperationException;

    private void KillProcess()
    {
        var process = _process;
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: false); // SIGKILL on Linux.
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }
    }

    private bool LogContains(string text)
    {
        try
        {
            return File.Exists(LogFile) && File.ReadAllText(LogFile).Contains(text, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>The last 20 lines of the server's log, for failure messages.</summary>
    public string LogTail()
    {
        try
        {
            return File.Exists(LogFile) ? string.Join('\n', File.ReadLines(LogFile).TakeLast(20)) : "(no log file)";
        }
        catch (IOException e)
        {
            return $"(cannot read the log: {e.Message})";
        }
    }

    private static string? FindExecutable()
    {
        if (Environment.GetEnvironmentVariable("GEOASSIGN_REDIS_SERVER") is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var folder in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Append("/usr/bin").Append("/usr/local/bin"))
        {
            var candidate = Path.Combine(folder, "redis-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    // Reads one RESP2 reply.
    private sealed class RespReader(NetworkStream stream, CancellationToken cancellationToken)
    {
        private readonly byte[] _buffer = new byte[8192];
        private int _start;
        private int _end;

        public async Task<object?> ReadAsync()
        {
            var line = await ReadLineAsync().ConfigureAwait(false);
            var rest = line[1..];
            switch (line[0])
            {
                case '+':
                    return rest;
                case '-':
                    throw new InvalidOperationException("Redis error: " + rest);
                case ':':
                    return long.Parse(rest, CultureInfo.InvariantCulture);
                case '$':
                {
                    var length = int.Parse(rest, CultureInfo.InvariantCulture);
                    if (length < 0)
                    {
                        return null;
                    }

                    var bytes = await ReadBytesAsync(length + 2).ConfigureAwait(false);
                    return Encoding.UTF8.GetString(bytes, 0, length);
                }

                case '*':
                {
                    var count = int.Parse(rest, CultureInfo.InvariantCulture);
                    if (count < 0)
                    {
                        return null;
                    }

                    var items = new object?[count];
                    for (var i = 0; i < count; i++)
                    {
                        items[i] = await ReadAsync().ConfigureAwait(false);
                    }

                    return items;
                }

                default:
                    throw new InvalidDataException($"Unexpected RESP reply: {line}");
            }
        }

        private async Task<string> ReadLineAsync()
        {
            var line = new List<byte>();
            while (true)
            {
                if (_start == _end)
                {
                    await FillAsync().ConfigureAwait(false);
                }

                var b = _buffer[_start++];
                if (b == '\n' && line.Count > 0 && line[^1] == '\r')
                {
                    return Encoding.UTF8.GetString(line.ToArray(), 0, line.Count - 1);
                }

                line.Add(b);
            }
        }

        private async Task<byte[]> ReadBytesAsync(int count)
        {
            var result = new byte[count];
            var copied = 0;
            while (copied < count)
            {
                if (_start == _end)
                {
                    await FillAsync().ConfigureAwait(false);
                }

                var n = Math.Min(count - copied, _end - _start);
                Array.Copy(_buffer, _start, result, copied, n);
                _start += n;
                copied += n;
            }

            return result;
        }

        private async Task FillAsync()
        {
            _start = 0;
            _end = await stream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
            if (_end == 0)
            {
                throw new EndOfStreamException("Redis closed the connection.");
            }
        }
    }
}

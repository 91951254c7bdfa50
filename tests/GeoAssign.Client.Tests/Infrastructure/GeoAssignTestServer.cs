// A real GeoAssign server, in-process, on a loopback port, with a temporary data folder.
using GeoAssign.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GeoAssign.Client.Tests.Infrastructure;

/// <summary>
/// Starts the real server (Kestrel, real sockets, HTTP/2 without TLS) on 127.0.0.1 — on a port the
/// OS picks, or on a given one — with its own data folder and the given settings, as the server's own
/// tests do. Disposing stops it gracefully and deletes the folder.
/// </summary>
public sealed class GeoAssignTestServer : IAsyncDisposable
{
    public const string ReaderKey = "reader-key-0123456789";
    public const string EditorKey = "editor-key-0123456789";

    /// <summary>Settings that turn API keys on: <see cref="ReaderKey"/> and <see cref="EditorKey"/>.</summary>
    public static readonly IReadOnlyDictionary<string, string?> WithKeys = new Dictionary<string, string?>
    {
        ["GeoAssign:ApiKeys:0:Key"] = ReaderKey,
        ["GeoAssign:ApiKeys:0:Role"] = "reader",
        ["GeoAssign:ApiKeys:1:Key"] = EditorKey,
        ["GeoAssign:ApiKeys:1:Role"] = "editor",
    };

    private readonly WebApplication _app;
    private readonly bool _keepData;

    private GeoAssignTestServer(WebApplication app, string dataDirectory, Uri address, bool keepData)
    {
        _app = app;
        DataDirectory = dataDirectory;
        Address = address;
        _keepData = keepData;
    }

    public string DataDirectory { get; }

    public Uri Address { get; }

    /// <summary>
    /// Starts a server; <paramref name="port"/> 0 lets the OS choose. With <paramref name="dataDirectory"/>
    /// it reuses that folder and leaves it behind (to restart a server on its data); else it makes a
    /// temporary one and deletes it on dispose.
    /// </summary>
    public static async Task<GeoAssignTestServer> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, int port = 0,
        string? dataDirectory = null)
    {
        var keepData = dataDirectory is not null;
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "geoassign-client-tests", Guid.NewGuid().ToString("N"));
        var configuration = new Dictionary<string, string?>
        {
            ["urls"] = $"http://127.0.0.1:{port}",
            ["GeoAssign:DataDirectory"] = dataDirectory,
            ["GeoAssign:ShutdownTimeout"] = "00:00:05",
            ["Logging:LogLevel:Default"] = "Error",
            // Streams the tests cancel on purpose are logged there as errors; they are expected.
            ["Logging:LogLevel:Grpc.AspNetCore.Server.ServerCallHandler"] = "Critical",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var app = GeoAssignServerApp.Build([], builder => builder.Configuration.AddInMemoryCollection(configuration));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new GeoAssignTestServer(app, dataDirectory, new Uri(address), keepData);
    }

    /// <summary>A client of this server with test-friendly options (short retry delays).</summary>
    public GeoAssignClient Client(string? apiKey = null, Action<GeoAssignClientOptions>? configure = null)
    {
        var options = new GeoAssignClientOptions
        {
            Address = Address,
            ApiKey = apiKey,
            RetryBaseDelay = TimeSpan.FromMilliseconds(50),
            RetryMaxDelay = TimeSpan.FromMilliseconds(500),
        };
        configure?.Invoke(options);
        return new GeoAssignClient(options);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_keepData)
        {
            return;
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder left behind harms nothing.
        }
    }

    /// <summary>A loopback port that was free a moment ago (the OS chose it and it was released).</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

// The real GeoAssign server in-process, on a loopback port, with a data folder of its own.
using GeoAssign.Client;
using GeoAssign.Index.GeoJson;
using GeoAssign.Protos.V1;
using GeoAssign.Server.Hosting;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GeoAssign.Testing.Servers;

/// <summary>
/// Starts the real server (Kestrel, real sockets, HTTP/2 without TLS) on 127.0.0.1 — on a port the
/// OS picks, or on a given one — with its own data folder and the given settings. Tests talk to it
/// through a real <see cref="GrpcChannel"/> (<see cref="Assignments"/>, <see cref="Territories"/>, …)
/// or a <see cref="GeoAssignClient"/> made by <see cref="Client"/>. Disposing stops it gracefully
/// and deletes the data folder unless the test gave one.
/// </summary>
/// <remarks>Thread-safe once started, as the server and the channel are; one test starts and disposes it.</remarks>
public sealed class TestServer : IAsyncDisposable
{
    /// <summary>The reader key of <see cref="WithKeys"/>.</summary>
    public const string ReaderKey = "reader-key-0123456789";

    /// <summary>The editor key of <see cref="WithKeys"/>.</summary>
    public const string EditorKey = "editor-key-0123456789";

    /// <summary>Settings that turn API keys on: <see cref="ReaderKey"/> and <see cref="EditorKey"/>.</summary>
    public static readonly IReadOnlyDictionary<string, string?> WithKeys = new Dictionary<string, string?>
    {
        ["GeoAssign:ApiKeys:0:Key"] = ReaderKey,
        ["GeoAssign:ApiKeys:0:Role"] = "reader",
        ["GeoAssign:ApiKeys:1:Key"] = EditorKey,
        ["GeoAssign:ApiKeys:1:Role"] = "editor",
    };

    private readonly bool _keepData;

    private TestServer(WebApplication app, string dataDirectory, bool keepData, Uri address, Uri? http1Address)
    {
        App = app;
        DataDirectory = dataDirectory;
        _keepData = keepData;
        Address = address;
        Http1Address = http1Address;
        Channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024, MaxSendMessageSize = 64 * 1024 * 1024 });
    }

    /// <summary>The running application (its services, its lifetime).</summary>
    public WebApplication App { get; }

    /// <summary>The server's data folder.</summary>
    public string DataDirectory { get; }

    /// <summary>Where the server listens, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri Address { get; }

    /// <summary>
    /// The server's HTTP/1.1 endpoint (GeoAssign:Http1Url), e.g. <c>http://127.0.0.1:40124/</c>, when
    /// it was started with <c>http1: true</c>; else null.
    /// </summary>
    public Uri? Http1Address { get; }

    /// <summary>A channel to the server that accepts and sends messages of up to 64 MiB.</summary>
    public GrpcChannel Channel { get; }

    /// <summary>
    /// Starts a server with <paramref name="settings"/> over the test defaults. <paramref name="port"/>
    /// 0 lets the OS choose. With <paramref name="dataDirectory"/> it uses that folder and leaves it
    /// behind (to restart a server on its data); else it makes a temporary one and deletes it on
    /// dispose. <paramref name="configure"/> runs on the builder last (e.g. to add a <see cref="LogCapture"/>).
    /// With <paramref name="http1"/> it also listens on an HTTP/1.1 endpoint (<see cref="Http1Address"/>)
    /// on a free loopback port, or on <paramref name="http1Port"/> when given (to restart a server where
    /// a browser reaches it).
    /// </summary>
    public static async Task<TestServer> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, int port = 0, string? dataDirectory = null,
        Action<WebApplicationBuilder>? configure = null, bool http1 = false, int http1Port = 0)
    {
        if (http1Port != 0)
        {
            return await StartOnceAsync(settings, port, dataDirectory, configure, http1Port).ConfigureAwait(false);
        }

        for (var attempt = 1; ; attempt++)
        {
            http1Port = http1 ? FreePort() : 0;
            try
            {
                return await StartOnceAsync(settings, port, dataDirectory, configure, http1Port).ConfigureAwait(false);
            }
            catch (IOException) when (http1 && attempt < 3)
            {
                // Another process took the HTTP/1.1 port between probing and binding: try another.
            }
        }
    }

    private static async Task<TestServer> StartOnceAsync(IReadOnlyDictionary<string, string?>? settings, int port, string? dataDirectory,
        Action<WebApplicationBuilder>? configure, int http1Port)
    {
        var keepData = dataDirectory is not null;
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "geoassign-test-servers", Guid.NewGuid().ToString("N"));
        var configuration = new Dictionary<string, string?>
        {
            ["urls"] = $"http://127.0.0.1:{port}",
            ["GeoAssign:DataDirectory"] = dataDirectory,
            ["GeoAssign:ShutdownTimeout"] = "00:00:10",
            ["Logging:LogLevel:Default"] = "Error",
            // Streams the tests cancel on purpose are logged there as errors; they are expected. A
            // LogCapture still sees them (LogCapture.AttachTo).
            ["Logging:LogLevel:Grpc.AspNetCore.Server.ServerCallHandler"] = "Critical",
        };
        if (http1Port != 0)
        {
            configuration["GeoAssign:Http1Url"] = $"http://127.0.0.1:{http1Port}";
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var app = GeoAssignServerApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(configuration);
            configure?.Invoke(builder);
        });
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();
        var http1Address = http1Port == 0 ? null : addresses.Single(a => a.Port == http1Port);
        var address = addresses.Single(a => a != http1Address);
        return new TestServer(app, dataDirectory, keepData, address, http1Address);
    }

    /// <summary>The assignment service through <see cref="Channel"/>.</summary>
    public AssignmentService.AssignmentServiceClient Assignments => new(Channel);

    /// <summary>The territory service through <see cref="Channel"/>.</summary>
    public TerritoryService.TerritoryServiceClient Territories => new(Channel);

    /// <summary>The reassignment service through <see cref="Channel"/>.</summary>
    public ReassignmentService.ReassignmentServiceClient Reassignments => new(Channel);

    /// <summary>The diagnostics service through <see cref="Channel"/>.</summary>
    public DiagnosticsService.DiagnosticsServiceClient Diagnostics => new(Channel);

    /// <summary>A client of this server with test-friendly options (short retry delays); the caller disposes it.</summary>
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

    /// <summary>Imports territories as GeoJSON (merge) and returns the new map version.</summary>
    public async Task<ulong> ImportAsync(IEnumerable<Index.Model.Territory> territories, string layer = "", Metadata? headers = null)
    {
        var response = await Territories.ImportGeoJsonAsync(new ImportGeoJsonRequest
        {
            Options = new ImportGeoJsonOptions { Layer = layer, Mode = ImportMode.Merge },
            FeatureCollection = ByteString.CopyFromUtf8(TerritoryGeoJsonWriter.WriteToString(territories)),
        }, headers);
        return response.Summary.MapVersion;
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

    /// <summary>Stops the server gracefully and deletes its data folder unless the test gave it.</summary>
    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
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
}

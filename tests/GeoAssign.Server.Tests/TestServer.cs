// A real GeoAssign server on a free loopback port, in-process, with a temporary data folder.
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

namespace GeoAssign.Server.Tests;

/// <summary>
/// Starts the real server (Kestrel, real sockets, HTTP/2 without TLS) on 127.0.0.1 with a port the
/// OS picks, its own data folder, and the given settings; clients talk to it through a real
/// GrpcChannel. Disposing stops it gracefully and deletes the folder.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly bool _ownsDirectory;

    private TestServer(WebApplication app, string dataDirectory, bool ownsDirectory, string address)
    {
        App = app;
        DataDirectory = dataDirectory;
        _ownsDirectory = ownsDirectory;
        Address = address;
        Channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024, MaxSendMessageSize = 64 * 1024 * 1024 });
    }

    public WebApplication App { get; }

    public string DataDirectory { get; }

    public string Address { get; }

    public GrpcChannel Channel { get; }

    public static async Task<TestServer> StartAsync(IDictionary<string, string?>? settings = null, string? dataDirectory = null,
        Action<WebApplicationBuilder>? configure = null)
    {
        var owns = dataDirectory is null;
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "geoassign-server-tests", Guid.NewGuid().ToString("N"));
        var configuration = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["GeoAssign:DataDirectory"] = dataDirectory,
            ["GeoAssign:ShutdownTimeout"] = "00:00:10",
            ["Logging:LogLevel:Default"] = "Error",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var app = GeoAssignServerApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(configuration);
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new TestServer(app, dataDirectory, owns, address);
    }

    public AssignmentService.AssignmentServiceClient Assignments => new(Channel);

    public TerritoryService.TerritoryServiceClient Territories => new(Channel);

    public ReassignmentService.ReassignmentServiceClient Reassignments => new(Channel);

    public DiagnosticsService.DiagnosticsServiceClient Diagnostics => new(Channel);

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

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        if (_ownsDirectory)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind harms nothing.
            }
        }
    }
}

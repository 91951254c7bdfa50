// The million-point server shared by the client's and the CLI's million-point tests.
using Xunit;

namespace GeoAssign.Testing.Servers;

/// <summary>
/// A server holding the million-point map (states and counties of four US states), as an xUnit
/// fixture: xUnit starts and disposes it; thread-safe in between, as <see cref="TestServer"/> is.
/// </summary>
public sealed class MillionPointServer : IAsyncLifetime
{
    /// <summary>The server.</summary>
    public TestServer Server { get; private set; } = null!;

    /// <summary>The map version after the import.</summary>
    public ulong Version { get; private set; }

    /// <summary>Starts the server and imports the map through the client.</summary>
    public async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync();
        using var client = Server.Client();
        using var text = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(TestData.MillionGeoJson()));
        Version = (await client.ImportGeoJsonAsync(text)).MapVersion;
    }

    /// <summary>Stops the server.</summary>
    public async Task DisposeAsync() => await Server.DisposeAsync();
}

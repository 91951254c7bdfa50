// The million-point server shared by the client's and the CLI's million-point tests.
namespace GeoAssign.Client.Tests.Infrastructure;

/// <summary>A server holding the million-point map (states and counties of four US states).</summary>
public sealed class MillionPointServer : IAsyncLifetime
{
    public GeoAssignTestServer Server { get; private set; } = null!;

    public ulong Version { get; private set; }

    public async Task InitializeAsync()
    {
        Server = await GeoAssignTestServer.StartAsync();
        using var client = Server.Client();
        using var text = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(TestData.MillionGeoJson()));
        Version = (await client.ImportGeoJsonAsync(text)).MapVersion;
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

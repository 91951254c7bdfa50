// Servers the client tests share per class: the sample map, API keys, the million-point map.
using GeoAssign.Testing.Servers;

namespace GeoAssign.Client.Tests;

/// <summary>An open server with the shipped sample (56 US states, layer geo) imported through the client.</summary>
public sealed class SampleServer : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    public ulong Version { get; private set; }

    public async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync(new Dictionary<string, string?> { ["GeoAssign:MinVersionWait"] = "00:00:00.200" });
        using var client = Server.Client();
        Version = (await client.ImportGeoJsonAsync(TestData.SamplePath)).MapVersion;
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>A server with a reader key and an editor key, holding the sample.</summary>
public sealed class KeyedServer : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync(TestServer.WithKeys);
        using var client = Server.Client(TestServer.EditorKey);
        await client.ImportGeoJsonAsync(TestData.SamplePath);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>The million-point tests run alone, so that their time measures them and not their neighbours.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MillionPointCollection : ICollectionFixture<MillionPointServer>
{
    public const string Name = "million points";
}

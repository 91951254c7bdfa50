// The ancestors the map page's hover loads (/map/ancestors.json): cached per version, behind the API keys.
using System.Net;
using System.Text.Json;
using GeoAssign.Protos.V1;
using GeoAssign.Replication.Replicas;
using GeoAssign.Server.MapPage;
using GeoAssign.Testing.Servers;
using Microsoft.Extensions.DependencyInjection;

namespace GeoAssign.MapPage.Tests;

public sealed class AncestryTests
{
    [Fact]
    public async Task Ancestors_are_cached_per_version_and_need_a_key()
    {
        await using var server = await TestServer.StartAsync(TestServer.WithKeys, http1: true);
        var editor = Shapes.Key(TestServer.EditorKey);
        await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Territories =
            {
                Shapes.Territory("region", Shapes.Square(-100, 40, 20), layer: "regions"),
                Shapes.Territory("district", Shapes.Square(-100, 40, 2), layer: "districts", parent: "region"),
            },
        }, editor);
        var ancestry = server.App.Services.GetRequiredService<TerritoryAncestry>();
        var replica = server.App.Services.GetRequiredService<MapReplica>();
        var first = ancestry.Of(replica.State.Live, "", "districts");
        Assert.Same(first, ancestry.Of(replica.State.Live, "", "districts"));

        using var http = new HttpClient { BaseAddress = server.Http1Address };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/map/ancestors.json?layer=districts")).StatusCode);
        http.DefaultRequestHeaders.Add("x-api-key", TestServer.ReaderKey);
        using var answer = JsonDocument.Parse(await http.GetStringAsync("/map/ancestors.json?layer=districts"));
        var chain = answer.RootElement.GetProperty("ancestors").GetProperty("district").EnumerateArray().ToList();
        Assert.Equal("region", chain.Single().GetProperty("id").GetString());
        Assert.Equal("regions", chain.Single().GetProperty("layer").GetString());

        // A new version: a new answer, with the new parent.
        var edit = await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Territories =
            {
                Shapes.Territory("world", Shapes.Square(-100, 40, 40), layer: "regions"),
                Shapes.Territory("region", Shapes.Square(-100, 40, 20), layer: "regions", parent: "world"),
            },
        }, editor);
        await Eventually.UntilAsync(() => replica.State.Live.Version >= (long)edit.MapVersion, TimeSpan.FromSeconds(10), "the edit is applied");
        var after = ancestry.Of(replica.State.Live, "", "districts");
        Assert.NotSame(first, after);
        Assert.Equal(["region", "world"], JsonDocument.Parse(after).RootElement.GetProperty("ancestors").GetProperty("district").EnumerateArray().Select(a => a.GetProperty("id").GetString()));
    }
}

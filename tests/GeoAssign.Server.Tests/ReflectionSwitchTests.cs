// GeoAssign:EnableReflection turns gRPC server reflection off; it is on by default.
using GeoAssign.Testing.Servers;
using Grpc.Core;
using Grpc.Reflection.V1Alpha;

namespace GeoAssign.Server.Tests;

public sealed class ReflectionSwitchTests
{
    private static async Task<List<string>> ListServicesAsync(TestServer server)
    {
        using var reflection = new ServerReflection.ServerReflectionClient(server.Channel).ServerReflectionInfo();
        await reflection.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await reflection.RequestStream.CompleteAsync();
        Assert.True(await reflection.ResponseStream.MoveNext());
        return reflection.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
    }

    [Fact]
    public async Task Reflection_is_served_by_default()
    {
        await using var server = await TestServer.StartAsync();

        Assert.Contains("geoassign.v1.TerritoryService", await ListServicesAsync(server));
    }

    [Fact]
    public async Task Reflection_can_be_turned_off_and_the_api_still_answers()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["GeoAssign:EnableReflection"] = "false" });

        var error = await Assert.ThrowsAsync<RpcException>(() => ListServicesAsync(server));

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        var info = await server.Territories.GetMapInfoAsync(new Protos.V1.GetMapInfoRequest());
        Assert.Equal(0ul, info.MapVersion);
    }
}

// The server never writes a secret to its logs: not the Redis password, not an API key.
using GeoAssign.Protos.V1;
using GeoAssign.Testing.Servers;
using Grpc.Core;

namespace GeoAssign.Replicas.Tests;

[Collection(ReplicaCollection.Name)]
public sealed class SecretTests
{
    private const string Password = "redis-secret-7c1f0a9e";
    private const string ReaderKey = "reader-secret-key-5b2d8e41";
    private const string EditorKey = "editor-secret-key-9e33a7c0";

    private static Dictionary<string, string> Settings(RedisServer redis, string password) => new()
    {
        ["GeoAssign__Redis__ConnectionString"] = $"{redis.ConnectionString},password={password}",
        ["GeoAssign__Redis__MapName"] = "secrets",
        ["GeoAssign__Redis__ConnectRetryTime"] = "00:00:02",
        ["GeoAssign__ApiKeys__0__Key"] = ReaderKey,
        ["GeoAssign__ApiKeys__0__Role"] = "reader",
        ["GeoAssign__ApiKeys__1__Key"] = EditorKey,
        ["GeoAssign__ApiKeys__1__Role"] = "editor",
        ["GeoAssign__ApiKeys__1__Name"] = "sales-ops",
        // Everything the server logs, down to debug.
        ["Logging__LogLevel__Default"] = "Debug",
        ["Logging__LogLevel__Microsoft.AspNetCore"] = "Debug",
        ["Logging__LogLevel__Grpc"] = "Debug",
    };

    private static void AssertNoSecret(string output)
    {
        foreach (var secret in new[] { Password, ReaderKey, EditorKey })
        {
            Assert.False(output.Contains(secret, StringComparison.Ordinal), $"The log holds the secret {secret}:\n{output}");
        }
    }

    [Fact]
    public async Task A_start_with_a_Redis_password_and_API_keys_and_calls_with_good_and_bad_keys_log_neither()
    {
        await using var redis = await RedisServer.StartAsync();
        await redis.ExecuteAsync("CONFIG", "SET", "requirepass", Password);
        var folder = Path.Combine(Path.GetTempPath(), "geoassign-secrets", Guid.NewGuid().ToString("N"));
        using var server = await ServerProcess.StartAsync(folder, Settings(redis, Password));
        var territories = new TerritoryService.TerritoryServiceClient(server.Channel);

        var edit = await territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Territories = { Shapes.Territory("t", Shapes.Square(0, 0, 1)) },
            Message = "with the editor key",
        }, Shapes.Key(EditorKey));
        await territories.GetTerritoryAsync(new GetTerritoryRequest { Id = "t", MinVersion = edit.MapVersion }, Shapes.Key(ReaderKey));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => territories.DeleteTerritoriesAsync(new DeleteTerritoriesRequest { Ids = { "t" } }, Shapes.Key(ReaderKey)));
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, () => territories.GetMapInfoAsync(new GetMapInfoRequest(), Shapes.Key(EditorKey + "x")));
        var history = await territories.ListVersionsAsync(new ListVersionsRequest(), Shapes.Key(ReaderKey));
        Assert.Equal("sales-ops", history.Versions.Single().Author);

        // The start was logged, naming Redis by its address and map only.
        await Eventually.UntilAsync(() => server.Output.Contains("Applied version", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the edit is logged");
        Assert.Contains($"Redis {redis.ConnectionString} (map \"secrets\")", server.Output);
        AssertNoSecret(server.Output);
    }

    [Fact]
    public async Task A_start_that_Redis_refuses_for_a_wrong_password_names_the_problem_without_the_password()
    {
        await using var redis = await RedisServer.StartAsync();
        await redis.ExecuteAsync("CONFIG", "SET", "requirepass", "the-real-one-" + Guid.NewGuid().ToString("N"));
        var folder = Path.Combine(Path.GetTempPath(), "geoassign-secrets", Guid.NewGuid().ToString("N"));

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerProcess.StartAsync(folder, Settings(redis, Password)));

        Assert.Contains("GeoAssign cannot start", failure.Message);
        Assert.Contains("GeoAssign:Redis:ConnectionString", failure.Message);
        AssertNoSecret(failure.Message);
    }
}

// The converge scenario's Redis probe against a real redis-server.
using GeoAssign.LoadTest.Scenarios;
using GeoAssign.Testing.Servers;

namespace GeoAssign.LoadTest.Tests;

public sealed class RedisRoundTripTests
{
    [Fact]
    public async Task The_probe_measures_plausible_publish_to_receive_round_trips()
    {
        await using var redis = await RedisServer.StartAsync();
        var samples = await RedisRoundTrip.MeasureAsync(redis.ConnectionString, 50, CancellationToken.None);
        Assert.Equal(50, samples.Length);
        Assert.All(samples, ms => Assert.InRange(ms, 0.001, 1_000));
        var median = samples.Order().ElementAt(samples.Length / 2);
        Assert.True(median < 50, $"The median round trip on loopback was {median:0.00} ms.");
    }

    [Fact]
    public async Task The_probe_reports_an_unreachable_redis_as_a_failure_naming_it()
    {
        var port = TestServer.FreePort();
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => RedisRoundTrip.MeasureAsync($"127.0.0.1:{port}", 5, CancellationToken.None));
        Assert.Contains("Cannot measure the Redis pub/sub round trip", failure.Message);
    }
}

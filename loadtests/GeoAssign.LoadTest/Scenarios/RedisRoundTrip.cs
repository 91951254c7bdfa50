// converge --redis: the raw Redis publish→receive round trip, the floor under replica convergence.
using System.Diagnostics;
using StackExchange.Redis;

namespace GeoAssign.LoadTest.Scenarios;

/// <summary>
/// Measures how long a message takes from PUBLISH to a subscriber on another connection, through
/// the client library the Redis store uses (StackExchange.Redis): the least time in which a replica
/// can learn of an edit. The converge scenario reports it beside the convergence time.
/// Thread-safe (stateless).
/// </summary>
internal static class RedisRoundTrip
{
    // Round trips before the measured ones: the first pay for connection warm-up and JIT.
    private const int WarmUpSamples = 5;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Publishes <paramref name="samples"/> messages one after another on a fresh channel and returns
    /// each one's latency in milliseconds, from just before PUBLISH is sent on one connection until
    /// the subscriber's handler runs on another, in the order measured.
    /// </summary>
    /// <exception cref="InvalidOperationException">Redis cannot be reached, or a message does not arrive in time.</exception>
    public static async Task<double[]> MeasureAsync(string connectionString, int samples, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samples);
        var channel = RedisChannel.Literal("geoassign:probe:" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var publisher = await ConnectionMultiplexer.ConnectAsync(CreateConfiguration(connectionString)).ConfigureAwait(false);
            await using var subscriber = await ConnectionMultiplexer.ConnectAsync(CreateConfiguration(connectionString)).ConfigureAwait(false);
            TaskCompletionSource<long>? pending = null;
            var sequence = 0L;
            await subscriber.GetSubscriber().SubscribeAsync(channel, (_, message) =>
            {
                var received = Stopwatch.GetTimestamp();
                var waiting = Volatile.Read(ref pending);
                if (waiting is not null && (long)message == Volatile.Read(ref sequence))
                {
                    waiting.TrySetResult(received);
                }
            }).ConfigureAwait(false);

            var database = publisher.GetDatabase();
            var result = new double[samples];
            for (var i = -WarmUpSamples; i < samples; i++)
            {
                var arrival = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
                Volatile.Write(ref sequence, i + WarmUpSamples);
                Volatile.Write(ref pending, arrival);
                var sent = Stopwatch.GetTimestamp();
                await database.PublishAsync(channel, i + WarmUpSamples).ConfigureAwait(false);
                long received;
                try
                {
                    received = await arrival.Task.WaitAsync(Timeout, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException e)
                {
                    throw new InvalidOperationException($"A message published on {channel} did not arrive within {Timeout.TotalSeconds} s.", e);
                }

                if (i >= 0)
                {
                    result[i] = Stopwatch.GetElapsedTime(sent, received).TotalMilliseconds;
                }
            }

            await subscriber.GetSubscriber().UnsubscribeAsync(channel).ConfigureAwait(false);
            return result;
        }
        catch (Exception e) when (e is RedisException or RedisTimeoutException)
        {
            throw new InvalidOperationException($"Cannot measure the Redis pub/sub round trip: {e.Message}", e);
        }
    }

    // Like the store's connection (its timeouts), except that a request may wait for a connection
    // that is still coming up (the subscription connection may be when ConnectAsync returns).
    private static ConfigurationOptions CreateConfiguration(string connectionString)
    {
        var configuration = ConfigurationOptions.Parse(connectionString);
        var timeout = (int)Timeout.TotalMilliseconds;
        configuration.ConnectTimeout = timeout;
        configuration.AsyncTimeout = timeout;
        configuration.SyncTimeout = timeout;
        configuration.ClientName ??= "geoassign-load";
        return configuration;
    }
}

// The raw Redis publish → receive round trip, the floor under replica convergence time.
using System.Diagnostics;
using StackExchange.Redis;

namespace GeoAssign.Replication.Redis;

/// <summary>
/// Measures how long a message takes from PUBLISH to a subscriber on another connection, through
/// the same client and settings the store uses: the least time in which a replica can learn of an
/// edit. The load-test tool reports convergence time beside it. Thread-safe (stateless).
/// </summary>
public static class RedisPubSubProbe
{
    // Round trips before the measured ones: the first pay for connection warm-up and JIT.
    private const int WarmUpSamples = 5;

    /// <summary>
    /// Publishes <paramref name="samples"/> messages one after another on a fresh channel and returns
    /// each one's latency in milliseconds, from just before PUBLISH is sent on one connection until
    /// the subscriber's handler runs on another, in the order measured.
    /// </summary>
    /// <exception cref="MapStoreException">Redis cannot be reached, or a message does not arrive in time.</exception>
    public static async Task<double[]> MeasureRoundTripsAsync(string connectionString, int samples, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samples);
        var timeout = TimeSpan.FromSeconds(5);
        var configuration = RedisConnection.CreateConfiguration(connectionString, timeout);
        // Unlike an edit, a probe request may wait for a connection that is still coming up (the
        // subscription connection may be when ConnectAsync returns).
        configuration.BacklogPolicy = BacklogPolicy.Default;
        var channel = RedisChannel.Literal("geoassign:probe:" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var publisher = await ConnectionMultiplexer.ConnectAsync(configuration.Clone()).ConfigureAwait(false);
            await using var subscriber = await ConnectionMultiplexer.ConnectAsync(configuration.Clone()).ConfigureAwait(false);
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
                    received = await arrival.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException e)
                {
                    throw new MapStoreException($"A message published on {channel} did not arrive within {timeout.TotalSeconds} s.", e);
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
            throw new MapStoreException($"Cannot measure the Redis pub/sub round trip: {e.Message}", e);
        }
    }
}

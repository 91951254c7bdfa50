// converge --redis: the raw Redis publish→receive round trip, the floor under replica convergence.
using GeoAssign.Replication.Redis;

namespace GeoAssign.LoadTest.Scenarios;

/// <summary>Measures Redis publish→receive round trips with GeoAssign.Replication.Redis's probe.</summary>
internal static class RedisRoundTrip
{
    /// <summary>Round trips in milliseconds.</summary>
    public static Task<double[]> MeasureAsync(string connectionString, int samples, CancellationToken cancellationToken) =>
        RedisPubSubProbe.MeasureRoundTripsAsync(connectionString, samples, cancellationToken);
}

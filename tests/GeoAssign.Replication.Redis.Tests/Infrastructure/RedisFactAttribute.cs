// A test that needs redis-server: skipped only where it is missing outside CI.
namespace GeoAssign.Replication.Redis.Tests.Infrastructure;

/// <summary>
/// A <see cref="FactAttribute"/> for tests that start a <see cref="RedisServer"/>: skipped with
/// <see cref="RedisServer.SkipReason"/> when redis-server is missing and CI is not set; under CI it
/// runs, and fails on a missing redis-server.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RedisFactAttribute : FactAttribute
{
    /// <summary>Creates the attribute.</summary>
    public RedisFactAttribute()
    {
        if (RedisServer.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

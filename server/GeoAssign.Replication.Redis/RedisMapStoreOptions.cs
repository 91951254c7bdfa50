// Options of the Redis store, with their defaults.
using StackExchange.Redis;

namespace GeoAssign.Replication.Redis;

/// <summary>Options of <see cref="RedisMapStore"/>. Immutable once constructed; thread-safe.</summary>
public sealed class RedisMapStoreOptions
{
    /// <summary>
    /// A StackExchange.Redis configuration string: <c>host:port</c> plus options, e.g.
    /// <c>127.0.0.1:6379</c> or <c>redis1:6379,password=…,ssl=true</c>. Required. The store sets the
    /// timeouts, retry and backlog options itself (from <see cref="OperationTimeout"/> and
    /// <see cref="ConnectRetryTime"/>); those given here are overridden.
    /// </summary>
    public required string ConnectionString { get; init; }

    /// <summary>
    /// The Sentinel service (master) name, e.g. <c>geoassign</c>, when Redis runs under Sentinel:
    /// then <see cref="ConnectionString"/> lists the sentinels (e.g.
    /// <c>s1:26379,s2:26379,s3:26379</c>), the store asks them for the current primary, and follows it
    /// when they fail over. Default none: <see cref="ConnectionString"/> names Redis itself. The
    /// connection string's own <c>serviceName=</c> option does the same; when both are given they must agree.
    /// </summary>
    public string? ServiceName { get; init; }

    /// <summary>
    /// The map's name: servers with the same Redis and name serve the same map. Default <c>default</c>.
    /// It becomes the hash tag of every key (<c>geoassign:{name}:…</c>), so a map lives in one Redis
    /// Cluster slot; braces, white space and control characters are not allowed.
    /// </summary>
    public string MapName { get; init; } = "default";

    /// <summary>
    /// How many recent changes the change stream keeps. Default 10,000. Trimming is approximate
    /// (<c>XADD … MAXLEN ~</c>: Redis drops whole stream nodes, so it keeps at least this many and up
    /// to one node, by default 100 entries, more); a replica further behind reloads the whole map.
    /// </summary>
    public int StreamMaxLength { get; init; } = 10_000;

    /// <summary>
    /// How often a watcher asks Redis for the version besides pub/sub, the safety net for a lost
    /// message. Default 1 s: a lost message delays a replica by at most about this long.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long one Redis request may take before it fails. Default 2 s: long enough for an append of
    /// a large import on a busy Redis, short enough that an edit fails fast while Redis is down.
    /// </summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How many Redis replicas must confirm an edit (Redis's <c>WAIT</c>, sent right behind the append
    /// on the same connection) before it is acknowledged. Default 0: acknowledged once the primary ran
    /// it, so a failover can lose the edits it had not yet replicated. With 1 or more, an acknowledged
    /// edit is on that many replicas, and Sentinel promotes the replica that is furthest ahead; an
    /// edit the replicas do not confirm within half of <see cref="OperationTimeout"/> is applied on the
    /// primary but reported as outcome unknown (a failover could still lose it). Edits then wait for a
    /// replication round trip, and with fewer replicas than this up, every edit is reported unknown.
    /// </summary>
    public int WaitForReplicas { get; init; }

    /// <summary>
    /// How long <see cref="RedisMapStore.ConnectAsync"/> keeps trying to reach Redis before it gives
    /// up. Default 30 s, so replicas and Redis started together (e.g. by Compose) find each other.
    /// </summary>
    public TimeSpan ConnectRetryTime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// What is wrong with <paramref name="name"/> as a <see cref="MapName"/> (it becomes a Redis Cluster
    /// hash tag), e.g. <c>must not contain braces (it is "a{b")</c>; null when it is fine.
    /// </summary>
    public static string? MapNameProblem(string? name) =>
        string.IsNullOrEmpty(name) || name.Any(c => c is '{' or '}' || char.IsWhiteSpace(c) || char.IsControl(c))
            ? $"must be non-empty, without braces, spaces or control characters (it is \"{name}\")"
            : null;

    /// <summary>
    /// Where the map is kept, for logs and messages: <c>Redis 10.0.0.1:6379 (map "default")</c>. Never
    /// the password or any other option of the connection string, which may carry secrets.
    /// </summary>
    public string Describe()
    {
        string endpoints;
        try
        {
            endpoints = RedisConnection.DescribeEndpoints(RedisConnection.CreateConfiguration(ConnectionString, OperationTimeout, ServiceName));
        }
        catch (ArgumentException)
        {
            endpoints = "(an unreadable connection string)";
        }

        return $"Redis {endpoints} (map \"{MapName}\")";
    }

    /// <summary>
    /// What is wrong with <paramref name="serviceName"/> as a <see cref="ServiceName"/> beside
    /// <paramref name="connectionString"/> (empty, white space or a comma in it, or a different
    /// <c>serviceName=</c> in the connection string); null when it is fine or not set.
    /// </summary>
    public static string? ServiceNameProblem(string? serviceName, string? connectionString)
    {
        if (serviceName is null)
        {
            return null;
        }

        if (serviceName.Length == 0 || serviceName.Any(c => c == ',' || char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return $"must be non-empty, without commas, spaces or control characters (it is \"{serviceName}\")";
        }

        string? configured;
        try
        {
            configured = ConfigurationOptions.Parse(connectionString ?? "").ServiceName;
        }
        catch (ArgumentException)
        {
            return null; // The connection string's own check reports it.
        }

        return configured is not null && configured != serviceName
            ? $"is \"{serviceName}\" but the connection string says serviceName={configured}; give it once, or the same in both"
            : null;
    }

    /// <summary>Throws when an option is out of range, so bad configuration fails at start-up.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new ArgumentException("The Redis connection string is required (e.g. 127.0.0.1:6379).", nameof(ConnectionString));
        }

        if (MapNameProblem(MapName) is { } problem)
        {
            throw new ArgumentException($"The map name {problem}.", nameof(MapName));
        }

        if (ServiceNameProblem(ServiceName, ConnectionString) is { } serviceProblem)
        {
            throw new ArgumentException($"The Sentinel service name {serviceProblem}.", nameof(ServiceName));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(StreamMaxLength);
        ArgumentOutOfRangeException.ThrowIfNegative(WaitForReplicas);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PollInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(OperationTimeout, TimeSpan.FromMilliseconds(50));
        ArgumentOutOfRangeException.ThrowIfLessThan(ConnectRetryTime, TimeSpan.Zero);
    }
}

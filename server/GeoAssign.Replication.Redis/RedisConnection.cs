// The store's link to Redis: connecting with retries, the multiplexer's settings, and health.
using System.Diagnostics;
using System.Net;
using Polly;
using Polly.Retry;
using StackExchange.Redis;

namespace GeoAssign.Replication.Redis;

/// <summary>
/// One StackExchange.Redis multiplexer configured for the store (timeouts, fail-fast backlog,
/// reconnect policy) and what this server knows of its health: reachable until a request fails,
/// reachable again when Redis next answers. Thread-safe.
/// </summary>
internal sealed class RedisConnection : IAsyncDisposable
{
    /// <summary>
    /// The flags of every request: to the primary or not at all. A replica may be behind (its version
    /// would look like lost changes) and refuses writes; while no primary is known (a failover) a
    /// request fails at once, not sent.
    /// </summary>
    public const CommandFlags PrimaryOnly = CommandFlags.DemandMaster;

    private readonly Lock _healthLock = new();
    private MapStoreHealth _health;

    // When the latest-sent request that Redis answered was sent (Stopwatch ticks): a failure of a
    // request sent before it is old news and does not make Redis unreachable again.
    private long _answeredSentAt;

    private RedisConnection(ConnectionMultiplexer multiplexer, string endpoints, TimeSpan operationTimeout)
    {
        Multiplexer = multiplexer;
        Database = multiplexer.GetDatabase();
        Endpoints = endpoints;
        OperationTimeout = operationTimeout;
        _health = new MapStoreHealth(true, DateTimeOffset.UtcNow, null);
    }

    /// <summary>The multiplexer (commands and the subscription connection).</summary>
    public ConnectionMultiplexer Multiplexer { get; }

    /// <summary>Database 0 (or the one the connection string names).</summary>
    public IDatabase Database { get; }

    /// <summary>The configured endpoints as <c>host:port,…</c>, for messages.</summary>
    public string Endpoints { get; }

    /// <summary>How long one request may take.</summary>
    public TimeSpan OperationTimeout { get; }

    /// <summary>Whether Redis answered the last request, and when it last did.</summary>
    public MapStoreHealth Health
    {
        get
        {
            lock (_healthLock)
            {
                return _health;
            }
        }
    }

    /// <summary>
    /// Connects to Redis, or through the sentinels to the primary, with <paramref name="retry"/> (see
    /// <see cref="CreateRetry"/>, which gives up after <see cref="RedisMapStoreOptions.ConnectRetryTime"/>).
    /// </summary>
    /// <exception cref="MapStoreException">Redis could not be reached in time, or the connection string is invalid.</exception>
    public static async Task<RedisConnection> ConnectAsync(RedisMapStoreOptions options, ResiliencePipeline retry, CancellationToken cancellationToken)
    {
        var (operationTimeout, retryTime) = (options.OperationTimeout, options.ConnectRetryTime);
        var configuration = CreateConfiguration(options.ConnectionString, operationTimeout, options.ServiceName);
        var endpoints = DescribeEndpoints(configuration);
        ConnectionMultiplexer multiplexer;
        try
        {
            multiplexer = await retry.ExecuteAsync(
                static async (configuration, _) => await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false),
                configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException)
        {
            throw new MapStoreException(
                $"Cannot reach Redis at {endpoints} (tried for {retryTime.TotalSeconds:0.#} s; last: {RedisFailures.Describe(e, operationTimeout)}). "
                + "Check that Redis is running and reachable, and the connection string (GeoAssign:Redis:ConnectionString)"
                + (configuration.ServiceName is null ? "." : " and that the sentinels there know the service (GeoAssign:Redis:ServiceName)."), e);
        }

        return new RedisConnection(multiplexer, endpoints, operationTimeout);
    }

    /// <summary>
    /// A retry of connection failures and timeouts until <paramref name="retryTime"/> has passed since
    /// this call (exponential back-off with jitter, 200 ms growing to 2 s): for start-up, when Redis
    /// and the servers may come up together.
    /// </summary>
    public static ResiliencePipeline CreateRetry(TimeSpan retryTime)
    {
        var started = Stopwatch.GetTimestamp();
        return new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = arguments => ValueTask.FromResult(
                arguments.Outcome.Exception is RedisConnectionException or RedisTimeoutException
                && Stopwatch.GetElapsedTime(started) < retryTime),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            Delay = TimeSpan.FromMilliseconds(200),
            MaxDelay = TimeSpan.FromSeconds(2),
            UseJitter = true,
        }).Build();
    }

    /// <summary>
    /// The StackExchange.Redis configuration the store uses: the connection string with the store's
    /// timeouts and retry policy, and the Sentinel service when <paramref name="serviceName"/> is set.
    /// </summary>
    /// <exception cref="MapStoreException">The connection string is invalid.</exception>
    public static ConfigurationOptions CreateConfiguration(string connectionString, TimeSpan operationTimeout, string? serviceName = null)
    {
        ConfigurationOptions configuration;
        try
        {
            configuration = ConfigurationOptions.Parse(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new MapStoreException($"The Redis connection string is invalid: {e.Message}", e);
        }

        var timeout = (int)operationTimeout.TotalMilliseconds;
        configuration.AbortOnConnectFail = true; // for ConnectAsync only: the retry above handles start-up.
        configuration.ConnectRetry = 1;
        configuration.ConnectTimeout = Math.Max(timeout, 1000);
        configuration.AsyncTimeout = timeout;
        configuration.SyncTimeout = timeout;
        // A request made while disconnected fails at once: it was never sent, so an edit that fails
        // this way changed nothing. Queueing it instead could apply it long after the caller gave up.
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        // Reconnect soon after Redis is back: retries 250 ms apart, growing to at most 2 s.
        configuration.ReconnectRetryPolicy = new ExponentialRetry(250, 2000);
        // Pings an idle connection every 5 s, so a silently dead link (no FIN) is found in seconds, not minutes.
        configuration.KeepAlive = 5;
        configuration.ClientName ??= "geoassign";
        // With a service name the endpoints are sentinels: StackExchange.Redis asks them for the
        // primary, subscribes to their +switch-master and reconnects to the promoted replica.
        configuration.ServiceName = serviceName ?? configuration.ServiceName;
        return configuration;
    }

    /// <summary>Redis answered a request sent at <paramref name="sentAt"/> (Stopwatch ticks): reachable.</summary>
    public void MarkAnswered(long sentAt)
    {
        lock (_healthLock)
        {
            _answeredSentAt = Math.Max(_answeredSentAt, sentAt);
            _health = new MapStoreHealth(true, DateTimeOffset.UtcNow, null);
        }
    }

    /// <summary>
    /// A request sent at <paramref name="sentAt"/> (Stopwatch ticks) failed with <paramref name="e"/>:
    /// unreachable until Redis answers again — unless a request sent later has been answered already
    /// (a request that hung on a primary which a failover replaced fails after the new primary answered).
    /// </summary>
    public void MarkFailed(Exception e, long sentAt)
    {
        var problem = $"Redis at {Endpoints} does not answer ({RedisFailures.Describe(e, OperationTimeout)}). Lookups are served from the last map; edits fail until Redis is back. "
            + "Check that Redis is running and reachable from this server.";
        lock (_healthLock)
        {
            if (sentAt < _answeredSentAt)
            {
                return;
            }

            _health = new MapStoreHealth(false, _health.LastContact, problem);
        }
    }

    /// <summary>
    /// The multiplexer lost (or could not make) a connection: unreachable, unless the endpoint is not
    /// the primary the store uses — a replica, or a former primary after a Sentinel failover, which the
    /// multiplexer keeps trying to reach while another connected primary answers the store's requests.
    /// </summary>
    public void MarkConnectionFailed(ConnectionFailedEventArgs e)
    {
        foreach (var server in Multiplexer.GetServers())
        {
            if (server.IsConnected && !server.IsReplica && !Equals(server.EndPoint, e.EndPoint))
            {
                return;
            }
        }

        MarkFailed(e.Exception ?? new RedisConnectionException(e.FailureType, e.FailureType.ToString()), Stopwatch.GetTimestamp());
    }

    /// <summary>Closes the multiplexer without waiting for requests in flight.</summary>
    public async ValueTask DisposeAsync()
    {
        await Multiplexer.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
        await Multiplexer.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The endpoints and Sentinel service of a configuration, without its password or other options.</summary>
    public static string DescribeEndpoints(ConfigurationOptions configuration)
    {
        var endpoints = string.Join(",", configuration.EndPoints.Select(static endpoint => endpoint switch
        {
            DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
            _ => endpoint.ToString(),
        }));
        return configuration.ServiceName is { } service ? $"{endpoints} (Sentinel service {service})" : endpoints;
    }
}

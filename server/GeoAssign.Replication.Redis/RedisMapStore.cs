// The replicated store: Redis is the source of truth that every server follows.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using GeoAssign.Index;
using GeoAssign.Index.Model;
using GeoAssign.Replication.Embedded;
using Polly;
using Polly.Retry;
using StackExchange.Redis;

namespace GeoAssign.Replication.Redis;

/// <summary>
/// Keeps the map in Redis, shared by every server (replica) configured with the same Redis and map
/// name. An append is one Lua script that checks the version, adds the change to a stream, updates
/// the territory hash, sets the version and publishes it (see <see cref="AppendScript"/>). A server
/// follows the others through the published versions, re-reads the version whenever a connection
/// is restored, and polls it every <see cref="RedisMapStoreOptions.PollInterval"/> besides, because
/// pub/sub delivers at most once.
/// </summary>
/// <remarks>
/// <para>Keys (all with the hash tag <c>{map}</c>): <c>geoassign:{map}:version</c> (string),
/// <c>geoassign:{map}:territories</c> (hash id → encoded territory), <c>geoassign:{map}:changes</c>
/// (stream, entry <c>{version}-0</c>, field <c>change</c>, the last
/// <see cref="RedisMapStoreOptions.StreamMaxLength"/> or so changes), and the channel
/// <c>geoassign:{map}:versions</c>. Territories and changes use the embedded store's binary form
/// (<see cref="TerritoryCodec"/>).</para>
/// <para>Failures: requests time out after <see cref="RedisMapStoreOptions.OperationTimeout"/>, and a
/// request made while the connection is down fails at once rather than waiting for it. Such
/// failures surface as <see cref="MapStoreException"/> and set <see cref="Health"/> to unreachable
/// until Redis answers again; the connection is re-established in the background.</para>
/// <para>Thread-safe. Appends need no serialising here (Redis compares the version), though the
/// server serialises them anyway.</para>
/// </remarks>
public sealed class RedisMapStore : IMapStore
{
    // Changes per XRANGE page while catching up: bounds one reply (a page of large imports is large).
    private const int ChangesPageSize = 200;

    // Recent changes that arrived inside published messages, by version: a follower that is at most
    // this many versions behind (and never more than the stream keeps) catches up without reading it.
    private const int PublishedChangesKept = 64;

    private readonly RedisMapStoreOptions _options;
    private readonly ConnectionMultiplexer _connection;
    private readonly IDatabase _database;
    private readonly RedisMapKeys _keys;
    private readonly string _endpoints;
    private readonly Lock _stateLock = new();
    private readonly List<Channel<long>> _watchers = [];
    private readonly SortedDictionary<long, MapChange> _publishedChanges = [];
    private readonly CancellationTokenSource _disposing = new();
    private long _version;
    private long _versionLearnedAt;
    private MapStoreHealth _health;
    private Task _pollTask = Task.CompletedTask;
    private int _disposed;

    private RedisMapStore(RedisMapStoreOptions options, ConnectionMultiplexer connection, string endpoints)
    {
        _options = options;
        _connection = connection;
        _database = connection.GetDatabase();
        _keys = new RedisMapKeys(options.MapName);
        _endpoints = endpoints;
        _health = new MapStoreHealth(true, DateTimeOffset.UtcNow, null);
    }

    /// <summary>
    /// Connects to Redis, retrying for <see cref="RedisMapStoreOptions.ConnectRetryTime"/>, subscribes
    /// to the map's version channel and starts polling the version. Call <see cref="LoadAsync"/> next.
    /// </summary>
    /// <exception cref="MapStoreException">Redis could not be reached in time, or the connection string is invalid.</exception>
    public static async Task<RedisMapStore> ConnectAsync(RedisMapStoreOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var configuration = CreateConfiguration(options.ConnectionString, options.OperationTimeout);
        var endpoints = DescribeEndpoints(configuration);
        var started = Stopwatch.GetTimestamp();
        var retry = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = arguments => ValueTask.FromResult(
                arguments.Outcome.Exception is RedisConnectionException or RedisTimeoutException
                && Stopwatch.GetElapsedTime(started) < options.ConnectRetryTime),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            Delay = TimeSpan.FromMilliseconds(200),
            MaxDelay = TimeSpan.FromSeconds(2),
            UseJitter = true,
        }).Build();

        ConnectionMultiplexer connection;
        try
        {
            connection = await retry.ExecuteAsync(
                static async (configuration, _) => await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false),
                configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException)
        {
            throw new MapStoreException(
                $"Cannot reach Redis at {endpoints} (tried for {options.ConnectRetryTime.TotalSeconds:0.#} s; last: {Describe(e, options.OperationTimeout)}). "
                + "Check that Redis is running and reachable, and the connection string (GeoAssign:Redis:ConnectionString).", e);
        }

        var store = new RedisMapStore(options, connection, endpoints);
        try
        {
            // The subscription connection may still be coming up when ConnectAsync returns, and a
            // request on a connection that is down fails at once: retry within the same time.
            await retry.ExecuteAsync(static async (store, _) => await store.StartFollowingAsync().ConfigureAwait(false), store, cancellationToken)
                .ConfigureAwait(false);
            store.StartPolling();
        }
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException)
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw new MapStoreException($"Cannot subscribe to the Redis channel {store._keys.VersionsChannelName} at {endpoints} ({Describe(e, options.OperationTimeout)}).", e);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return store;
    }

    /// <summary>The StackExchange.Redis configuration the store uses: the connection string with the store's timeouts and retry policy.</summary>
    internal static ConfigurationOptions CreateConfiguration(string connectionString, TimeSpan operationTimeout)
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
        return configuration;
    }

    /// <inheritdoc/>
    public MapStoreKind Kind => MapStoreKind.Redis;

    /// <inheritdoc/>
    /// <remarks>
    /// The version Redis last reported: by a published message, a poll, a read or an append. It only
    /// goes down when a request sent after the higher version was learned reports a lower one (Redis
    /// lost changes), never because an older reply arrived late.
    /// </remarks>
    public long Version => Volatile.Read(ref _version);

    /// <inheritdoc/>
    public MapStoreHealth Health
    {
        get
        {
            lock (_stateLock)
            {
                return _health;
            }
        }
    }

    /// <summary>The map's name (the hash tag of its keys).</summary>
    public string MapName => _options.MapName;

    /// <summary>The pub/sub channel that carries the map's versions.</summary>
    public string VersionsChannel => _keys.VersionsChannelName;

    /// <inheritdoc/>
    /// <remarks>
    /// Reads the version and every territory in one transaction: the base is the whole map at that
    /// version and there are no changes after it. Callable again at any time (a replica that fell
    /// behind the trimmed stream reloads this way).
    /// </remarks>
    public async Task<StoredMap> LoadAsync(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        var sentAt = Stopwatch.GetTimestamp();
        var (version, entries) = await ReadWithVersionAsync(t => t.HashGetAllAsync(_keys.Territories), "load the map", cancellationToken)
            .ConfigureAwait(false);

        var territories = new List<Territory>(entries.Length);
        foreach (var entry in entries)
        {
            Territory territory;
            try
            {
                territory = TerritoryCodec.DecodeTerritory((byte[])entry.Value!);
            }
            catch (Exception e) when (IsDecodeFailure(e))
            {
                throw new MapStoreException($"The territory '{entry.Name}' in Redis key {_keys.Territories} is corrupt ({e.Message}); the map cannot be loaded.", e);
            }

            if (territory.Id != (string?)entry.Name)
            {
                throw new MapStoreException($"The Redis hash {_keys.Territories} holds territory '{territory.Id}' under the field '{entry.Name}'; the map is corrupt.");
            }

            territories.Add(territory);
        }

        // Hash order is arbitrary; a fixed order makes every replica build from the same sequence.
        territories.Sort(static (a, b) => string.CompareOrdinal(a.Id, b.Id));
        NoteReply(version, sentAt);
        return new StoredMap(version, territories, []);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Acknowledged only once Redis replied that the script ran; Redis with <c>appendfsync always</c>
    /// has then written it to its append-only file. Failures:
    /// not sent (no connection) — nothing changed;
    /// sent but not answered in time, or the connection dropped — the outcome is unknown, and the
    /// exception says so: read the version before retrying.
    /// </remarks>
    public async Task<AppendResult> AppendAsync(MapChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(change.Version);
        ThrowIfDisposed();
        var arguments = AppendScript.Arguments(_keys, change, _options.StreamMaxLength);
        cancellationToken.ThrowIfCancellationRequested();
        var sentAt = Stopwatch.GetTimestamp();
        RedisResult reply;
        try
        {
            // Not cancellable once sent: giving up early would only turn a known outcome into an
            // unknown one; the operation timeout bounds the wait.
            reply = await _database.ScriptEvaluateAsync(AppendScript.Source, AppendScript.Keys(_keys), arguments).ConfigureAwait(false);
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            throw AppendFailure(change.Version, e);
        }

        AppendResult result;
        try
        {
            result = AppendScript.ParseResult(reply);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or InvalidCastException)
        {
            throw new MapStoreException($"Redis gave an unexpected reply to the edit to version {change.Version} ({e.Message}); read the map version before retrying.", e,
                outcomeUnknown: true);
        }

        NoteReply(result.StoreVersion, sentAt);
        return result;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Reads the version and the first page of the stream in one transaction, then further pages.
    /// Null when the stream no longer starts right after <paramref name="afterVersion"/> (trimmed),
    /// and also when Redis is behind <paramref name="afterVersion"/>: it lost changes (restarted
    /// without persistence, or flushed), and a reload makes the caller agree with Redis again.
    /// </remarks>
    /// <exception cref="MapStoreException">Redis does not answer, or the stream is corrupt.</exception>
    public async Task<IReadOnlyList<MapChange>?> ReadChangesAsync(long afterVersion, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterVersion);
        ThrowIfDisposed();
        if (TakePublishedChanges(afterVersion) is { } published)
        {
            return published;
        }

        var sentAt = Stopwatch.GetTimestamp();
        var (storeVersion, page) = await ReadWithVersionAsync(
            t => t.StreamRangeAsync(_keys.Changes, RedisMapKeys.EntryId(afterVersion + 1), "+", ChangesPageSize), "read the change stream", cancellationToken)
            .ConfigureAwait(false);

        NoteReply(storeVersion, sentAt);
        if (storeVersion == afterVersion)
        {
            return [];
        }

        if (storeVersion < afterVersion)
        {
            return null;
        }

        var changes = new List<MapChange>((int)Math.Min(storeVersion - afterVersion, 10_000));
        var expected = afterVersion + 1;
        while (true)
        {
            if (page.Length == 0 || !RedisMapKeys.TryParseEntryId(page[0].Id, out var first) || first != expected)
            {
                // The stream no longer reaches back to the version wanted (trimmed, before or
                // between pages). Later versions would leave a gap: the caller reloads instead.
                return null;
            }

            foreach (var entry in page)
            {
                changes.Add(DecodeEntry(entry, expected));
                expected++;
            }

            if (expected > storeVersion || page.Length < ChangesPageSize)
            {
                break;
            }

            try
            {
                page = await _database.StreamRangeAsync(_keys.Changes, RedisMapKeys.EntryId(expected), "+", ChangesPageSize)
                    .WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsRedisFailure(e))
            {
                throw ReadFailure("read the change stream", e);
            }
        }

        if (expected <= storeVersion)
        {
            throw new MapStoreException($"The Redis stream {_keys.Changes} ends at version {expected - 1} but the map is at version {storeVersion}; the store is corrupt.");
        }

        return changes;
    }

    private MapChange DecodeEntry(StreamEntry entry, long expected)
    {
        if (!RedisMapKeys.TryParseEntryId(entry.Id, out var version) || version != expected)
        {
            throw new MapStoreException($"The Redis stream {_keys.Changes} has entry {entry.Id} where version {expected} was expected; the store is corrupt.");
        }

        var payload = entry[RedisMapKeys.ChangeField];
        if (payload.IsNull)
        {
            throw new MapStoreException($"The entry {entry.Id} of the Redis stream {_keys.Changes} has no '{RedisMapKeys.ChangeField}' field; the store is corrupt.");
        }

        MapChange change;
        try
        {
            change = TerritoryCodec.DecodeChange((byte[])payload!);
        }
        catch (Exception e) when (IsDecodeFailure(e))
        {
            throw new MapStoreException($"The entry {entry.Id} of the Redis stream {_keys.Changes} is corrupt ({e.Message}).", e);
        }

        return change.Version == version ? change
            : throw new MapStoreException($"The entry {entry.Id} of the Redis stream {_keys.Changes} holds the change to version {change.Version}; the store is corrupt.");
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Yields the version Redis holds as soon as it answers, then every version published on the
    /// map's channel, the version re-read whenever a connection to Redis is restored (messages
    /// published meanwhile are lost), and the polled version every
    /// <see cref="RedisMapStoreOptions.PollInterval"/>. Versions repeat (each poll) and may arrive
    /// out of order; what is queued when the caller asks for more is merged into its maximum. While
    /// Redis is down nothing is yielded and <see cref="Health"/> says why. Cancellation, or disposing
    /// the store, ends the enumeration without an exception.
    /// </remarks>
    public async IAsyncEnumerable<long> WatchVersionsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        // Bounded: a reader that stops reading loses old versions, and only the newest matters.
        var channel = Channel.CreateBounded<long>(new BoundedChannelOptions(64)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (_stateLock)
        {
            _watchers.Add(channel);
        }

        try
        {
            _ = RefreshVersionAsync();
            while (true)
            {
                bool more;
                try
                {
                    more = await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    yield break;
                }

                if (!more)
                {
                    yield break;
                }

                var latest = long.MinValue;
                while (channel.Reader.TryRead(out var version))
                {
                    latest = Math.Max(latest, version);
                }

                if (latest != long.MinValue)
                {
                    yield return latest;
                }
            }
        }
        finally
        {
            lock (_stateLock)
            {
                _watchers.Remove(channel);
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Nothing to do: Redis holds the whole map (the territory hash is updated by every append), so
    /// there is nothing to checkpoint, and the stream is trimmed by the appends themselves.
    /// </remarks>
    public void OnMapPublished(TerritoryMap map) => ArgumentNullException.ThrowIfNull(map);

    // Subscribes to the versions channel; with the poll (StartPolling) it feeds every watcher.
    private async Task StartFollowingAsync()
    {
        var subscriber = _connection.GetSubscriber();
        try
        {
            // A failed subscribe leaves its handler registered: remove it, so a retry adds it once.
            await subscriber.UnsubscribeAsync(_keys.VersionsChannel, OnVersionPublished, CommandFlags.FireAndForget).ConfigureAwait(false);
        }
        catch (RedisConnectionException)
        {
            // Not connected: the handler is removed all the same, and Redis has no subscription to drop.
        }

        await subscriber.SubscribeAsync(_keys.VersionsChannel, OnVersionPublished).ConfigureAwait(false);
    }

    private void StartPolling()
    {
        _connection.ConnectionFailed += OnConnectionFailed;
        _connection.ConnectionRestored += OnConnectionRestored;
        _pollTask = Task.Run(PollAsync);
    }

    private async Task PollAsync()
    {
        using var timer = new PeriodicTimer(_options.PollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_disposing.Token).ConfigureAwait(false))
            {
                await RefreshVersionAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    // Reads the version and hands it to every watcher; a failure only updates the health.
    private async Task RefreshVersionAsync()
    {
        if (_disposing.IsCancellationRequested)
        {
            return;
        }

        var sentAt = Stopwatch.GetTimestamp();
        long version;
        try
        {
            version = ParseVersion(await _database.StringGetAsync(_keys.Version).ConfigureAwait(false));
        }
        catch (Exception e) when (IsRedisFailure(e) || e is MapStoreException)
        {
            if (!_disposing.IsCancellationRequested)
            {
                NoteFailure(e);
            }

            return;
        }

        NoteReply(version, sentAt);
        Broadcast(version);
    }

    // No more than the stream keeps, so that the store answers as if it had read the stream.
    private int PublishedKept => Math.Min(PublishedChangesKept, _options.StreamMaxLength);

    // The changes after afterVersion up to the latest known version, when every one of them arrived
    // in a published message; else null (read the stream). The same bytes as the stream's entries.
    private List<MapChange>? TakePublishedChanges(long afterVersion)
    {
        lock (_stateLock)
        {
            var latest = _version;
            if (latest <= afterVersion || latest - afterVersion > PublishedKept)
            {
                return null;
            }

            var changes = new List<MapChange>((int)(latest - afterVersion));
            for (var version = afterVersion + 1; version <= latest; version++)
            {
                if (!_publishedChanges.TryGetValue(version, out var change))
                {
                    return null;
                }

                changes.Add(change);
            }

            return changes;
        }
    }

    private void OnVersionPublished(RedisChannel channel, RedisValue message)
    {
        if (message.IsNull || !AppendScript.TryParseMessage((byte[])message!, out var version, out var change))
        {
            return;
        }

        // A message was in flight before it was received: it can only raise the known version.
        lock (_stateLock)
        {
            if (change is not null)
            {
                _publishedChanges[version] = change;
                while (_publishedChanges.Count > PublishedKept)
                {
                    _publishedChanges.Remove(_publishedChanges.Keys.First());
                }
            }

            if (version > _version)
            {
                Volatile.Write(ref _version, version);
                _versionLearnedAt = Stopwatch.GetTimestamp();
            }

            _health = new MapStoreHealth(true, DateTimeOffset.UtcNow, null);
        }

        Broadcast(version);
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        if (!_disposing.IsCancellationRequested)
        {
            NoteFailure(e.Exception ?? new RedisConnectionException(e.FailureType, e.FailureType.ToString()));
        }
    }

    // Messages published while the subscription was down are lost: re-read the version at once.
    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) => _ = RefreshVersionAsync();

    private void Broadcast(long version)
    {
        lock (_stateLock)
        {
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryWrite(version);
            }
        }
    }

    // Redis answered a request sent at sentAt with the version it held when it ran the request.
    private void NoteReply(long version, long sentAt)
    {
        lock (_stateLock)
        {
            // Lower only when the request left after the higher version was learned: then Redis
            // really is behind it; otherwise this reply is merely older than a message or reply seen since.
            if (version >= _version || sentAt > _versionLearnedAt)
            {
                Volatile.Write(ref _version, version);
                _versionLearnedAt = Stopwatch.GetTimestamp();
            }

            _health = new MapStoreHealth(true, DateTimeOffset.UtcNow, null);
        }
    }

    private void NoteFailure(Exception e)
    {
        var problem = $"Redis at {_endpoints} does not answer ({Reason(e)}). Lookups are served from the last map; edits fail until Redis is back. "
            + "Check that Redis is running and reachable from this server.";
        lock (_stateLock)
        {
            _health = new MapStoreHealth(false, _health.LastContact, problem);
        }
    }

    private MapStoreException AppendFailure(long version, Exception e)
    {
        if (e is RedisServerException)
        {
            // An error reply: the script stopped at its first write or before, so nothing changed.
            return new MapStoreException($"Redis at {_endpoints} refused the edit to version {version}: {e.Message}. Nothing changed.", e);
        }

        NoteFailure(e);
        if (WasNotSent(e))
        {
            return new MapStoreException(
                $"The edit to version {version} was not sent to Redis at {_endpoints} ({Reason(e)}). Nothing changed; retry when Redis is back.", e);
        }

        return new MapStoreException(
            $"Redis at {_endpoints} did not confirm the edit to version {version} ({Reason(e)}): the edit may or may not have been applied; read the map version before retrying.", e,
            outcomeUnknown: true);
    }

    private MapStoreException ReadFailure(string what, Exception e)
    {
        if (e is RedisServerException)
        {
            return new MapStoreException($"Redis at {_endpoints} refused to {what}: {e.Message}", e);
        }

        NoteFailure(e);
        return new MapStoreException($"Cannot {what}: Redis at {_endpoints} does not answer ({Reason(e)}).", e);
    }

    private static bool WasNotSent(Exception e) => e switch
    {
        RedisConnectionException c => c.CommandStatus is CommandStatus.WaitingToBeSent or CommandStatus.WaitingInBacklog
            || c.FailureType is ConnectionFailureType.UnableToResolvePhysicalConnection or ConnectionFailureType.UnableToConnect,
        RedisTimeoutException t => t.Commandstatus is CommandStatus.WaitingToBeSent or CommandStatus.WaitingInBacklog,
        ObjectDisposedException => true,
        _ => false,
    };

    private string Reason(Exception e) => Describe(e, _options.OperationTimeout);

    // What went wrong in a few words: StackExchange.Redis messages carry long diagnostics (and
    // advice about its own options that does not apply here).
    private static string Describe(Exception e, TimeSpan timeout) => e switch
    {
        RedisTimeoutException => $"no reply within {timeout.TotalMilliseconds:0} ms",
        RedisConnectionException { FailureType: ConnectionFailureType.UnableToConnect, InnerException: { } inner } => "cannot connect: " + inner.Message,
        RedisConnectionException { FailureType: ConnectionFailureType.UnableToConnect } => "cannot connect",
        RedisConnectionException { FailureType: ConnectionFailureType.UnableToResolvePhysicalConnection } => "not connected",
        RedisConnectionException { FailureType: ConnectionFailureType.SocketClosed } => "the connection was closed",
        RedisConnectionException { FailureType: ConnectionFailureType.SocketFailure } => "the connection failed",
        RedisConnectionException { FailureType: ConnectionFailureType.AuthenticationFailure } => "authentication failed; check the password in the connection string",
        RedisConnectionException c => c.FailureType.ToString(),
        ObjectDisposedException => "the store is closed",
        _ => e.Message,
    };

    private static bool IsRedisFailure(Exception e) => e is RedisException or RedisTimeoutException or ObjectDisposedException;

    private static bool IsDecodeFailure(Exception e) =>
        e is InvalidDataException or EndOfStreamException or ArgumentException or NetTopologySuite.IO.ParseException or System.Text.Json.JsonException;

    private long ParseVersion(RedisValue value)
    {
        if (value.IsNull)
        {
            return 0;
        }

        return long.TryParse((string?)value, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : throw new MapStoreException($"The Redis key {_keys.Version} holds \"{value}\", not a version; the store is corrupt.");
    }

    // Tasks of a transaction that failed as a whole: their exceptions are the transaction's, reported once.
    // The version and one more read in one MULTI/EXEC, so that both describe the same moment.
    private async Task<(long Version, T Value)> ReadWithVersionAsync<T>(Func<ITransaction, Task<T>> read, string what, CancellationToken cancellationToken)
    {
        var transaction = _database.CreateTransaction();
        var versionTask = transaction.StringGetAsync(_keys.Version);
        var valueTask = read(transaction);
        try
        {
            await transaction.ExecuteAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            return (ParseVersion(await versionTask.ConfigureAwait(false)), await valueTask.ConfigureAwait(false));
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            Observe(versionTask, valueTask);
            throw ReadFailure(what, e);
        }
    }

    private static void Observe(params Task[] tasks)
    {
        foreach (var task in tasks)
        {
            _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    private static string DescribeEndpoints(ConfigurationOptions configuration) =>
        string.Join(",", configuration.EndPoints.Select(static endpoint => endpoint switch
        {
            DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
            _ => endpoint.ToString(),
        }));

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    /// <summary>Stops polling, ends every watcher's enumeration and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _disposing.Cancel();
        _connection.ConnectionFailed -= OnConnectionFailed;
        _connection.ConnectionRestored -= OnConnectionRestored;
        await _pollTask.ConfigureAwait(false);
        lock (_stateLock)
        {
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryComplete();
            }
        }

        await _connection.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
        _disposing.Dispose();
    }
}

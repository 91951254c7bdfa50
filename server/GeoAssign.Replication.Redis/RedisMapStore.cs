// The replicated store's operations: load, append, read changes, watch; Redis is the source of truth.
using System.Diagnostics;
using GeoAssign.Index;
using GeoAssign.Index.Accounts;
using GeoAssign.Index.Gazetteer;
using GeoAssign.Index.Model;
using GeoAssign.Index.Plans;
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
/// <para>The parts: <see cref="RedisConnection"/> (connecting, the multiplexer's settings, health),
/// <see cref="RedisVersionFeed"/> (the version this server knows and the feed watchers follow),
/// <see cref="RedisFailures"/> (which failures mean "not stored" and which "outcome unknown"),
/// <see cref="RedisLineage"/> (whether Redis still holds the changes this server holds) and
/// <see cref="AppendScript"/>.</para>
/// <para>Keys (all with the hash tag <c>{map}</c>): <c>geoassign:{map}:version</c> (string),
/// <c>geoassign:{map}:head</c> (string, the id of the latest change),
/// <c>geoassign:{map}:territories</c> (hash id → encoded territory), <c>geoassign:{map}:changes</c>
/// (stream, entry <c>{version}-0</c>, fields <c>change</c> and <c>id</c>, the last
/// <see cref="RedisMapStoreOptions.StreamMaxLength"/> or so changes), and the channel
/// <c>geoassign:{map}:versions</c>. Territories and changes use the embedded store's binary form
/// (<see cref="TerritoryCodec"/>).</para>
/// <para>Failures: requests time out after <see cref="RedisMapStoreOptions.OperationTimeout"/>, and a
/// request made while the connection is down fails at once rather than waiting for it. Such
/// failures surface as <see cref="MapStoreException"/> and set <see cref="Health"/> to unreachable
/// until Redis answers again; the connection is re-established in the background.</para>
/// <para>Failover: under Sentinel the store follows the promoted replica. Changes the old primary
/// acknowledged (or published) but had not replicated are gone from the new one, which may then
/// reach the same versions with other changes. Every change has an id, so the store notices: reads
/// return null and the feed yields 0 until the server reloads, and an append that would build on a
/// change Redis no longer holds is refused (not appended, nothing written).</para>
/// <para>Thread-safe. Appends need no serialising here (Redis compares the version), though the
/// server serialises them anyway.</para>
/// </remarks>
public sealed class RedisMapStore : IMapStore
{
    // Changes per XRANGE page while catching up: bounds one reply (a page of large imports is large).
    private const int ChangesPageSize = 200;

    private readonly RedisMapStoreOptions _options;
    private readonly RedisConnection _connection;
    private readonly IDatabase _database;
    private readonly RedisMapKeys _keys;
    private readonly RedisVersionFeed _feed;
    private readonly RedisLineage _lineage = new();
    private int _disposed;

    private RedisMapStore(RedisMapStoreOptions options, RedisConnection connection)
    {
        _options = options;
        _connection = connection;
        _database = connection.Database;
        _keys = new RedisMapKeys(options.MapName);
        _feed = new RedisVersionFeed(connection, _keys, options, _lineage);
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
        // One retry for connecting and subscribing: both within the same ConnectRetryTime.
        var retry = RedisConnection.CreateRetry(options.ConnectRetryTime);
        var connection = await RedisConnection.ConnectAsync(options, retry, cancellationToken).ConfigureAwait(false);
        var store = new RedisMapStore(options, connection);
        try
        {
            // The subscription connection may still be coming up when ConnectAsync returns, and a
            // request on a connection that is down fails at once: retry within the same time.
            await retry.ExecuteAsync(static async (feed, _) => await feed.SubscribeAsync().ConfigureAwait(false), store._feed, cancellationToken)
                .ConfigureAwait(false);
            store._feed.StartPolling();
        }
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException)
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw new MapStoreException(
                $"Cannot subscribe to the Redis channel {store._keys.VersionsChannelName} at {connection.Endpoints} ({RedisFailures.Describe(e, options.OperationTimeout)}).", e);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return store;
    }

    /// <inheritdoc/>
    public MapStoreKind Kind => MapStoreKind.Redis;

    /// <inheritdoc/>
    /// <remarks>
    /// The version Redis last reported: by a published message, a poll, a read or an append. It only
    /// goes down when a request sent after the higher version was learned reports a lower one (Redis
    /// lost changes), never because an older reply arrived late.
    /// </remarks>
    public long Version => _feed.Version;

    /// <inheritdoc/>
    public MapStoreHealth Health => _connection.Health;

    /// <summary>The map's name (the hash tag of its keys).</summary>
    public string MapName => _options.MapName;

    /// <summary>The pub/sub channel that carries the map's versions.</summary>
    public string VersionsChannel => _keys.VersionsChannelName;

    /// <inheritdoc/>
    /// <remarks>
    /// Reads the version, the live map's territories and every plan with its territories in one atomic
    /// step (a script): the base is everything at that version and there are no changes after it.
    /// Callable again at any time (a replica that fell behind the trimmed stream reloads this way).
    /// </remarks>
    public async Task<StoredMap> LoadAsync(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        var sentAt = Stopwatch.GetTimestamp();
        RedisResult[] reply;
        try
        {
            reply = (RedisResult[])(await _database.ScriptEvaluateAsync(LoadScript.Source, LoadScript.Keys(_keys), [_keys.PlanPrefix, _keys.PlanBasePrefix, _keys.GazetteerPrefix], RedisConnection.PrimaryOnly)
                .WaitAsync(cancellationToken).ConfigureAwait(false))!;
        }
        catch (Exception e) when (RedisFailures.IsRedisFailure(e))
        {
            throw RedisFailures.ReadFailure("load the map", e, _connection, sentAt);
        }

        _connection.MarkAnswered(sentAt);
        var version = _keys.ParseVersion(reply[0].ToString() is { Length: > 0 } v ? (RedisValue)v : RedisValue.Null);
        var head = (string?)reply[1] ?? "";
        var liveVersion = reply[2].IsNull || ((string?)reply[2])!.Length == 0 ? version : _keys.ParseVersion((RedisValue)(string?)reply[2]);
        var territories = DecodeTerritories((RedisResult[])reply[3]!, _keys.Territories);
        var descriptions = (RedisResult[])reply[4]!;
        var history = new List<LiveVersionInfo>();
        foreach (var entry in (RedisResult[])reply[5]!)
        {
            try
            {
                history.Add(TerritoryCodec.DecodeLiveVersion((byte[])entry!));
            }
            catch (Exception e) when (RedisFailures.IsDecodeFailure(e))
            {
                throw new MapStoreException($"An entry of the Redis list {_keys.History} is corrupt ({e.Message}); the map cannot be loaded.", e);
            }
        }

        var overrideEntries = (RedisResult[])reply[6]!;
        var overrides = new List<AccountOverride>(overrideEntries.Length / 2);
        for (var e = 0; e + 1 < overrideEntries.Length; e += 2)
        {
            try
            {
                overrides.Add(TerritoryCodec.DecodeOverride((byte[])overrideEntries[e + 1]!));
            }
            catch (Exception exception) when (RedisFailures.IsDecodeFailure(exception))
            {
                throw new MapStoreException($"The override of account '{overrideEntries[e]}' in Redis key {_keys.Overrides} is corrupt ({exception.Message}); the map cannot be loaded.", exception);
            }
        }

        var countries = (RedisResult[])reply[7]!;
        var gazetteer = new List<PostalCodeEntry>();
        for (var c = 0; c + 1 < countries.Length; c += 2)
        {
            var codes = (RedisResult[])countries[c + 1]!;
            for (var e = 0; e + 1 < codes.Length; e += 2)
            {
                try
                {
                    gazetteer.Add(TerritoryCodec.DecodePostalCode((byte[])codes[e + 1]!));
                }
                catch (Exception exception) when (RedisFailures.IsDecodeFailure(exception))
                {
                    throw new MapStoreException($"The postal code '{codes[e]}' in Redis key {_keys.GazetteerPrefix}{countries[c]} is corrupt ({exception.Message}); the map cannot be loaded.", exception);
                }
            }
        }

        var plans = new List<StoredPlan>();
        for (var k = 8; k + 2 < reply.Length; k += 3)
        {
            var name = (string?)reply[k] ?? "";
            PlanInfo? info = null;
            for (var d = 0; d + 1 < descriptions.Length; d += 2)
            {
                if ((string?)descriptions[d] == name)
                {
                    try
                    {
                        info = TerritoryCodec.DecodePlanInfo((byte[])descriptions[d + 1]!);
                    }
                    catch (Exception e) when (RedisFailures.IsDecodeFailure(e))
                    {
                        throw new MapStoreException($"The description of plan '{name}' in Redis key {_keys.Plans} is corrupt ({e.Message}); the map cannot be loaded.", e);
                    }
                }
            }

            if (info is null || info.Name != name)
            {
                throw new MapStoreException($"The Redis hash {_keys.Plans} has no matching description of plan '{name}'; the store is corrupt.");
            }

            plans.Add(new StoredPlan(info, DecodeTerritories((RedisResult[])reply[k + 1]!, _keys.PlanTerritories(name)),
                DecodeTerritories((RedisResult[])reply[k + 2]!, _keys.PlanBase(name))));
        }

        _lineage.Reset(version, head);
        _feed.NoteReply(version, sentAt);
        return new StoredMap(version, territories, [], baseLiveVersion: liveVersion, basePlans: plans, baseHistory: history, baseOverrides: overrides, baseGazetteer: gazetteer);
    }

    private static List<Territory> DecodeTerritories(RedisResult[] entries, RedisKey key)
    {
        var territories = new List<Territory>(entries.Length / 2);
        for (var e = 0; e + 1 < entries.Length; e += 2)
        {
            var field = (string?)entries[e];
            Territory territory;
            try
            {
                territory = TerritoryCodec.DecodeTerritory((byte[])entries[e + 1]!);
            }
            catch (Exception exception) when (RedisFailures.IsDecodeFailure(exception))
            {
                throw new MapStoreException($"The territory '{field}' in Redis key {key} is corrupt ({exception.Message}); the map cannot be loaded.", exception);
            }

            if (territory.Id != field)
            {
                throw new MapStoreException($"The Redis hash {key} holds territory '{territory.Id}' under the field '{field}'; the map is corrupt.");
            }

            territories.Add(territory);
        }

        // Hash order is arbitrary; a fixed order makes every replica build from the same sequence.
        territories.Sort(static (a, b) => string.CompareOrdinal(a.Id, b.Id));
        return territories;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Acknowledged only once Redis replied that the script ran; Redis with <c>appendfsync always</c>
    /// has then written it to its append-only file. Failures:
    /// not sent (no connection) — nothing changed;
    /// sent but not answered in time, or the connection dropped — the outcome is unknown, and the
    /// exception says so: read the version before retrying. Not appended (nothing written) when Redis
    /// is at another version, or at this change's version − 1 with another change there than the one
    /// this server holds (after a failover that lost changes): the caller catches up, which reloads.
    /// </remarks>
    public Task<AppendResult> AppendAsync(MapChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        return change.Plan is null && change.Operation is null
            ? AppendCoreAsync(change, null, cancellationToken)
            : throw new ArgumentException("A change of a plan, or an activation, needs the state it was planned against: call AppendAsync(change, before, …).", nameof(change));
    }

    /// <inheritdoc/>
    /// <remarks>
    /// As <see cref="AppendAsync(MapChange, CancellationToken)"/>; the description of the plan the change
    /// concerns (<see cref="BranchedMapWriter.PlanInfoAfter"/>) is written beside it in the same step.
    /// </remarks>
    public Task<AppendResult> AppendAsync(MapChange change, MapState before, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(before);
        return AppendCoreAsync(change, before, cancellationToken);
    }

    private async Task<AppendResult> AppendCoreAsync(MapChange change, MapState? before, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(change.Version);
        ThrowIfDisposed();
        var id = RedisLineage.NewId();
        var plan = before is null ? null : BranchedMapWriter.PlanInfoAfter(before, change);
        var arguments = AppendScript.Arguments(_keys, change, _options.StreamMaxLength, _lineage.IdOf(change.Version - 1), id, plan);
        cancellationToken.ThrowIfCancellationRequested();
        var sentAt = Stopwatch.GetTimestamp();
        RedisResult reply;
        // WAIT right behind the script on the same connection counts the replicas that have it. The
        // script goes as EVAL then: EVALSHA's NOSCRIPT retry would run it after the WAIT.
        var waitFor = _options.WaitForReplicas;
        var scriptTask = _database.ScriptEvaluateAsync(AppendScript.Source, AppendScript.Keys(_keys, change), arguments,
            waitFor > 0 ? RedisConnection.PrimaryOnly | CommandFlags.NoScriptCache : RedisConnection.PrimaryOnly);
        var waitTask = waitFor > 0 ? _database.ExecuteAsync("WAIT", [waitFor, ReplicaWaitMilliseconds], RedisConnection.PrimaryOnly) : null;
        try
        {
            // Not cancellable once sent: giving up early would only turn a known outcome into an
            // unknown one; the operation timeout bounds the wait.
            reply = await scriptTask.ConfigureAwait(false);
        }
        catch (Exception e) when (RedisFailures.IsRedisFailure(e))
        {
            if (waitTask is not null)
            {
                RedisFailures.Observe(waitTask);
            }

            throw RedisFailures.AppendFailure(change.Version, e, _connection, sentAt);
        }

        AppendResult result;
        string head;
        try
        {
            (result, head) = AppendScript.ParseResult(reply);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or InvalidCastException)
        {
            throw new MapStoreException($"Redis gave an unexpected reply to the edit to version {change.Version} ({e.Message}); read the map version before retrying.", e,
                outcomeUnknown: true);
        }

        if (waitTask is not null)
        {
            await ConfirmReplicatedAsync(change.Version, result.Appended, waitTask, sentAt).ConfigureAwait(false);
        }

        if (result.Appended)
        {
            _lineage.Record(change.Version, id);
        }
        else if (result.StoreVersion == change.Version - 1)
        {
            // The version matched but the head did not: Redis holds another change there.
            _lineage.Check(result.StoreVersion, head);
            _lineage.MarkDiverged();
        }

        _feed.NoteReply(result.StoreVersion, sentAt);
        return result;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Reads the version and the first page of the stream in one transaction, then further pages.
    /// Null when the stream no longer starts right after <paramref name="afterVersion"/> (trimmed),
    /// and also when Redis is behind <paramref name="afterVersion"/>: it lost changes (restarted
    /// without persistence, or flushed), and a reload makes the caller agree with Redis again. Null
    /// too when Redis holds another change at <paramref name="afterVersion"/> than the one this store
    /// handed out (a failover lost changes; see <see cref="RedisLineage"/>).
    /// </remarks>
    /// <exception cref="MapStoreException">Redis does not answer, or the stream is corrupt.</exception>
    public async Task<IReadOnlyList<MapChange>?> ReadChangesAsync(long afterVersion, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterVersion);
        ThrowIfDisposed();
        if (_feed.TakePublishedChanges(afterVersion) is { } published)
        {
            return published;
        }

        // From afterVersion itself: its entry's id says whether Redis holds the change the caller holds.
        var sentAt = Stopwatch.GetTimestamp();
        var (storeVersion, head, page) = await ReadWithVersionAsync(
            t => t.StreamRangeAsync(_keys.Changes, RedisMapKeys.EntryId(Math.Max(afterVersion, 1)), "+", ChangesPageSize, flags: RedisConnection.PrimaryOnly),
            "read the change stream", cancellationToken).ConfigureAwait(false);

        _feed.NoteReply(storeVersion, sentAt);
        _lineage.Check(storeVersion, head);
        var more = page.Length == ChangesPageSize;
        if (afterVersion > 0 && page.Length > 0 && RedisMapKeys.TryParseEntryId(page[0].Id, out var parent) && parent == afterVersion)
        {
            _lineage.Check(afterVersion, (string?)page[0][RedisMapKeys.IdField]);
            page = page[1..];
        }

        if (_lineage.Diverged || storeVersion < afterVersion)
        {
            return null;
        }

        if (storeVersion == afterVersion)
        {
            return [];
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
                _lineage.Record(expected, (string?)entry[RedisMapKeys.IdField] ?? "");
                expected++;
            }

            if (expected > storeVersion || !more)
            {
                break;
            }

            var pageSentAt = Stopwatch.GetTimestamp();
            try
            {
                page = await _database.StreamRangeAsync(_keys.Changes, RedisMapKeys.EntryId(expected), "+", ChangesPageSize, flags: RedisConnection.PrimaryOnly)
                    .WaitAsync(cancellationToken).ConfigureAwait(false);
                more = page.Length == ChangesPageSize;
            }
            catch (Exception e) when (RedisFailures.IsRedisFailure(e))
            {
                throw RedisFailures.ReadFailure("read the change stream", e, _connection, pageSentAt);
            }
        }

        if (expected <= storeVersion)
        {
            throw new MapStoreException($"The Redis stream {_keys.Changes} ends at version {expected - 1} but the map is at version {storeVersion}; the store is corrupt.");
        }

        return changes;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Yields the version Redis holds as soon as it answers, then every version published on the
    /// map's channel, the version re-read whenever a connection to Redis is restored (messages
    /// published meanwhile are lost), and the polled version every
    /// <see cref="RedisMapStoreOptions.PollInterval"/>. Versions repeat (each poll) and may arrive
    /// out of order; what is queued when the caller asks for more is merged into its maximum. While
    /// Redis is down nothing is yielded and <see cref="Health"/> says why. When Redis holds other
    /// changes than this server does (a failover lost some, see <see cref="RedisLineage"/>) it yields 0,
    /// below any version the server holds, as when Redis loses changes: the server reads, is told to
    /// reload (null), and after <see cref="LoadAsync"/> the real versions follow again. Cancellation,
    /// or disposing the store, ends the enumeration without an exception.
    /// </remarks>
    public IAsyncEnumerable<long> WatchVersionsAsync(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        return _feed.WatchAsync(cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Nothing to do: Redis holds the whole map (the territory hash is updated by every append), so
    /// there is nothing to checkpoint, and the stream is trimmed by the appends themselves.
    /// </remarks>
    public void OnStatePublished(MapState state) => ArgumentNullException.ThrowIfNull(state);

    /// <summary>Stops polling, ends every watcher's enumeration and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _feed.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    // WAIT's own timeout: well inside the operation timeout, so that its reply, not the client's
    // timeout, says how many replicas confirmed.
    private long ReplicaWaitMilliseconds => Math.Max(1, (long)(_options.OperationTimeout.TotalMilliseconds / 2));

    // Throws "outcome unknown" when fewer replicas than asked confirmed an appended change: it is on
    // the primary, and a failover now could lose it.
    private async Task ConfirmReplicatedAsync(long version, bool appended, Task<RedisResult> waitTask, long sentAt)
    {
        long confirmed;
        try
        {
            confirmed = (long)await waitTask.ConfigureAwait(false);
        }
        catch (Exception e) when (RedisFailures.IsRedisFailure(e) || e is InvalidCastException)
        {
            if (!appended)
            {
                return;
            }

            _connection.MarkFailed(e, sentAt);
            throw new MapStoreException(
                $"Redis at {_connection.Endpoints} applied the edit to version {version} but did not say whether {_options.WaitForReplicas} replica(s) have it "
                + $"({RedisFailures.Describe(e, _connection.OperationTimeout)}); a failover could lose it. Read the map version before retrying.", e, outcomeUnknown: true);
        }

        if (appended && confirmed < _options.WaitForReplicas)
        {
            _feed.NoteReply(version, Stopwatch.GetTimestamp());
            throw new MapStoreException(
                $"Redis at {_connection.Endpoints} applied the edit to version {version}, but only {confirmed} of {_options.WaitForReplicas} replica(s) confirmed it "
                + $"within {ReplicaWaitMilliseconds} ms: a failover now could lose it. Read the map version before retrying; check the Redis replicas.", outcomeUnknown: true);
        }
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
        catch (Exception e) when (RedisFailures.IsDecodeFailure(e))
        {
            throw new MapStoreException($"The entry {entry.Id} of the Redis stream {_keys.Changes} is corrupt ({e.Message}).", e);
        }

        return change.Version == version ? change
            : throw new MapStoreException($"The entry {entry.Id} of the Redis stream {_keys.Changes} holds the change to version {change.Version}; the store is corrupt.");
    }

    // The version, the head and one more read in one MULTI/EXEC, so that all describe the same
    // moment. The tasks of a transaction that failed as a whole carry its exception, reported once.
    private async Task<(long Version, string Head, T Value)> ReadWithVersionAsync<T>(Func<ITransaction, Task<T>> read, string what, CancellationToken cancellationToken)
    {
        var sentAt = Stopwatch.GetTimestamp();
        var transaction = _database.CreateTransaction();
        var versionTask = transaction.StringGetAsync(_keys.Version);
        var headTask = transaction.StringGetAsync(_keys.Head);
        var valueTask = read(transaction);
        try
        {
            await transaction.ExecuteAsync(RedisConnection.PrimaryOnly).WaitAsync(cancellationToken).ConfigureAwait(false);
            return (_keys.ParseVersion(await versionTask.ConfigureAwait(false)), (string?)await headTask.ConfigureAwait(false) ?? "", await valueTask.ConfigureAwait(false));
        }
        catch (Exception e) when (RedisFailures.IsRedisFailure(e))
        {
            RedisFailures.Observe(versionTask, headTask, valueTask);
            throw RedisFailures.ReadFailure(what, e, _connection, sentAt);
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}

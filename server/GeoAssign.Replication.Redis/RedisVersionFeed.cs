// The version feed: published versions, the poll, and the re-read after a reconnect.
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using GeoAssign.Index.Model;
using StackExchange.Redis;

namespace GeoAssign.Replication.Redis;

/// <summary>
/// What this server knows of the version Redis holds, and the feed of it that watchers follow:
/// every version published on the map's channel (with the small changes that travel inside the
/// message), the version re-read whenever a connection is restored (messages published meanwhile
/// are lost), and the version polled every <see cref="RedisMapStoreOptions.PollInterval"/>, because
/// pub/sub delivers at most once. After a Sentinel failover StackExchange.Redis may leave the
/// subscription attached to no server; the feed checks it on every connection event and poll, and
/// subscribes again (then re-reads the version). While <see cref="RedisLineage.Diverged"/> it yields 0 instead:
/// Redis no longer holds this server's history, which must reload. Thread-safe.
/// </summary>
internal sealed class RedisVersionFeed : IAsyncDisposable
{
    // Recent changes that arrived inside published messages, by version: a follower that is at most
    // this many versions behind (and never more than the stream keeps) catches up without reading it.
    private const int PublishedChangesKept = 64;

    private readonly RedisConnection _connection;
    private readonly RedisMapKeys _keys;
    private readonly RedisMapStoreOptions _options;
    private readonly RedisLineage _lineage;
    private readonly Lock _stateLock = new();
    private readonly List<Channel<long>> _watchers = [];
    private readonly SortedDictionary<long, (MapChange Change, string Id, string ParentId)> _publishedChanges = [];
    private readonly CancellationTokenSource _disposing = new();
    private long _version;
    private long _versionLearnedAt;
    private Task _pollTask = Task.CompletedTask;
    private bool _polling;
    private int _resubscribing;

    public RedisVersionFeed(RedisConnection connection, RedisMapKeys keys, RedisMapStoreOptions options, RedisLineage lineage)
    {
        _connection = connection;
        _keys = keys;
        _options = options;
        _lineage = lineage;
    }

    /// <summary>
    /// The version Redis last reported: by a published message, a poll, a read or an append. It only
    /// goes down when a request sent after the higher version was learned reports a lower one (Redis
    /// lost changes), never because an older reply arrived late.
    /// </summary>
    public long Version => Volatile.Read(ref _version);

    /// <summary>Subscribes to the versions channel; with the poll (<see cref="StartPolling"/>) it feeds every watcher.</summary>
    public async Task SubscribeAsync()
    {
        var subscriber = _connection.Multiplexer.GetSubscriber();
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

    /// <summary>Starts the poll and the re-read after every restored connection.</summary>
    public void StartPolling()
    {
        _connection.Multiplexer.ConnectionFailed += OnConnectionFailed;
        _connection.Multiplexer.ConnectionRestored += OnConnectionRestored;
        _connection.Multiplexer.ConfigurationChanged += OnConfigurationChanged;
        _polling = true;
        _pollTask = Task.Run(PollAsync);
    }

    /// <summary>
    /// Yields the version Redis holds as soon as it answers, then every version the feed learns.
    /// Versions repeat (each poll) and may arrive out of order; what is queued when the caller asks for
    /// more is merged into its maximum. While the lineage has diverged it yields 0, below any version
    /// the caller holds, as when Redis lost changes: the caller reads, is told to reload, and does.
    /// Cancellation, or disposing the feed, ends the enumeration.
    /// </summary>
    public async IAsyncEnumerable<long> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
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
                    yield return _lineage.Diverged ? 0 : latest;
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

    /// <summary>Redis answered a request sent at <paramref name="sentAt"/> with the version it held when it ran the request.</summary>
    public void NoteReply(long version, long sentAt)
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
        }

        _connection.MarkAnswered(sentAt);
    }

    /// <summary>
    /// The changes after <paramref name="afterVersion"/> up to the latest known version, when every one
    /// of them arrived in a published message and they follow one another from the change handed out
    /// at <paramref name="afterVersion"/> (by their parents' ids); else null (read the stream). The
    /// same bytes as the stream's entries; their ids are recorded as handed out.
    /// </summary>
    public List<MapChange>? TakePublishedChanges(long afterVersion)
    {
        var chain = new List<(long Version, string Id)>();
        List<MapChange> changes;
        lock (_stateLock)
        {
            var latest = _version;
            if (latest <= afterVersion || latest - afterVersion > PublishedKept || _lineage.Diverged)
            {
                return null;
            }

            changes = new List<MapChange>((int)(latest - afterVersion));
            var parent = _lineage.IdOf(afterVersion);
            for (var version = afterVersion + 1; version <= latest; version++)
            {
                if (!_publishedChanges.TryGetValue(version, out var published)
                    || (parent.Length > 0 && published.ParentId.Length > 0 && published.ParentId != parent))
                {
                    return null;
                }

                changes.Add(published.Change);
                chain.Add((version, published.Id));
                parent = published.Id;
            }
        }

        foreach (var (version, id) in chain)
        {
            _lineage.Record(version, id);
        }

        return changes;
    }

    /// <summary>Stops polling and ends every watcher's enumeration; the connection stays open.</summary>
    public async ValueTask DisposeAsync()
    {
        await _disposing.CancelAsync().ConfigureAwait(false);
        if (_polling)
        {
            _connection.Multiplexer.ConnectionFailed -= OnConnectionFailed;
            _connection.Multiplexer.ConnectionRestored -= OnConnectionRestored;
            _connection.Multiplexer.ConfigurationChanged -= OnConfigurationChanged;
        }

        await _pollTask.ConfigureAwait(false);
        lock (_stateLock)
        {
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryComplete();
            }
        }

        _disposing.Dispose();
    }

    // No more than the stream keeps, so that the store answers as if it had read the stream.
    private int PublishedKept => Math.Min(PublishedChangesKept, _options.StreamMaxLength);

    private async Task PollAsync()
    {
        using var timer = new PeriodicTimer(_options.PollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_disposing.Token).ConfigureAwait(false))
            {
                await RefreshVersionAsync().ConfigureAwait(false);
                await EnsureSubscribedAsync().ConfigureAwait(false);
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
            // The head beside the version (one command, one moment): the same version with another
            // head is another history.
            var values = await _connection.Database.StringGetAsync([_keys.Version, _keys.Head], RedisConnection.PrimaryOnly).ConfigureAwait(false);
            version = _keys.ParseVersion(values[0]);
            _lineage.Check(version, (string?)values[1]);
        }
        catch (Exception e) when (RedisFailures.IsRedisFailure(e) || e is MapStoreException)
        {
            if (!_disposing.IsCancellationRequested)
            {
                _connection.MarkFailed(e, sentAt);
            }

            return;
        }

        NoteReply(version, sentAt);
        Broadcast(version);
    }

    private void OnVersionPublished(RedisChannel channel, RedisValue message)
    {
        if (message.IsNull || !AppendScript.TryParseMessage((byte[])message!, out var version, out var id, out var parentId, out var change))
        {
            return;
        }

        _lineage.Check(version, id);
        // A message was in flight before it was received: it can only raise the known version.
        lock (_stateLock)
        {
            if (change is not null)
            {
                _publishedChanges[version] = (change, id, parentId);
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
        }

        _connection.MarkAnswered(Stopwatch.GetTimestamp());
        Broadcast(version);
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        if (!_disposing.IsCancellationRequested)
        {
            _connection.MarkConnectionFailed(e);
        }
    }

    // Messages published while the subscription was down are lost: re-read the version at once.
    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        _ = RefreshVersionAsync();
        _ = EnsureSubscribedAsync();
    }

    // A failover changes the servers (and which is primary): the subscription may have been dropped.
    private void OnConfigurationChanged(object? sender, EndPointEventArgs e) => _ = EnsureSubscribedAsync();

    // Subscribes again while the subscription is attached to no connected server, retrying 250 ms
    // apart growing to 2 s (the new primary may not be connected yet), then re-reads the version:
    // what was published meanwhile is lost. One such loop at a time.
    private async Task EnsureSubscribedAsync()
    {
        if (!NeedsSubscription() || Interlocked.Exchange(ref _resubscribing, 1) == 1)
        {
            return;
        }

        try
        {
            var backoff = TimeSpan.FromMilliseconds(250);
            while (NeedsSubscription())
            {
                try
                {
                    await SubscribeAsync().ConfigureAwait(false);
                    await RefreshVersionAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (RedisFailures.IsRedisFailure(e))
                {
                    await Task.Delay(backoff, _disposing.Token).ConfigureAwait(false);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // Disposed.
        }
        finally
        {
            Volatile.Write(ref _resubscribing, 0);
        }
    }

    private bool NeedsSubscription()
    {
        if (_disposing.IsCancellationRequested)
        {
            return false;
        }

        var subscriber = _connection.Multiplexer.GetSubscriber();
        return subscriber.SubscribedEndpoint(_keys.VersionsChannel) is null || !subscriber.IsConnected(_keys.VersionsChannel);
    }

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
}

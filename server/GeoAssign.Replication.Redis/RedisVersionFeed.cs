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
/// pub/sub delivers at most once. Thread-safe.
/// </summary>
internal sealed class RedisVersionFeed : IAsyncDisposable
{
    // Recent changes that arrived inside published messages, by version: a follower that is at most
    // this many versions behind (and never more than the stream keeps) catches up without reading it.
    private const int PublishedChangesKept = 64;

    private readonly RedisConnection _connection;
    private readonly RedisMapKeys _keys;
    private readonly RedisMapStoreOptions _options;
    private readonly Lock _stateLock = new();
    private readonly List<Channel<long>> _watchers = [];
    private readonly SortedDictionary<long, MapChange> _publishedChanges = [];
    private readonly CancellationTokenSource _disposing = new();
    private long _version;
    private long _versionLearnedAt;
    private Task _pollTask = Task.CompletedTask;
    private bool _polling;

    public RedisVersionFeed(RedisConnection connection, RedisMapKeys keys, RedisMapStoreOptions options)
    {
        _connection = connection;
        _keys = keys;
        _options = options;
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
        _polling = true;
        _pollTask = Task.Run(PollAsync);
    }

    /// <summary>
    /// Yields the version Redis holds as soon as it answers, then every version the feed learns.
    /// Versions repeat (each poll) and may arrive out of order; what is queued when the caller asks for
    /// more is merged into its maximum. Cancellation, or disposing the feed, ends the enumeration.
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

        _connection.MarkAnswered();
    }

    /// <summary>
    /// The changes after <paramref name="afterVersion"/> up to the latest known version, when every one
    /// of them arrived in a published message; else null (read the stream). The same bytes as the
    /// stream's entries.
    /// </summary>
    public List<MapChange>? TakePublishedChanges(long afterVersion)
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

    /// <summary>Stops polling and ends every watcher's enumeration; the connection stays open.</summary>
    public async ValueTask DisposeAsync()
    {
        await _disposing.CancelAsync().ConfigureAwait(false);
        if (_polling)
        {
            _connection.Multiplexer.ConnectionFailed -= OnConnectionFailed;
            _connection.Multiplexer.ConnectionRestored -= OnConnectionRestored;
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
            version = _keys.ParseVersion(await _connection.Database.StringGetAsync(_keys.Version, RedisConnection.PrimaryOnly).ConfigureAwait(false));
        }
        catch (Exception e) when (RedisFailures.IsRedisFailure(e) || e is MapStoreException)
        {
            if (!_disposing.IsCancellationRequested)
            {
                _connection.MarkFailed(e);
            }

            return;
        }

        NoteReply(version, sentAt);
        Broadcast(version);
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
        }

        _connection.MarkAnswered();
        Broadcast(version);
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        if (!_disposing.IsCancellationRequested)
        {
            _connection.MarkFailed(e.Exception ?? new RedisConnectionException(e.FailureType, e.FailureType.ToString()));
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
}

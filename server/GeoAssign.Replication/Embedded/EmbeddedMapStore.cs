// The default store: an append-only change log and periodic snapshots in a local folder.
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using GeoAssign.Index;
using GeoAssign.Index.Model;
using GeoAssign.Index.Plans;

namespace GeoAssign.Replication.Embedded;

/// <summary>
/// Keeps the map in a local folder, for a single server: every change is appended to a change log
/// and fsynced before <see cref="AppendAsync"/> returns; every so many changes (or log bytes) the
/// published map is written as a snapshot in the background and a new log segment begins.
/// </summary>
/// <remarks>
/// <para>Files in the folder:
/// <c>geoassign.lock</c> (held open exclusively, so a second server cannot use the folder),
/// <c>snapshot-{V}.snap</c> (every territory at version V),
/// <c>changes-{B}.log</c> (the changes B+1, B+2, … as checksummed records).
/// A segment starts at every snapshot's version before that snapshot is written, so the changes
/// after any snapshot are in the segments whose base is at least its version.</para>
/// <para>Recovery (<see cref="LoadAsync"/>): the newest snapshot that reads back whole (a damaged
/// one is renamed <c>.damaged</c> and the previous one used), then every change of the segments from
/// its version on. A record torn by a crash at the end of the last segment is cut off (the append
/// that wrote it was never acknowledged); damage anywhere else stops the start with an error naming
/// the file and offset rather than silently dropping acknowledged changes. The two newest snapshot
/// generations are kept.</para>
/// <para>Thread-safe: appends are serialised internally; <see cref="OnStatePublished"/> is called by the
/// single writer.</para>
/// </remarks>
public sealed class EmbeddedMapStore : IMapStore
{
    /// <summary>The lock file's name.</summary>
    public const string LockFileName = "geoassign.lock";

    private readonly EmbeddedMapStoreOptions _options;
    private readonly string _directory;
    private readonly FileStream _lockFile;
    private readonly SemaphoreSlim _appendLock = new(1, 1);
    private readonly Lock _watchersLock = new();
    private readonly List<Channel<long>> _watchers = [];
    private FileStream? _segment;
    private long _segmentBase;
    private long _segmentBytes;
    private long _lastSnapshotVersion;
    private long _version;
    private readonly DateTimeOffset _openedAt = DateTimeOffset.UtcNow;
    private bool _loaded;
    private Task _snapshotTask = Task.CompletedTask;
    private readonly CancellationTokenSource _disposing = new();
    private int _disposed;

    private EmbeddedMapStore(EmbeddedMapStoreOptions options, string directory, FileStream lockFile)
    {
        _options = options;
        _directory = directory;
        _lockFile = lockFile;
    }

    /// <summary>
    /// Opens (creating when missing) the data folder and locks it for this store until it is disposed.
    /// Call <see cref="LoadAsync"/> next.
    /// </summary>
    /// <exception cref="MapStoreException">Another server holds the folder, or it cannot be created.</exception>
    public static EmbeddedMapStore Open(EmbeddedMapStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var directory = Path.GetFullPath(options.DataDirectory);
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MapStoreException($"Cannot create the data folder {directory}: {e.Message}", e);
        }

        var lockPath = Path.Combine(directory, LockFileName);
        FileStream lockFile;
        try
        {
            lockFile = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new MapStoreException(
                $"The data folder {directory} is in use by another GeoAssign server (it holds {lockPath}). "
                + "Stop that server, or give this one its own data folder (GeoAssign:DataDirectory or GEOASSIGN_DATA_DIR).", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new MapStoreException($"Cannot open the lock file {lockPath}: {e.Message}", e);
        }

        // The holder's process id, for a person looking at the folder.
        lockFile.SetLength(0);
        lockFile.Write(System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n"));
        lockFile.Flush();
        return new EmbeddedMapStore(options, directory, lockFile);
    }

    /// <summary>The data folder (full path).</summary>
    public string DataDirectory => _directory;

    /// <inheritdoc/>
    public MapStoreKind Kind => MapStoreKind.Embedded;

    /// <inheritdoc/>
    public long Version => Volatile.Read(ref _version);

    /// <inheritdoc/>
    /// <remarks>A local folder is always reachable; a failed write surfaces as the edit's error instead.</remarks>
    public MapStoreHealth Health => new(true, _openedAt, null);

    /// <summary>The version of the newest snapshot on disk (0 when there is none).</summary>
    public long LastSnapshotVersion => Volatile.Read(ref _lastSnapshotVersion);

    /// <summary>The last background snapshot's failure, or null (a failed snapshot is retried at the next due point; appends go on).</summary>
    public Exception? LastSnapshotError { get; private set; }

    /// <summary>Completes when the snapshot being written in the background, if any, is done (for tests and shutdown).</summary>
    public Task SnapshotCompletion => Volatile.Read(ref _snapshotTask);

    /// <inheritdoc/>
    public async Task<StoredMap> LoadAsync(CancellationToken cancellationToken)
    {
        // A snapshot being written takes the lock when it is done; a reload waits for it first.
        await SnapshotTask().ConfigureAwait(false);
        await _appendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_loaded)
            {
                // A reload (a replica that found a gap): recover again from the files, as at start.
                _segment?.Dispose();
                _segment = null;
            }

            var stored = Recover(cancellationToken);
            _loaded = true;
            Volatile.Write(ref _version, stored.Version);
            return stored;
        }
        finally
        {
            _appendLock.Release();
        }
    }

    private StoredMap Recover(CancellationToken cancellationToken)
    {
        var notes = new List<string>();
        foreach (var temporary in Directory.EnumerateFiles(_directory, "*.tmp"))
        {
            // A snapshot that was being written when the server stopped: never renamed, never used.
            File.Delete(temporary);
        }

        var snapshots = ListFiles(SnapshotFile.TryParseFileName);
        var segments = ListFiles(LogSegment.TryParseFileName);

        long baseVersion = 0;
        var content = new SnapshotContent(0, [], [], [], [], []);
        for (var i = snapshots.Count - 1; i >= 0; i--)
        {
            var (snapshotVersion, path) = snapshots[i];
            try
            {
                content = SnapshotFile.Read(path, snapshotVersion);
                baseVersion = snapshotVersion;
                break;
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException or ArgumentException
                or NetTopologySuite.IO.ParseException or System.Text.Json.JsonException)
            {
                File.Move(path, path + ".damaged", overwrite: true);
                notes.Add($"The snapshot {path} is damaged ({e.Message}); it was renamed to {Path.GetFileName(path)}.damaged and an older one is used.");
            }
        }

        _lastSnapshotVersion = baseVersion;
        var used = segments.Where(s => s.Version >= baseVersion).ToList();
        if (used.Count > 0 && used[0].Version != baseVersion)
        {
            throw new MapStoreException(
                $"The data folder {_directory} has no change log from version {baseVersion} (the first is {used[0].Path}); it is incomplete.");
        }

        var changes = new List<MapChange>();
        var version = baseVersion;
        for (var i = 0; i < used.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (segmentBase, path) = used[i];
            if (segmentBase != version)
            {
                throw new MapStoreException($"The change log {path} starts after version {segmentBase} but the one before ends at {version}; a segment is missing.");
            }

            var last = i == used.Count - 1;
            var read = LogSegment.Read(path, segmentBase);
            changes.AddRange(read.Changes);
            version += read.Changes.Count;
            if (read.TornTail is not null)
            {
                if (!last)
                {
                    throw new MapStoreException($"The change log {path} ends in a damaged record ({read.TornTail}) but later segments exist; acknowledged changes would be lost.");
                }

                notes.Add($"The change log {path} ended in a record torn by a crash ({read.TornTail}, {read.FileLength - read.ValidLength} bytes); "
                    + $"it was cut off at offset {read.ValidLength}. That change was never acknowledged.");
                TruncateSegment(path, read.ValidLength, segmentBase);
            }
        }

        if (used.Count == 0 || (used[^1].Version == baseVersion && new FileInfo(used[^1].Path).Length < LogSegment.HeaderBytes))
        {
            _segment = LogSegment.Create(_directory, baseVersion);
            _segmentBase = baseVersion;
        }
        else
        {
            _segmentBase = used[^1].Version;
            _segment = new FileStream(used[^1].Path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, 1, FileOptions.None);
            _segment.Seek(0, SeekOrigin.End);
        }

        _segmentBytes = _segment.Length;
        DeleteOldGenerations();
        return new StoredMap(baseVersion, content.Live, changes, notes, content.LiveVersion, content.Plans, content.History, content.Overrides, content.Gazetteer);
    }

    private void TruncateSegment(string path, long validLength, long segmentBase)
    {
        if (validLength < LogSegment.HeaderBytes)
        {
            // Not even the header survived: start the segment again.
            LogSegment.Create(_directory, segmentBase).Dispose();
            return;
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        file.SetLength(validLength);
        file.Flush(flushToDisk: true);
    }

    /// <inheritdoc/>
    public async Task<AppendResult> AppendAsync(MapChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        // The payload is encoded before the lock: it is the slow part of a large import.
        var payload = TerritoryCodec.EncodeChange(change);
        await _appendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            EnsureLoaded();
            if (change.Version != _version + 1)
            {
                return new AppendResult(false, _version);
            }

            var segment = _segment!;
            var start = segment.Position;
            try
            {
                var written = LogSegment.Append(segment, payload);
                segment.Flush(flushToDisk: true);
                _segmentBytes += written;
            }
            catch (IOException e)
            {
                // Leave no partial record behind for the next append to follow.
                TryTruncate(segment, start);
                throw new MapStoreException($"Cannot write the change log {segment.Name}: {e.Message}. Nothing changed; check the disk, then retry.", e);
            }

            Volatile.Write(ref _version, change.Version);
        }
        finally
        {
            _appendLock.Release();
        }

        NotifyWatchers(change.Version);
        return new AppendResult(true, change.Version);
    }

    private static void TryTruncate(FileStream segment, long length)
    {
        try
        {
            segment.SetLength(length);
            segment.Seek(length, SeekOrigin.Begin);
        }
        catch (IOException)
        {
            // Recovery cuts a torn tail at the next start.
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<MapChange>?> ReadChangesAsync(long afterVersion, CancellationToken cancellationToken)
    {
        await _appendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            EnsureLoaded();
            if (afterVersion >= _version)
            {
                return [];
            }

            var segments = ListFiles(LogSegment.TryParseFileName);
            var first = segments.FindLastIndex(s => s.Version <= afterVersion);
            if (first < 0)
            {
                return null;
            }

            _segment!.Flush();
            var result = new List<MapChange>();
            for (var i = first; i < segments.Count; i++)
            {
                var read = LogSegment.Read(segments[i].Path, segments[i].Version);
                foreach (var change in read.Changes)
                {
                    if (change.Version > afterVersion)
                    {
                        result.Add(change);
                    }
                }
            }

            return result;
        }
        finally
        {
            _appendLock.Release();
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<long> WatchVersionsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<long>(new BoundedChannelOptions(1)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (_watchersLock)
        {
            _watchers.Add(channel);
        }

        try
        {
            yield return Version;
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var version))
                {
                    yield return version;
                }
            }
        }
        finally
        {
            lock (_watchersLock)
            {
                _watchers.Remove(channel);
            }
        }
    }

    private void NotifyWatchers(long version)
    {
        lock (_watchersLock)
        {
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryWrite(version);
            }
        }
    }

    /// <inheritdoc/>
    public void OnStatePublished(MapState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _appendLock.Wait();
        try
        {
            if (!_loaded || state.Position != _version || state.Position == _segmentBase || !SnapshotTask().IsCompleted)
            {
                return;
            }

            var due = state.Position - _segmentBase >= _options.SnapshotEveryChanges || _segmentBytes >= _options.SnapshotEveryLogBytes;
            if (!due)
            {
                return;
            }

            // The next changes go to a new segment that starts at this version; the snapshot of this
            // (immutable) state is then written in the background while appends go on.
            var next = LogSegment.Create(_directory, state.Position);
            _segment!.Dispose();
            _segment = next;
            _segmentBase = state.Position;
            _segmentBytes = next.Length;
            Volatile.Write(ref _snapshotTask, Task.Run(() => WriteSnapshot(state), CancellationToken.None));
        }
        finally
        {
            _appendLock.Release();
        }
    }

    private Task SnapshotTask() => Volatile.Read(ref _snapshotTask);

    private void WriteSnapshot(MapState state)
    {
        try
        {
            SnapshotFile.Write(_directory, state, _disposing.Token);
            Volatile.Write(ref _lastSnapshotVersion, state.Position);
            LastSnapshotError = null;
            _appendLock.Wait();
            try
            {
                DeleteOldGenerations();
            }
            finally
            {
                _appendLock.Release();
            }
        }
        catch (Exception e)
        {
            // A snapshot only shortens the next start; its failure must not affect appends.
            LastSnapshotError = e;
        }
    }

    // Keeps the two newest snapshots, the segments from the older of them on and those the history needs; deletes the rest.
    private void DeleteOldGenerations()
    {
        var snapshots = ListFiles(SnapshotFile.TryParseFileName);
        if (snapshots.Count < 2)
        {
            return;
        }

        var keepFrom = snapshots[^2].Version;
        foreach (var (version, path) in snapshots)
        {
            if (version < keepFrom)
            {
                File.Delete(path);
            }
        }

        // A segment goes once a kept snapshot stands for it and every change in it (up to the next
        // segment's base) is older than the history kept.
        var segments = ListFiles(LogSegment.TryParseFileName);
        var historyFrom = Volatile.Read(ref _version) - _options.KeepChanges;
        for (var i = 0; i + 1 < segments.Count; i++)
        {
            var (segmentBase, path) = segments[i];
            if (segmentBase < keepFrom && segmentBase != _segmentBase && segments[i + 1].Version <= historyFrom)
            {
                File.Delete(path);
            }
        }
    }

    private delegate bool FileNameParser(string fileName, out long version);

    private List<(long Version, string Path)> ListFiles(FileNameParser parse)
    {
        var result = new List<(long, string)>();
        foreach (var path in Directory.EnumerateFiles(_directory))
        {
            if (parse(Path.GetFileName(path), out var version))
            {
                result.Add((version, path));
            }
        }

        result.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return result;
    }

    private void EnsureLoaded()
    {
        if (!_loaded)
        {
            throw new InvalidOperationException("Call LoadAsync before using the store.");
        }
    }

    /// <summary>Waits for a snapshot being written, closes the log and releases the data folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await SnapshotTask().ConfigureAwait(false);
        }
        finally
        {
            _disposing.Cancel();
            lock (_watchersLock)
            {
                foreach (var watcher in _watchers)
                {
                    watcher.Writer.TryComplete();
                }
            }

            _segment?.Dispose();
            _lockFile.Dispose();
            _disposing.Dispose();
        }
    }
}

// Follows a store's change feed in the background and records what it yields, for tests of the feed.
using System.Diagnostics;
using GeoAssign.Replication;
using Xunit;

namespace GeoAssign.Testing.Servers.Stores;

/// <summary>Follows a store's <see cref="IMapStore.WatchVersionsAsync"/> in the background and records what it yields. Thread-safe.</summary>
public sealed class VersionWatcher : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly List<long> _seen = [];
    private readonly Task _follow;

    /// <summary>Starts following <paramref name="store"/>.</summary>
    public VersionWatcher(IMapStore store)
    {
        _follow = Task.Run(async () =>
        {
            await foreach (var version in store.WatchVersionsAsync(_stop.Token))
            {
                lock (_lock)
                {
                    _seen.Add(version);
                }
            }
        });
    }

    /// <summary>The versions yielded so far, in order.</summary>
    public IReadOnlyList<long> Seen
    {
        get
        {
            lock (_lock)
            {
                return [.. _seen];
            }
        }
    }

    /// <summary>The highest version yielded so far, or -1.</summary>
    public long Highest
    {
        get
        {
            lock (_lock)
            {
                return _seen.Count == 0 ? -1 : _seen.Max();
            }
        }
    }

    /// <summary>Whether the enumeration has ended (and how: a fault shows here).</summary>
    public Task Completion => _follow;

    /// <summary>Waits until a version of at least <paramref name="version"/> is yielded; returns how long that took.</summary>
    public async Task<TimeSpan> WaitForAsync(long version, TimeSpan timeout)
    {
        var started = Stopwatch.GetTimestamp();
        await Eventually.UntilAsync(() => Highest >= version || _follow.IsCompleted, timeout, () => $"the watcher yields version {version} (it saw {string.Join(",", Seen)})");
        Assert.False(_follow.IsFaulted, $"The watch failed: {_follow.Exception}");
        Assert.True(Highest >= version, $"The watch ended before version {version}.");
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>
    /// Stops following; fails when the watch ended with an exception other than the cancellation.
    /// (The Redis store's watch ends quietly when cancelled, the embedded store's with
    /// <see cref="OperationCanceledException"/>; <see cref="Completion"/> tells them apart.)
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _follow;
        }
        catch (OperationCanceledException)
        {
            // Cancelled as asked.
        }

        _stop.Dispose();
    }
}

// How long an acknowledged edit takes to be served by every replica (issue #5).
using System.Diagnostics;
using GeoAssign.LoadTest.Measurement;
using GeoAssign.LoadTest.Reporting;
using GeoAssign.LoadTest.Scheduling;
using GeoAssign.Protos.V1;
using Grpc.Core;

namespace GeoAssign.LoadTest.Scenarios;

/// <summary>
/// Watches every target with WatchMap, then edits through one target at a time (rotating), at
/// most --edit-rate edits a second and one at a time: the recorded latency of an edit is from its
/// acknowledgement (UpsertTerritories returned version v) to the moment the last target reports
/// serving v or later — 0 when every target already did by then. An edit that some target does not
/// serve within --converge-timeout counts as DEADLINE_EXCEEDED. Works with one server as well
/// (then it measures the acknowledgement-to-notification delay). With --redis, the raw Redis
/// publish→receive round trip is measured beside it, as the floor replication cannot go under.
/// </summary>
internal sealed class ConvergeScenario : Scenario
{
    private readonly LatencyRecorder _editLatency = new();
    private BorderEdit? _edit;
    private VersionWatch[] _watches = [];
    private LatencySummary? _redis;
    private string? _redisError;

    public override bool SupportsOpenLoop => false;

    public override bool UsesPoints => false;

    public override async Task PrepareAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        _edit = await EditTargets.ChooseAsync(context, preferRealTerritory: false, cancellationToken).ConfigureAwait(false);
        context.Log($"converge: editing territory {_edit.TerritoryId} through {context.Channels.Targets.Count} target(s) in turn, watching all of them");
        if (context.Settings.Redis is { } redis)
        {
            try
            {
                var samples = await RedisRoundTrip.MeasureAsync(redis, context.Settings.RedisSamples, cancellationToken).ConfigureAwait(false);
                _redis = LatencySummary.OfMilliseconds(samples);
                context.Log(FormattableString.Invariant($"converge: Redis publish→receive p50 {_redis.P50Micros / 1000.0:0.###} ms, p99 {_redis.P99Micros / 1000.0:0.###} ms ({samples.Length} samples)"));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _redisError = e.Message;
                context.Log($"converge: the Redis round trip could not be measured: {e.Message}");
            }
        }
    }

    public override async Task<LoadDriverOutcome> RunAsync(ScenarioContext context, LoadMeter meter, CancellationToken cancellationToken)
    {
        using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _watches = Enumerable.Range(0, context.Channels.Targets.Count)
            .Select(i => new VersionWatch(new TerritoryService.TerritoryServiceClient(context.Channels.ForTarget(i)), context.Channels, stopWatching.Token))
            .ToArray();
        try
        {
            await Task.WhenAll(_watches.Select(w => w.Started)).WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
            var clients = Enumerable.Range(0, context.Channels.Targets.Count)
                .Select(i => new TerritoryService.TerritoryServiceClient(context.Channels.ForTarget(i))).ToArray();
            var schedule = new OpenLoopSchedule(Stopwatch.GetTimestamp(), context.Settings.EditRate, Stopwatch.Frequency);
            var k = 0L;
            while (!cancellationToken.IsCancellationRequested)
            {
                var due = Math.Max(schedule.IntendedTimestamp(k), Stopwatch.GetTimestamp());
                if (due >= meter.MeasureEnd)
                {
                    break;
                }

                var wait = TimeSpan.FromSeconds((double)(due - Stopwatch.GetTimestamp()) / Stopwatch.Frequency);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                }

                var start = Stopwatch.GetTimestamp();
                try
                {
                    var response = await clients[k % clients.Length].UpsertTerritoriesAsync(_edit!.Next(), context.Channels.Unary(cancellationToken))
                        .ConfigureAwait(false);
                    var acknowledged = Stopwatch.GetTimestamp();
                    var served = await VersionWatch.AllServingAsync(_watches, response.MapVersion, context.Settings.ConvergeTimeout, cancellationToken)
                        .ConfigureAwait(false);
                    if (meter.InWindow(start))
                    {
                        _editLatency.RecordMicros(LatencyRecorder.Micros(start, acknowledged));
                    }

                    if (served is { } lastServed)
                    {
                        // The watchers may hear of v before the edit's own answer arrives: that is convergence in no time.
                        meter.Succeeded(acknowledged, Math.Max(lastServed, acknowledged), 1);
                    }
                    else
                    {
                        meter.Failed(acknowledged, new RpcException(new Status(StatusCode.DeadlineExceeded,
                            $"map version {response.MapVersion} not served by every target within {context.Settings.ConvergeTimeout.TotalSeconds} s")));
                    }
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    meter.Failed(start, e);
                }

                k++;
            }
        }
        finally
        {
            await stopWatching.CancelAsync().ConfigureAwait(false);
            foreach (var watch in _watches)
            {
                await watch.DisposeAsync().ConfigureAwait(false);
            }
        }

        return new LoadDriverOutcome(0, TimeSpan.FromSeconds((double)(Math.Max(Stopwatch.GetTimestamp(), meter.MeasureEnd) - meter.MeasureStart) / Stopwatch.Frequency));
    }

    public override void Complete(RunResult result)
    {
        result.EditLatency = LatencySummary.Of(_editLatency.Snapshot());
        result.EditTerritory = _edit?.TerritoryId;
        result.RedisRoundTrip = _redis;
        result.RedisError = _redisError;
    }
}

/// <summary>
/// Follows one target's WatchMap stream and remembers when each map version was first reported.
/// Thread-safe.
/// </summary>
internal sealed class VersionWatch : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly List<(ulong Version, long Timestamp)> _seen = [];
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _loop;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public VersionWatch(TerritoryService.TerritoryServiceClient client, TargetChannels channels, CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => FollowAsync(client, channels, cancellationToken), CancellationToken.None);
    }

    /// <summary>Completes when the first message (the current version) arrived.</summary>
    public Task Started => _started.Task;

    /// <summary>When this target first reported serving <paramref name="version"/> or later, if it has.</summary>
    public bool TryServedAt(ulong version, out long timestamp, out Task changed)
    {
        lock (_gate)
        {
            changed = _changed.Task;
            foreach (var (seenVersion, seenAt) in _seen)
            {
                if (seenVersion >= version)
                {
                    timestamp = seenAt;
                    return true;
                }
            }

            timestamp = 0;
            return false;
        }
    }

    /// <summary>The time the last of <paramref name="watches"/> started serving <paramref name="version"/>, or null after <paramref name="timeout"/>.</summary>
    public static async Task<long?> AllServingAsync(VersionWatch[] watches, ulong version, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        long last = 0;
        foreach (var watch in watches)
        {
            while (true)
            {
                if (watch.TryServedAt(version, out var at, out var changed))
                {
                    last = Math.Max(last, at);
                    break;
                }

                var remaining = deadline - Stopwatch.GetTimestamp();
                if (remaining <= 0)
                {
                    return null;
                }

                await Task.WhenAny(changed, Task.Delay(TimeSpan.FromSeconds((double)remaining / Stopwatch.Frequency), cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        return last;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The watch ends by cancellation; nothing left to report.
        }
    }

    private async Task FollowAsync(TerritoryService.TerritoryServiceClient client, TargetChannels channels, CancellationToken cancellationToken)
    {
        ulong after = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var call = client.WatchMap(new WatchMapRequest { AfterVersion = after }, channels.Streaming(cancellationToken));
                while (await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
                {
                    var now = Stopwatch.GetTimestamp();
                    var version = call.ResponseStream.Current.MapVersion;
                    after = Math.Max(after, version);
                    TaskCompletionSource changed;
                    lock (_gate)
                    {
                        _seen.Add((version, now));
                        changed = _changed;
                        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    }

                    _started.TrySetResult();
                    changed.TrySetResult();
                }
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException)
            {
                // A replica restarting or shutting down: follow it again from the last version seen.
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}

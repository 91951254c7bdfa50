// What one run counts: latencies, requests, items and errors inside the measurement window.
using System.Diagnostics;

namespace GeoAssign.LoadTest.Measurement;

/// <summary>
/// The counters of one run. An operation counts when it <em>started</em> (or, in an open loop, was
/// meant to start) inside [<see cref="MeasureStart"/>, <see cref="MeasureEnd"/>): the warm-up before
/// it is not counted, and operations still in flight at the end are waited for and counted, so the
/// slowest ones are never dropped. Thread-safe.
/// </summary>
internal sealed class LoadMeter(long measureStart, long measureEnd)
{
    private long _requests;
    private long _items;
    private long _attempts;

    public long MeasureStart { get; } = measureStart;

    public long MeasureEnd { get; } = measureEnd;

    /// <summary>Latency of each counted operation, from its (intended) start to its answer.</summary>
    public LatencyRecorder Latency { get; } = new();

    /// <summary>Open loop only: how late each request actually left after its intended time.</summary>
    public LatencyRecorder DispatchLag { get; } = new();

    public ErrorCounts Errors { get; } = new();

    /// <summary>Successful operations counted.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Points (or accounts, or messages) those operations carried.</summary>
    public long Items => Interlocked.Read(ref _items);

    /// <summary>Every operation finished so far, warm-up included (for the progress line).</summary>
    public long Attempts => Interlocked.Read(ref _attempts);

    /// <summary>Whether an operation started at <paramref name="timestamp"/> counts.</summary>
    public bool InWindow(long timestamp) => timestamp >= MeasureStart && timestamp < MeasureEnd;

    /// <summary>An operation that started at <paramref name="startTimestamp"/> succeeded now with <paramref name="items"/> items.</summary>
    public void Succeeded(long startTimestamp, int items) => Succeeded(startTimestamp, Stopwatch.GetTimestamp(), items);

    /// <summary>An operation that started at <paramref name="startTimestamp"/> succeeded at <paramref name="endTimestamp"/>.</summary>
    public void Succeeded(long startTimestamp, long endTimestamp, int items)
    {
        Interlocked.Increment(ref _attempts);
        if (!InWindow(startTimestamp))
        {
            return;
        }

        Latency.RecordMicros(LatencyRecorder.Micros(startTimestamp, endTimestamp));
        Interlocked.Increment(ref _requests);
        Interlocked.Add(ref _items, items);
    }

    /// <summary>An operation that started at <paramref name="startTimestamp"/> failed with <paramref name="error"/>.</summary>
    public void Failed(long startTimestamp, Exception error)
    {
        Interlocked.Increment(ref _attempts);
        if (InWindow(startTimestamp))
        {
            Errors.Add(ErrorCounts.CodeOf(error));
        }
    }
}

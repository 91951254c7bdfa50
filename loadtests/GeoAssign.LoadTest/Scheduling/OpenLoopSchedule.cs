// When each request of an open-loop run is meant to be sent: a fixed rate from a fixed start.
using System.Diagnostics;

namespace GeoAssign.LoadTest.Scheduling;

/// <summary>
/// The intended send times of an open-loop run: request <c>i</c> (from 0) is due at
/// <c>start + i / rate</c>, whatever happened to the requests before it. Latency is measured from
/// this time, not from when the request actually left, so a stalled server (or generator) shows up
/// as latency instead of silently lowering the rate (coordinated omission). Immutable and thread-safe.
/// </summary>
internal sealed class OpenLoopSchedule
{
    private readonly double _ticksPerRequest;

    /// <param name="startTimestamp">When request 0 is due (a <see cref="Stopwatch"/> timestamp).</param>
    /// <param name="requestsPerSecond">The fixed rate, above 0.</param>
    /// <param name="frequency">Timestamp ticks per second (<see cref="Stopwatch.Frequency"/> unless testing).</param>
    public OpenLoopSchedule(long startTimestamp, double requestsPerSecond, long frequency)
    {
        if (!double.IsFinite(requestsPerSecond) || requestsPerSecond <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(requestsPerSecond), requestsPerSecond, "The rate must be a positive number of requests per second.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frequency);
        StartTimestamp = startTimestamp;
        RequestsPerSecond = requestsPerSecond;
        _ticksPerRequest = frequency / requestsPerSecond;
    }

    public long StartTimestamp { get; }

    public double RequestsPerSecond { get; }

    /// <summary>When request <paramref name="index"/> is due.</summary>
    public long IntendedTimestamp(long index) => StartTimestamp + (long)(index * _ticksPerRequest);

    /// <summary>How many requests are due at <paramref name="timestamp"/> (those with an intended time at or before it).</summary>
    public long DueCount(long timestamp)
    {
        if (timestamp < StartTimestamp)
        {
            return 0;
        }

        var due = (long)((timestamp - StartTimestamp) / _ticksPerRequest) + 1;
        // Floating-point rounding may put the boundary request one off; settle it with the exact formula.
        while (due > 0 && IntendedTimestamp(due - 1) > timestamp)
        {
            due--;
        }

        while (IntendedTimestamp(due) <= timestamp)
        {
            due++;
        }

        return due;
    }

    /// <summary>How many requests are due before <paramref name="endTimestamp"/> (exclusive): the run's total.</summary>
    public long CountBefore(long endTimestamp) => endTimestamp <= StartTimestamp ? 0 : DueCount(endTimestamp - 1);
}

// Thread-safe latency recording into HdrHistograms (microseconds), with interval snapshots for the progress line.
using System.Diagnostics;
using HdrHistogram;

namespace GeoAssign.LoadTest.Measurement;

/// <summary>
/// Records latencies in microseconds from any number of threads without locks (an HdrHistogram
/// <see cref="Recorder"/> over concurrent histograms), and hands out interval histograms that the
/// progress line and the final report add up. Values are clamped to [1 µs, 1 h].
/// </summary>
internal sealed class LatencyRecorder
{
    /// <summary>The largest value kept: one hour in microseconds; anything slower is recorded as this.</summary>
    public const long HighestMicros = 3_600_000_000;

    // Three significant digits: 0.1 % resolution at any magnitude, as wrk2 and ghz report.
    private const int SignificantDigits = 3;

    private readonly Recorder _recorder = new(1, HighestMicros, SignificantDigits,
        (id, lowest, highest, digits) => new LongConcurrentHistogram(id, lowest, highest, digits));

    private readonly object _drain = new();
    private readonly LongHistogram _total = NewHistogram();

    /// <summary>An empty histogram with this recorder's range and precision.</summary>
    public static LongHistogram NewHistogram() => new(1, HighestMicros, SignificantDigits);

    /// <summary>Microseconds between two <see cref="Stopwatch.GetTimestamp"/> values, at least 1.</summary>
    public static long Micros(long fromTimestamp, long toTimestamp)
    {
        var ticks = toTimestamp - fromTimestamp;
        var micros = ticks <= 0 ? 0 : (long)(ticks * (1_000_000.0 / Stopwatch.Frequency));
        return Math.Clamp(micros, 1, HighestMicros);
    }

    /// <summary>Records one latency given in microseconds (clamped).</summary>
    public void RecordMicros(long micros) => _recorder.RecordValue(Math.Clamp(micros, 1, HighestMicros));

    /// <summary>Records the time from <paramref name="startTimestamp"/> to now.</summary>
    public void RecordSince(long startTimestamp) => RecordMicros(Micros(startTimestamp, Stopwatch.GetTimestamp()));

    /// <summary>
    /// Moves what was recorded since the last call into the running total and returns it as an
    /// interval histogram (for the progress line). Thread-safe.
    /// </summary>
    public HistogramBase TakeInterval()
    {
        lock (_drain)
        {
            var interval = _recorder.GetIntervalHistogram();
            _total.Add(interval);
            return interval;
        }
    }

    /// <summary>A copy of everything recorded so far (drains the current interval first).</summary>
    public LongHistogram Snapshot()
    {
        lock (_drain)
        {
            _total.Add(_recorder.GetIntervalHistogram());
            var copy = NewHistogram();
            copy.Add(_total);
            return copy;
        }
    }

    /// <summary>Forgets everything recorded so far (the end of the warm-up).</summary>
    public void Reset()
    {
        lock (_drain)
        {
            _recorder.GetIntervalHistogram();
            _total.Reset();
        }
    }
}

// The percentiles a report shows, read from an HdrHistogram.
using HdrHistogram;

namespace GeoAssign.LoadTest.Measurement;

/// <summary>Latency percentiles in microseconds (0 when nothing was recorded). Immutable.</summary>
internal sealed record LatencySummary(long Count, double MeanMicros, long P50Micros, long P90Micros, long P99Micros, long P999Micros, long MaxMicros)
{
    /// <summary>No values.</summary>
    public static readonly LatencySummary Empty = new(0, 0, 0, 0, 0, 0, 0);

    /// <summary>Reads the percentiles of <paramref name="histogram"/>.</summary>
    public static LatencySummary Of(HistogramBase histogram)
    {
        if (histogram.TotalCount == 0)
        {
            return Empty;
        }

        return new LatencySummary(
            histogram.TotalCount,
            histogram.GetMean(),
            histogram.GetValueAtPercentile(50),
            histogram.GetValueAtPercentile(90),
            histogram.GetValueAtPercentile(99),
            histogram.GetValueAtPercentile(99.9),
            histogram.GetMaxValue());
    }

    /// <summary>Percentiles of plain millisecond samples (the Redis probe's round trips), recorded at microsecond precision.</summary>
    public static LatencySummary OfMilliseconds(IEnumerable<double> milliseconds)
    {
        var histogram = LatencyRecorder.NewHistogram();
        foreach (var value in milliseconds)
        {
            if (double.IsFinite(value))
            {
                histogram.RecordValue(Math.Clamp((long)Math.Round(value * 1000), 1, LatencyRecorder.HighestMicros));
            }
        }

        return Of(histogram);
    }
}

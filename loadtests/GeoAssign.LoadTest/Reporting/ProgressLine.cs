// The live progress line: throughput and running p99, once a second.
using System.Diagnostics;
using System.Globalization;
using GeoAssign.LoadTest.Measurement;

namespace GeoAssign.LoadTest.Reporting;

/// <summary>
/// Prints one line a second while a run goes on: phase, elapsed time, requests per second over the
/// last second, the p99 of the last second and of the whole window so far, and errors. On a terminal
/// the line rewrites itself; otherwise (a log, CI) a line is printed every <see cref="PlainEvery"/>.
/// </summary>
internal sealed class ProgressLine(TextWriter writer, bool interactive, LoadMeter meter, long runStart)
{
    /// <summary>How often a plain (non-terminal) progress line is printed.</summary>
    public static readonly TimeSpan PlainEvery = TimeSpan.FromSeconds(5);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var lastAttempts = 0L;
        var lastTimestamp = Stopwatch.GetTimestamp();
        var lastPrinted = lastTimestamp;
        var total = LatencyRecorder.NewHistogram();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var now = Stopwatch.GetTimestamp();
                var interval = meter.Latency.TakeInterval();
                total.Add(interval);
                var attempts = meter.Attempts;
                var seconds = (double)(now - lastTimestamp) / Stopwatch.Frequency;
                var rate = (attempts - lastAttempts) / Math.Max(seconds, 1e-6);
                lastAttempts = attempts;
                lastTimestamp = now;
                var phase = now < meter.MeasureStart ? "warm-up" : now < meter.MeasureEnd ? "measure" : "drain";
                var elapsed = (double)(now - runStart) / Stopwatch.Frequency;
                var line = string.Create(CultureInfo.InvariantCulture,
                    $"{phase,-7} {elapsed,6:0}s  {rate,10:N0} req/s  p99 last 1 s {Ms(interval.TotalCount == 0 ? 0 : interval.GetValueAtPercentile(99)),8} ms  p99 so far {Ms(total.TotalCount == 0 ? 0 : total.GetValueAtPercentile(99)),8} ms  errors {meter.Errors.Total:N0}");
                if (interactive)
                {
                    await writer.WriteAsync("\r" + line + "   ").ConfigureAwait(false);
                }
                else if ((double)(now - lastPrinted) / Stopwatch.Frequency >= PlainEvery.TotalSeconds - 0.5)
                {
                    await writer.WriteLineAsync(line).ConfigureAwait(false);
                    lastPrinted = now;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        if (interactive)
        {
            await writer.WriteLineAsync().ConfigureAwait(false);
        }
    }

    private static string Ms(long micros) => (micros / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);
}

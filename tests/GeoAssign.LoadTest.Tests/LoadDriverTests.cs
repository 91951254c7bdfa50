// The closed and open loops, with operations that stand in for a server (no network).
using System.Diagnostics;
using GeoAssign.LoadTest.Measurement;
using HdrHistogram;
using GeoAssign.LoadTest.Scheduling;
using Grpc.Core;

namespace GeoAssign.LoadTest.Tests;

/// <summary>Timing tests: alone, so that other tests busy on the thread pool do not starve the callers they count.</summary>
[CollectionDefinition(nameof(LoadDriverTests), DisableParallelization = true)]
public sealed class LoadDriverCollection;

[Collection(nameof(LoadDriverTests))]
public sealed class LoadDriverTests
{
    [Fact]
    public async Task The_open_loop_charges_a_stall_to_every_request_that_waited_behind_it()
    {
        // 200 requests a second through one sender; request 40 stalls for 300 ms. A closed loop (or a
        // generator measuring from the actual send) would show one slow request; measured from the
        // intended send time, the ~60 requests due during the stall are slow too (coordinated omission).
        var stall = TimeSpan.FromMilliseconds(300);
        var operation = new ScriptedOperation(index => index == 40 ? stall : TimeSpan.Zero);
        var meter = Meter(warmup: TimeSpan.Zero, duration: TimeSpan.FromSeconds(1));
        var shape = new LoadShape(TimeSpan.Zero, TimeSpan.FromSeconds(1), Concurrency: 1, Rate: 200, DrainTimeout: TimeSpan.FromSeconds(5));

        var outcome = await LoadDriver.RunAsync(shape, _ => operation, meter, CancellationToken.None);

        var histogram = meter.Latency.Snapshot();
        Assert.Equal(0, outcome.Unsent);
        Assert.InRange(histogram.TotalCount, 190, 201);
        var slow = CountAtOrAbove(histogram, 50_000);
        Assert.True(slow >= 40, $"only {slow} requests were slower than 50 ms; the stall was hidden");
        Assert.True(histogram.GetMaxValue() >= 250_000, $"max {histogram.GetMaxValue()} µs is below the 300 ms stall");
        Assert.Equal(0, meter.Errors.Total);
    }

    [Fact]
    public async Task The_closed_loop_runs_every_caller_back_to_back_and_counts_what_it_measured()
    {
        var started = new int[4];
        var meter = Meter(warmup: TimeSpan.FromMilliseconds(100), duration: TimeSpan.FromMilliseconds(400));
        var shape = new LoadShape(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(400), Concurrency: 4, Rate: null,
            DrainTimeout: TimeSpan.FromSeconds(5));

        await LoadDriver.RunAsync(shape, worker => new ScriptedOperation(_ =>
        {
            Interlocked.Increment(ref started[worker]);
            return TimeSpan.Zero;
        }), meter, CancellationToken.None);

        Assert.All(started, count => Assert.True(count > 0, "a caller never ran"));
        Assert.True(meter.Requests > 0);
        Assert.True(meter.Requests <= started.Sum());
        Assert.Equal(meter.Requests, meter.Latency.Snapshot().TotalCount);
        Assert.Equal(meter.Requests * 3, meter.Items);
    }

    [Fact]
    public void Only_operations_started_inside_the_window_are_counted()
    {
        var meter = new LoadMeter(measureStart: 1_000, measureEnd: 2_000);

        meter.Succeeded(999, 1_500, 5);       // warm-up
        meter.Succeeded(1_000, 1_100, 5);     // first instant of the window
        meter.Succeeded(1_999, 9_000, 5);     // started inside, answered long after: counted
        meter.Succeeded(2_000, 2_001, 5);     // after the window
        meter.Failed(500, new TimeoutException());
        meter.Failed(1_500, new TimeoutException());

        Assert.Equal(2, meter.Requests);
        Assert.Equal(10, meter.Items);
        Assert.Equal(2, meter.Latency.Snapshot().TotalCount);
        Assert.Equal(1, meter.Errors.Total);
        Assert.Equal(6, meter.Attempts);
    }

    [Fact]
    public async Task Failed_calls_are_counted_by_status_code_and_not_as_latency()
    {
        var meter = Meter(TimeSpan.Zero, TimeSpan.FromMilliseconds(300));
        var shape = new LoadShape(TimeSpan.Zero, TimeSpan.FromMilliseconds(300), 2, Rate: 500, TimeSpan.FromSeconds(5));

        await LoadDriver.RunAsync(shape, _ => new ScriptedOperation(index => index % 2 == 0
            ? throw new RpcException(new Status(StatusCode.Unavailable, "down"))
            : TimeSpan.Zero), meter, CancellationToken.None);

        var errors = meter.Errors.ByStatus();
        Assert.Equal(["Unavailable"], errors.Keys);
        Assert.InRange(errors["Unavailable"] + meter.Requests, 140, 151);
        Assert.Equal(meter.Requests, meter.Latency.Snapshot().TotalCount);
    }

    private static LoadMeter Meter(TimeSpan warmup, TimeSpan duration)
    {
        var start = Stopwatch.GetTimestamp() + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        return new LoadMeter(start, start + (long)(duration.TotalSeconds * Stopwatch.Frequency));
    }

    private static long CountAtOrAbove(HdrHistogram.HistogramBase histogram, long micros)
    {
        long count = 0;
        foreach (var value in histogram.RecordedValues())
        {
            if (value.ValueIteratedTo >= micros)
            {
                count += value.CountAtValueIteratedTo;
            }
        }

        return count;
    }

    /// <summary>An operation whose n-th call (across workers) takes the time the script says, carrying 3 items.</summary>
    private sealed class ScriptedOperation(Func<int, TimeSpan> script) : ILoadOperation
    {
        private int _calls;

        public async ValueTask<int> ExecuteAsync(CancellationToken cancellationToken)
        {
            var delay = script(Interlocked.Increment(ref _calls) - 1);
            if (delay > TimeSpan.Zero)
            {
                // The simulated slow operation the driver is measured against, not a wait for a condition.
                await Task.Delay(delay, cancellationToken);
            }
            else
            {
                await Task.Yield();
            }

            return 3;
        }
    }
}

// Runs operations in a closed loop (N callers back to back) or an open loop (a fixed rate).
using System.Diagnostics;
using System.Threading.Channels;
using GeoAssign.LoadTest.Measurement;

namespace GeoAssign.LoadTest.Scheduling;

/// <summary>One request of a scenario (a unary call, a batch, a Reassign call, ...).</summary>
internal interface ILoadOperation
{
    /// <summary>Sends one request and waits for its answer; returns how many items (points, accounts) it carried.</summary>
    /// <exception cref="Grpc.Core.RpcException">The call failed; the status code is counted.</exception>
    ValueTask<int> ExecuteAsync(CancellationToken cancellationToken);
}

/// <summary>How a run is timed.</summary>
/// <param name="Warmup">Load before the measurement starts (not counted).</param>
/// <param name="Duration">The measured part.</param>
/// <param name="Concurrency">Closed loop: the number of callers. Open loop: the most requests in flight.</param>
/// <param name="Rate">Open loop: requests per second; <see langword="null"/> for a closed loop.</param>
/// <param name="DrainTimeout">How long to wait at the end for requests still in flight or still queued.</param>
internal sealed record LoadShape(TimeSpan Warmup, TimeSpan Duration, int Concurrency, double? Rate, TimeSpan DrainTimeout);

/// <summary>What a driver run left besides the meter: requests of an open loop never sent.</summary>
/// <param name="Unsent">Due requests the open loop could not send before the drain timeout (a sign of overload).</param>
/// <param name="Elapsed">Wall time of the measured part, from the window's start to the last answer counted.</param>
internal sealed record LoadDriverOutcome(long Unsent, TimeSpan Elapsed);

/// <summary>
/// Drives <see cref="ILoadOperation"/>s. <b>Closed loop</b> (<see cref="LoadShape.Rate"/> null):
/// each of N callers sends its next request as soon as the previous one is answered; latency runs
/// from the send. <b>Open loop</b>: a dispatcher thread releases requests at the fixed rate
/// (<see cref="OpenLoopSchedule"/>) to N senders; latency runs from the <em>intended</em> send
/// time, so when the server (or the senders) fall behind, the wait shows as latency as in wrk2. The
/// delay between the intended time and the actual send is recorded too (dispatch lag).
/// </summary>
internal static class LoadDriver
{
    public static async Task<LoadDriverOutcome> RunAsync(LoadShape shape, Func<int, ILoadOperation> operationFactory, LoadMeter meter,
        CancellationToken cancellationToken)
    {
        var operations = new ILoadOperation[shape.Concurrency];
        for (var i = 0; i < operations.Length; i++)
        {
            operations[i] = operationFactory(i);
        }

        // Cancels calls still in flight once the drain timeout is over, or when the user interrupts.
        using var hardStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var drainDeadline = meter.MeasureEnd + (long)(shape.DrainTimeout.TotalSeconds * Stopwatch.Frequency);
        using var drainTimer = new Timer(_ => hardStop.Cancel(), null,
            TimeSpan.FromSeconds(Math.Max(0, drainDeadline - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency) + TimeSpan.FromMilliseconds(100),
            Timeout.InfiniteTimeSpan);

        LoadDriverOutcome outcome;
        if (shape.Rate is { } rate)
        {
            // The schedule is fixed to the window: it starts one warm-up before the window starts.
            var scheduleStart = meter.MeasureStart - (long)(shape.Warmup.TotalSeconds * Stopwatch.Frequency);
            outcome = await RunOpenLoopAsync(new OpenLoopSchedule(scheduleStart, rate, Stopwatch.Frequency), operations, meter, drainDeadline, hardStop.Token)
                .ConfigureAwait(false);
        }
        else
        {
            var workers = new Task[operations.Length];
            for (var i = 0; i < workers.Length; i++)
            {
                var operation = operations[i];
                workers[i] = Task.Run(() => ClosedLoopAsync(operation, meter, hardStop.Token), CancellationToken.None);
            }

            await Task.WhenAll(workers).ConfigureAwait(false);
            outcome = new LoadDriverOutcome(0, Elapsed(meter));
        }

        cancellationToken.ThrowIfCancellationRequested();
        return outcome;
    }

    private static TimeSpan Elapsed(LoadMeter meter) =>
        TimeSpan.FromSeconds((double)(Math.Max(Stopwatch.GetTimestamp(), meter.MeasureEnd) - meter.MeasureStart) / Stopwatch.Frequency);

    private static async Task ClosedLoopAsync(ILoadOperation operation, LoadMeter meter, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var start = Stopwatch.GetTimestamp();
            if (start >= meter.MeasureEnd)
            {
                return;
            }

            try
            {
                var items = await operation.ExecuteAsync(cancellationToken).ConfigureAwait(false);
                meter.Succeeded(start, items);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                meter.Failed(start, e);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private static async Task<LoadDriverOutcome> RunOpenLoopAsync(OpenLoopSchedule schedule, ILoadOperation[] operations, LoadMeter meter, long drainDeadline,
        CancellationToken cancellationToken)
    {
        var total = schedule.CountBefore(meter.MeasureEnd);
        var due = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleWriter = true, SingleReader = false });
        long taken = 0;

        var dispatcher = new Thread(() => Dispatch(schedule, total, due.Writer, cancellationToken))
        {
            IsBackground = true,
            Name = "open-loop dispatcher",
            Priority = ThreadPriority.AboveNormal,
        };
        dispatcher.Start();

        var senders = new Task[operations.Length];
        for (var i = 0; i < senders.Length; i++)
        {
            var operation = operations[i];
            senders[i] = Task.Run(async () =>
            {
                var reader = due.Reader;
                try
                {
                    // ReadAsync hands each request to exactly one waiting sender. (WaitToReadAsync would
                    // wake every idle sender for every request, a thundering herd that cost more than
                    // the calls themselves and showed up as latency.)
                    while (true)
                    {
                        long intended;
                        try
                        {
                            intended = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                        }
                        catch (ChannelClosedException)
                        {
                            break;
                        }

                        {
                            Interlocked.Increment(ref taken);
                            var sent = Stopwatch.GetTimestamp();
                            if (meter.InWindow(intended))
                            {
                                meter.DispatchLag.RecordMicros(LatencyRecorder.Micros(intended, sent));
                            }

                            if (sent >= drainDeadline)
                            {
                                // Past the drain timeout: stop sending; what is left counts as unsent.
                                Interlocked.Decrement(ref taken);
                                return;
                            }

                            try
                            {
                                var items = await operation.ExecuteAsync(cancellationToken).ConfigureAwait(false);
                                meter.Succeeded(intended, items);
                            }
                            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                            {
                                meter.Failed(intended, e);
                            }
                            catch (Exception) when (cancellationToken.IsCancellationRequested)
                            {
                                // Cut off by the drain timeout or the user: not answered, so not sent as far as the report goes.
                                Interlocked.Decrement(ref taken);
                                throw;
                            }
                        }
                    }
                }
                catch (Exception) when (cancellationToken.IsCancellationRequested)
                {
                }
            }, CancellationToken.None);
        }

        await Task.WhenAll(senders).ConfigureAwait(false);
        dispatcher.Join();
        // Requests are sent in schedule order, so whatever was never sent belongs to the end of the window.
        var unsent = Math.Max(0, total - Interlocked.Read(ref taken));
        return new LoadDriverOutcome(unsent, Elapsed(meter));
    }

    // A dedicated thread: timer-driven tasks would add the thread pool's scheduling delays to every send.
    private static void Dispatch(OpenLoopSchedule schedule, long total, ChannelWriter<long> writer, CancellationToken cancellationToken)
    {
        long next = 0;
        try
        {
            while (next < total && !cancellationToken.IsCancellationRequested)
            {
                var now = Stopwatch.GetTimestamp();
                var dueNow = Math.Min(schedule.DueCount(now), total);
                while (next < dueNow)
                {
                    writer.TryWrite(schedule.IntendedTimestamp(next));
                    next++;
                }

                if (next < total)
                {
                    PreciseDelay.Until(schedule.IntendedTimestamp(next));
                }
            }
        }
        finally
        {
            writer.TryComplete();
        }
    }
}

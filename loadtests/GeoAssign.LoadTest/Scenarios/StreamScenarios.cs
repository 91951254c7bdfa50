// The streaming scenarios: ResolveStream and EchoStream, with a window of messages in flight.
using System.Collections.Concurrent;
using System.Diagnostics;
using GeoAssign.LoadTest.Measurement;
using GeoAssign.LoadTest.Scheduling;
using GeoAssign.Protos.V1;
using Grpc.Core;

namespace GeoAssign.LoadTest.Scenarios;

/// <summary>
/// --concurrency bidirectional streams that live for the whole run. Each writes prebuilt messages
/// (cycling) while keeping at most --stream-window of them unanswered, and reads answers in a second
/// loop, as the protocol asks. One operation is one message: its latency runs from the start of its
/// write to its answer, and its items are the points it carried. A stream that fails is counted
/// and opened again. Closed loop only.
/// </summary>
internal abstract class WindowedStreamScenario<TRequest, TResponse> : Scenario
    where TRequest : class
    where TResponse : class
{
    private TRequest[] _messages = [];

    public override bool SupportsOpenLoop => false;

    protected abstract TRequest[] BuildMessages(ScenarioContext context);

    protected abstract AsyncDuplexStreamingCall<TRequest, TResponse> Open(ScenarioContext context, int worker, CancellationToken cancellationToken);

    protected abstract int ItemsOf(TResponse response);

    public override Task PrepareAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        _messages = BuildMessages(context);
        return Task.CompletedTask;
    }

    public override async Task<LoadDriverOutcome> RunAsync(ScenarioContext context, LoadMeter meter, CancellationToken cancellationToken)
    {
        var shape = context.Settings.Shape;
        using var hardStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        hardStop.CancelAfter(shape.Warmup + shape.Duration + shape.DrainTimeout);
        var workers = new Task[shape.Concurrency];
        for (var i = 0; i < workers.Length; i++)
        {
            var worker = i;
            workers[i] = Task.Run(() => WorkerAsync(context, worker, meter, hardStop.Token), CancellationToken.None);
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return new LoadDriverOutcome(0, TimeSpan.FromSeconds((double)(Math.Max(Stopwatch.GetTimestamp(), meter.MeasureEnd) - meter.MeasureStart) / Stopwatch.Frequency));
    }

    private async Task WorkerAsync(ScenarioContext context, int worker, LoadMeter meter, CancellationToken cancellationToken)
    {
        var next = _messages.Length * worker / Math.Max(1, context.Settings.Shape.Concurrency);
        while (!cancellationToken.IsCancellationRequested && Stopwatch.GetTimestamp() < meter.MeasureEnd)
        {
            var opened = Stopwatch.GetTimestamp();
            var answered = 0L;
            var sent = new ConcurrentQueue<long>();
            using var window = new SemaphoreSlim(context.Settings.StreamWindow);
            try
            {
                using var call = Open(context, worker, cancellationToken);
                var reader = Task.Run(async () =>
                {
                    while (await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
                    {
                        var end = Stopwatch.GetTimestamp();
                        if (!sent.TryDequeue(out var start))
                        {
                            throw new InvalidDataException("The server answered a message that was not sent.");
                        }

                        meter.Succeeded(start, end, ItemsOf(call.ResponseStream.Current));
                        answered++;
                        window.Release();
                    }
                }, CancellationToken.None);

                while (Stopwatch.GetTimestamp() < meter.MeasureEnd)
                {
                    await window.WaitAsync(cancellationToken).ConfigureAwait(false);
                    if (reader.IsCompleted)
                    {
                        break;
                    }

                    sent.Enqueue(Stopwatch.GetTimestamp());
                    await call.RequestStream.WriteAsync(_messages[next], cancellationToken).ConfigureAwait(false);
                    next = next + 1 == _messages.Length ? 0 : next + 1;
                }

                await call.RequestStream.CompleteAsync().ConfigureAwait(false);
                await reader.ConfigureAwait(false);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                meter.Failed(sent.TryPeek(out var start) ? start : opened, e);
                if (answered == 0)
                {
                    // A stream that cannot even start: do not spin on reconnecting.
                    await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }
}

/// <summary>ResolveStream: chunks of --batch-size points.</summary>
internal sealed class StreamScenario : WindowedStreamScenario<ResolveStreamRequest, ResolveStreamResponse>
{
    protected override ResolveStreamRequest[] BuildMessages(ScenarioContext context) =>
        StreamMessages.Chunks(context, chunk => new ResolveStreamRequest { Layer = context.Settings.Layer, Points = chunk });

    protected override AsyncDuplexStreamingCall<ResolveStreamRequest, ResolveStreamResponse> Open(ScenarioContext context, int worker,
        CancellationToken cancellationToken) =>
        new AssignmentService.AssignmentServiceClient(context.Channels.ForWorker(worker)).ResolveStream(context.Channels.Streaming(cancellationToken));

    protected override int ItemsOf(ResolveStreamResponse response) => response.Assignments.Count;
}

/// <summary>EchoStream with messages as large as the stream scenario's chunks and their answers: the cost of streaming without the lookups.</summary>
internal sealed class EchoStreamScenario : WindowedStreamScenario<EchoStreamRequest, EchoStreamResponse>
{
    private int _pointsPerMessage;

    public override async Task PrepareAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        // Sizes from a real chunk and the server's real answer to it.
        var chunk = StreamMessages.Chunks(context, c => c)[0];
        var request = new ResolveStreamRequest { Layer = context.Settings.Layer, Points = chunk };
        var client = new AssignmentService.AssignmentServiceClient(context.Channels.ForWorker(0));
        var batch = await client.ResolveBatchAsync(new ResolveBatchRequest { Layer = context.Settings.Layer, Points = chunk },
            context.Channels.Unary(cancellationToken)).ConfigureAwait(false);
        var response = new ResolveStreamResponse { FirstIndex = (ulong)chunk.Count * 1000, Assignments = batch.Assignments };
        _pointsPerMessage = chunk.Count;
        var echo = EchoSizes.Request(request.CalculateSize(), response.CalculateSize());
        context.Log($"echo-stream: {request.CalculateSize():N0}-byte messages, {response.CalculateSize():N0}-byte answers (as ResolveStream's with {chunk.Count:N0} points)");
        Template = new EchoStreamRequest { Payload = echo.Payload, ResponseSize = echo.ResponseSize };
        await base.PrepareAsync(context, cancellationToken).ConfigureAwait(false);
    }

    private EchoStreamRequest? Template { get; set; }

    protected override EchoStreamRequest[] BuildMessages(ScenarioContext context) => [Template!];

    protected override AsyncDuplexStreamingCall<EchoStreamRequest, EchoStreamResponse> Open(ScenarioContext context, int worker,
        CancellationToken cancellationToken) =>
        new DiagnosticsService.DiagnosticsServiceClient(context.Channels.ForWorker(worker)).EchoStream(context.Channels.Streaming(cancellationToken));

    // Points the message stands in for, so that points/s compares with the stream scenario's.
    protected override int ItemsOf(EchoStreamResponse response) => _pointsPerMessage;
}

/// <summary>Builds the chunks of a run's points once.</summary>
internal static class StreamMessages
{
    /// <summary>The run's points cut into chunks of --batch-size (at least one chunk), each wrapped by <paramref name="wrap"/>.</summary>
    public static T[] Chunks<T>(ScenarioContext context, Func<PointChunk, T> wrap)
    {
        var size = context.Settings.BatchSize;
        var count = Math.Max(1, context.Points.Length / size);
        var messages = new T[count];
        for (var i = 0; i < count; i++)
        {
            var chunk = new PointChunk();
            PointChunks.Fill(chunk, context.Points, (int)((long)i * size % context.Points.Length), size);
            messages[i] = wrap(chunk);
        }

        return messages;
    }
}

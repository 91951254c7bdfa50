// Checks the 5-byte header of each gRPC request message before grpc-dotnet decodes it; a broken-off body is CANCELLED.
using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.Features;

namespace GeoAssign.Server.Hosting;

/// <summary>
/// Middleware that gives gRPC requests a body reader which checks every message header: a
/// compressed flag other than 0 or 1 is INTERNAL and a length above the message-size limit is
/// RESOURCE_EXHAUSTED naming the limit. grpc-dotnet throws a plain exception for a flag it does
/// not know and for a length of 2 GiB or more (it cannot hold it in an int), which gRPC would
/// answer with UNKNOWN. A body that breaks off (the client reset the stream or the connection
/// dropped: Kestrel throws IOException, sometimes before the call's token is cancelled) is
/// CANCELLED rather than an unexpected error. Thread-safe; each request gets its own reader.
/// </summary>
internal static class MessageFrameCheck
{
    /// <summary>Adds the check for requests to gRPC endpoints (after gRPC-Web has decoded its bodies).</summary>
    public static void UseMessageFrameCheck(this IApplicationBuilder app, int maxMessageBytes) =>
        app.Use((context, next) =>
        {
            if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true
                && context.Features.Get<IRequestBodyPipeFeature>() is { } body)
            {
                context.Features.Set<IRequestBodyPipeFeature>(new FrameCheckingReader(body.Reader, maxMessageBytes));
            }

            return next(context);
        });
}

/// <summary>
/// A request body reader for <see cref="MessageFrameCheck"/>: passes reads through and checks the
/// header at the start of each buffer it hands out. grpc-dotnet consumes a request body one whole
/// message at a time, so every buffer it reads starts at a message header; a buffer shorter than a
/// header is checked when the rest arrives. Not thread-safe, as no PipeReader is.
/// </summary>
internal sealed class FrameCheckingReader(PipeReader inner, int maxMessageBytes) : PipeReader, IRequestBodyPipeFeature
{
    private const int HeaderSize = 5;

    // Its own feature: one object per request.
    PipeReader IRequestBodyPipeFeature.Reader => this;

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        ValueTask<ReadResult> read;
        try
        {
            read = inner.ReadAsync(cancellationToken);
        }
        catch (IOException e)
        {
            throw RequestDecoding.BrokenOff(e);
        }

        // A read that is ready at once (a small unary request usually is) costs no state machine.
        if (read.IsCompletedSuccessfully)
        {
            var result = read.Result;
            Check(result.Buffer);
            return new ValueTask<ReadResult>(result);
        }

        return AwaitAsync(read);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadResult> AwaitAsync(ValueTask<ReadResult> read)
    {
        ReadResult result;
        try
        {
            result = await read.ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw RequestDecoding.BrokenOff(e);
        }

        Check(result.Buffer);
        return result;
    }

    public override bool TryRead(out ReadResult result)
    {
        try
        {
            if (!inner.TryRead(out result))
            {
                return false;
            }
        }
        catch (IOException e)
        {
            throw RequestDecoding.BrokenOff(e);
        }

        Check(result.Buffer);
        return true;
    }

    public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

    private void Check(in ReadOnlySequence<byte> buffer)
    {
        if (buffer.Length < HeaderSize)
        {
            return;
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(header);
        var flag = header[0];
        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (flag <= 1 && length <= (uint)maxMessageBytes)
        {
            return;
        }

        // The read ends here: hand the buffer back so that the body can still be drained and completed.
        inner.AdvanceTo(buffer.Start);
        throw flag > 1 ? RequestDecoding.BadCompressedFlag(flag) : RequestDecoding.TooLarge(length, maxMessageBytes, decompressed: false);
    }
}

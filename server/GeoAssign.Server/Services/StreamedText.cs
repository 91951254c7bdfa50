// Reads the text of a client-streamed import while it arrives: the chunks go through a pipe to a reader on another thread.
using System.IO.Pipelines;
using Google.Protobuf;
using Grpc.Core;

namespace GeoAssign.Server.Services;

/// <summary>
/// The one way the streamed imports (GeoJSON, override CSV, postal codes) read their text: the chunks
/// go through a pipe to the reader, which parses on another thread, so the server never holds the
/// whole text and reading overlaps receiving (8 MiB in the pipe before the sender waits). Only the
/// first message may carry options; the text is bounded by GeoAssign:MaxImportBytes. Stateless; thread-safe.
/// </summary>
internal static class StreamedText
{
    /// <summary>
    /// Feeds <paramref name="first"/>'s chunk and those of the rest of <paramref name="requestStream"/>
    /// to <paramref name="read"/> and returns what it read. A reader that finishes early (too many
    /// problems) ends the reading; its result is the answer.
    /// </summary>
    /// <param name="first">The first message, already read (its options taken by the caller).</param>
    /// <param name="requestStream">The rest of the messages.</param>
    /// <param name="chunkOf">The message's chunk of text.</param>
    /// <param name="hasOptions">Whether the message carries options (only the first may).</param>
    /// <param name="maxBytes">The most text accepted.</param>
    /// <param name="what">The text's name in messages, e.g. "The GeoJSON".</param>
    /// <param name="overLimit">What to add to the RESOURCE_EXHAUSTED message, e.g. how to split the file.</param>
    /// <param name="read">Reads the text from the stream it is given.</param>
    /// <param name="cancellationToken">The call's cancellation.</param>
    public static async Task<T> ReadAsync<TMessage, T>(TMessage first, IAsyncStreamReader<TMessage> requestStream, Func<TMessage, ByteString> chunkOf,
        Func<TMessage, bool> hasOptions, long maxBytes, string what, string overLimit, Func<Stream, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 8 << 20, resumeWriterThreshold: 4 << 20, useSynchronizationContext: false));
        var reading = Task.Run(async () =>
        {
            // Disposing the stream completes the pipe's reader, which tells the writer below to stop.
            await using var stream = pipe.Reader.AsStream();
            return await read(stream, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
        try
        {
            long bytes = 0;
            var message = first;
            for (var index = 0; ; index++)
            {
                if (index > 0 && hasOptions(message))
                {
                    throw RpcErrors.InvalidArgument($"Message {index} of the stream carries options; only the first may.");
                }

                var chunk = chunkOf(message);
                bytes += chunk.Length;
                if (bytes > maxBytes)
                {
                    throw RpcErrors.ResourceExhausted($"{what} passes the import limit of {maxBytes:N0} bytes (GeoAssign:MaxImportBytes); nothing was changed.{(overLimit.Length == 0 ? "" : " " + overLimit)}");
                }

                var flushed = await pipe.Writer.WriteAsync(chunk.Memory, cancellationToken).ConfigureAwait(false);
                if (flushed.IsCompleted || !await requestStream.MoveNext(cancellationToken).ConfigureAwait(false))
                {
                    break;
                }

                message = requestStream.Current;
            }

            await pipe.Writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The reader then fails with this same exception: wait for it to stop, and report the cause.
            await pipe.Writer.CompleteAsync(e).ConfigureAwait(false);
            await Task.WhenAny(reading).ConfigureAwait(false);
            _ = reading.Exception;
            throw;
        }

        return await reading.ConfigureAwait(false);
    }
}

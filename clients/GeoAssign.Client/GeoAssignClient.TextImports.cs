// GeoAssignClient: the one way a text file (override CSV, postal codes) streams to a client-streaming import.
using Google.Protobuf;
using Grpc.Core;

namespace GeoAssign.Client;

public sealed partial class GeoAssignClient
{
    /// <summary>
    /// Streams <paramref name="text"/> from its current position to its end in <see cref="GeoAssignClientOptions.ImportChunkBytes"/>
    /// chunks over the call <paramref name="start"/> opens, the options in the first message (<paramref name="messageFor"/>
    /// gets each chunk and whether it is the first). A seekable stream is sent again from the same position when a retry
    /// is safe; one that cannot seek is sent once.
    /// </summary>
    private Task<TResponse> ImportTextAsync<TRequest, TResponse>(string rpc, ulong? expectedVersion, Stream text, CountingProgress counter,
        Func<CallOptions, AsyncClientStreamingCall<TRequest, TResponse>> start, Func<ByteString, bool, TRequest> messageFor,
        CancellationToken cancellationToken)
    {
        if (!text.CanSeek)
        {
            return Retry.ExecuteAsync(rpc, Options.Address, CallSafety.Once, (client: this, text, counter, start, messageFor),
                static (args, token) => args.client.ImportTextAttemptAsync(args.text, args.counter, args.start, args.messageFor, token),
                cancellationToken);
        }

        var position = text.Position;
        return Retry.ExecuteAsync(rpc, Options.Address, EditSafety(expectedVersion), (client: this, text, position, counter, start, messageFor),
            static (args, token) =>
            {
                args.text.Position = args.position;
                return args.client.ImportTextAttemptAsync(args.text, args.counter, args.start, args.messageFor, token);
            }, cancellationToken);
    }

    private async Task<TResponse> ImportTextAttemptAsync<TRequest, TResponse>(Stream text, IProgress<long> progress,
        Func<CallOptions, AsyncClientStreamingCall<TRequest, TResponse>> start, Func<ByteString, bool, TRequest> messageFor, CancellationToken token)
    {
        using var call = start(StreamingCallOptions(token));
        Exception? writeError = null;
        try
        {
            var first = true;
            long sent = 0;
            progress.Report(0);
            var buffer = new byte[Options.ImportChunkBytes];
            while (true)
            {
                var read = await text.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, token).ConfigureAwait(false);
                if (read == 0 && !first)
                {
                    break;
                }

                // The options travel in the first message, with the first chunk (or none, for an empty file).
                await call.RequestStream.WriteAsync(messageFor(ByteString.CopyFrom(buffer, 0, read), first), token).ConfigureAwait(false);
                first = false;
                sent += read;
                progress.Report(sent);
                if (read == 0)
                {
                    break;
                }
            }

            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException)
        {
            // The call failed while sending (the server rejected the text early): its status, read below, says why.
            writeError = e;
        }

        var response = await call.ResponseAsync.ConfigureAwait(false);
        if (writeError is not null)
        {
            throw writeError;
        }

        return response;
    }
}

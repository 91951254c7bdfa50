// Streams items in chunks over a duplex call that answers each request message with one response, in order.
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Grpc.Core;

namespace GeoAssign.Client;

/// <summary>How a chunked duplex RPC packs items into request messages and recognises its answers.</summary>
internal interface IChunkProtocol<TItem, TChunk, TRequest, TResponse>
{
    /// <summary>The RPC's name, for errors and retries.</summary>
    string Method { get; }

    TChunk NewChunk();

    void Add(TChunk chunk, TItem item);

    int Count(TChunk chunk);

    /// <summary>The request message for a chunk; the first carries the call's settings (layer, min_version).</summary>
    TRequest Request(TChunk chunk, bool first);

    AsyncDuplexStreamingCall<TRequest, TResponse> Start(CallOptions options);

    /// <summary>True for the response that answers the next request message; false for a trailing message such as a summary.</summary>
    bool IsAnswer(TResponse response);
}

/// <summary>
/// Runs a chunked duplex call (ResolveStream, Reassign) the way the API asks: a writer loop and a
/// reader loop at once, with at most a fixed number of request messages unanswered, so that memory
/// stays bounded on both sides and HTTP/2 flow control paces the client. Until the first response
/// arrives the call is retried on UNAVAILABLE (the first chunk is held and sent again; nothing has
/// been answered, and lookups change nothing); after that a broken stream fails the enumeration.
/// </summary>
internal static class ChunkedDuplexCall
{
    /// <summary>
    /// Yields every response in order, each answer paired with the chunk it answers (a non-answer
    /// with <see langword="default"/>). The source is read on a background task and disposed at the
    /// end; an exception it throws ends the call and is rethrown here as it is.
    /// </summary>
    public static async IAsyncEnumerable<(TChunk? Chunk, TResponse Response)> RunAsync<TItem, TChunk, TRequest, TResponse>(
        IChunkProtocol<TItem, TChunk, TRequest, TResponse> protocol,
        IAsyncEnumerator<TItem> source,
        GeoAssignClient client,
        [EnumeratorCancellation] CancellationToken cancellationToken)
        where TChunk : class
    {
        var options = client.Options;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = cancel.Token;
        var state = new PumpState<TItem, TChunk>(source, options.ChunkSize);
        AsyncDuplexStreamingCall<TRequest, TResponse>? call = null;
        Task? writer = null;
        try
        {
            var first = await FillFirstAsync(protocol, state, token).ConfigureAwait(false);
            (call, var response) = await client.Retry.ExecuteAsync(protocol.Method, options.Address, CallSafety.Read,
                (protocol, first, state, client),
                static async (args, attemptToken) =>
                {
                    var attempt = args.protocol.Start(args.client.StreamingCallOptions(attemptToken));
                    try
                    {
                        var requests = attempt.RequestStream;
                        try
                        {
                            if (args.protocol.Count(args.first) > 0)
                            {
                                await requests.WriteAsync(args.protocol.Request(args.first, first: true), attemptToken).ConfigureAwait(false);
                            }

                            if (args.state.SourceDone)
                            {
                                await requests.CompleteAsync().ConfigureAwait(false);
                            }
                        }
                        catch (Exception e) when (e is not OperationCanceledException)
                        {
                            // The call failed; reading its response stream below reports why.
                        }

                        var has = await attempt.ResponseStream.MoveNext(attemptToken).ConfigureAwait(false);
                        return (attempt, has ? attempt.ResponseStream.Current : default);
                    }
                    catch
                    {
                        attempt.Dispose();
                        throw;
                    }
                },
                token).ConfigureAwait(false);

            if (protocol.Count(first) > 0)
            {
                state.Pending.Enqueue(first);
            }

            if (!state.SourceDone)
            {
                var slots = new SemaphoreSlim(Math.Max(0, options.MaxChunksInFlight - state.Pending.Count), options.MaxChunksInFlight);
                state.Slots = slots;
                writer = WriteRestAsync(protocol, state, call, cancel);
            }

            while (response is not null)
            {
                if (protocol.IsAnswer(response))
                {
                    if (!state.Pending.TryDequeue(out var chunk))
                    {
                        throw ProtocolError(protocol.Method, client, "the server sent more answers than messages were sent");
                    }

                    state.Slots?.Release();
                    yield return (chunk, response);
                }
                else
                {
                    yield return (default, response);
                }

                response = await NextAsync(protocol.Method, call, state, client, cancellationToken, token).ConfigureAwait(false);
            }

            if (writer is not null)
            {
                // The server ends the call only after the writer completed the request stream, unless it
                // breaks the protocol: then the writer may wait for a slot that never comes. Cancelling
                // cannot disturb a writer that is only finishing CompleteAsync (it takes no token).
                if (!writer.IsCompleted)
                {
                    await cancel.CancelAsync().ConfigureAwait(false);
                }

                await writer.ConfigureAwait(false);
            }

            state.ThrowSourceError();
            if (!state.Pending.IsEmpty || !state.SourceDone)
            {
                throw ProtocolError(protocol.Method, client, $"the server ended the call with {state.Pending.Count} messages unanswered");
            }
        }
        finally
        {
            await cancel.CancelAsync().ConfigureAwait(false);
            if (writer is not null)
            {
                try
                {
                    await writer.ConfigureAwait(false);
                }
                catch
                {
                    // Already reported through the response stream or the source error.
                }
            }

            call?.Dispose();
            await source.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task WriteRestAsync<TItem, TChunk, TRequest, TResponse>(
        IChunkProtocol<TItem, TChunk, TRequest, TResponse> protocol, PumpState<TItem, TChunk> state,
        AsyncDuplexStreamingCall<TRequest, TResponse> call, CancellationTokenSource cancel)
        where TChunk : class
    {
        var token = cancel.Token;
        try
        {
            while (!state.SourceDone)
            {
                await state.Slots!.WaitAsync(token).ConfigureAwait(false);
                var chunk = await state.FillAsync(protocol, token).ConfigureAwait(false);
                if (protocol.Count(chunk) == 0)
                {
                    state.Slots.Release();
                    break;
                }

                state.Pending.Enqueue(chunk);
                await call.RequestStream.WriteAsync(protocol.Request(chunk, first: false), token).ConfigureAwait(false);
            }

            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        }
        catch (SourceException e)
        {
            // The caller's items failed (a bad input row, an I/O error): end the call, report that.
            state.SourceError = ExceptionDispatchInfo.Capture(e.InnerException!);
            await cancel.CancelAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException or OperationCanceledException or IOException)
        {
            // The call failed or was cancelled: the reader gets its status from the response stream.
        }
    }

    private static async ValueTask<TChunk> FillFirstAsync<TItem, TChunk, TRequest, TResponse>(
        IChunkProtocol<TItem, TChunk, TRequest, TResponse> protocol, PumpState<TItem, TChunk> state, CancellationToken token)
        where TChunk : class
    {
        try
        {
            return await state.FillAsync(protocol, token).ConfigureAwait(false);
        }
        catch (SourceException e)
        {
            ExceptionDispatchInfo.Throw(e.InnerException!);
            throw;
        }
    }

    private static async Task<TResponse?> NextAsync<TItem, TChunk, TRequest, TResponse>(string method,
        AsyncDuplexStreamingCall<TRequest, TResponse> call, PumpState<TItem, TChunk> state, GeoAssignClient client,
        CancellationToken callerToken, CancellationToken token)
        where TChunk : class
    {
        try
        {
            return await call.ResponseStream.MoveNext(token).ConfigureAwait(false) ? call.ResponseStream.Current : default;
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException)
        {
            state.ThrowSourceError();
            callerToken.ThrowIfCancellationRequested();
            if (e is RpcException rpc)
            {
                throw new GeoAssignException(method, client.Options.Address, rpc);
            }

            throw;
        }
    }

    private static GeoAssignException ProtocolError(string method, GeoAssignClient client, string problem) =>
        new(method, client.Options.Address, new RpcException(new Status(StatusCode.Internal, $"Protocol error: {problem}.")));

    /// <summary>Wraps an exception thrown by the caller's items, to tell it apart from the call's own.</summary>
    private sealed class SourceException(Exception inner) : Exception(inner.Message, inner);

    /// <summary>What the reader and the writer share. The queue and the semaphore are thread-safe; the rest is written before it is read.</summary>
    private sealed class PumpState<TItem, TChunk>(IAsyncEnumerator<TItem> source, int chunkSize)
        where TChunk : class
    {
        public ConcurrentQueue<TChunk> Pending { get; } = new();

        public SemaphoreSlim? Slots { get; set; }

        public bool SourceDone { get; private set; }

        public ExceptionDispatchInfo? SourceError { get; set; }

        public void ThrowSourceError() => SourceError?.Throw();

        public async ValueTask<TChunk> FillAsync<TRequest, TResponse>(IChunkProtocol<TItem, TChunk, TRequest, TResponse> protocol, CancellationToken token)
        {
            var chunk = protocol.NewChunk();
            try
            {
                for (var i = 0; i < chunkSize; i++)
                {
                    token.ThrowIfCancellationRequested();
                    if (!await source.MoveNextAsync().ConfigureAwait(false))
                    {
                        SourceDone = true;
                        break;
                    }

                    protocol.Add(chunk, source.Current);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
            {
                SourceDone = true;
                throw new SourceException(e);
            }

            return chunk;
        }
    }
}

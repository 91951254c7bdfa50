// Which failed calls are retried, and the backoff between attempts.
using Grpc.Core;
using Polly;
using Polly.Retry;

namespace GeoAssign.Client;

/// <summary>How safe a call is to send twice.</summary>
internal enum CallSafety
{
    /// <summary>A lookup or read: sending it again changes nothing, so any UNAVAILABLE is retried.</summary>
    Read,

    /// <summary>
    /// An edit without <c>expected_version</c>: applying it twice may differ from applying it once
    /// (a delete that fails the second time, an upsert that overwrites someone else's later edit).
    /// Retried only when the first attempt provably had no effect.
    /// </summary>
    Edit,

    /// <summary>
    /// An edit with <c>expected_version</c>: a second application is impossible (the first moved the
    /// version, so the second is ABORTED), so any UNAVAILABLE is retried.
    /// </summary>
    GuardedEdit,

    /// <summary>Never retried (the request cannot be replayed, such as a GeoJSON stream that cannot seek).</summary>
    Once,
}

/// <summary>
/// The retry pipeline: exponential backoff with jitter on UNAVAILABLE, for the calls
/// <see cref="ShouldRetry"/> allows. Thread-safe; one per client.
/// </summary>
internal sealed class CallRetry
{
    private static readonly ResiliencePropertyKey<CallState> StateKey = new("geoassign.call");

    private readonly ResiliencePipeline _pipeline;

    public CallRetry(GeoAssignClientOptions options)
    {
        if (options.MaxRetries == 0)
        {
            _pipeline = ResiliencePipeline.Empty;
            return;
        }

        var onRetry = options.OnRetry;
        _pipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.RetryMaxDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = static args => ValueTask.FromResult(
                    args.Outcome.Exception is RpcException error
                    && args.Context.Properties.TryGetValue(StateKey, out var state)
                    && state.Observe(error)),
                OnRetry = args =>
                {
                    if (onRetry is not null && args.Context.Properties.TryGetValue(StateKey, out var state) && args.Outcome.Exception is { } error)
                    {
                        onRetry(new GeoAssignRetry(state.Method, args.AttemptNumber + 1, args.RetryDelay, error));
                    }

                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>
    /// Whether an UNAVAILABLE attempt of a call of this safety may be sent again. An edit without
    /// <c>expected_version</c> is retried only when it cannot have been applied: the server itself
    /// answered UNAVAILABLE (the API promises such an edit changed nothing), or no connection was made.
    /// A connection that drops after the edit was sent is ambiguous, so that edit is not retried.
    /// </summary>
    internal static bool ShouldRetry(RpcException error, CallSafety safety) => error.StatusCode == StatusCode.Unavailable && safety switch
    {
        CallSafety.Read or CallSafety.GuardedEdit => true,
        CallSafety.Edit => IsServerStatus(error) || GeoAssignException.IsNotConnected(error),
        _ => false,
    };

    /// <summary>True when the status came from the server (grpc-dotnet attaches an exception only to the statuses it makes itself).</summary>
    internal static bool IsServerStatus(RpcException error) => error.Status.DebugException is null;

    /// <summary>Runs <paramref name="attempt"/> until it succeeds, fails in a way that is not retried, or runs out of retries.</summary>
    public async Task<T> ExecuteAsync<T, TState>(string method, Uri address, CallSafety safety, TState state,
        Func<TState, CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        var call = new CallState(method, safety);
        var context = ResilienceContextPool.Shared.Get(method, cancellationToken);
        context.Properties.Set(StateKey, call);
        try
        {
            return await _pipeline.ExecuteAsync(
                static async (context, args) => await args.attempt(args.state, context.CancellationToken).ConfigureAwait(false),
                context, (attempt, state)).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            // The caller cancelled: report it the .NET way, not as a server failure.
            throw new OperationCanceledException(e.Status.Detail, e, cancellationToken);
        }
        catch (RpcException e)
        {
            throw new GeoAssignException(method, address, e, mayHaveBeenApplied: call.MayHaveBeenApplied(e));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>What one call has seen across its attempts.</summary>
    private sealed class CallState(string method, CallSafety safety)
    {
        public string Method { get; } = method;

        /// <summary>An attempt of an edit failed after it may have reached the server.</summary>
        public bool Ambiguous { get; private set; }

        /// <summary>
        /// Whether the edit may have been applied although the call failed with <paramref name="final"/>:
        /// an earlier attempt was ambiguous, or the server said its store did not confirm (UNKNOWN).
        /// </summary>
        public bool MayHaveBeenApplied(RpcException final) =>
            (Ambiguous && final.StatusCode is StatusCode.Aborted or StatusCode.Unavailable)
            || (safety is CallSafety.Edit or CallSafety.GuardedEdit && final.StatusCode == StatusCode.Unknown && IsServerStatus(final));

        public bool Observe(RpcException error)
        {
            if (safety is CallSafety.Edit or CallSafety.GuardedEdit && error.StatusCode == StatusCode.Unavailable
                && !IsServerStatus(error) && !GeoAssignException.IsNotConnected(error))
            {
                Ambiguous = true;
            }

            return ShouldRetry(error, safety);
        }
    }
}

// Unexpected failures become INTERNAL with what happened, never gRPC's default UNKNOWN.
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace GeoAssign.Server.Services;

/// <summary>
/// Turns an exception that no handler expected (a bug, or a library failing in a way it did not
/// document) into <c>INTERNAL</c> naming the method and the error, and logs it with its stack trace.
/// Without this, gRPC answers <c>UNKNOWN</c> "Exception was thrown by handler", which says nothing and
/// which GeoAssign's API reserves for an edit the store may have taken (clients then warn that it may
/// have been applied). Store failures around an edit's append are mapped by the services themselves
/// (<c>UNAVAILABLE</c>, or <c>UNKNOWN</c> when the outcome is open), so an exception that gets here
/// left the map as it was. Cancellation by the caller, or the failed reads and writes of a caller
/// that went away, pass through as they are. Request messages that do not parse never get here as
/// exceptions: they are INTERNAL from the deserialiser (see <c>RequestParsingMethodProvider</c>).
/// </summary>
internal sealed partial class UnexpectedErrorInterceptor(ILogger<UnexpectedErrorInterceptor> logger) : Interceptor
{
    // Each handler passes a call that completed without trouble straight through (no state machine, no
    // allocation on the lookup path) and awaits only the others.
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Task<TResponse> call;
        try
        {
            call = continuation(request, context);
        }
        catch (Exception e) when (IsUnexpected(e, context))
        {
            return Task.FromException<TResponse>(Internal(e, context));
        }

        return call.IsCompletedSuccessfully ? call : Guard(call, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Task<TResponse> call;
        try
        {
            call = continuation(requestStream, context);
        }
        catch (Exception e) when (IsUnexpected(e, context))
        {
            return Task.FromException<TResponse>(Internal(e, context));
        }

        return call.IsCompletedSuccessfully ? call : Guard(call, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Task call;
        try
        {
            call = continuation(request, responseStream, context);
        }
        catch (Exception e) when (IsUnexpected(e, context))
        {
            return Task.FromException(Internal(e, context));
        }

        return call.IsCompletedSuccessfully ? call : Guard(call, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Task call;
        try
        {
            call = continuation(requestStream, responseStream, context);
        }
        catch (Exception e) when (IsUnexpected(e, context))
        {
            return Task.FromException(Internal(e, context));
        }

        return call.IsCompletedSuccessfully ? call : Guard(call, context);
    }

    private async Task<TResponse> Guard<TResponse>(Task<TResponse> call, ServerCallContext context)
    {
        try
        {
            return await call.ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnexpected(e, context))
        {
            throw Internal(e, context);
        }
    }

    private async Task Guard(Task call, ServerCallContext context)
    {
        try
        {
            await call.ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnexpected(e, context))
        {
            throw Internal(e, context);
        }
    }

    // A caller that cancels or drops its connection makes reads and writes of the call fail with
    // OperationCanceledException or IOException ("the client reset the request stream"): not a bug,
    // and nobody is left to answer. gRPC logs them quietly as cancelled calls.
    private static bool IsUnexpected(Exception e, ServerCallContext context) =>
        e is not RpcException && !(e is OperationCanceledException or IOException && context.CancellationToken.IsCancellationRequested);

    private RpcException Internal(Exception e, ServerCallContext context)
    {
        LogUnexpected(e, context.Method);
        var message = $"GeoAssign failed unexpectedly in {context.Method}: {e.GetType().Name}: {e.Message}. " +
            "Nothing was changed, and the server goes on serving. This is a bug: the server log has the details; please report it with the request that caused it.";
        return new RpcException(new Status(StatusCode.Internal, message.Length <= 4_000 ? message : message[..4_000] + "…"));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected failure in {Method}; answered INTERNAL")]
    private partial void LogUnexpected(Exception exception, string method);
}

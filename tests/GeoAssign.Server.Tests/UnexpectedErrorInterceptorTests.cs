// Unexpected exceptions reach clients as INTERNAL with what happened, not gRPC's bare UNKNOWN.
using GeoAssign.Server.Services;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace GeoAssign.Server.Tests;

public sealed class UnexpectedErrorInterceptorTests
{
    private readonly UnexpectedErrorInterceptor _interceptor = new(NullLogger<UnexpectedErrorInterceptor>.Instance);

    [Fact]
    public async Task An_unexpected_exception_becomes_INTERNAL_naming_the_method_and_the_error()
    {
        var context = new Context("/geoassign.v1.TerritoryService/ImportGeoJson");

        var error = await Assert.ThrowsAsync<RpcException>(() => _interceptor.UnaryServerHandler<string, string>("request", context,
            (_, _) => throw new InvalidOperationException("side location conflict")));

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Contains("/geoassign.v1.TerritoryService/ImportGeoJson", error.Status.Detail);
        Assert.Contains("InvalidOperationException: side location conflict", error.Status.Detail);
        Assert.Contains("Nothing was changed", error.Status.Detail);
    }

    [Fact]
    public async Task Statuses_the_services_chose_and_the_callers_cancellation_pass_through()
    {
        var chosen = new RpcException(new Status(StatusCode.Unknown, "may have been applied"));
        var passed = await Assert.ThrowsAsync<RpcException>(() => _interceptor.UnaryServerHandler<string, string>("request", new Context("/m"),
            (_, _) => throw chosen));
        Assert.Same(chosen, passed);

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAsync<OperationCanceledException>(() => _interceptor.DuplexStreamingServerHandler<string, string>(null!, null!,
            new Context("/m", cancelled.Token), (_, _, _) => throw new OperationCanceledException(cancelled.Token)));
    }

    [Fact]
    public async Task A_read_that_fails_because_the_caller_went_away_is_not_reported_as_a_bug()
    {
        using var gone = new CancellationTokenSource();
        await gone.CancelAsync();
        var reset = new IOException("The client reset the request stream.");
        var passed = await Assert.ThrowsAsync<IOException>(() => _interceptor.DuplexStreamingServerHandler<string, string>(null!, null!,
            new Context("/m", gone.Token), async (_, _, _) =>
            {
                await Task.Yield();
                throw reset;
            }));
        Assert.Same(reset, passed);

        // The same failure on a call that is still live is unexpected.
        var error = await Assert.ThrowsAsync<RpcException>(() => _interceptor.DuplexStreamingServerHandler<string, string>(null!, null!,
            new Context("/m"), (_, _, _) => throw new IOException("disk on fire")));
        Assert.Equal(StatusCode.Internal, error.StatusCode);
    }

    [Fact]
    public async Task Answers_pass_through_whether_ready_at_once_or_later()
    {
        Assert.Equal("at once", await _interceptor.UnaryServerHandler<string, string>("request", new Context("/m"), (_, _) => Task.FromResult("at once")));
        Assert.Equal("later", await _interceptor.UnaryServerHandler<string, string>("request", new Context("/m"), async (_, _) =>
        {
            await Task.Yield();
            return "later";
        }));
    }

    [Fact]
    public async Task Streaming_handlers_are_covered_too()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _interceptor.DuplexStreamingServerHandler<string, string>(null!, null!,
            new Context("/geoassign.v1.AssignmentService/ResolveStream"), async (_, _, _) =>
            {
                await Task.Yield();
                throw new NullReferenceException("oops");
            }));

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Contains("NullReferenceException: oops", error.Status.Detail);
    }

    private sealed class Context(string method, CancellationToken cancellationToken = default) : ServerCallContext
    {
        protected override string MethodCore => method;
        protected override string HostCore => "localhost";
        protected override string PeerCore => "ipv4:127.0.0.1:1";
        protected override DateTime DeadlineCore => DateTime.MaxValue;
        protected override Metadata RequestHeadersCore { get; } = [];
        protected override CancellationToken CancellationTokenCore => cancellationToken;
        protected override Metadata ResponseTrailersCore { get; } = [];
        protected override Status StatusCore { get; set; }
        protected override WriteOptions? WriteOptionsCore { get; set; }
        protected override AuthContext AuthContextCore => new(null, []);
        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();
        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
    }
}

// DiagnosticsService: Echo and EchoStream, the raw cost of a call for load tests.
using GeoAssign.Protos.V1;
using GeoAssign.Server.Hosting;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace GeoAssign.Server.Services;

/// <summary>Echoes payloads; see diagnostics.proto.</summary>
internal sealed class DiagnosticsService(IOptions<GeoAssignServerOptions> options) : Protos.V1.DiagnosticsService.DiagnosticsServiceBase
{
    private readonly int _maxBytes = options.Value.MaxMessageBytes;

    public override Task<EchoResponse> Echo(EchoRequest request, ServerCallContext context) =>
        Task.FromResult(new EchoResponse { Payload = Answer(request.Payload, request.HasResponseSize ? request.ResponseSize : null) });

    public override async Task EchoStream(IAsyncStreamReader<EchoStreamRequest> requestStream, IServerStreamWriter<EchoStreamResponse> responseStream,
        ServerCallContext context)
    {
        while (await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
        {
            var request = requestStream.Current;
            var payload = Answer(request.Payload, request.HasResponseSize ? request.ResponseSize : null);
            await responseStream.WriteAsync(new EchoStreamResponse { Payload = payload }, context.CancellationToken).ConfigureAwait(false);
        }
    }

    private ByteString Answer(ByteString payload, uint? responseSize)
    {
        if (responseSize is not { } size)
        {
            return payload;
        }

        // The response frame adds a few bytes around the payload.
        if (size > (uint)Math.Max(0, _maxBytes - 16))
        {
            throw RpcErrors.ResourceExhausted($"response_size {size} is above the message-size limit of {_maxBytes} bytes (GeoAssign:MaxMessageBytes).");
        }

        return size == 0 ? ByteString.Empty : UnsafeByteOperations.UnsafeWrap(new byte[size]);
    }
}

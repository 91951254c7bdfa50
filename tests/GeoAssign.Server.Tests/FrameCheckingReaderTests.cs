// The request body reader that checks gRPC message headers and reports a broken-off body as CANCELLED.
using System.IO.Pipelines;
using GeoAssign.Server.Hosting;
using Grpc.Core;

namespace GeoAssign.Server.Tests;

public sealed class FrameCheckingReaderTests
{
    private readonly Pipe _body = new();

    private FrameCheckingReader Reader() => new(_body.Reader, maxMessageBytes: 100);

    [Fact]
    public async Task Whole_and_split_headers_within_the_limit_pass_through()
    {
        var reader = Reader();
        await _body.Writer.WriteAsync(new byte[] { 0, 0, 0 });
        var partial = await reader.ReadAsync();
        Assert.Equal(3, partial.Buffer.Length);
        reader.AdvanceTo(partial.Buffer.Start, partial.Buffer.End);

        await _body.Writer.WriteAsync(new byte[] { 0, 100 });
        var whole = await reader.ReadAsync();
        Assert.Equal(5, whole.Buffer.Length);
    }

    [Fact]
    public async Task A_length_past_the_limit_is_resource_exhausted_even_when_it_does_not_fit_an_int()
    {
        await _body.Writer.WriteAsync(new byte[] { 0, 0xFF, 0xFF, 0xFF, 0xFF });

        var error = await Assert.ThrowsAsync<RpcException>(async () => await Reader().ReadAsync());

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("4,294,967,295 bytes", error.Status.Detail);
        // The reader was handed its buffer back: the body can still be read (and drained).
        Assert.True(_body.Reader.TryRead(out _));
    }

    [Fact]
    public async Task A_compressed_flag_other_than_0_or_1_is_internal()
    {
        await _body.Writer.WriteAsync(new byte[] { 2, 0, 0, 0, 1, 0 });

        var error = await Assert.ThrowsAsync<RpcException>(async () => await Reader().ReadAsync());

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Contains("compressed flag 2", error.Status.Detail);
    }

    [Fact]
    public async Task A_body_that_breaks_off_is_cancelled_not_an_unexpected_error()
    {
        await _body.Writer.CompleteAsync(new IOException("The client reset the request stream."));

        var error = await Assert.ThrowsAsync<RpcException>(async () => await Reader().ReadAsync());

        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        Assert.Contains("The client reset the request stream", error.Status.Detail);
    }
}

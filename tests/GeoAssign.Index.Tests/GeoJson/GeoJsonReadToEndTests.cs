// The streaming reader reads to the end of its stream before it answers, whatever the timing.
using System.Text;
using GeoAssign.Index.GeoJson;
using GeoAssign.Index.Validation;
using Xunit;

namespace GeoAssign.Index.Tests.GeoJson;

public sealed class GeoJsonReadToEndTests
{
    // Hands out its first part, then holds the next read until the test releases it, telling the test
    // that the reader asked for more: what a network stream does while the sender is still writing.
    private sealed class GatedStream(byte[] first, byte[] rest) : Stream
    {
        private readonly TaskCompletionSource _askedForMore = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _part;
        private int _offset;

        public Task AskedForMore => _askedForMore.Task;

        public void Release() => _released.TrySetResult();

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_part == 0 && _offset == first.Length)
            {
                _askedForMore.TrySetResult();
                await _released.Task.WaitAsync(cancellationToken);
                _part = 1;
                _offset = 0;
            }

            var source = _part == 0 ? first : rest;
            var n = Math.Min(buffer.Length, source.Length - _offset);
            source.AsSpan(_offset, n).CopyTo(buffer.Span);
            _offset += n;
            return n;
        }
    }

    private const string Collection = """
        {"type":"FeatureCollection","features":[{"type":"Feature","id":"a","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]},"properties":{"owner_id":"r"}}]}
        """;

    [Fact]
    public async Task A_reader_that_has_the_whole_collection_still_asks_for_the_rest_of_the_stream()
    {
        var stream = new GatedStream(Encoding.UTF8.GetBytes(Collection), Encoding.UTF8.GetBytes("  {\"type\":\"FeatureCollection\""));
        var reading = new TerritoryGeoJsonReader().ReadAsync(stream);

        // Either the reader asks for more (right) or it answers from the collection alone (wrong):
        // both are events, so no timing decides the outcome.
        var first = await Task.WhenAny(stream.AskedForMore, reading);
        Assert.Same(stream.AskedForMore, first);
        Assert.False(reading.IsCompleted);

        stream.Release();
        var result = await reading;
        Assert.False(result.IsValid);
        Assert.Contains(result.Problems, p => p.Kind == ValidationProblemKind.MalformedJson && p.Detail.Contains("after", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_collection_followed_only_by_white_space_reads_as_valid()
    {
        var stream = new GatedStream(Encoding.UTF8.GetBytes(Collection), Encoding.UTF8.GetBytes(" \r\n\t "));
        var reading = new TerritoryGeoJsonReader().ReadAsync(stream);
        await stream.AskedForMore;
        stream.Release();
        var result = await reading;
        Assert.True(result.IsValid, result.Validation.ToString());
        Assert.Equal("a", Assert.Single(result.Territories).Id);
    }
}

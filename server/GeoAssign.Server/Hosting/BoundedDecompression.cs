// gRPC message decompression that answers bad or oversized input with INTERNAL or RESOURCE_EXHAUSTED.
using System.IO.Compression;
using Grpc.Net.Compression;

namespace GeoAssign.Server.Hosting;

/// <summary>
/// Wraps a compression provider (gzip, deflate) so that a request message that does not decompress
/// is INTERNAL naming the encoding (the provider's stream throws InvalidDataException, which gRPC
/// would answer with UNKNOWN), and one that inflates past the message-size limit is
/// RESOURCE_EXHAUSTED as soon as it does, before it is held in memory. Thread-safe, as the wrapped
/// provider is; each stream belongs to one message.
/// </summary>
internal sealed class BoundedDecompression(ICompressionProvider inner, int maxMessageBytes) : ICompressionProvider
{
    /// <summary>The providers grpc-dotnet uses by default, wrapped.</summary>
    public static IEnumerable<ICompressionProvider> Defaults(int maxMessageBytes) =>
    [
        new BoundedDecompression(new GzipCompressionProvider(CompressionLevel.Fastest), maxMessageBytes),
        new BoundedDecompression(new DeflateCompressionProvider(CompressionLevel.Fastest), maxMessageBytes),
    ];

    public string EncodingName => inner.EncodingName;

    public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) => inner.CreateCompressionStream(stream, compressionLevel);

    public Stream CreateDecompressionStream(Stream stream) => new Inflating(inner.CreateDecompressionStream(stream), inner.EncodingName, maxMessageBytes);

    private sealed class Inflating(Stream inner, string encoding, int maxMessageBytes) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int read;
            try
            {
                read = inner.Read(buffer);
            }
            catch (InvalidDataException e)
            {
                throw RequestDecoding.Undecompressable(encoding, e);
            }

            return Count(read);
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int read;
            try
            {
                read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException e)
            {
                throw RequestDecoding.Undecompressable(encoding, e);
            }

            return Count(read);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private int Count(int read)
        {
            _read += read;
            return _read <= maxMessageBytes ? read : throw RequestDecoding.TooLarge(maxMessageBytes, maxMessageBytes, decompressed: true);
        }
    }
}

// Sends gRPC calls as raw HTTP/2 bodies, for bytes and framing that the generated client never sends.
using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Grpc.Core;

namespace GeoAssign.Server.Tests;

/// <summary>
/// A gRPC caller over HTTP/2 without TLS that sends whatever body it is given and reads the status
/// from the trailers (or from the headers of a trailers-only answer). Thread-safe, as HttpClient is.
/// </summary>
internal sealed class RawGrpc : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _address;

    public RawGrpc(Uri address)
    {
        _address = address;
        _http = new HttpClient(new SocketsHttpHandler { EnableMultipleHttp2Connections = true })
        {
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>Calls <paramref name="method"/> (e.g. <c>/geoassign.v1.AssignmentService/Resolve</c>) with <paramref name="body"/> as the request body.</summary>
    public async Task<RawAnswer> CallAsync(string method, byte[] body, string? encoding = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_address, method))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new RawBody(body),
        };
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        if (encoding is not null)
        {
            request.Headers.Add("grpc-encoding", encoding);
        }

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var status = Value(response.TrailingHeaders, "grpc-status") ?? Value(response.Headers, "grpc-status")
            ?? throw new Xunit.Sdk.XunitException($"No grpc-status in the answer to {method} (HTTP {(int)response.StatusCode}).");
        var message = Value(response.TrailingHeaders, "grpc-message") ?? Value(response.Headers, "grpc-message") ?? "";
        return new RawAnswer((StatusCode)int.Parse(status, System.Globalization.CultureInfo.InvariantCulture), Uri.UnescapeDataString(message), bytes);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>A gRPC length-prefixed message: the compressed flag, the length (big-endian) and the bytes.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> payload, byte flag = 0, uint? length = null)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), length ?? (uint)payload.Length);
        payload.CopyTo(frame.AsSpan(5));
        return frame;
    }

    public static byte[] Frame(IMessage message) => Frame(message.ToByteArray());

    public static byte[] Gzip(ReadOnlySpan<byte> bytes)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gzip.Write(bytes);
        }

        return buffer.ToArray();
    }

    private static string? Value(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    // Streams the bytes without a Content-Length, as gRPC clients do.
    private sealed class RawBody : HttpContent
    {
        private readonly byte[] _body;

        public RawBody(byte[] body)
        {
            _body = body;
            Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(_body).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}

/// <summary>The status of a raw call and the response body (its messages, framed).</summary>
internal sealed record RawAnswer(StatusCode Status, string Message, byte[] Body);

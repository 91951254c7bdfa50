// A real HttpClient speaking the HTTP/JSON routes of a TestServer over HTTP/1.1 or HTTP/2 (h2c).
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GeoAssign.Testing.Servers;

namespace GeoAssign.Server.Tests;

/// <summary>
/// Sends requests to the JSON routes: over HTTP/1.1 to the server's HTTP/1.1 endpoint, over HTTP/2
/// (prior knowledge, no TLS) to its gRPC endpoint, and checks that the answer came in that version.
/// Thread-safe as HttpClient is.
/// </summary>
internal sealed class HttpJson : IDisposable
{
    private readonly HttpClient _client = new(new SocketsHttpHandler { AllowAutoRedirect = false });
    private readonly TestServer _server;

    public HttpJson(TestServer server, Version version, string? apiKey = null)
    {
        _server = server;
        Version = version;
        if (apiKey is not null)
        {
            _client.DefaultRequestHeaders.Add("x-api-key", apiKey);
        }
    }

    /// <summary>The HTTP versions the routes are served in, for theories.</summary>
    public static TheoryData<string> Versions => new() { "1.1", "2.0" };

    public Version Version { get; }

    /// <summary>Where requests of this version go.</summary>
    public Uri Base => Version == HttpVersion.Version11
        ? _server.Http1Address ?? throw new InvalidOperationException("Start the server with http1: true.")
        : _server.Address;

    public Task<Answer> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<Answer> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path);

    public Task<Answer> PostAsync(string path, string json) => SendAsync(HttpMethod.Post, path, new StringContent(json, Encoding.UTF8, "application/json"));

    public Task<Answer> PutAsync(string path, string json) => SendAsync(HttpMethod.Put, path, new StringContent(json, Encoding.UTF8, "application/json"));

    /// <summary>Posts <paramref name="body"/> as it is, with <paramref name="contentType"/>.</summary>
    public Task<Answer> PostRawAsync(string path, byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return SendAsync(HttpMethod.Post, path, content);
    }

    public async Task<Answer> SendAsync(HttpMethod method, string path, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(Base, path))
        {
            Content = content,
            Version = Version,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var response = await _client.SendAsync(request);
        Assert.Equal(Version, response.Version);
        var text = await response.Content.ReadAsStringAsync();
        return new Answer(response.StatusCode, response.Content.Headers.ContentType?.MediaType, text);
    }

    /// <summary>Opens a streaming GET and returns the response to read line by line; the caller disposes it.</summary>
    public async Task<HttpResponseMessage> OpenStreamAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Base, path)) { Version = Version, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        Assert.Equal(Version, response.Version);
        return response;
    }

    public void Dispose() => _client.Dispose();

    /// <summary>An answer: status, media type and the body as JSON.</summary>
    internal sealed record Answer(HttpStatusCode Status, string? MediaType, string Text)
    {
        public JsonElement Json => JsonDocument.Parse(Text).RootElement;

        /// <summary>Asserts 200 with a JSON body and returns it.</summary>
        public JsonElement Ok()
        {
            Assert.True(Status == HttpStatusCode.OK, $"Expected 200, got {(int)Status}: {Text}");
            Assert.Equal("application/json", MediaType);
            return Json;
        }

        /// <summary>Asserts an error answer: the HTTP status, the JSON body's gRPC code, and returns its message.</summary>
        public string Error(HttpStatusCode status, Grpc.Core.StatusCode code)
        {
            Assert.True(Status == status, $"Expected {(int)status}, got {(int)Status}: {Text}");
            Assert.Equal("application/json", MediaType);
            Assert.Equal((int)code, Json.GetProperty("code").GetInt32());
            return Json.GetProperty("message").GetString()!;
        }
    }
}

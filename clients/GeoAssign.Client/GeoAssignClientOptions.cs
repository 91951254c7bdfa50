// Settings of a GeoAssignClient, with documented defaults and validation.
namespace GeoAssign.Client;

/// <summary>
/// Settings of a <see cref="GeoAssignClient"/>. Every property has a working default, so
/// <c>new GeoAssignClientOptions()</c> talks to a server started with no configuration on this machine.
/// The client reads the options once, when it is built; later changes have no effect.
/// </summary>
public sealed class GeoAssignClientOptions
{
    /// <summary>The address the server's own default listens on.</summary>
    public static readonly Uri DefaultAddress = new("http://127.0.0.1:5080");

    /// <summary>
    /// The server's address: <c>http://</c> for HTTP/2 without TLS (h2c), <c>https://</c> for TLS.
    /// Default <see cref="DefaultAddress"/> (<c>http://127.0.0.1:5080</c>).
    /// </summary>
    public Uri Address { get; set; } = DefaultAddress;

    /// <summary>
    /// The API key sent in the <c>x-api-key</c> metadata of every call; <see langword="null"/> (the
    /// default) sends none, which only an open server (no keys configured) accepts. Edits need a key
    /// with the editor role.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Deadline of each attempt of a unary call (lookups, edits, reads, each page of a listing).
    /// Default 30 s. A retried call gets a fresh deadline per attempt, so the longest a call can take
    /// is about (<see cref="MaxRetries"/> + 1) × this plus the backoff delays.
    /// </summary>
    public TimeSpan DefaultDeadline { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Deadline of a whole streaming call (the ResolveStream behind <see cref="GeoAssignClient.ResolveManyAsync(IEnumerable{GeoPoint}, string?, CancellationToken)"/>,
    /// Reassign, ImportGeoJsonStream): long enough for tens of millions of points. Default 1 hour;
    /// <see cref="Timeout.InfiniteTimeSpan"/> sets none. Watching the map has no deadline: it runs until cancelled.
    /// </summary>
    public TimeSpan StreamingDeadline { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How many times a call that failed with UNAVAILABLE is retried (0 turns retries off). Default 5.
    /// Which calls are retried is described on <see cref="GeoAssignClient"/>.
    /// </summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>
    /// Delay before the first retry; each later retry waits twice as long as the one before, with
    /// jitter, capped at <see cref="RetryMaxDelay"/>. Default 200 ms (so the default five retries
    /// span about 6 s).
    /// </summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest delay between two attempts. Default 5 s.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Points or accounts per streamed message. Default 5,000: large enough to amortise the cost of
    /// a message, well under the server's default limit of 10,000 per message.
    /// </summary>
    public int ChunkSize { get; set; } = 5_000;

    /// <summary>
    /// Most points <see cref="GeoAssignClient.ResolveManyAsync(IEnumerable{GeoPoint}, string?, CancellationToken)"/>
    /// sends in one ResolveBatch call; more go over ResolveStream. Default 5,000 (at most the
    /// server's per-message limit, 10,000 by default).
    /// </summary>
    public int BatchThreshold { get; set; } = 5_000;

    /// <summary>
    /// Most streamed messages sent but not yet answered. It bounds the client's memory (points it
    /// still has to match with answers) while keeping the connection busy. Default 4.
    /// </summary>
    public int MaxChunksInFlight { get; set; } = 4;

    /// <summary>
    /// GeoJSON up to this many bytes is imported in one ImportGeoJson message; larger files go over
    /// ImportGeoJsonStream. Default 4 MiB (the server accepts messages up to 16 MiB by default).
    /// </summary>
    public int ImportStreamThreshold { get; set; } = 4 * 1024 * 1024;

    /// <summary>Bytes per ImportGeoJsonStream message. Default 1 MiB, as the API recommends.</summary>
    public int ImportChunkBytes { get; set; } = 1024 * 1024;

    /// <summary>Territories per ListTerritories page (the server caps it at its own maximum, 1,000 by default). Default 1,000.</summary>
    public int PageSize { get; set; } = 1_000;

    /// <summary>Largest response message the client accepts, in bytes. Default 64 MiB.</summary>
    public int MaxReceiveMessageBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>How long establishing a connection may take before the attempt fails with UNAVAILABLE. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Read-your-writes: when true (the default) every lookup and read carries, as <c>min_version</c>,
    /// the highest map version an edit through this client returned (see
    /// <see cref="GeoAssignClient.MinReadVersion"/>), so that it never sees a map older than its own writes.
    /// </summary>
    public bool ReadYourWrites { get; set; } = true;

    /// <summary>
    /// Called before each retry wait, for logging or progress; must return quickly and not throw.
    /// Default none.
    /// </summary>
    public Action<GeoAssignRetry>? OnRetry { get; set; }

    /// <summary>
    /// The HTTP handler of the channel, for custom TLS or proxies; <see langword="null"/> (the default)
    /// builds a <see cref="System.Net.Http.SocketsHttpHandler"/> with keep-alive pings and
    /// <see cref="ConnectTimeout"/>. The client disposes the handler it is given when it is disposed.
    /// </summary>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is out of range.</summary>
    public void Validate()
    {
        if (Address is null || !Address.IsAbsoluteUri || (Address.Scheme != Uri.UriSchemeHttp && Address.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"{nameof(Address)} must be an absolute http:// or https:// URI (it is \"{Address}\").", nameof(Address));
        }

        if (ApiKey is { Length: 0 })
        {
            throw new ArgumentException($"{nameof(ApiKey)} must be null or not empty.", nameof(ApiKey));
        }

        Positive(DefaultDeadline, nameof(DefaultDeadline));
        if (StreamingDeadline != Timeout.InfiniteTimeSpan)
        {
            Positive(StreamingDeadline, nameof(StreamingDeadline));
        }

        Positive(ConnectTimeout, nameof(ConnectTimeout));
        Positive(RetryBaseDelay, nameof(RetryBaseDelay));
        if (RetryMaxDelay < RetryBaseDelay)
        {
            throw new ArgumentException($"{nameof(RetryMaxDelay)} ({RetryMaxDelay}) must not be below {nameof(RetryBaseDelay)} ({RetryBaseDelay}).", nameof(RetryMaxDelay));
        }

        if (MaxRetries is < 0 or > 100)
        {
            throw new ArgumentException($"{nameof(MaxRetries)} must be between 0 and 100 (it is {MaxRetries}).", nameof(MaxRetries));
        }

        Between(ChunkSize, 1, 1_000_000, nameof(ChunkSize));
        Between(BatchThreshold, 0, 1_000_000, nameof(BatchThreshold));
        Between(MaxChunksInFlight, 1, 1_000, nameof(MaxChunksInFlight));
        Between(ImportStreamThreshold, 0, int.MaxValue, nameof(ImportStreamThreshold));
        Between(ImportChunkBytes, 1, 64 * 1024 * 1024, nameof(ImportChunkBytes));
        Between(PageSize, 1, 100_000, nameof(PageSize));
        Between(MaxReceiveMessageBytes, 1024, int.MaxValue, nameof(MaxReceiveMessageBytes));
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{name} must be positive (it is {value}).", name);
        }
    }

    private static void Between(int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentException($"{name} must be between {min:N0} and {max:N0} (it is {value:N0}).", name);
        }
    }
}

/// <summary>A retry about to happen: which call, which attempt failed, why, and how long the client waits.</summary>
/// <param name="Method">The RPC, e.g. <c>Resolve</c>.</param>
/// <param name="Attempt">The attempt that failed, from 1.</param>
/// <param name="Delay">How long the client waits before the next attempt.</param>
/// <param name="Error">Why the attempt failed.</param>
public sealed record GeoAssignRetry(string Method, int Attempt, TimeSpan Delay, Exception Error);

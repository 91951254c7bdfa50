// The typed client: one channel, the API key, deadlines, retries and read-your-writes for every call.
using System.Net.Http;
using Grpc.Core;
using Grpc.Net.Client;
using V1 = GeoAssign.Protos.V1;

namespace GeoAssign.Client;

/// <summary>
/// A typed client of one GeoAssign server (or a load balancer in front of replicas).
/// </summary>
/// <remarks>
/// <para>Thread-safe: share one instance for the whole process, as it owns an HTTP/2 connection pool.
/// Every call carries the API key (<c>x-api-key</c>) and a deadline
/// (<see cref="GeoAssignClientOptions.DefaultDeadline"/> per attempt of a unary call,
/// <see cref="GeoAssignClientOptions.StreamingDeadline"/> for a whole stream); a failed call throws
/// <see cref="GeoAssignException"/> with the status code and the server's message.</para>
/// <para><b>Retries.</b> A call that fails with UNAVAILABLE is retried with exponential backoff and
/// jitter (<see cref="GeoAssignClientOptions.MaxRetries"/>, <see cref="GeoAssignClientOptions.RetryBaseDelay"/>)
/// only when sending it again is safe:</para>
/// <list type="bullet">
/// <item>lookups and reads (Resolve, ResolveBatch, GetTerritory, each ListTerritories, ListVersions and ListOverrides page,
/// GetMapInfo, ListPlans, GetPlan, DiffPlan, CheckCoverage, GetOverride, ResolveAddress, GetPostalCode, each ListPostalCodes page): always; they change nothing. A replica still catching up with this client's
/// writes answers UNAVAILABLE too, and the retry gives it time (or another replica).</item>
/// <item>streams (ResolveStream, Reassign): until the first answer arrives; the client holds the
/// first chunk and sends it again. A stream that breaks after that fails, because a restarted
/// stream could be answered from another map version.</item>
/// <item>edits with an expected version (of the live map or of a plan; DeletePlan, ActivatePlan and RollbackMap
/// with theirs): always; if a lost attempt was applied, the retry is
/// rejected with ABORTED (the version moved) instead of being applied twice, and
/// <see cref="GeoAssignException.MayHaveBeenApplied"/> tells the caller to check.</item>
/// <item>edits without an expected version: only when the first attempt provably changed nothing
/// (no connection could be made, or the server itself answered UNAVAILABLE, which the API defines as
/// "not applied"). A connection that drops after the edit was sent is never retried: the edit may have
/// been applied, and blindly sending it again could undo someone else's later change. Plan edits, CreatePlan,
/// DeletePlan, ActivatePlan, CancelActivation, RollbackMap and the override edits (UpsertOverrides, DeleteOverrides,
/// ImportOverrides) are edits.</item>
/// <item>a GeoJSON import read from a stream that cannot seek, when it is too large for one message, and an override
/// import read from a stream that cannot seek: never, as it cannot be replayed.</item>
/// </list>
/// <para><b>Read-your-writes.</b> The client remembers the highest map version any edit through it
/// returned (<see cref="MinReadVersion"/>) and sends it as <c>min_version</c> on every later lookup
/// and read, so a replica behind the client's own writes waits to catch up instead of answering from
/// an older map. Plan edits and plan operations count too: the live map and every plan take their versions
/// from one sequence, and a replica compares <c>min_version</c> with the last version it applied of any of them.
/// (ListVersions carries no <c>min_version</c>: a replica behind may list an older history.)</para>
/// </remarks>
public sealed partial class GeoAssignClient : IDisposable, IAsyncDisposable
{
    private readonly GrpcChannel _channel;
    private readonly Metadata? _headers;
    private readonly V1.AssignmentService.AssignmentServiceClient _assignments;
    private readonly V1.TerritoryService.TerritoryServiceClient _territories;
    private readonly V1.ReassignmentService.ReassignmentServiceClient _reassignments;
    private readonly V1.PlanService.PlanServiceClient _plans;
    private readonly V1.AccountService.AccountServiceClient _accounts;
    private ulong _minReadVersion;

    /// <summary>A client of the server at <paramref name="address"/> with default options.</summary>
    /// <param name="address">The server's address, e.g. <c>http://127.0.0.1:5080</c>.</param>
    /// <param name="apiKey">The API key, or <see langword="null"/> for an open server.</param>
    public GeoAssignClient(Uri address, string? apiKey = null)
        : this(new GeoAssignClientOptions { Address = address, ApiKey = apiKey })
    {
    }

    /// <summary>A client with the given options (copied: later changes to them have no effect).</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public GeoAssignClient(GeoAssignClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = Copy(options);
        Retry = new CallRetry(Options);
        _headers = Options.ApiKey is { } key ? new Metadata { { "x-api-key", key } } : null;
        var handler = Options.HttpHandler ?? new SocketsHttpHandler
        {
            // Several HTTP/2 connections when one is saturated with concurrent streams.
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = Options.ConnectTimeout,
            // Pings find a dead connection (a replica that vanished) before a call waits for its deadline.
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        };
        _channel = GrpcChannel.ForAddress(Options.Address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = Options.MaxReceiveMessageBytes,
            MaxSendMessageSize = null,
        });
        _assignments = new V1.AssignmentService.AssignmentServiceClient(_channel);
        _territories = new V1.TerritoryService.TerritoryServiceClient(_channel);
        _reassignments = new V1.ReassignmentService.ReassignmentServiceClient(_channel);
        _plans = new V1.PlanService.PlanServiceClient(_channel);
        _accounts = new V1.AccountService.AccountServiceClient(_channel);
    }

    /// <summary>The server's address.</summary>
    public Uri Address => Options.Address;

    /// <summary>
    /// The <c>min_version</c> lookups and reads send: the highest map version an edit through this
    /// client returned, raised further by <see cref="RequireVersion"/>; 0 until then. Always 0 when
    /// <see cref="GeoAssignClientOptions.ReadYourWrites"/> is off.
    /// </summary>
    public ulong MinReadVersion => Options.ReadYourWrites ? Volatile.Read(ref _minReadVersion) : 0;

    internal GeoAssignClientOptions Options { get; }

    internal CallRetry Retry { get; }

    /// <summary>
    /// Raises <see cref="MinReadVersion"/> to at least <paramref name="version"/>, for example a
    /// version another process's edit returned, so that this client reads at least that map. Never lowers it.
    /// </summary>
    public void RequireVersion(ulong version)
    {
        var current = Volatile.Read(ref _minReadVersion);
        while (version > current)
        {
            var seen = Interlocked.CompareExchange(ref _minReadVersion, version, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _channel.Dispose();

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _channel.Dispose();
        return ValueTask.CompletedTask;
    }

    internal CallOptions UnaryCallOptions(CancellationToken cancellationToken) =>
        new(_headers, DateTime.UtcNow + Options.DefaultDeadline, cancellationToken);

    internal CallOptions StreamingCallOptions(CancellationToken cancellationToken) =>
        new(_headers, Options.StreamingDeadline == Timeout.InfiniteTimeSpan ? null : DateTime.UtcNow + Options.StreamingDeadline, cancellationToken);

    // Watching runs until the caller cancels it, so it has no deadline.
    private CallOptions WatchCallOptions(CancellationToken cancellationToken) => new(_headers, null, cancellationToken);

    /// <summary>One unary call through the retry pipeline, each attempt with its own deadline.</summary>
    private Task<TResponse> UnaryAsync<TRequest, TResponse>(string method, CallSafety safety, TRequest request,
        Func<TRequest, CallOptions, AsyncUnaryCall<TResponse>> invoke, CancellationToken cancellationToken) =>
        Retry.ExecuteAsync(method, Options.Address, safety, (client: this, request, invoke), static async (args, token) =>
        {
            using var call = args.invoke(args.request, args.client.UnaryCallOptions(token));
            return await call.ResponseAsync.ConfigureAwait(false);
        }, cancellationToken);

    private static GeoAssignClientOptions Copy(GeoAssignClientOptions options) => new()
    {
        Address = options.Address,
        ApiKey = options.ApiKey,
        DefaultDeadline = options.DefaultDeadline,
        StreamingDeadline = options.StreamingDeadline,
        MaxRetries = options.MaxRetries,
        RetryBaseDelay = options.RetryBaseDelay,
        RetryMaxDelay = options.RetryMaxDelay,
        ChunkSize = options.ChunkSize,
        BatchThreshold = options.BatchThreshold,
        MaxChunksInFlight = options.MaxChunksInFlight,
        ImportStreamThreshold = options.ImportStreamThreshold,
        ImportChunkBytes = options.ImportChunkBytes,
        PageSize = options.PageSize,
        MaxReceiveMessageBytes = options.MaxReceiveMessageBytes,
        ConnectTimeout = options.ConnectTimeout,
        ReadYourWrites = options.ReadYourWrites,
        OnRetry = options.OnRetry,
        HttpHandler = options.HttpHandler,
    };
}

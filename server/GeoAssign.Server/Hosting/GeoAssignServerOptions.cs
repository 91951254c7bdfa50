// The server's configuration (section "GeoAssign"), with documented defaults and start-up validation.
using GeoAssign.Index;
using GeoAssign.Index.Validation;
using GeoAssign.Replication.Redis;
using GeoAssign.Server.Security;
using Microsoft.Extensions.Options;

namespace GeoAssign.Server.Hosting;

/// <summary>
/// Configuration of the server, bound from the <c>GeoAssign</c> section (appsettings.json,
/// environment variables such as <c>GeoAssign__MaxPointsPerMessage=5000</c>, or the command line
/// such as <c>--GeoAssign:DataDirectory=/var/lib/geoassign</c>). Every limit has the default that
/// common.proto documents; <see cref="GeoAssignServerOptionsValidator"/> rejects bad values at start-up.
/// </summary>
public sealed class GeoAssignServerOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "GeoAssign";

    /// <summary>
    /// The embedded store's data folder. Default: <c>$GEOASSIGN_DATA_DIR</c> when set, else
    /// <c>data</c> under the content root (the current directory). Relative paths are taken from the
    /// content root.
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>
    /// Where the map is kept: <c>Embedded</c> (a local folder, one server) or <c>Redis</c> (replicas).
    /// Default: Redis when <c>GeoAssign:Redis:ConnectionString</c> is set, else Embedded.
    /// </summary>
    public MapStoreChoice? Store { get; set; }

    /// <summary>
    /// Whether to accept gRPC-Web (unary and server-streaming calls over HTTP/1.1 or HTTP/2, for
    /// browsers and HTTP/1.1-only proxies) besides gRPC. Default false: it puts a middleware in front
    /// of every call. Browsers also need an endpoint that speaks HTTP/1.1 (Kestrel:Endpoints:NAME:Protocols
    /// = Http1 or Http1AndHttp2) and, from another origin, CORS in front of the server.
    /// </summary>
    public bool EnableGrpcWeb { get; set; }

    /// <summary>
    /// Whether to serve gRPC server reflection (grpc.reflection.v1alpha), which lets tools such as
    /// grpcurl list and call the services without the .proto files. Default true. Reflection needs no
    /// API key and tells any caller every method and message; turn it off where that is unwanted.
    /// </summary>
    public bool EnableReflection { get; set; } = true;

    /// <summary>
    /// An endpoint that speaks HTTP/1.1, for HTTP/JSON clients that do not speak HTTP/2 without TLS
    /// (curl without --http2-prior-knowledge, browsers, webhooks) and gRPC-Web; the gRPC endpoints
    /// speak HTTP/2 only. Default <c>http://127.0.0.1:5081</c> when no <c>urls</c> are configured,
    /// else none; empty: none. Not with <c>Kestrel:Endpoints</c>, which configure every endpoint.
    /// </summary>
    public string? Http1Url { get; set; }

    /// <summary>
    /// Whether to serve the OpenAPI document of the HTTP/JSON routes at <c>/openapi/v1.json</c>.
    /// Default true. Like reflection it needs no API key and tells any caller every route and
    /// message; turn it off where that is unwanted.
    /// </summary>
    public bool EnableOpenApi { get; set; } = true;

    /// <summary>The Redis store (<c>GeoAssign:Redis</c>), used when <see cref="Store"/> is Redis.</summary>
    public RedisStoreSettings Redis { get; set; } = new();

    /// <summary>The store this configuration selects.</summary>
    public MapStoreChoice EffectiveStore => Store ?? (string.IsNullOrWhiteSpace(Redis.ConnectionString) ? MapStoreChoice.Embedded : MapStoreChoice.Redis);

    /// <summary>This replica's id in GetMapInfo. Default: host name and process id.</summary>
    public string? ReplicaId { get; set; }

    /// <summary>The replica id in effect: <see cref="ReplicaId"/>, else host name and process id.</summary>
    public string EffectiveReplicaId => string.IsNullOrWhiteSpace(ReplicaId) ? $"{Environment.MachineName}-{Environment.ProcessId}" : ReplicaId;

    /// <summary>Largest request and response message, in bytes. Default 16 MiB.</summary>
    public int MaxMessageBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Most points in a ResolveBatch or in one ResolveStream or Reassign message. Default 10,000.</summary>
    public int MaxPointsPerMessage { get; set; } = 10_000;

    /// <summary>Most territories in an UpsertTerritories call or ids in a DeleteTerritories call. Default 10,000.</summary>
    public int MaxTerritoriesPerEdit { get; set; } = 10_000;

    /// <summary>Most overrides in an UpsertOverrides call or account ids in a DeleteOverrides call. Default 10,000.</summary>
    public int MaxOverridesPerEdit { get; set; } = 10_000;

    /// <summary>Most rows of an ImportOverrides CSV. Default 5,000,000 (MaxImportBytes bounds the text too).</summary>
    public long MaxOverridesPerImport { get; set; } = 5_000_000;

    /// <summary>Most territories in the map, all layers together. Default 100,000.</summary>
    public int MaxTerritoriesPerMap { get; set; } = 100_000;

    /// <summary>Most vertices in one territory. Default 1,000,000.</summary>
    public int MaxVerticesPerTerritory { get; set; } = 1_000_000;

    /// <summary>Largest attributes of a territory as compact JSON, in bytes. Default 64 KiB.</summary>
    public int MaxAttributesBytes { get; set; } = 64 * 1024;

    /// <summary>Largest GeoJSON text of an ImportGeoJsonStream call, in bytes. Default 256 MiB.</summary>
    public long MaxImportBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Largest ListTerritories page. Default 1,000.</summary>
    public int MaxPageSize { get; set; } = 1_000;

    /// <summary>ListTerritories page size when the request names none. Default 100.</summary>
    public int DefaultPageSize { get; set; } = 100;

    /// <summary>Longest a call waits for its <c>min_version</c> (never past its deadline). Default 2 s.</summary>
    public TimeSpan MinVersionWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The embedded store writes a snapshot after this many changes. Default 1,000.</summary>
    public int SnapshotEveryChanges { get; set; } = 1_000;

    /// <summary>… or once the current change-log segment holds this many bytes. Default 64 MiB.</summary>
    public long SnapshotEveryLogBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>How long a graceful shutdown waits for calls in flight. Default 30 s.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Finest H3 resolution per layer (0..15); layers not listed get one chosen from their territories' sizes.</summary>
    public Dictionary<string, int> LayerResolutions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>API keys and their roles. None: the server is open to every caller (and logs a warning).</summary>
    public List<ApiKeyOptions> ApiKeys { get; set; } = [];

    /// <summary>Limits on client connections (<c>GeoAssign:Connections</c>).</summary>
    public ConnectionOptions Connections { get; set; } = new();

    /// <summary>How Kestrel's socket transport schedules I/O (<c>GeoAssign:Transport</c>).</summary>
    public TransportOptions Transport { get; set; } = new();

    /// <summary>Metric exporters.</summary>
    public TelemetryOptions Telemetry { get; set; } = new();

    /// <summary>How plans are activated (<c>GeoAssign:Plans</c>).</summary>
    public PlanOptions Plans { get; set; } = new();

    /// <summary>How much history of the live map is kept (<c>GeoAssign:History</c>).</summary>
    public HistoryOptions History { get; set; } = new();

    /// <summary>The index options these limits imply.</summary>
    public TerritoryIndexOptions ToIndexOptions() => new()
    {
        Validation = ToValidationOptions(),
        LayerResolutions = new Dictionary<string, int>(LayerResolutions, StringComparer.Ordinal),
    };

    /// <summary>The validation limits these options imply.</summary>
    public ValidationOptions ToValidationOptions() => new()
    {
        MaxVerticesPerTerritory = MaxVerticesPerTerritory,
        MaxTerritoriesPerMap = MaxTerritoriesPerMap,
        // Message sizes bound the rest; a map of 100,000 territories of 1,000 vertices fits easily.
        MaxVerticesPerMap = Math.Max(ValidationOptions.Default.MaxVerticesPerMap, MaxVerticesPerTerritory),
        MaxProblems = 1_000,
        // Problems name the settings an operator can raise; the other limits are fixed on the server.
        LimitSetting = name => name is nameof(MaxVerticesPerTerritory) or nameof(MaxTerritoriesPerMap) ? $"GeoAssign:{name}" : null,
    };
}

/// <summary>One API key (<c>GeoAssign:ApiKeys:0:Key</c>, <c>GeoAssign:ApiKeys:0:Role</c>).</summary>
public sealed class ApiKeyOptions
{
    /// <summary>The key, as clients send it in the <c>x-api-key</c> metadata. At least 16 characters.</summary>
    public string Key { get; set; } = "";

    /// <summary><c>reader</c> (lookups and reads) or <c>editor</c> (also edits).</summary>
    public string Role { get; set; } = "";

    /// <summary>
    /// The key's name, recorded as the author of every change made with it (history, plans). Never the
    /// key itself. Default: the role and the key's position, e.g. <c>editor-1</c>.
    /// </summary>
    public string? Name { get; set; }

    /// <summary>The name in effect for the key at <paramref name="index"/>.</summary>
    public string EffectiveName(int index) => string.IsNullOrWhiteSpace(Name) ? $"{Role.ToLowerInvariant()}-{index}" : Name;
}

/// <summary>What an activation does about overlaps the live map does not have.</summary>
public enum NewOverlapPolicy
{
    /// <summary>Refuse the activation (FAILED_PRECONDITION naming them) unless the request sets force. The default.</summary>
    Refuse,

    /// <summary>Let them through; the response lists them.</summary>
    Allow,
}

/// <summary>Settings of redistricting plans (<c>GeoAssign:Plans</c>).</summary>
public sealed class PlanOptions
{
    /// <summary>What an activation does about new overlaps (two owners for one place). Default <see cref="NewOverlapPolicy.Refuse"/>.</summary>
    public NewOverlapPolicy NewOverlaps { get; set; } = NewOverlapPolicy.Refuse;

    /// <summary>Search time of a ProposePlan call that names none, seconds. Default 30.</summary>
    public double ProposalDefaultSeconds { get; set; } = 30;

    /// <summary>Longest search a ProposePlan call may ask for, seconds (longer requests are cut to it). Default 300.</summary>
    public double ProposalMaxSeconds { get; set; } = 300;

    /// <summary>Most accounts one ProposePlan call takes (RESOURCE_EXHAUSTED beyond). Default 2,000,000.</summary>
    public int ProposalMaxAccounts { get; set; } = 2_000_000;
}

/// <summary>How much history of the live map is kept, for ListVersions, as-of answers, rollbacks and plans from a past version (<c>GeoAssign:History</c>).</summary>
public sealed class HistoryOptions
{
    /// <summary>
    /// How many of the latest changes (of the live map and of plans) the embedded store keeps readable,
    /// and how many live versions ListVersions lists. Default 10,000. With Redis, Redis:StreamMaxLength
    /// bounds the changes Redis keeps (same default).
    /// </summary>
    public int KeepChanges { get; set; } = 10_000;

    /// <summary>Memory budget of the indexes of past versions built for as-of answers, in bytes. Default 1 GiB.</summary>
    public long PastVersionCacheBytes { get; set; } = 1L << 30;
}

/// <summary>Kinds of store a server can keep its map in.</summary>
public enum MapStoreChoice
{
    /// <summary>A change log and snapshots in <see cref="GeoAssignServerOptions.DataDirectory"/>.</summary>
    Embedded,

    /// <summary>Redis at <see cref="RedisStoreSettings.ConnectionString"/>, shared by every replica.</summary>
    Redis,
}

/// <summary>The Redis store (<c>GeoAssign:Redis</c>).</summary>
public sealed class RedisStoreSettings
{
    /// <summary>
    /// A StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379</c> or <c>redis1:6379,password=…</c>;
    /// with <see cref="ServiceName"/>, the sentinels, e.g. <c>s1:26379,s2:26379,s3:26379</c>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// The Sentinel service (master) name when Redis runs under Sentinel; <see cref="ConnectionString"/>
    /// then lists the sentinels, and replicas follow the primary they name through a failover. Default none.
    /// </summary>
    public string? ServiceName { get; set; }

    /// <summary>The map's name: replicas with the same Redis and name serve the same map. Default <c>default</c>.</summary>
    public string MapName { get; set; } = "default";

    /// <summary>How many recent changes the change stream keeps (approximately); a replica further behind reloads the whole map. Default 10,000.</summary>
    public int StreamMaxLength { get; set; } = 10_000;

    /// <summary>How often a replica asks Redis for the version, besides pub/sub (the safety net). Default 1 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one Redis request may take before the edit fails with UNAVAILABLE. Default 2 s.</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a starting server keeps trying to reach Redis before it gives up. Default 30 s.</summary>
    public TimeSpan ConnectRetryTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many Redis replicas must confirm an edit (WAIT) before it is acknowledged; an edit they do
    /// not confirm within half of <see cref="OperationTimeout"/> answers UNKNOWN. Default 0 (the primary alone).
    /// </summary>
    public int WaitForReplicas { get; set; }

    /// <summary>
    /// The store's options from these settings. The server checks them more strictly than the store
    /// (see <see cref="GeoAssignServerOptionsValidator"/>): tests of the store use values no operator should.
    /// </summary>
    public RedisMapStoreOptions ToStoreOptions() => new()
    {
        ConnectionString = ConnectionString ?? "",
        ServiceName = string.IsNullOrEmpty(ServiceName) ? null : ServiceName,
        MapName = MapName,
        StreamMaxLength = StreamMaxLength,
        PollInterval = PollInterval,
        OperationTimeout = OperationTimeout,
        ConnectRetryTime = ConnectRetryTime,
        WaitForReplicas = WaitForReplicas,
    };
}

/// <summary>
/// Limits on client connections (<c>GeoAssign:Connections</c>), applied to Kestrel so that idle,
/// slow or abandoned connections do not pile up: Kestrel's own defaults keep an idle connection
/// 130 s, wait 30 s for request headers, never ping and accept any number of connections.
/// </summary>
public sealed class ConnectionOptions
{
    /// <summary>
    /// Closes a connection that has no call in flight for this long (a gRPC client reconnects by
    /// itself on its next call). Default 60 s.
    /// </summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Closes a connection whose client takes longer than this to send a call's headers, or to
    /// open the connection (HTTP/2 preface and settings). Default 10 s.
    /// </summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Sends an HTTP/2 PING when the client has sent nothing for this long, so that a connection
    /// whose client vanished (calls in flight, nothing arriving) is found and closed. At least 1 s.
    /// Default 30 s.
    /// </summary>
    public TimeSpan KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Closes the connection, and ends its calls, when a PING is not answered within this time. At least 1 s. Default 20 s.</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Most open connections; further ones are closed as soon as they are accepted. Raise it together
    /// with the process's limit on open files. Default 10,000.
    /// </summary>
    public long MaxConnections { get; set; } = 10_000;

    /// <summary>
    /// Most calls in flight on one connection (HTTP/2 streams); a client opens another connection
    /// or waits beyond it. Streams (ResolveStream, Reassign, WatchMap) and calls waiting for
    /// <c>min_version</c> count while they last. Default 100.
    /// </summary>
    public int MaxStreamsPerConnection { get; set; } = 100;

    /// <summary>What is wrong with these settings, each problem naming its setting; empty when nothing is.</summary>
    public List<string> Problems()
    {
        var problems = new List<string>();
        // Kestrel checks its timeouts about once a second: shorter ones would not be kept.
        foreach (var (value, setting) in new[]
        {
            (KeepAliveTimeout, nameof(KeepAliveTimeout)),
            (RequestHeadersTimeout, nameof(RequestHeadersTimeout)),
            (KeepAlivePingDelay, nameof(KeepAlivePingDelay)),
            (KeepAlivePingTimeout, nameof(KeepAlivePingTimeout)),
        })
        {
            if (value < TimeSpan.FromSeconds(1))
            {
                problems.Add($"GeoAssign:Connections:{setting} must be at least 1 s (it is {value}).");
            }
        }

        if (MaxConnections <= 0)
        {
            problems.Add($"GeoAssign:Connections:MaxConnections must be positive (it is {MaxConnections}).");
        }

        if (MaxStreamsPerConnection <= 0)
        {
            problems.Add($"GeoAssign:Connections:MaxStreamsPerConnection must be positive (it is {MaxStreamsPerConnection}).");
        }

        return problems;
    }

    /// <summary>Sets these limits on Kestrel's; call only when <see cref="Problems"/> finds none.</summary>
    public void ApplyTo(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerLimits limits)
    {
        limits.KeepAliveTimeout = KeepAliveTimeout;
        limits.RequestHeadersTimeout = RequestHeadersTimeout;
        limits.Http2.KeepAlivePingDelay = KeepAlivePingDelay;
        limits.Http2.KeepAlivePingTimeout = KeepAlivePingTimeout;
        limits.MaxConcurrentConnections = MaxConnections;
        limits.Http2.MaxStreamsPerConnection = MaxStreamsPerConnection;
    }
}

/// <summary>
/// How Kestrel's socket transport schedules I/O (<c>GeoAssign:Transport</c>), applied to
/// <c>SocketTransportOptions</c>. The defaults are Kestrel's; docs/operations.md says what each
/// setting gave for unary calls on a 2-core machine.
/// </summary>
public sealed class TransportOptions
{
    /// <summary>
    /// Kestrel's <c>UnsafePreferInlineScheduling</c>: runs connection processing, and application code
    /// up to its first asynchronous wait, on the socket's I/O thread instead of handing it to the
    /// thread pool. Saves a thread hop per read, but a handler that computes for long there stalls
    /// every connection of that I/O queue. Default false.
    /// </summary>
    public bool InlineScheduling { get; set; }

    /// <summary>
    /// Kestrel's <c>IOQueueCount</c>: the number of queues that process socket I/O; 0 hands I/O to
    /// the thread pool directly. Default: Kestrel's (the processor count, at most 16).
    /// </summary>
    public int? IOQueueCount { get; set; }

    /// <summary>What is wrong with these settings, each problem naming its setting; empty when nothing is.</summary>
    public List<string> Problems() => IOQueueCount is < 0 or > 64
        ? [$"GeoAssign:Transport:IOQueueCount must be between 0 and 64 (it is {IOQueueCount})."]
        : [];

    /// <summary>Sets these on the socket transport's options; call only when <see cref="Problems"/> finds none.</summary>
    public void ApplyTo(Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets.SocketTransportOptions transport)
    {
        transport.UnsafePreferInlineScheduling = InlineScheduling;
        if (IOQueueCount is { } count)
        {
            transport.IOQueueCount = count;
        }
    }
}

/// <summary>Where metrics go (<c>GeoAssign:Telemetry</c>). Nothing is exported unless configured.</summary>
public sealed class TelemetryOptions
{
    /// <summary>Print metrics to the console every <see cref="ExportInterval"/>. Default false.</summary>
    public bool ConsoleExporter { get; set; }

    /// <summary>
    /// Send metrics over OTLP to this endpoint (e.g. <c>http://127.0.0.1:4317</c>). Default none; the
    /// standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable turns it on too.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>How often metrics are exported. Default 10 s.</summary>
    public TimeSpan ExportInterval { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Rejects bad configuration at start-up, naming the setting.</summary>
internal sealed class GeoAssignServerOptionsValidator : IValidateOptions<GeoAssignServerOptions>
{
    public ValidateOptionsResult Validate(string? name, GeoAssignServerOptions options)
    {
        var failures = new List<string>();
        void Positive(long value, string setting)
        {
            if (value <= 0)
            {
                failures.Add($"GeoAssign:{setting} must be positive (it is {value}).");
            }
        }

        Positive(options.MaxMessageBytes, nameof(options.MaxMessageBytes));
        Positive(options.MaxPointsPerMessage, nameof(options.MaxPointsPerMessage));
        Positive(options.MaxTerritoriesPerEdit, nameof(options.MaxTerritoriesPerEdit));
        Positive(options.MaxOverridesPerEdit, nameof(options.MaxOverridesPerEdit));
        Positive(options.MaxOverridesPerImport, nameof(options.MaxOverridesPerImport));
        Positive(options.MaxTerritoriesPerMap, nameof(options.MaxTerritoriesPerMap));
        Positive(options.MaxVerticesPerTerritory, nameof(options.MaxVerticesPerTerritory));
        Positive(options.MaxAttributesBytes, nameof(options.MaxAttributesBytes));
        Positive(options.MaxImportBytes, nameof(options.MaxImportBytes));
        Positive(options.MaxPageSize, nameof(options.MaxPageSize));
        Positive(options.DefaultPageSize, nameof(options.DefaultPageSize));
        Positive(options.SnapshotEveryChanges, nameof(options.SnapshotEveryChanges));
        if (options.SnapshotEveryLogBytes < 4096)
        {
            failures.Add($"GeoAssign:SnapshotEveryLogBytes must be at least 4096 (it is {options.SnapshotEveryLogBytes}).");
        }

        if (options.DefaultPageSize > options.MaxPageSize)
        {
            failures.Add($"GeoAssign:DefaultPageSize ({options.DefaultPageSize}) must not exceed GeoAssign:MaxPageSize ({options.MaxPageSize}).");
        }

        if (options.MinVersionWait < TimeSpan.Zero || options.MinVersionWait > TimeSpan.FromMinutes(5))
        {
            failures.Add($"GeoAssign:MinVersionWait must be between 0 and 5 minutes (it is {options.MinVersionWait}).");
        }

        if (options.ShutdownTimeout < TimeSpan.Zero)
        {
            failures.Add($"GeoAssign:ShutdownTimeout must not be negative (it is {options.ShutdownTimeout}).");
        }

        foreach (var (layer, resolution) in options.LayerResolutions)
        {
            if (resolution is < 0 or > 15)
            {
                failures.Add($"GeoAssign:LayerResolutions:{layer} must be an H3 resolution 0..15 (it is {resolution}).");
            }
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            var key = options.ApiKeys[i];
            if (string.IsNullOrEmpty(key.Key) || key.Key.Length < 16)
            {
                failures.Add($"GeoAssign:ApiKeys:{i}:Key must have at least 16 characters.");
            }
            else if (!keys.Add(key.Key))
            {
                failures.Add($"GeoAssign:ApiKeys:{i}:Key repeats an earlier key.");
            }

            if (!ApiKeyRoles.TryParse(key.Role, out _))
            {
                failures.Add($"GeoAssign:ApiKeys:{i}:Role must be \"reader\" or \"editor\" (it is \"{key.Role}\").");
            }
        }

        if (!(options.Plans.ProposalDefaultSeconds > 0) || !(options.Plans.ProposalMaxSeconds >= options.Plans.ProposalDefaultSeconds)
            || !double.IsFinite(options.Plans.ProposalMaxSeconds))
        {
            failures.Add($"GeoAssign:Plans:ProposalDefaultSeconds must be above 0 and ProposalMaxSeconds finite and at least as large (they are {options.Plans.ProposalDefaultSeconds} and {options.Plans.ProposalMaxSeconds}).");
        }

        if (options.Plans.ProposalMaxAccounts < 1)
        {
            failures.Add($"GeoAssign:Plans:ProposalMaxAccounts must be at least 1 (it is {options.Plans.ProposalMaxAccounts}).");
        }

        if (options.History.KeepChanges < 1)
        {
            failures.Add($"GeoAssign:History:KeepChanges must be at least 1 (it is {options.History.KeepChanges}).");
        }

        if (options.History.PastVersionCacheBytes < 1 << 20)
        {
            failures.Add($"GeoAssign:History:PastVersionCacheBytes must be at least 1 MiB (it is {options.History.PastVersionCacheBytes}).");
        }

        if (options.EffectiveStore == MapStoreChoice.Redis)
        {
            var redis = options.Redis;
            if (string.IsNullOrWhiteSpace(redis.ConnectionString))
            {
                failures.Add("GeoAssign:Store is Redis, so GeoAssign:Redis:ConnectionString must be set (e.g. 127.0.0.1:6379).");
            }

            if (RedisMapStoreOptions.MapNameProblem(redis.MapName) is { } mapNameProblem)
            {
                failures.Add($"GeoAssign:Redis:MapName {mapNameProblem}.");
            }

            if (RedisMapStoreOptions.ServiceNameProblem(string.IsNullOrEmpty(redis.ServiceName) ? null : redis.ServiceName, redis.ConnectionString) is { } serviceProblem)
            {
                failures.Add($"GeoAssign:Redis:ServiceName {serviceProblem}.");
            }

            if (redis.StreamMaxLength < 100)
            {
                failures.Add($"GeoAssign:Redis:StreamMaxLength must be at least 100 (it is {redis.StreamMaxLength}).");
            }

            if (redis.PollInterval < TimeSpan.FromMilliseconds(10) || redis.PollInterval > TimeSpan.FromMinutes(1))
            {
                failures.Add($"GeoAssign:Redis:PollInterval must be between 10 ms and 1 minute (it is {redis.PollInterval}).");
            }

            if (redis.OperationTimeout < TimeSpan.FromMilliseconds(50))
            {
                failures.Add($"GeoAssign:Redis:OperationTimeout must be at least 50 ms (it is {redis.OperationTimeout}).");
            }

            if (redis.WaitForReplicas is < 0 or > 100)
            {
                failures.Add($"GeoAssign:Redis:WaitForReplicas must be between 0 and 100 (it is {redis.WaitForReplicas}).");
            }

            if (redis.ConnectRetryTime < TimeSpan.Zero)
            {
                failures.Add($"GeoAssign:Redis:ConnectRetryTime must not be negative (it is {redis.ConnectRetryTime}).");
            }
        }

        failures.AddRange(options.Connections.Problems());
        failures.AddRange(options.Transport.Problems());

        if (options.Telemetry.ExportInterval <= TimeSpan.Zero)
        {
            failures.Add("GeoAssign:Telemetry:ExportInterval must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

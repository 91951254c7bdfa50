// One real redis-server (or a Sentinel group) and N real server processes that follow it.
using GeoAssign.Protos.V1;
using GeoAssign.Testing.Servers;
using Google.Protobuf;

namespace GeoAssign.Replicas.Tests;

/// <summary>
/// Starts a <see cref="RedisServer"/> (AOF with fsync on every write, so a restart keeps every
/// acknowledged edit) and <c>N</c> <c>GeoAssign.Server</c> processes configured for it, each on a
/// free loopback port. Replicas can be killed and started again; disposing stops everything.
/// <see cref="StartWithSentinelsAsync"/> puts a <see cref="SentinelGroup"/> in Redis's place: the
/// servers find the primary through the sentinels (GeoAssign:Redis:ServiceName).
/// </summary>
internal sealed class ReplicaCluster : IAsyncDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "geoassign-replicas", Guid.NewGuid().ToString("N"));
    private readonly ServerProcess?[] _replicas;
    private readonly Dictionary<string, string> _settings;

    private ReplicaCluster(RedisServer redis, SentinelGroup? sentinels, int count, Dictionary<string, string> settings)
    {
        Redis = redis;
        Sentinels = sentinels;
        _replicas = new ServerProcess?[count];
        _settings = settings;
    }

    /// <summary>Redis (with sentinels: the primary at start).</summary>
    public RedisServer Redis { get; }

    /// <summary>The Sentinel group, when started with <see cref="StartWithSentinelsAsync"/>.</summary>
    public SentinelGroup? Sentinels { get; }

    public int Count => _replicas.Length;

    public string MapName { get; } = "test-" + Guid.NewGuid().ToString("N")[..8];

    public ServerProcess this[int replica] => _replicas[replica] ?? throw new InvalidOperationException($"Replica {replica} is not running.");

    public static async Task<ReplicaCluster> StartAsync(int replicas = 3, IDictionary<string, string>? settings = null) =>
        await StartAsync(await RedisServer.StartAsync(), null, replicas, settings);

    /// <summary>Starts a primary, a replica and three sentinels, and <paramref name="replicas"/> servers that use them.</summary>
    public static async Task<ReplicaCluster> StartWithSentinelsAsync(int replicas = 3, IDictionary<string, string>? settings = null)
    {
        var sentinels = await SentinelGroup.StartAsync();
        return await StartAsync(sentinels.Primary, sentinels, replicas, settings);
    }

    private static async Task<ReplicaCluster> StartAsync(RedisServer redis, SentinelGroup? sentinels, int replicas, IDictionary<string, string>? settings)
    {
        var cluster = new ReplicaCluster(redis, sentinels, replicas, new Dictionary<string, string>(settings ?? new Dictionary<string, string>()));
        try
        {
            await Task.WhenAll(Enumerable.Range(0, replicas).Select(cluster.StartReplicaAsync));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts replica <paramref name="replica"/> (again).</summary>
    public async Task StartReplicaAsync(int replica)
    {
        var environment = new Dictionary<string, string>(_settings)
        {
            ["GeoAssign__Redis__ConnectionString"] = Sentinels?.SentinelEndpoints ?? Redis.ConnectionString,
            ["GeoAssign__Redis__MapName"] = MapName,
            ["GeoAssign__ReplicaId"] = $"replica-{replica}",
        };
        if (Sentinels is not null)
        {
            environment["GeoAssign__Redis__ServiceName"] = Sentinels.ServiceName;
        }

        _replicas[replica] = await ServerProcess.StartAsync(Path.Combine(_root, $"replica-{replica}"), environment);
    }

    /// <summary>Kills replica <paramref name="replica"/> at once (SIGKILL).</summary>
    public void KillReplica(int replica)
    {
        var process = this[replica];
        _replicas[replica] = null;
        process.Dispose();
    }

    public TerritoryService.TerritoryServiceClient Territories(int replica) => new(this[replica].Channel);

    public AssignmentService.AssignmentServiceClient Assignments(int replica) => new(this[replica].Channel);

    public IEnumerable<int> Running => Enumerable.Range(0, Count).Where(i => _replicas[i] is not null);

    /// <summary>Imports the committed US states extract (layer geo) through replica 0.</summary>
    public async Task<ulong> ImportStatesAsync()
    {
        var path = TestData.StatesExtractPath;
        var response = await Territories(0).ImportGeoJsonAsync(new ImportGeoJsonRequest
        {
            Options = new ImportGeoJsonOptions(),
            FeatureCollection = ByteString.CopyFrom(await File.ReadAllBytesAsync(path)),
        });
        return response.Summary.MapVersion;
    }

    /// <summary>Output of every replica, for failure messages.</summary>
    public string Logs() => string.Join("\n", Running.Select(i => $"---- replica {i} ----\n{Tail(this[i].Output)}"));

    private static string Tail(string output) => output.Length <= 6000 ? output : "…" + output[^6000..];

    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < _replicas.Length; i++)
        {
            _replicas[i]?.Dispose();
            _replicas[i] = null;
        }

        if (Sentinels is not null)
        {
            await Sentinels.DisposeAsync();
        }
        else
        {
            await Redis.DisposeAsync();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind harms nothing.
        }
    }
}

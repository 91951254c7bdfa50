// A primary, a replica and three sentinels on loopback: Redis as an operator runs it for failover.
using System.Globalization;

namespace GeoAssign.Testing.Servers;

/// <summary>
/// Starts a primary and one replica (<see cref="RedisServer"/>, AOF fsynced on every write) and
/// three sentinels that monitor them as <see cref="ServiceName"/> with quorum 2, a primary considered
/// down after <see cref="DownAfter"/> and failovers retried after 5 s, so that a failover takes a
/// few seconds. Returns once every sentinel knows the replica and the other sentinels (a failover
/// needs both). Disposing kills every process. One test uses it at a time.
/// </summary>
public sealed class SentinelGroup : IAsyncDisposable
{
    /// <summary>How long the sentinels wait for a reply before they consider a server down.</summary>
    public static readonly TimeSpan DownAfter = TimeSpan.FromMilliseconds(1000);

    private static readonly TimeSpan FailoverTimeout = TimeSpan.FromSeconds(5);
    private readonly List<RedisServer> _sentinels = [];

    private SentinelGroup(RedisServer primary, RedisServer replica)
    {
        Primary = primary;
        Replica = replica;
    }

    /// <summary>The Sentinel service name.</summary>
    public string ServiceName { get; } = "geoassign-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The server that is primary at start.</summary>
    public RedisServer Primary { get; }

    /// <summary>The server that is a replica at start (and the one the sentinels promote).</summary>
    public RedisServer Replica { get; }

    /// <summary>The sentinels.</summary>
    public IReadOnlyList<RedisServer> Sentinels => _sentinels;

    /// <summary>The sentinels as a StackExchange.Redis connection string (the service name goes beside it).</summary>
    public string SentinelEndpoints => string.Join(",", _sentinels.Select(s => "127.0.0.1:" + s.Port.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Starts the group; <paramref name="replicaArguments"/> go to the replica's command line.</summary>
    public static async Task<SentinelGroup> StartAsync(params string[] replicaArguments)
    {
        var primary = await RedisServer.StartAsync();
        RedisServer? replica = null;
        try
        {
            replica = await RedisServer.StartReplicaAsync(primary, replicaArguments);
            var group = new SentinelGroup(primary, replica);
            try
            {
                for (var i = 0; i < 3; i++)
                {
                    group._sentinels.Add(await RedisServer.StartSentinelAsync(primary, group.ServiceName, quorum: 2, DownAfter, FailoverTimeout));
                }

                foreach (var sentinel in group._sentinels)
                {
                    await sentinel.WaitUntilAsync(async () =>
                        await sentinel.ExecuteAsync("SENTINEL", "REPLICAS", group.ServiceName) is object?[] { Length: 1 } replicas
                        && Field(replicas[0], "port") == replica.Port.ToString(CultureInfo.InvariantCulture)
                        && Field(replicas[0], "flags") == "slave"
                        && await sentinel.ExecuteAsync("SENTINEL", "SENTINELS", group.ServiceName) is object?[] { Length: 2 },
                        "a sentinel that knows the replica and the two other sentinels", TimeSpan.FromSeconds(30));
                }

                return group;
            }
            catch
            {
                await group.DisposeAsync();
                throw;
            }
        }
        catch
        {
            if (replica is not null)
            {
                await replica.DisposeAsync();
            }

            await primary.DisposeAsync();
            throw;
        }
    }

    /// <summary>The port of the primary that sentinel <paramref name="index"/> names now.</summary>
    public async Task<int> PrimaryPortAsync(int index = 0) =>
        await _sentinels[index].ExecuteAsync("SENTINEL", "GET-MASTER-ADDR-BY-NAME", ServiceName) is object?[] { Length: 2 } address
            ? int.Parse((string)address[1]!, CultureInfo.InvariantCulture)
            : 0;

    /// <summary>Waits until every sentinel names <paramref name="server"/> as the primary and it says it is one.</summary>
    public async Task WaitForPrimaryAsync(RedisServer server, TimeSpan timeout)
    {
        foreach (var (sentinel, index) in _sentinels.Select((s, i) => (s, i)))
        {
            await sentinel.WaitUntilAsync(async () => await PrimaryPortAsync(index) == server.Port, $"naming port {server.Port} the primary", timeout);
        }

        await server.WaitUntilAsync(async () => await server.ExecuteAsync("ROLE") is object?[] { Length: > 0 } role && (string?)role[0] == "master",
            "a primary", timeout);
    }

    /// <summary>The sentinels' logs, for failure messages.</summary>
    public string Logs() => string.Join("\n", _sentinels.Select((s, i) => $"---- sentinel {i} ----\n{s.LogTail()}"))
        + $"\n---- primary ----\n{Primary.LogTail()}\n---- replica ----\n{Replica.LogTail()}";

    /// <summary>Kills every process of the group and deletes their folders.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var sentinel in _sentinels)
        {
            await sentinel.DisposeAsync();
        }

        await Replica.DisposeAsync();
        await Primary.DisposeAsync();
    }

    // A field of a SENTINEL REPLICAS entry (a flat list of names and values).
    private static string? Field(object? entry, string name)
    {
        if (entry is not object?[] pairs)
        {
            return null;
        }

        for (var i = 0; i + 1 < pairs.Length; i += 2)
        {
            if ((string?)pairs[i] == name)
            {
                return (string?)pairs[i + 1];
            }
        }

        return null;
    }
}

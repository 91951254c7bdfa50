// Lookups through every running replica, round after round, recording every one that does not answer.
using System.Collections.Concurrent;
using GeoAssign.Protos.V1;
using Grpc.Core;

namespace GeoAssign.Replicas.Tests;

/// <summary>
/// Resolves a point of Alaska (layer <c>geo</c>, territory <c>02</c>) through each running replica
/// in turn until stopped, and asks each for its replica state now and then: every lookup must
/// answer, with the right territory, whatever Redis does meanwhile.
/// </summary>
internal sealed class LookupLoop
{
    private readonly ReplicaCluster _cluster;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<int, int> _answered = new();
    private Task _loop = Task.CompletedTask;

    private LookupLoop(ReplicaCluster cluster)
    {
        _cluster = cluster;
    }

    /// <summary>Lookups that failed or answered wrongly, with what happened.</summary>
    public ConcurrentQueue<string> Failures { get; } = new();

    /// <summary>Replica states seen (GetMapInfo), with how often.</summary>
    public ConcurrentDictionary<ReplicaState, int> States { get; } = new();

    /// <summary>Lookups answered by replica <paramref name="replica"/> so far.</summary>
    public int Answered(int replica) => _answered.GetValueOrDefault(replica);

    public static LookupLoop Start(ReplicaCluster cluster)
    {
        var loop = new LookupLoop(cluster);
        loop._loop = Task.Run(loop.RunAsync);
        return loop;
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loop.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private async Task RunAsync()
    {
        for (var round = 0; !_stop.IsCancellationRequested; round++)
        {
            foreach (var replica in _cluster.Running.ToArray())
            {
                try
                {
                    var answer = await _cluster.Assignments(replica).ResolveAsync(new ResolveRequest { Lat = 64, Lng = -150, Layer = "geo" },
                        deadline: DateTime.UtcNow.AddSeconds(5));
                    if (answer.Assignment.TerritoryId != "02")
                    {
                        Failures.Enqueue($"replica {replica} answered {answer.Assignment.TerritoryId}, not 02");
                    }

                    _answered.AddOrUpdate(replica, 1, static (_, n) => n + 1);
                    if (round % 20 == 0)
                    {
                        var info = await _cluster.Territories(replica).GetMapInfoAsync(new GetMapInfoRequest(), deadline: DateTime.UtcNow.AddSeconds(5));
                        States.AddOrUpdate(info.Replica.State, 1, static (_, n) => n + 1);
                    }
                }
                catch (RpcException e)
                {
                    Failures.Enqueue($"replica {replica}: {e.Status}");
                }
            }

            // Pacing, not waiting: leaves the two cores to the servers and Redis (a few hundred lookups a second).
            await Task.Delay(2);
        }
    }
}

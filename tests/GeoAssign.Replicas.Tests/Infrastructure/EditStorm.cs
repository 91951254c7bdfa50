// Writers that keep creating territories through every running replica until told to stop.
using System.Collections.Concurrent;
using GeoAssign.Protos.V1;
using GeoAssign.Testing.Servers;
using Grpc.Core;

namespace GeoAssign.Replicas.Tests;

/// <summary>
/// <c>N</c> writers, each creating one new territory per edit (a square of layer <c>storm</c> that
/// overlaps its neighbours, with a random priority, so borders move) through the replicas in turn.
/// Failed edits (a killed replica, Redis down) are not acknowledged and are simply retried on the
/// next replica. Every edit creates exactly one territory, so afterwards the map must hold exactly
/// one more territory per version than before the storm.
/// </summary>
internal sealed class EditStorm(ReplicaCluster cluster, int writers = 4)
{
    private readonly CancellationTokenSource _stop = new();
    private Task[] _writers = [];
    private int _next;
    private int _failures;

    /// <summary>Acknowledged ids and the version each edit returned.</summary>
    public ConcurrentDictionary<string, ulong> Acknowledged { get; } = new(StringComparer.Ordinal);

    /// <summary>Status codes of failed edits.</summary>
    public ConcurrentBag<StatusCode> Failures { get; } = [];

    /// <summary>The ids of failed edits and how each failed (UNAVAILABLE promises nothing changed; UNKNOWN does not).</summary>
    public ConcurrentDictionary<string, StatusCode> Failed { get; } = new(StringComparer.Ordinal);

    public void Start()
    {
        _writers = Enumerable.Range(0, writers).Select(writer => Task.Run(() => WriteAsync(writer))).ToArray();
    }

    /// <summary>Waits until <paramref name="more"/> further edits are acknowledged.</summary>
    public async Task AcknowledgedAsync(int more, TimeSpan? timeout = null)
    {
        var target = Acknowledged.Count + more;
        await Eventually.UntilAsync(() => Acknowledged.Count >= target, timeout ?? TimeSpan.FromSeconds(60),
            () => $"{target} edits are acknowledged (only {Acknowledged.Count} are; {Volatile.Read(ref _failures)} failed ({string.Join(", ", Failures.Distinct())}))\n{cluster.Logs()}");
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_writers).WaitAsync(TimeSpan.FromSeconds(60));
    }

    private async Task WriteAsync(int writer)
    {
        var random = new Random(writer);
        var attempt = writer;
        while (!_stop.IsCancellationRequested)
        {
            var n = Interlocked.Increment(ref _next);
            var id = $"storm-{n:D6}";
            var lng = -170 + random.NextDouble() * 338;
            var lat = -80 + random.NextDouble() * 158;
            var territory = Shapes.Territory(id, Shapes.Square(lng, lat, 1 + random.NextDouble() * 3), owner: $"rep-{n % 11}", layer: "storm",
                priority: random.Next(0, 4));
            var running = cluster.Running.ToArray();
            if (running.Length == 0)
            {
                // Pacing, not waiting for a condition: nothing to write to until a replica runs again.
                await Task.Delay(50);
                continue;
            }

            var replica = running[attempt++ % running.Length];
            try
            {
                var response = await cluster.Territories(replica).UpsertTerritoriesAsync(
                    new UpsertTerritoriesRequest { Territories = { territory } }, deadline: DateTime.UtcNow.AddSeconds(10));
                Acknowledged[id] = response.MapVersion;
            }
            catch (RpcException e)
            {
                Interlocked.Increment(ref _failures);
                Failures.Add(e.StatusCode);
                Failed[id] = e.StatusCode;
                // Pacing the storm after a failure (Redis down, a replica gone): no assertion depends on it.
                await Task.Delay(20);
            }
            catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
            {
                // The replica was killed between choosing it and calling it (its channel disposed).
            }
        }
    }
}

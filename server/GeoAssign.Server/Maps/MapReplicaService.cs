// Starts and stops the replica with the server, and runs its plan scheduler.
using GeoAssign.Replication.Replicas;

namespace GeoAssign.Server.Maps;

/// <summary>
/// The hosted service that runs the <see cref="MapReplica"/>: it loads the map before the server
/// accepts calls and closes the store after the last call has drained.
/// </summary>
internal sealed class MapReplicaService(MapReplica replica) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => replica.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => replica.StopAsync(cancellationToken);
}

/// <summary>Runs the replica's <see cref="PlanScheduler"/> while the server runs (after the map is loaded).</summary>
internal sealed class PlanSchedulerService(PlanScheduler scheduler) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => scheduler.RunAsync(stoppingToken);
}

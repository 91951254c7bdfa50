// Starts and stops the replica with the server.
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

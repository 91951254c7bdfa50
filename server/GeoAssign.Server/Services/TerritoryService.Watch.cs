// TerritoryService.WatchMap: a stream of new map versions with what each changed.
using GeoAssign.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace GeoAssign.Server.Services;

internal sealed partial class TerritoryService
{
    private const int MaxWatchIds = 1_000;

    public override async Task WatchMap(WatchMapRequest request, IServerStreamWriter<WatchMapResponse> responseStream, ServerCallContext context)
    {
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        var cancellationToken = watching.Token;
        long last;
        try
        {
            if (request.AfterVersion == 0)
            {
                var current = Replica.Current;
                var marker = Replica.DescribeChanges(current.Version, current.Version);
                await responseStream.WriteAsync(new WatchMapResponse
                {
                    MapVersion = (ulong)current.Version,
                    PreviousVersion = (ulong)current.Version,
                    AppliedTime = Timestamp.FromDateTimeOffset(marker?.AppliedTime is { } t && t != default ? t : Replica.LastSyncTime),
                }, cancellationToken).ConfigureAwait(false);
                last = current.Version;
            }
            else
            {
                last = request.AfterVersion > long.MaxValue ? long.MaxValue : (long)request.AfterVersion;
            }

            while (true)
            {
                // A slow reader finds several versions published by the time it asks again: they merge.
                var map = await Replica.WaitForNewerAsync(last, cancellationToken).ConfigureAwait(false);
                var summary = Replica.DescribeChanges(last, map.Version);
                var message = new WatchMapResponse
                {
                    MapVersion = (ulong)map.Version,
                    PreviousVersion = (ulong)last,
                    AppliedTime = Timestamp.FromDateTimeOffset(summary?.AppliedTime ?? DateTimeOffset.UtcNow),
                };
                if (summary is null)
                {
                    message.Resync = true;
                }
                else
                {
                    message.Layers.AddRange(summary.Layers);
                    message.UpsertedCount = (uint)summary.UpsertedIds.Count;
                    message.DeletedCount = (uint)summary.DeletedIds.Count;
                    message.UpsertedIds.AddRange(summary.UpsertedIds.Take(MaxWatchIds));
                    message.DeletedIds.AddRange(summary.DeletedIds.Take(MaxWatchIds));
                    message.IdsTruncated = summary.UpsertedIds.Count > MaxWatchIds || summary.DeletedIds.Count > MaxWatchIds;
                }

                await responseStream.WriteAsync(message, cancellationToken).ConfigureAwait(false);
                last = map.Version;
            }
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw RpcErrors.WithMapVersion(StatusCode.Unavailable,
                "The server is shutting down; reconnect, to any replica, with after_version = the last version seen.", Replica.Current.Version);
        }
    }
}

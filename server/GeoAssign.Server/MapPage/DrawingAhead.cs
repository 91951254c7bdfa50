// Draws a new map version for the map page before the page asks for it.
using GeoAssign.Replication.Replicas;
using GeoAssign.Server.Maps;
using Grpc.Core;

namespace GeoAssign.Server.MapPage;

/// <summary>
/// When a new version of the map (or of a plan) arrives, draws the layers and zoom levels browsers
/// asked for in the last <see cref="Recent"/>, so the page that follows the version gets its drawing
/// from the cache instead of waiting for a large layer to be simplified. Nothing is drawn ahead while
/// no page is open, so a server nobody looks at spends nothing here; an edit storm skips versions
/// that are already replaced. Runs on one background task.
/// </summary>
internal sealed partial class DrawingAhead(MapReplica replica, TerritoryDrawing drawing, ILogger<DrawingAhead> logger) : BackgroundService
{
    /// <summary>How long a drawing a browser asked for is kept drawn ahead.</summary>
    public static readonly TimeSpan Recent = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var position = replica.State.Position;
        while (!stoppingToken.IsCancellationRequested)
        {
            var state = await replica.WaitForChangeAsync(position, stoppingToken).ConfigureAwait(false);
            position = state.Position;
            foreach (var (plan, layer, zoom) in drawing.Wanted(Recent))
            {
                if (replica.State.Position != position)
                {
                    break; // a newer version is there: draw that one instead
                }

                try
                {
                    var map = MapReader.Select(state, plan);
                    if (map.Layers.ContainsKey(layer))
                    {
                        await Task.Run(() => drawing.Drawing(map, plan, layer, zoom), stoppingToken).ConfigureAwait(false);
                    }
                }
                catch (RpcException)
                {
                    // The plan is gone: nothing to draw.
                }
#pragma warning disable CA1031 // Drawing ahead is an optimisation: a failure leaves the page to draw on request.
                catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
                {
                    LogFailed(logger, e, plan, layer, zoom);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drawing plan {Plan} layer {Layer} at zoom {Zoom} ahead failed; the page draws it on request")]
    private static partial void LogFailed(ILogger logger, Exception exception, string plan, string layer, int zoom);
}

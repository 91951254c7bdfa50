// Draws a new map version for the map page before the page asks for it.
using GeoAssign.Index.Plans;
using GeoAssign.Replication.Replicas;
using GeoAssign.Server.Maps;
using Grpc.Core;

namespace GeoAssign.Server.MapPage;

/// <summary>
/// Draws ahead what the map page is about to ask for: when a new version of the map (or of a plan)
/// arrives, the layers and zoom levels browsers asked for in the last <see cref="Recent"/>; and when a
/// browser asks for a zoom level, the levels above and below it, so a zoom step finds its drawing in
/// the cache instead of waiting for a large layer to be simplified. Nothing is drawn ahead while no
/// page is open, so a server nobody looks at spends nothing here; a version already replaced is
/// skipped. Runs on one background task, one drawing at a time.
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
            using (var either = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
            {
                var changed = replica.WaitForChangeAsync(position, either.Token);
                var asked = drawing.NextAskAsync(either.Token);
                await Task.WhenAny(changed, asked).ConfigureAwait(false);
                await either.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll(changed, asked).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            }

            stoppingToken.ThrowIfCancellationRequested();
            var state = replica.State;
            position = state.Position;
            foreach (var (plan, layer, zoom) in drawing.Wanted(Recent))
            {
                foreach (var level in (int[])[zoom, zoom + 1, zoom - 1])
                {
                    if (replica.State.Position != position || level < 0 || level > TerritoryDrawing.MaxZoom)
                    {
                        continue; // a newer version is there: the next round draws that one
                    }

                    await DrawAsync(state, plan, layer, level, stoppingToken).ConfigureAwait(false);
                }
            }
        }
    }

    private async Task DrawAsync(MapState state, string plan, string layer, int zoom, CancellationToken stoppingToken)
    {
        try
        {
            var map = MapReader.Select(state, plan);
            if (map.Layers.ContainsKey(layer) && !drawing.IsDrawn(map, plan, layer, zoom))
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drawing plan {Plan} layer {Layer} at zoom {Zoom} ahead failed; the page draws it on request")]
    private static partial void LogFailed(ILogger logger, Exception exception, string plan, string layer, int zoom);
}

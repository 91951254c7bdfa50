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
/// the cache instead of waiting for a large layer to be simplified. Layers of at least
/// <see cref="LargeLayerVertices"/> vertices are also drawn at the zoom levels a page opens at, at
/// start and for every new version, page or not; smaller layers are drawn ahead only while a page is
/// open. A version already replaced is skipped. Runs on one background task, one drawing at a time,
/// off the lookup and apply paths; what it draws goes into the size-limited memory cache like any drawing.
/// </summary>
internal sealed partial class DrawingAhead(MapReplica replica, TerritoryDrawing drawing, ILogger<DrawingAhead> logger) : BackgroundService
{
    /// <summary>How long a drawing a browser asked for is kept drawn ahead.</summary>
    public static readonly TimeSpan Recent = TimeSpan.FromMinutes(10);

    /// <summary>A layer with at least this many vertices is drawn ahead at the zoom levels the page opens at, for every version, asked or not.</summary>
    public const long LargeLayerVertices = 250_000;

    // The zoom levels a page opening on a country or a continent shows first, the likeliest first.
    private static readonly int[] OpeningZooms = [4, 3, 5];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var position = replica.State.Position;
        await DrawLargeLayersAsync(replica.State, stoppingToken).ConfigureAwait(false);
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
            var newVersion = state.Position != position;
            position = state.Position;
            if (newVersion)
            {
                await DrawLargeLayersAsync(state, stoppingToken).ConfigureAwait(false);
            }

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

    // At start (the stored map) and for each new version: the opening zoom levels of the live map's
    // large layers, so that the first page after an edit or a restart finds them drawn. Small layers
    // draw on request in about a second; they wait for a page.
    private async Task DrawLargeLayersAsync(MapState state, CancellationToken stoppingToken)
    {
        var vertices = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var entry in state.Live.Territories.Values)
        {
            vertices[entry.Territory.Layer] = vertices.GetValueOrDefault(entry.Territory.Layer) + entry.Territory.Geometry.NumPoints;
        }

        foreach (var (layer, count) in vertices.Where(layer => layer.Value >= LargeLayerVertices).OrderBy(layer => layer.Key, StringComparer.Ordinal))
        {
            foreach (var zoom in OpeningZooms)
            {
                if (replica.State.Position != state.Position)
                {
                    return; // a newer version is there: the next round draws that one
                }

                LogDrawingLarge(logger, state.Live.Version, layer, count, zoom);
                await DrawAsync(state, "", layer, zoom, stoppingToken).ConfigureAwait(false);
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Drawing version {Version} layer {Layer} ({Vertices} vertices) at zoom {Zoom} ahead")]
    private static partial void LogDrawingLarge(ILogger logger, long version, string layer, long vertices, int zoom);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drawing plan {Plan} layer {Layer} at zoom {Zoom} ahead failed; the page draws it on request")]
    private static partial void LogFailed(ILogger logger, Exception exception, string plan, string layer, int zoom);
}

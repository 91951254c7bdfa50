// The territories of one layer as GeoJSON for drawing: simplified as a coverage for a zoom level, cached per map version.
using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using GeoAssign.Index;
using GeoAssign.Index.Model;
using Microsoft.Extensions.Caching.Memory;
using NetTopologySuite.Coverage;
using NetTopologySuite.Geometries;
using NetTopologySuite.Precision;
using NetTopologySuite.Simplify;

namespace GeoAssign.Server.MapPage;

/// <summary>
/// Draws a layer of a map as a GeoJSON FeatureCollection (properties id, name, owner, parent) whose
/// geometries are simplified for a web-map zoom level: about half a screen pixel of tolerance and
/// coordinates rounded to what that zoom can show. The layer is simplified as a coverage (NTS
/// <see cref="CoverageSimplifier"/>): a border two territories share is simplified once, so neighbours
/// keep sharing it (no hairline gaps or overlaps) and no ring collapses or crosses another. Territories
/// that do not form a clean coverage with their neighbours (overlaps, mismatched borders, found by
/// <see cref="CoverageValidator"/> once per map version and layer) are simplified alone, topology-preserving
/// as before. The page never receives the full resolution, however far it zooms in: zoom levels above
/// <see cref="MaxZoom"/> get the <see cref="MaxZoom"/> drawing. Answers (the JSON, its gzip and an ETag)
/// are cached by (map version, plan, layer, zoom) in the server's memory cache; a new version makes new
/// keys, so an entry is never stale. Lookups never go through here. Thread-safe.
/// </summary>
internal sealed partial class TerritoryDrawing(IMemoryCache cache, ILogger<TerritoryDrawing> logger)
{
    /// <summary>The most detailed drawing: half a pixel at zoom 14 is about 5 m at the equator.</summary>
    public const int MaxZoom = 14;

    // What the page asked for lately, so that a new version is drawn before the page asks again.
    private readonly ConcurrentDictionary<(string Plan, string Layer, int Zoom), long> _asked = new();

    // Drawings and coverage checks under way: a request and the drawing ahead wait for one computation.
    private readonly ConcurrentDictionary<object, Lazy<object>> _underWay = new();

    // Set when a browser asks for a drawing: the drawing ahead then draws its neighbouring zoom levels.
    private volatile TaskCompletionSource _askedSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The zoom level whose drawing serves <paramref name="zoom"/>: whole levels from 0 to <see cref="MaxZoom"/>.</summary>
    public static int Bucket(double zoom) => double.IsNaN(zoom) ? 0 : (int)Math.Clamp(Math.Floor(zoom), 0, MaxZoom);

    /// <summary>Half a pixel in degrees of longitude at <paramref name="zoom"/> (256-pixel tiles).</summary>
    public static double Tolerance(int zoom) => 360.0 / (256.0 * Math.Pow(2, zoom)) / 2;

    /// <summary>The UTF-8 GeoJSON of <paramref name="layer"/> of <paramref name="map"/> (named <paramref name="plan"/>, empty for the live map) at <paramref name="zoom"/>.</summary>
    public byte[] Draw(TerritoryMap map, string plan, string layer, double zoom) => Drawing(map, plan, layer, zoom).Json;

    /// <summary>The drawing of <paramref name="layer"/> at <paramref name="zoom"/> as the endpoint serves it: JSON, gzip and ETag.</summary>
    public MapDrawing Drawing(TerritoryMap map, string plan, string layer, double zoom)
    {
        var bucket = Bucket(zoom);
        var key = ("map-drawing", map.Version, plan, layer, bucket);
        if (cache.TryGetValue(key, out MapDrawing? cached) && cached is not null)
        {
            return cached;
        }

        return Once(key, () => Compute(map, plan, layer, bucket, key));
    }

    private MapDrawing Compute(TerritoryMap map, string plan, string layer, int bucket, object key)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var prepared = Prepare(map, plan, layer);
        var checkedIn = clock.Elapsed;
        var json = Write(map, prepared, layer, bucket);
        var drawn = new MapDrawing(json, Gzip(json), $"\"{map.Version}-{Convert.ToHexStringLower(SHA256.HashData(json).AsSpan(0, 12))}\"");
        cache.Set(key, drawn, new MemoryCacheEntryOptions { Size = 1 + (json.Length + drawn.Gzip.Length) / 1024, SlidingExpiration = TimeSpan.FromMinutes(5) });
        LogDrawn(logger, map.Version, plan, layer, bucket, (long)clock.Elapsed.TotalMilliseconds, (long)checkedIn.TotalMilliseconds, json.Length, drawn.Gzip.Length);
        return drawn;
    }

    /// <summary>The ids of the territories of <paramref name="layer"/> that are simplified alone, outside the coverage (overlapping or mismatched borders).</summary>
    public IReadOnlyList<string> DrawnAlone(TerritoryMap map, string plan, string layer)
    {
        var prepared = Prepare(map, plan, layer);
        return [.. prepared.Territories.Where((_, i) => !prepared.Clean[i]).Select(territory => territory.Id)];
    }

    /// <summary>Whether the drawing is in the cache (drawn, not expired).</summary>
    public bool IsDrawn(TerritoryMap map, string plan, string layer, int zoom) => cache.TryGetValue(("map-drawing", map.Version, plan, layer, Bucket(zoom)), out _);

    /// <summary>Notes that a browser asked for this drawing, so that new versions and neighbouring zoom levels are drawn ahead (see <see cref="Wanted"/>).</summary>
    public void NoteAsked(string plan, string layer, double zoom)
    {
        _asked[(plan, layer, Bucket(zoom))] = Environment.TickCount64;
        Interlocked.Exchange(ref _askedSignal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Completes when a browser next asks for a drawing.</summary>
    public Task NextAskAsync(CancellationToken cancellationToken) => _askedSignal.Task.WaitAsync(cancellationToken);

    // Runs compute once for key while it is under way; callers that come meanwhile get its result.
    private T Once<T>(object key, Func<T> compute)
        where T : class
    {
        var computation = _underWay.GetOrAdd(key, _ => new Lazy<object>(compute, LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return (T)computation.Value;
        }
        finally
        {
            _underWay.TryRemove(KeyValuePair.Create(key, computation));
        }
    }

    /// <summary>The drawings browsers asked for within <paramref name="within"/>, the latest first.</summary>
    public IReadOnlyList<(string Plan, string Layer, int Zoom)> Wanted(TimeSpan within)
    {
        var since = Environment.TickCount64 - (long)within.TotalMilliseconds;
        return [.. _asked.Where(entry => entry.Value >= since).OrderByDescending(entry => entry.Value).Select(entry => entry.Key)];
    }

    private static byte[] Gzip(byte[] json)
    {
        using var output = new MemoryStream(json.Length / 4 + 64);
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(json);
        }

        return output.ToArray();
    }

    // The territories of a layer, sorted by id, and which of them form a clean coverage: computed once
    // per (version, plan, layer), since validating a coverage costs about as much as simplifying it.
    private LayerCoverage Prepare(TerritoryMap map, string plan, string layer)
    {
        var key = ("map-coverage", map.Version, plan, layer);
        if (cache.TryGetValue(key, out LayerCoverage? cached) && cached is not null)
        {
            return cached;
        }

        return Once(key, () => CheckCoverage(map, plan, layer, key));
    }

    private LayerCoverage CheckCoverage(TerritoryMap map, string plan, string layer, object key)
    {

        var territories = map.Territories.Values
            .Select(entry => entry.Territory)
            .Where(territory => string.Equals(territory.Layer, layer, StringComparison.Ordinal))
            .OrderBy(territory => territory.Id, StringComparer.Ordinal)
            .ToArray();
        var clean = new bool[territories.Length];
        try
        {
            var problems = CoverageValidator.Validate([.. territories.Select(territory => territory.Geometry)]);
            for (var i = 0; i < territories.Length; i++)
            {
                clean[i] = problems[i] is null;
            }
        }
#pragma warning disable CA1031 // A drawing must not fail on a geometry NTS cannot validate: draw every territory alone.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogValidationFailed(logger, e, map.Version, layer);
        }

        var alone = clean.Count(c => !c);
        if (alone > 0)
        {
            LogNotACoverage(logger, map.Version, layer, alone, territories.Length, string.Join(", ", territories.Where((_, i) => !clean[i]).Take(5).Select(t => t.Id)));
        }

        var prepared = new LayerCoverage(territories, clean);
        cache.Set(key, prepared, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromMinutes(5) });
        return prepared;
    }

    private Geometry[] Simplify(TerritoryMap map, LayerCoverage layer, string layerName, double tolerance, int decimals)
    {
        var territories = layer.Territories;
        var result = new Geometry[territories.Length];
        var members = Enumerable.Range(0, territories.Length).Where(i => layer.Clean[i]).ToArray();
        if (members.Length > 0)
        {
            try
            {
                // No ring is dropped however small: every territory stays drawn (and clickable). The
                // simplifier is Visvalingam-Whyatt with an area of tolerance²: at half a pixel it keeps
                // about twice the vertices Douglas-Peucker keeps at half a pixel, for no visible
                // difference; a whole pixel's area draws as finely as the per-territory simplification.
                var simplified = new CoverageSimplifier([.. members.Select(i => territories[i].Geometry)]) { RemovableRingSizeFactor = 0 }
                    .Simplify(2 * tolerance);
                for (var k = 0; k < members.Length; k++)
                {
                    // A shape the coverage simplification spoilt (not seen with valid input) is drawn alone.
                    if (simplified[k] is { IsEmpty: false } shape && shape.IsValid)
                    {
                        result[members[k]] = shape;
                    }
                }
            }
#pragma warning disable CA1031 // A drawing must not fail where the old per-territory simplification works.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogCoverageSimplificationFailed(logger, e, map.Version, layerName, tolerance);
            }
        }

        // Drawn alone: topology-preserving, then rounded as a whole shape (snap-rounding keeps it valid,
        // where rounding each coordinate could make a thin part cross itself).
        var grid = new PrecisionModel(Math.Pow(10, decimals));
        for (var i = 0; i < territories.Length; i++)
        {
            result[i] ??= GeometryPrecisionReducer.Reduce(TopologyPreservingSimplifier.Simplify(territories[i].Geometry, tolerance), grid);
        }

        return result;
    }

    private byte[] Write(TerritoryMap map, LayerCoverage layer, string layerName, int zoom)
    {
        var tolerance = Tolerance(zoom);
        // Enough decimals that rounding moves a point by well under the tolerance. Rounding moves a
        // shared vertex the same way on both sides, so shared borders stay shared.
        var decimals = Math.Clamp((int)Math.Ceiling(-Math.Log10(tolerance)) + 1, 1, 7);
        var shapes = Simplify(map, layer, layerName, tolerance, decimals);

        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", "FeatureCollection");
            json.WriteNumber("mapVersion", map.Version);
            json.WriteString("layer", layerName);
            json.WriteNumber("zoom", zoom);
            json.WriteStartArray("features");
            for (var i = 0; i < shapes.Length; i++)
            {
                WriteFeature(json, layer.Territories[i], shapes[i], decimals);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteFeature(Utf8JsonWriter json, Territory territory, Geometry simplified, int decimals)
    {
        json.WriteStartObject();
        json.WriteString("type", "Feature");
        json.WriteString("id", territory.Id);
        json.WriteStartObject("properties");
        json.WriteString("id", territory.Id);
        json.WriteString("name", territory.Name);
        json.WriteString("owner", territory.OwnerId);
        if (territory.ParentId is { } parent)
        {
            json.WriteString("parent", parent);
        }

        json.WriteEndObject();
        json.WritePropertyName("geometry");
        json.WriteStartObject();
        switch (simplified)
        {
            case Polygon polygon:
                json.WriteString("type", "Polygon");
                json.WritePropertyName("coordinates");
                WritePolygon(json, polygon, decimals);
                break;
            case MultiPolygon multi:
                json.WriteString("type", "MultiPolygon");
                json.WriteStartArray("coordinates");
                foreach (var part in multi.Geometries)
                {
                    WritePolygon(json, (Polygon)part, decimals);
                }

                json.WriteEndArray();
                break;
            default:
                // Validation admits only polygons; an empty result draws nothing.
                json.WriteString("type", "MultiPolygon");
                json.WriteStartArray("coordinates");
                json.WriteEndArray();
                break;
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WritePolygon(Utf8JsonWriter json, Polygon polygon, int decimals)
    {
        json.WriteStartArray();
        WriteRing(json, polygon.ExteriorRing, decimals);
        foreach (var hole in polygon.InteriorRings)
        {
            WriteRing(json, hole, decimals);
        }

        json.WriteEndArray();
    }

    private static void WriteRing(Utf8JsonWriter json, LineString ring, int decimals)
    {
        json.WriteStartArray();
        var coordinates = ring.CoordinateSequence;
        for (var i = 0; i < coordinates.Count; i++)
        {
            json.WriteStartArray();
            json.WriteNumberValue(Math.Round(coordinates.GetX(i), decimals));
            json.WriteNumberValue(Math.Round(coordinates.GetY(i), decimals));
            json.WriteEndArray();
        }

        json.WriteEndArray();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Map page drawing of version {Version} plan {Plan} layer {Layer} zoom {Zoom}: {Milliseconds} ms ({CoverageCheckMilliseconds} ms of them checking the coverage), {Bytes} bytes, {GzipBytes} gzipped")]
    private static partial void LogDrawn(ILogger logger, long version, string plan, string layer, int zoom, long milliseconds, long coverageCheckMilliseconds, int bytes, int gzipBytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Map version {Version}, layer {Layer}: {Alone} of {Count} territories overlap or do not match their neighbours' borders (e.g. {Examples}); they are simplified alone on the map page, so hairline gaps may show beside them")]
    private static partial void LogNotACoverage(ILogger logger, long version, string layer, int alone, int count, string examples);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Map version {Version}, layer {Layer}: the coverage check failed; every territory is simplified alone on the map page")]
    private static partial void LogValidationFailed(ILogger logger, Exception exception, long version, string layer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Map version {Version}, layer {Layer}: simplifying the layer as a coverage at tolerance {Tolerance} failed; its territories are simplified alone")]
    private static partial void LogCoverageSimplificationFailed(ILogger logger, Exception exception, long version, string layer, double tolerance);

    // A layer's territories sorted by id, and whether each belongs to the clean coverage. Immutable.
    private sealed record LayerCoverage(Territory[] Territories, bool[] Clean);
}

/// <summary>One drawing as served: the GeoJSON, its gzip, and an ETag that changes with its content. Immutable.</summary>
internal sealed record MapDrawing(byte[] Json, byte[] Gzip, string ETag);

// The territories of one layer as GeoJSON for drawing: simplified as a coverage for a zoom level, cached per map version.
using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using GeoAssign.Index;
using GeoAssign.Index.Model;
using Microsoft.Extensions.Caching.Memory;
using NetTopologySuite.Geometries;
using NetTopologySuite.Precision;
using NetTopologySuite.Simplify;

namespace GeoAssign.Server.MapPage;

/// <summary>
/// Draws a layer of a map as a GeoJSON FeatureCollection (properties id, name, owner, parent) whose
/// geometries are simplified for a web-map zoom level: about half a screen pixel of tolerance and
/// coordinates rounded to what that zoom can show. The layer is simplified as a coverage: its
/// territories are split at their nodes into edges (<see cref="LayerCoverage"/>), a border two
/// territories share being one edge simplified once, so neighbours keep sharing it (no hairline gaps
/// or overlaps); an edge that then crosses or touches another, or leaves a territory invalid, takes
/// the next finer level (<see cref="EdgeConflicts"/>). Territories that do not form a clean coverage
/// with their neighbours (overlaps, mismatched borders, found by <see cref="NetTopologySuite.Coverage.CoverageValidator"/>)
/// are simplified alone, topology-preserving. A new map version is built from the latest one drawn:
/// edges, their simplifications and the coverage check carry over for every territory the edit did not
/// reach, and the drawing is the same as one built from scratch. The page never receives the full
/// resolution, however far it zooms in: zoom levels above <see cref="MaxZoom"/> get the
/// <see cref="MaxZoom"/> drawing. Answers (the JSON, its gzip and an ETag) are cached by (map version,
/// plan, layer, zoom) in the server's memory cache; a new version makes new keys, so an entry is never
/// stale. Lookups never go through here. Thread-safe.
/// </summary>
internal sealed partial class TerritoryDrawing(IMemoryCache cache, ILogger<TerritoryDrawing> logger)
{
    /// <summary>What the drawing computed so far (coverage checks, edge splits, edge simplifications): for tests and logs.</summary>
    public DrawingCounters Counters { get; } = new();

    /// <summary>The most detailed drawing: half a pixel at zoom 14 is about 5 m at the equator.</summary>
    public const int MaxZoom = 14;

    // What the page asked for lately, so that a new version is drawn before the page asks again.
    private readonly ConcurrentDictionary<(string Plan, string Layer, int Zoom), long> _asked = new();

    // Drawings and coverage checks under way: a request and the drawing ahead wait for one computation.
    private readonly ConcurrentDictionary<object, Lazy<object>> _underWay = new();

    // The latest coverage built per (plan, layer): the next version is built from it.
    private readonly ConcurrentDictionary<(string Plan, string Layer), LayerCoverage> _latest = new();

    private static readonly GeometryFactory Shapes = new(new PrecisionModel(), 4326);

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

    // The territories of a layer, sorted by id, which of them form a clean coverage, and their borders
    // as edges: computed once per (version, plan, layer), from the latest version built where an edit
    // did not reach, since checking a coverage costs about as much as simplifying it.
    private LayerCoverage Prepare(TerritoryMap map, string plan, string layer)
    {
        var key = ("map-coverage", map.Version, plan, layer);
        if (cache.TryGetValue(key, out LayerCoverage? cached) && cached is not null)
        {
            return cached;
        }

        if (_latest.TryGetValue((plan, layer), out var latest) && latest.Version == map.Version)
        {
            return latest;
        }

        return Once(key, () => CheckCoverage(map, plan, layer, key));
    }

    private LayerCoverage CheckCoverage(TerritoryMap map, string plan, string layer, object key)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var territories = map.Territories.Values
            .Select(entry => entry.Territory)
            .Where(territory => string.Equals(territory.Layer, layer, StringComparison.Ordinal))
            .OrderBy(territory => territory.Id, StringComparer.Ordinal)
            .ToArray();
        _latest.TryGetValue((plan, layer), out var previous);
        var prepared = LayerCoverage.Build(map.Version, territories, previous, Counters, e => LogValidationFailed(logger, e, map.Version, layer));
        var alone = prepared.Clean.Count(c => !c);
        if (alone > 0 && (previous is null || previous.Clean.Count(c => !c) != alone))
        {
            LogNotACoverage(logger, map.Version, layer, alone, territories.Length, string.Join(", ", territories.Where((_, i) => !prepared.Clean[i]).Take(5).Select(t => t.Id)));
        }

        LogCoverage(logger, map.Version, plan, layer, (long)clock.Elapsed.TotalMilliseconds, (long)prepared.Checking.TotalMilliseconds, prepared.Touched.Length, territories.Length, prepared.Edges.Length, previous?.Version ?? 0);
        _latest.AddOrUpdate((plan, layer), prepared, (_, existing) => existing.Version > prepared.Version ? existing : prepared);
        cache.Set(key, prepared, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromMinutes(5) });
        return prepared;
    }

    private Geometry[] Simplify(TerritoryMap map, LayerCoverage layer, string layerName, int zoom, int decimals)
    {
        var territories = layer.Territories;
        var result = new Geometry[territories.Length];
        var clean = SimplifyCoverage(layer, zoom, decimals);
        var spoilt = 0;
        for (var i = 0; i < territories.Length; i++)
        {
            if (clean[i] is { } shape)
            {
                result[i] = shape;
            }
            else if (layer.Clean[i])
            {
                spoilt++;
            }
        }

        if (spoilt > 0)
        {
            LogSpoilt(logger, map.Version, layerName, zoom, spoilt);
        }

        // Drawn alone: topology-preserving, then rounded as a whole shape (snap-rounding keeps it valid,
        // where rounding each coordinate could make a thin part cross itself).
        var grid = new PrecisionModel(Math.Pow(10, decimals));
        var tolerance = Tolerance(zoom);
        for (var i = 0; i < territories.Length; i++)
        {
            result[i] ??= GeometryPrecisionReducer.Reduce(TopologyPreservingSimplifier.Simplify(territories[i].Geometry, tolerance), grid);
        }

        return result;
    }

    // The clean territories drawn from their edges at the zoom: each edge at its own simplification of
    // that zoom, unless it then meets another edge wrongly or leaves a territory invalid, in which case
    // it takes the next finer level, up to the full resolution. Shared edges are drawn once, so
    // neighbours keep sharing their borders; the rounding moves a shared point the same way on both
    // sides. Null for a territory not clean, or still invalid at the full resolution of its edges.
    private Geometry?[] SimplifyCoverage(LayerCoverage layer, int zoom, int decimals)
    {
        var edges = layer.Edges;
        var index = new Dictionary<CoverageEdge, int>(edges.Length, ReferenceEqualityComparer.Instance);
        for (var e = 0; e < edges.Length; e++)
        {
            index[edges[e]] = e;
        }

        var territoriesOf = new List<int>[edges.Length];
        for (var i = 0; i < layer.Territories.Length; i++)
        {
            foreach (var part in layer.Rings[i] ?? [])
            {
                foreach (var ring in part)
                {
                    foreach (var reference in ring)
                    {
                        (territoriesOf[index[reference.Edge]] ??= []).Add(i);
                    }
                }
            }
        }

        var stage = new int[edges.Length];
        Array.Fill(stage, zoom);
        var drawn = new Coordinate[edges.Length][];
        var shapes = new Geometry?[layer.Territories.Length];
        var valid = new bool[layer.Territories.Length];
        var redraw = new HashSet<int>(Enumerable.Range(0, edges.Length));
        while (redraw.Count > 0)
        {
            var reassemble = new HashSet<int>();
            foreach (var e in redraw)
            {
                drawn[e] = Rounded(edges[e].At(stage[e], Counters), decimals);
                foreach (var i in territoriesOf[e] ?? [])
                {
                    reassemble.Add(i);
                }
            }

            var bump = EdgeConflicts.Find(drawn);
            foreach (var i in reassemble)
            {
                shapes[i] = Assemble(layer.Rings[i]!, index, drawn);
                valid[i] = shapes[i] is { IsEmpty: false } shape && shape.IsValid;
                if (!valid[i])
                {
                    foreach (var part in layer.Rings[i]!)
                    {
                        foreach (var ring in part)
                        {
                            foreach (var reference in ring)
                            {
                                bump.Add(index[reference.Edge]);
                            }
                        }
                    }
                }
            }

            redraw.Clear();
            foreach (var e in bump)
            {
                if (stage[e] <= MaxZoom)
                {
                    stage[e]++;
                    redraw.Add(e);
                }
            }
        }

        for (var i = 0; i < shapes.Length; i++)
        {
            if (!valid[i])
            {
                shapes[i] = null;
            }
        }

        return shapes;
    }

    // Points rounded to the decimals, without repeats (a closed edge stays closed).
    private static Coordinate[] Rounded(double[] xy, int decimals)
    {
        var points = new List<Coordinate>(xy.Length / 2);
        for (var k = 0; k < xy.Length; k += 2)
        {
            var point = new Coordinate(Math.Round(xy[k], decimals), Math.Round(xy[k + 1], decimals));
            if (points.Count == 0 || !points[^1].Equals2D(point))
            {
                points.Add(point);
            }
        }

        return [.. points];
    }

    private static Geometry? Assemble(EdgeRef[][][] parts, Dictionary<CoverageEdge, int> index, Coordinate[][] drawn)
    {
        var polygons = new Polygon[parts.Length];
        for (var p = 0; p < parts.Length; p++)
        {
            var rings = new LinearRing[parts[p].Length];
            for (var r = 0; r < rings.Length; r++)
            {
                var points = new List<Coordinate>();
                foreach (var reference in parts[p][r])
                {
                    var edge = drawn[index[reference.Edge]];
                    for (var k = 0; k < edge.Length; k++)
                    {
                        var point = edge[reference.Reversed ? edge.Length - 1 - k : k];
                        if (points.Count == 0 || !points[^1].Equals2D(point))
                        {
                            points.Add(point);
                        }
                    }
                }

                if (points.Count < 4 || !points[0].Equals2D(points[^1]))
                {
                    return null;
                }

                rings[r] = Shapes.CreateLinearRing([.. points]);
            }

            polygons[p] = Shapes.CreatePolygon(rings[0], rings[1..]);
        }

        return polygons.Length == 1 ? polygons[0] : Shapes.CreateMultiPolygon(polygons);
    }

    private byte[] Write(TerritoryMap map, LayerCoverage layer, string layerName, int zoom)
    {
        var tolerance = Tolerance(zoom);
        // Enough decimals that rounding moves a point by well under the tolerance. Rounding moves a
        // shared vertex the same way on both sides, so shared borders stay shared.
        var decimals = Math.Clamp((int)Math.Ceiling(-Math.Log10(tolerance)) + 1, 1, 7);
        var shapes = Simplify(map, layer, layerName, zoom, decimals);

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Map version {Version}, layer {Layer}: the coverage check failed; the territories it checked are simplified alone on the map page")]
    private static partial void LogValidationFailed(ILogger logger, Exception exception, long version, string layer);

    [LoggerMessage(Level = LogLevel.Information, Message = "Map page drawing coverage of version {Version} plan {Plan} layer {Layer}: {Milliseconds} ms ({CheckMilliseconds} ms of them the coverage check, the rest splitting into edges), {Touched} of {Count} territories checked or split anew (from version {Previous}; 0: from scratch), {Edges} edges")]
    private static partial void LogCoverage(ILogger logger, long version, string plan, string layer, long milliseconds, long checkMilliseconds, int touched, int count, int edges, long previous);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Map version {Version}, layer {Layer}, zoom {Zoom}: {Count} territories stay invalid drawn from their borders even at full resolution; they are simplified alone")]
    private static partial void LogSpoilt(ILogger logger, long version, string layer, int zoom, int count);
}

/// <summary>One drawing as served: the GeoJSON, its gzip, and an ETag that changes with its content. Immutable.</summary>
internal sealed record MapDrawing(byte[] Json, byte[] Gzip, string ETag);

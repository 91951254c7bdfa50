// Per-lookup cost of the territory index beside H3 alone and the NetTopologySuite baseline, on the same points.
using BenchmarkDotNet.Attributes;
using GeoAssign.H3;
using GeoAssign.Index;
using GeoAssign.Index.Cells;
using GeoAssign.Index.Model;
using GeoAssign.Testing;

// Inside GeoAssign.*, the simple name H3 binds to the namespace GeoAssign.H3, not the class.
using H3Api = GeoAssign.H3.H3;

namespace GeoAssign.Benchmarks;

/// <summary>
/// Single-thread point lookups at the layer's automatic resolution. Each invocation looks up the same
/// <see cref="PointCount"/> pre-generated points (<see cref="IndexDataset.Points"/>), and
/// OperationsPerInvoke turns that into ns per lookup. In one run, on the same points:
/// <list type="bullet">
/// <item><see cref="LatLngToCell"/>: H3 alone at the layer's resolution, the floor of any lookup (the baseline of the Ratio column);</item>
/// <item><see cref="Lookup"/>: <see cref="LayerIndex.Resolve"/>, the index itself;</item>
/// <item><see cref="TryResolve"/>: <see cref="TerritoryMap.TryResolve"/>, the same plus finding the layer by name;</item>
/// <item><see cref="BruteForce"/>: <see cref="BruteForceResolver"/>, an STRtree of NTS prepared polygons with exact Covers.</item>
/// </list>
/// </summary>
/// <remarks>BenchmarkDotNet needs benchmark classes to be public and unsealed. Every case runs in its
/// own process, so each setup builds only what its benchmark needs.</remarks>
[MemoryDiagnoser]
public class IndexBenchmarks
{
    public const int PointCount = 4096;

    private const string Layer = Territory.DefaultLayer;

    private LatLng[] _points = [];
    private int _resolution;
    private LayerIndex? _layer;
    private TerritoryMap? _map;
    private BruteForceResolver? _bruteForce;

    public static IEnumerable<string> Datasets => IndexDataset.Names;

    [ParamsSource(nameof(Datasets))]
    public string Dataset { get; set; } = "";

    [ParamsAllValues]
    public PointMix Points { get; set; }

    [GlobalSetup(Target = nameof(LatLngToCell))]
    public void SetupCells()
    {
        var dataset = IndexDataset.Named(Dataset);
        _points = dataset.Points(Points, PointCount);
        _resolution = ResolutionPolicy.Choose(dataset.Territories);
    }

    [GlobalSetup(Targets = [nameof(Lookup), nameof(TryResolve)])]
    public void SetupIndex()
    {
        var dataset = IndexDataset.Named(Dataset);
        _points = dataset.Points(Points, PointCount);
        _map = new TerritoryMapWriter().Apply(new MapChange(1, dataset.Territories, []));
        _layer = _map.Layers[Layer];
        _resolution = _layer.Resolution;
        if (_resolution != ResolutionPolicy.Choose(dataset.Territories))
        {
            throw new InvalidOperationException($"{Dataset}: the index chose resolution {_resolution}, not the policy's.");
        }
    }

    [GlobalSetup(Target = nameof(BruteForce))]
    public void SetupBruteForce()
    {
        var dataset = IndexDataset.Named(Dataset);
        _points = dataset.Points(Points, PointCount);
        _bruteForce = new BruteForceResolver(dataset.Territories);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = PointCount)]
    public ulong LatLngToCell()
    {
        var acc = 0UL;
        foreach (var point in _points)
        {
            acc ^= H3Api.LatLngToCell(point.Lat, point.Lng, _resolution).Value;
        }

        return acc;
    }

    [Benchmark(OperationsPerInvoke = PointCount)]
    public int Lookup()
    {
        var layer = _layer!;
        var acc = 0;
        foreach (var point in _points)
        {
            var result = layer.Resolve(point.Lat, point.Lng);
            acc += (int)result.Reason + (result.Territory is null ? 0 : 4);
        }

        return acc;
    }

    [Benchmark(OperationsPerInvoke = PointCount)]
    public int TryResolve()
    {
        var map = _map!;
        var acc = 0;
        foreach (var point in _points)
        {
            if (map.TryResolve(Layer, point.Lat, point.Lng, out var result))
            {
                acc += (int)result.Reason + (result.Territory is null ? 0 : 4);
            }
        }

        return acc;
    }

    [Benchmark(OperationsPerInvoke = PointCount)]
    public int BruteForce()
    {
        var resolver = _bruteForce!;
        var acc = 0;
        foreach (var point in _points)
        {
            if (resolver.Resolve(Layer, point.Lng, point.Lat) is not null)
            {
                acc++;
            }
        }

        return acc;
    }
}

using BenchmarkDotNet.Attributes;
using GeoAssign.H3;

// Inside GeoAssign.*, the simple name H3 binds to the namespace GeoAssign.H3, not the class.
using H3Api = GeoAssign.H3.H3;

namespace GeoAssign.Benchmarks;

/// <summary>
/// Per-call cost of the GeoAssign.H3 hot paths. Each invocation makes one call per point of
/// <see cref="UsBoxPoints"/> (or per resolution-9 cell containing one), and OperationsPerInvoke
/// turns that into ns per call. loadtests/h3js-bench/bench.mjs measures h3-js the same way.
/// </summary>
/// <remarks>BenchmarkDotNet needs benchmark classes to be public and unsealed.</remarks>
[MemoryDiagnoser]
public class H3Benchmarks
{
    private const int CellResolution = 9;
    private const int ParentResolution = 5;
    private const int DiskK = 1;

    private LatLng[] _points = [];
    private H3Index[] _cells = [];

    [GlobalSetup]
    public void Setup()
    {
        _points = UsBoxPoints.Generate();
        _cells = new H3Index[_points.Length];
        for (var i = 0; i < _points.Length; i++)
        {
            var cell = H3Api.LatLngToCell(_points[i].Lat, _points[i].Lng, CellResolution);
            if (cell.Resolution != CellResolution)
            {
                throw new InvalidOperationException($"Point {_points[i]} gave the invalid cell {cell}.");
            }

            _cells[i] = cell;
        }
    }

    [Benchmark(OperationsPerInvoke = UsBoxPoints.Count)]
    [Arguments(0)]
    [Arguments(CellResolution)]
    [Arguments(15)]
    public ulong LatLngToCell(int res)
    {
        var acc = 0UL;
        foreach (var point in _points)
        {
            acc ^= H3Api.LatLngToCell(point.Lat, point.Lng, res).Value;
        }

        return acc;
    }

    /// <summary>The allocation-free overload: vertices go into a caller-provided span.</summary>
    [Benchmark(OperationsPerInvoke = UsBoxPoints.Count)]
    public double CellToBoundary()
    {
        Span<LatLng> vertices = stackalloc LatLng[H3Api.MaxCellBoundaryVertices];
        var acc = 0.0;
        foreach (var cell in _cells)
        {
            var count = H3Api.CellToBoundary(cell, vertices);
            acc += vertices[count - 1].Lng;
        }

        return acc;
    }

    /// <summary>The overload returning the fixed-size <see cref="CellBoundary"/> struct.</summary>
    [Benchmark(OperationsPerInvoke = UsBoxPoints.Count)]
    public double CellToBoundaryStruct()
    {
        var acc = 0.0;
        foreach (var cell in _cells)
        {
            var boundary = H3Api.CellToBoundary(cell);
            acc += boundary[boundary.Count - 1].Lng;
        }

        return acc;
    }

    [Benchmark(OperationsPerInvoke = UsBoxPoints.Count)]
    public ulong CellToParent()
    {
        var acc = 0UL;
        foreach (var cell in _cells)
        {
            acc ^= H3Api.CellToParent(cell, ParentResolution).Value;
        }

        return acc;
    }

    /// <summary>k = 1 into a caller-provided span.</summary>
    [Benchmark(OperationsPerInvoke = UsBoxPoints.Count)]
    public ulong GridDisk()
    {
        Span<H3Index> disk = stackalloc H3Index[H3Api.MaxGridDiskSize(DiskK)];
        var acc = 0UL;
        foreach (var cell in _cells)
        {
            var count = H3Api.GridDisk(cell, DiskK, disk);
            acc ^= disk[count - 1].Value;
        }

        return acc;
    }
}

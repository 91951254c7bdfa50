// `--lookup-loop`: a bare lookup loop for instruction and cache-miss counts under callgrind.
using System.Diagnostics;
using GeoAssign.H3;
using GeoAssign.Index;
using GeoAssign.Index.Model;

// Inside GeoAssign.*, the simple name H3 binds to the namespace GeoAssign.H3, not the class.
using H3Api = GeoAssign.H3.H3;

namespace GeoAssign.Benchmarks;

/// <summary>
/// Builds one dataset's index, then — once the file named by <c>--go</c> exists, so that callgrind's
/// instrumentation can be switched on after the build (<c>callgrind_control -i on</c>) — runs
/// <c>passes</c> passes of either <c>LatLngToCell</c> alone or the whole lookup over the benchmark
/// points. Counts from runs with different pass counts, subtracted, are per-pass costs that do not
/// depend on the machine's load.
/// </summary>
/// <remarks>
/// <code>valgrind --tool=callgrind --instr-atstart=no --cache-sim=yes dotnet GeoAssign.Benchmarks.dll --lookup-loop us-counties NearBorder lookup 5 --go /tmp/go</code>
/// </remarks>
internal static class LookupLoop
{
    public static int Run(IReadOnlyList<string> args)
    {
        if (args.Count < 4 || !Enum.TryParse<PointMix>(args[1], out var mix) || !int.TryParse(args[3], out var passes))
        {
            Console.Error.WriteLine("usage: --lookup-loop DATASET Uniform|NearBorder cell|lookup PASSES [--go FILE]");
            return 2;
        }

        var dataset = IndexDataset.Named(args[0]);
        var points = dataset.Points(mix, IndexBenchmarks.PointCount);
        var layer = new TerritoryMapWriter().Apply(new MapChange(1, dataset.Territories, [])).Layers[Territory.DefaultLayer];
        var lookup = args[2] == "lookup";
        var sink = Pass(layer, points, lookup) + Pass(layer, points, lookup);
        if (args.Count >= 6 && args[4] == "--go")
        {
            Console.WriteLine($"ready {Environment.ProcessId}");
            while (!File.Exists(args[5]))
            {
                Thread.Sleep(20);
            }
        }

        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < passes; i++)
        {
            sink += Pass(layer, points, lookup);
        }

        Console.WriteLine($"done {sink} in {stopwatch.Elapsed.TotalMilliseconds:F0} ms");
        return 0;
    }

    private static long Pass(Index.Cells.LayerIndex layer, LatLng[] points, bool lookup)
    {
        long acc = 0;
        foreach (var p in points)
        {
            acc += lookup ? (int)layer.Resolve(p.Lat, p.Lng).Reason : (long)(H3Api.LatLngToCell(p.Lat, p.Lng, layer.Resolution).Value & 0xFF);
        }

        return acc;
    }
}

// Where a lookup's time goes: H3, the trie walk, or the exact tests — a stopwatch breakdown for the index report.
using System.Diagnostics;
using System.Globalization;
using GeoAssign.H3;
using GeoAssign.Index.Cells;
using GeoAssign.Index.Geometry;

// Inside GeoAssign.*, the simple name H3 binds to the namespace GeoAssign.H3, not the class.
using H3Api = GeoAssign.H3.H3;

namespace GeoAssign.Benchmarks;

/// <summary>
/// Replays lookups step by step through the index's internals (the leaf each point reaches and the
/// exact tests <see cref="LayerIndex.Resolve"/> makes there), then times, over the same points,
/// <c>LatLngToCell</c> alone, the whole lookup, and the exact tests alone. Rougher than
/// BenchmarkDotNet (the best of a few passes, one stopwatch each) but it says which part to look at.
/// </summary>
internal static class LookupAnatomy
{
    private const int Passes = 15;

    public static string Describe(LayerIndex layer, LatLng[] points)
    {
        var shapes = new List<TerritoryShape>();
        var testLng = new List<double>();
        var testLat = new List<double>();
        long levels = 0, candidates = 0;
        var boundaryLeaves = 0;
        long testedEdges = 0;
        foreach (var point in points)
        {
            var (level, value) = layer.LeafOf(H3Api.LatLngToCell(point.Lat, point.Lng, layer.Resolution));
            levels += level;
            if (value == LayerIndex.EmptyLeaf)
            {
                continue;
            }

            // As LayerIndex.ResolveCandidates: entries in precedence order, odd ones need the exact test.
            var offset = -2 - value;
            var count = layer.Lists[offset];
            candidates += count;
            if ((layer.Lists[offset + 1] & 1) == 1)
            {
                boundaryLeaves++;
            }

            for (var i = 1; i <= count; i++)
            {
                var entry = layer.Lists[offset + i];
                var shape = layer.Slots[entry >> 1]!.Shape;
                if ((entry & 1) == 0)
                {
                    break;
                }

                shapes.Add(shape);
                testLng.Add(point.Lng);
                testLat.Add(point.Lat);
                testedEdges += shape.EdgeCount / Math.Max(1, shape.BandCount);
                if (shape.Covers(point.Lng, point.Lat))
                {
                    break;
                }
            }
        }

        var cellNs = BestNanoseconds(points.Length, () =>
        {
            var acc = 0UL;
            foreach (var p in points)
            {
                acc ^= H3Api.LatLngToCell(p.Lat, p.Lng, layer.Resolution).Value;
            }

            return (int)acc;
        });
        var lookupNs = BestNanoseconds(points.Length, () =>
        {
            var acc = 0;
            foreach (var p in points)
            {
                acc += (int)layer.Resolve(p.Lat, p.Lng).Reason;
            }

            return acc;
        });
        // Each point looked up several times in a row: its trie path and shape are in the L1 cache
        // after the first, so the difference to the whole lookup is the cost of cache misses.
        const int Repeats = 8;
        var warmNs = BestNanoseconds(points.Length * Repeats, () =>
        {
            var acc = 0;
            foreach (var p in points)
            {
                for (var r = 0; r < Repeats; r++)
                {
                    acc += (int)layer.Resolve(p.Lat, p.Lng).Reason;
                }
            }

            return acc;
        });
        var shapeArray = shapes.ToArray();
        var lngArray = testLng.ToArray();
        var latArray = testLat.ToArray();
        var testsNs = BestNanoseconds(points.Length, () =>
        {
            var acc = 0;
            for (var i = 0; i < shapeArray.Length; i++)
            {
                acc += shapeArray[i].Covers(lngArray[i], latArray[i]) ? 1 : 0;
            }

            return acc;
        });

        double n = points.Length;
        return string.Create(CultureInfo.InvariantCulture,
            $"leaf at resolution {levels / n:F1} on average, {candidates / n:F2} candidates, {boundaryLeaves / n:P0} in boundary leaves, " +
            $"{shapeArray.Length / n:F2} exact tests per lookup (~{(shapeArray.Length == 0 ? 0 : testedEdges / (double)shapeArray.Length):F0} edges per band of the tested shapes); " +
            $"ns per lookup: LatLngToCell {cellNs:F0}, whole lookup {lookupNs:F0}, exact tests alone {testsNs:F0}, so trie walk and the rest ~{lookupNs - cellNs - testsNs:F0}; " +
            $"whole lookup repeated {Repeats}× per point (warm caches) {warmNs:F0} (best of {Passes} passes, stopwatch)");
    }

    private static double BestNanoseconds(int operations, Func<int> pass)
    {
        var best = double.MaxValue;
        var sink = 0;
        for (var i = 0; i < Passes; i++)
        {
            var start = Stopwatch.GetTimestamp();
            sink += pass();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalNanoseconds / operations);
        }

        GC.KeepAlive(sink);
        return best;
    }
}

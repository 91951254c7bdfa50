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

            if (LayerIndex.IsWinnerLeaf(value))
            {
                // One territory covers the whole cell: no list, no test.
                candidates++;
                continue;
            }

            // As LayerIndex.ResolveCandidates: entries in precedence order, odd ones need the exact test.
            var offset = LayerIndex.LeafPayload(value);
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
        // The same lookup walking the plain trie one digit per step (the layout lookups used before the
        // two-level nodes), timed in passes interleaved with the real one so that both see the same load.
        var (plainNs, jumpNs) = BestOfInterleaved(points.Length, () =>
        {
            var acc = 0;
            foreach (var p in points)
            {
                acc += PlainTrieLookup(layer, p.Lat, p.Lng);
            }

            return acc;
        }, () =>
        {
            var acc = 0;
            foreach (var p in points)
            {
                acc += (int)layer.Resolve(p.Lat, p.Lng).Reason;
            }

            return acc;
        });
        // H3 and the trie walk to the leaf, without the candidates and exact tests.
        var walkNs = BestNanoseconds(points.Length, () =>
        {
            var acc = 0;
            foreach (var p in points)
            {
                acc += layer.LeafOf(H3Api.LatLngToCell(p.Lat, p.Lng, layer.Resolution)).Value;
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
            $"ns per lookup: LatLngToCell {cellNs:F0}, whole lookup {lookupNs:F0}, LatLngToCell and trie walk to the leaf {walkNs:F0}, exact tests alone {testsNs:F0}; " +
            $"whole lookup repeated {Repeats}× per point (warm caches) {warmNs:F0}; interleaved: whole lookup {jumpNs:F0}, the same over the plain one-digit trie {plainNs:F0} (best of {Passes} passes, stopwatch)");
    }

    // LayerIndex.Resolve as it was before two-level nodes: one trie level per step, then the candidates.
    private static int PlainTrieLookup(LayerIndex layer, double lat, double lng)
    {
        var (_, value) = layer.LeafOf(H3Api.LatLngToCell(lat, lng, layer.Resolution));
        if (value == LayerIndex.EmptyLeaf)
        {
            return 0;
        }

        if (LayerIndex.IsWinnerLeaf(value))
        {
            return 1;
        }

        var offset = LayerIndex.LeafPayload(value);
        var count = layer.Lists[offset];
        for (var i = 1; i <= count; i++)
        {
            var entry = layer.Lists[offset + i];
            if ((entry & 1) == 0 || layer.Slots[entry >> 1]!.Shape.Covers(lng, lat))
            {
                return 2;
            }
        }

        return 0;
    }

    private static (double A, double B) BestOfInterleaved(int operations, Func<int> a, Func<int> b)
    {
        double bestA = double.MaxValue, bestB = double.MaxValue;
        var sink = 0;
        for (var i = 0; i < Passes; i++)
        {
            var start = Stopwatch.GetTimestamp();
            sink += a();
            bestA = Math.Min(bestA, Stopwatch.GetElapsedTime(start).TotalNanoseconds / operations);
            start = Stopwatch.GetTimestamp();
            sink += b();
            bestB = Math.Min(bestB, Stopwatch.GetElapsedTime(start).TotalNanoseconds / operations);
        }

        GC.KeepAlive(sink);
        return (bestA, bestB);
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

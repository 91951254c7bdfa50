// Shared checking of a territory map against the brute-force NetTopologySuite oracle.
using Xunit;
using System.Text;
using GeoAssign.Index;
using GeoAssign.Index.Model;
using GeoAssign.Testing;

namespace GeoAssign.Index.Tests.Cells;

internal static class IndexAgreement
{
    /// <summary>
    /// Resolves every point in every layer of <paramref name="map"/> and in the oracle built from the same
    /// territories; returns the number of comparisons, and fails listing up to 20 disagreements by kind.
    /// </summary>
    public static int AssertAgreesWithOracle(TerritoryMap map, IReadOnlyList<Territory> territories, IReadOnlyList<SamplePoint> points)
    {
        var oracle = new BruteForceResolver(territories);
        int compared = 0, mismatches = 0;
        var report = new StringBuilder();
        var byKind = new Dictionary<SampleKind, int>();
        foreach (var layer in oracle.Layers)
        {
            Assert.True(map.Layers.ContainsKey(layer), $"layer '{layer}' missing from the index");
            foreach (var p in points)
            {
                compared++;
                map.TryResolve(layer, p.Lat, p.Lng, out var answer);
                var expected = oracle.ResolveId(layer, p.Lng, p.Lat);
                var actual = answer.Territory?.Territory.Id;
                if (actual == expected) continue;
                mismatches++;
                byKind[p.Kind] = byKind.GetValueOrDefault(p.Kind) + 1;
                if (mismatches <= 20)
                {
                    report.AppendLine($"  layer {layer} lat {p.Lat:R} lng {p.Lng:R} ({p.Kind}): index {actual ?? "UNASSIGNED"} ({answer.Reason}), oracle {expected ?? "UNASSIGNED"}");
                }
            }
        }
        Assert.True(mismatches == 0,
            $"{mismatches} of {compared} lookups disagree with NetTopologySuite ({string.Join(", ", byKind.Select(k => $"{k.Key}: {k.Value}"))}):\n{report}");
        return compared;
    }
}

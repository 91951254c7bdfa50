// Checks a map diff's owner changes point by point against the brute-force resolver on both maps.
using System.Globalization;
using GeoAssign.Index.Analysis;
using GeoAssign.Index.Geometry;
using GeoAssign.Index.Model;
using GeoAssign.Testing;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.Operation.OverlayNG;
using Xunit;
using Xunit.Abstractions;

namespace GeoAssign.Index.Tests.Analysis;

/// <summary>
/// The brute-force check of <see cref="MapDiff"/>: points uniform by area on the ellipsoid inside a
/// box, and optionally extra points (near borders), are resolved with <see cref="BruteForceResolver"/>
/// on both maps. Every point whose owner changes must lie in a changed area of exactly its (old, new)
/// owner pair, no point whose owner stays may lie inside a changed area, and the share of uniform
/// points that change owner, per owner pair and in total, must agree with the changed areas' share of
/// the box within five standard deviations of the sampling error.
/// </summary>
internal static class OwnerChangeOracle
{
    private static readonly GeometryFactory Factory = new();

    public static void AssertAgrees(IReadOnlyCollection<Territory> before, IReadOnlyCollection<Territory> after, MapDiffResult diff,
        LngLatRect box, int uniformCount, int seed, IEnumerable<SamplePoint> extraPoints, ITestOutputHelper output)
    {
        var oldResolver = new BruteForceResolver(before);
        var newResolver = new BruteForceResolver(after);
        var layers = oldResolver.Layers.Union(newResolver.Layers).Order(StringComparer.Ordinal).ToList();
        var uniform = EqualArea(new Random(seed), uniformCount, box);
        var extra = extraPoints.ToList();
        var boxArea = EllipsoidArea.RectangleAreaKm2(box.MinLng, box.MinLat, box.MaxLng, box.MaxLat);
        var boxPolygon = Factory.ToGeometry(new Envelope(box.MinLng, box.MaxLng, box.MinLat, box.MaxLat));

        foreach (var layer in layers)
        {
            var areas = diff.Layers.FirstOrDefault(l => l.Layer == layer)?.Areas ?? [];
            var tree = new STRtree<(ChangedArea Area, IPreparedGeometry Prepared)>();
            foreach (var area in areas)
            {
                tree.Insert(area.Geometry.EnvelopeInternal, (area, PreparedGeometryFactory.Prepare(area.Geometry)));
            }

            tree.Build();

            var counted = new Dictionary<(string?, string?), int>();
            var wrong = new List<string>();
            void Check(double lng, double lat, string kind, bool count)
            {
                var oldOwner = oldResolver.Resolve(layer, lng, lat)?.OwnerId;
                var newOwner = newResolver.Resolve(layer, lng, lat)?.OwnerId;
                var point = Factory.CreatePoint(new Coordinate(lng, lat));
                var candidates = tree.Query(point.EnvelopeInternal);
                if (oldOwner != newOwner)
                {
                    if (count)
                    {
                        counted[(oldOwner, newOwner)] = counted.GetValueOrDefault((oldOwner, newOwner)) + 1;
                    }

                    if (!candidates.Any(c => c.Area.OldOwnerId == oldOwner && c.Area.NewOwnerId == newOwner && c.Prepared.Covers(point)))
                    {
                        wrong.Add(Describe(lng, lat, kind, $"changes {oldOwner ?? "-"} -> {newOwner ?? "-"} outside every changed area of that pair"));
                    }
                }
                else if (candidates.FirstOrDefault(c => c.Prepared.Contains(point)) is { Area: not null } inside)
                {
                    wrong.Add(Describe(lng, lat, kind, $"keeps owner {oldOwner ?? "-"} inside the changed area {inside.Area}"));
                }
            }

            foreach (var (lng, lat) in uniform)
            {
                Check(lng, lat, "uniform", count: true);
            }

            foreach (var p in extra)
            {
                Check(p.Lng, p.Lat, p.Kind.ToString(), count: false);
            }

            Assert.True(wrong.Count == 0, $"layer {layer}: {wrong.Count} points disagree; first: {string.Join("; ", wrong.Take(5))}");

            // Area shares, per owner pair and in total, against the sampled shares.
            var expected = new Dictionary<(string?, string?), double>();
            foreach (var area in areas)
            {
                var inBox = boxPolygon.EnvelopeInternal.Contains(area.Geometry.EnvelopeInternal)
                    ? area.AreaKm2
                    : EllipsoidArea.AreaKm2(OverlayNGRobust.Overlay(area.Geometry, boxPolygon, NetTopologySuite.Operation.Overlay.SpatialFunction.Intersection));
                expected[(area.OldOwnerId, area.NewOwnerId)] = expected.GetValueOrDefault((area.OldOwnerId, area.NewOwnerId)) + inBox;
            }

            foreach (var pair in expected.Keys.Union(counted.Keys))
            {
                AssertShare($"{layer} {pair.Item1 ?? "-"} -> {pair.Item2 ?? "-"}", expected.GetValueOrDefault(pair) / boxArea,
                    counted.GetValueOrDefault(pair), uniform.Count);
            }

            var total = expected.Values.Sum() / boxArea;
            AssertShare($"{layer} total", total, counted.Values.Sum(), uniform.Count);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"layer {layer}: {areas.Length} changed areas, {expected.Count} owner pairs, changed share {total:P3} by area, {counted.Values.Sum() / (double)uniform.Count:P3} of {uniform.Count} points; {extra.Count} extra points agree"));
        }
    }

    /// <summary>Points uniform by area on the WGS84 ellipsoid inside the box: F(φ) uniform, λ uniform.</summary>
    public static List<(double Lng, double Lat)> EqualArea(Random random, int count, LngLatRect box)
    {
        var low = EllipsoidArea.ZoneAreaKm2(box.MinLat);
        var high = EllipsoidArea.ZoneAreaKm2(box.MaxLat);
        var result = new List<(double, double)>(count);
        for (var i = 0; i < count; i++)
        {
            var target = low + random.NextDouble() * (high - low);
            result.Add((box.MinLng + random.NextDouble() * (box.MaxLng - box.MinLng), Latitude(target, box.MinLat, box.MaxLat)));
        }

        return result;
    }

    // F is increasing, so bisection finds φ with F(φ) = target to the last bit.
    private static double Latitude(double target, double min, double max)
    {
        for (var i = 0; i < 80 && max - min > 1e-13; i++)
        {
            var mid = 0.5 * (min + max);
            if (EllipsoidArea.ZoneAreaKm2(mid) < target) min = mid;
            else max = mid;
        }

        return 0.5 * (min + max);
    }

    private static void AssertShare(string what, double expectedShare, int hits, int samples)
    {
        var sigma = Math.Sqrt(Math.Max(expectedShare * (1 - expectedShare), 1.0 / samples) / samples);
        var observed = hits / (double)samples;
        Assert.True(Math.Abs(observed - expectedShare) <= 5 * sigma,
            string.Create(CultureInfo.InvariantCulture, $"{what}: {hits} of {samples} points changed owner ({observed:E3}), the changed areas are {expectedShare:E3} of the box (σ {sigma:E2})"));
    }

    private static string Describe(double lng, double lat, string kind, string problem) =>
        string.Create(CultureInfo.InvariantCulture, $"{kind} [{lng:R}, {lat:R}] {problem}");
}

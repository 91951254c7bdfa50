// The index answers exactly like the brute-force oracle on the Natural Earth countries of the whole world.
using GeoAssign.Index.Geometry;
using GeoAssign.Index.Model;
using GeoAssign.Testing;
using Xunit;

namespace GeoAssign.Index.Tests.Cells;

/// <summary>
/// Real boundaries beyond the US, at the layer's automatic resolution: 254 countries of world-atlas
/// 2.0.2 (Natural Earth 1:10m, repaired), a median of ~700 and up to 68,000 vertices each, with
/// Russia and Fiji split at ±180 and Antarctica round the south pole.
/// </summary>
public sealed class WorldCountriesAgreementTests
{
    private static readonly LngLatRect Globe = new(-180, -90, 180, 90);

    [Fact]
    public void Lookups_equal_the_brute_force_oracle_over_the_globe_near_borders_the_poles_and_the_antimeridian()
    {
        var territories = TestDatasets.WorldCountries();
        var map = new TerritoryMapWriter().Apply(new MapChange(1, territories, []));
        var sampler = new PointSampler(territories, seed: 255);

        // Uniform over the globe, 1 cm–10 m off borders, vertices, edge midpoints, 1e-9–1e-6° off edges, holes.
        var points = sampler.Mixed(150_000, Globe);
        // Polar caps, where H3 cells and their lon/lat rectangles wrap all longitudes.
        points.AddRange(sampler.Uniform(15_000, new LngLatRect(-180, 80, 180, 90)));
        points.AddRange(sampler.Uniform(15_000, new LngLatRect(-180, -90, 180, -80)));
        // Bands either side of ±180, and points on it.
        points.AddRange(sampler.Uniform(10_000, new LngLatRect(179.9, -90, 180, 90)));
        points.AddRange(sampler.Uniform(10_000, new LngLatRect(-180, -90, -179.9, 90)));
        var random = new Random(180);
        for (var i = 0; i < 2_000; i++)
        {
            var lat = -90 + 180 * random.NextDouble();
            points.Add(new SamplePoint(180, lat, SampleKind.Uniform));
            points.Add(new SamplePoint(-180, lat, SampleKind.Uniform));
        }

        foreach (var lng in new[] { -180.0, -90, 0, 45, 90, 179.999999, 180 })
        {
            points.Add(new SamplePoint(lng, 90, SampleKind.Uniform));
            points.Add(new SamplePoint(lng, -90, SampleKind.Uniform));
        }

        // Borders of the territories that reach ±180 (Russia, Fiji, the US, Kiribati, New Zealand, Antarctica, ...).
        var acrossAntimeridian = territories.Where(t => t.Geometry.EnvelopeInternal.MinX <= -179.5 || t.Geometry.EnvelopeInternal.MaxX >= 179.5).ToList();
        Assert.True(acrossAntimeridian.Count >= 5, $"only {acrossAntimeridian.Count} territories reach ±180");
        points.AddRange(new PointSampler(acrossAntimeridian, seed: 180).NearBorder(20_000));

        int compared = IndexAgreement.AssertAgreesWithOracle(map, territories, points);

        Assert.True(compared >= 200_000, $"only {compared} points compared");
    }
}

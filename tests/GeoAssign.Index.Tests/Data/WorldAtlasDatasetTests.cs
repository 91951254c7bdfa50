using GeoAssign.Index.Validation;
using GeoAssign.Testing;
using NetTopologySuite.Geometries;
using Xunit;

namespace GeoAssign.Index.Tests.Data;

/// <summary>
/// What the world data is: the Natural Earth countries of world-atlas 2.0.2 at 1:10m, converted by
/// tests/oracle/datasets/world-atlas.mjs. Quantised to a grid of about 400 m by 190 m, many rings touch or
/// cross themselves; these tests pin exactly which, and what repair leaves out, so a change in the
/// data, the script or the validation shows up here.
/// </summary>
public sealed class WorldAtlasDatasetTests
{
    // NTS IsValidOp rejects these 53 of 255 features (self-intersections, and rings with too few
    // distinct points once quantised).
    private static readonly string[] InvalidCountries =
    [
        "032", "036", "044", "056", "076", "086", "104", "124", "152", "156", "184", "191", "192", "242", "250", "258", "275", "276",
        "296", "300", "304", "336", "352", "356", "360", "380", "392", "398", "400", "442", "462", "484", "578", "581", "583", "584",
        "586", "591", "598", "608", "612", "643", "682", "690", "704", "724", "752", "798", "804", "840", "862", "887", "ne-dhekelia",
    ];

    // Natural Earth units without an ISO numeric code, and Ashmore and Cartier Is., which shares Australia's 036.
    private static readonly string[] NamedIds =
    [
        "ne-akrotiri", "ne-ashmore-and-cartier-is", "ne-baikonur", "ne-bajo-nuevo-bank", "ne-clipperton-i", "ne-coral-sea-is",
        "ne-cyprus-u-n-buffer-zone", "ne-dhekelia", "ne-indian-ocean-ter", "ne-kosovo", "ne-n-cyprus", "ne-scarborough-reef",
        "ne-serranilla-bank", "ne-siachen-glacier", "ne-somaliland", "ne-spratly-is", "ne-usnb-guantanamo-bay",
    ];

    [Fact]
    public void The_world_set_has_255_features_with_unique_ids_and_exactly_the_known_invalid_ones()
    {
        var result = TestDatasets.Import(TestDatasets.WorldAtlasFile("countries-10m.geojson"));

        Assert.Equal(255, result.Territories.Count);
        Assert.Equal(255, result.Territories.Select(t => t.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(NamedIds, result.Territories.Select(t => t.Id).Where(id => id.StartsWith("ne-", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.All(result.Territories, t => Assert.Equal("geo", t.Layer));
        Assert.All(result.Territories, t => Assert.Matches("^rep-[0-9]{3}$", t.OwnerId));
        // Only invalid geometry: no ring crosses the antimeridian unsplit, none is out of range.
        Assert.All(result.Problems, p => Assert.Equal(ValidationProblemKind.InvalidGeometry, p.Kind));
        Assert.Equal(InvalidCountries, result.Problems.Select(p => p.TerritoryId));
    }

    [Fact]
    public void Repair_fixes_every_invalid_country_but_the_vatican_which_has_no_area_at_this_scale()
    {
        var repaired = TestDatasets.Import(TestDatasets.WorldAtlasFile("countries-10m.geojson"), repairInvalidGeometry: true);

        Assert.Equal(InvalidCountries.Where(id => id != "336"), repaired.Repairs.Select(r => r.TerritoryId));
        var collapsed = Assert.Single(repaired.Problems);
        Assert.Equal(ValidationProblemKind.NoAreaAfterRepair, collapsed.Kind);
        Assert.Equal("336", collapsed.TerritoryId);
        var countries = TestDatasets.WorldCountries();
        Assert.Equal(254, countries.Count);
        Assert.DoesNotContain(countries, c => c.Id == "336");
    }

    [Fact]
    public void Russia_and_fiji_lie_on_both_sides_of_the_antimeridian_and_antarctica_covers_the_south_pole()
    {
        var countries = TestDatasets.WorldCountries().ToDictionary(c => c.Id, StringComparer.Ordinal);
        var factory = new GeometryFactory();

        foreach (var id in new[] { "643", "242" })
        {
            var envelope = countries[id].Geometry.EnvelopeInternal;
            Assert.True(envelope.MinX == -180 && envelope.MaxX == 180, $"{countries[id].Name} reaches ±180: {envelope}");
        }

        var antarctica = countries["010"].Geometry;
        Assert.True(antarctica.Covers(factory.CreatePoint(new Coordinate(0, -89.9))), "Antarctica covers the pole region");
        Assert.False(antarctica.Covers(factory.CreatePoint(new Coordinate(0, -50))), "Antarctica does not reach 50°S");
        Assert.True(countries.Values.Sum(c => c.Geometry.NumPoints) > 500_000);
    }
}

using System.Text.Json;
using GeoAssign.Index.GeoJson;
using GeoAssign.Index.Model;
using GeoAssign.Testing;
using Xunit;

namespace GeoAssign.Index.Tests.GeoJson;

public sealed class GeoJsonRoundTripTests
{
    private static IReadOnlyList<Territory> RoundTrip(IEnumerable<Territory> territories)
    {
        var json = TerritoryGeoJsonWriter.WriteToString(territories);
        var result = new TerritoryGeoJsonReader().ImportString(json);
        Assert.True(result.IsValid, result.Validation.ToString());
        return result.Territories;
    }

    [Fact]
    public void Every_field_attribute_and_coordinate_survives_export_and_import()
    {
        var parent = Shapes.Square("R", 0, 0, 10) with { Layer = "region", Name = "Région Nord — 北" };
        var child = new Territory
        {
            Id = "T-1",
            Name = "Child",
            OwnerId = "rep-7",
            Layer = "product:medical",
            Priority = -3,
            ParentId = "R",
            Attributes = TerritoryAttributes.Parse("""{"quota":1.50,"big":12345678901234567890,"tags":["a","b"],"nested":{"x":null}}"""),
            Geometry = Shapes.Multi(
                Shapes.Polygon([0.1, 0.1, 3.3333333333333335, 0.1, 3.3333333333333335, 2.7182818284590451, 0.1, 2.7182818284590451],
                    [1, 1, 1, 2, 2, 2, 2, 1]),
                Shapes.Rectangle(5e-324, 5, 6, 7.000000000000001)),
        };

        var back = RoundTrip([parent, child]);

        Assert.Equal([parent, child], back);
        Assert.Equal("1.50", back[1].Attributes["quota"].GetRawText());
    }

    [Fact]
    public void Ring_orientation_is_kept_as_it_was()
    {
        var clockwise = Shapes.Territory("cw", Shapes.Polygon([0, 0, 0, 1, 1, 1, 1, 0]));

        var back = Assert.Single(RoundTrip([clockwise]));

        Assert.True(back.Geometry.EqualsExact(clockwise.Geometry));
    }

    [Fact]
    public void The_us_counties_extract_round_trips_to_equal_territories()
    {
        var counties = TestDatasets.UsCountiesExtract();

        Assert.Equal(counties, RoundTrip(counties));
    }

    [Fact]
    public void Synthetic_territories_across_the_antimeridian_round_trip()
    {
        var territories = SyntheticTerritories.Generate(SyntheticRegion.AcrossAntimeridian, new SyntheticMapOptions { CellCount = 40 });

        Assert.Equal(territories, RoundTrip(territories));
    }

    [Fact]
    public void Export_writes_the_documented_feature_layout()
    {
        var territory = Shapes.Square("a", 0, 0, parentId: "p") with { Attributes = TerritoryAttributes.Parse("""{"x":1}""") };

        using var document = JsonDocument.Parse(TerritoryGeoJsonWriter.WriteToString([territory]));
        var feature = document.RootElement.GetProperty("features")[0];

        Assert.Equal("FeatureCollection", document.RootElement.GetProperty("type").GetString());
        Assert.Equal("a", feature.GetProperty("id").GetString());
        Assert.Equal("Polygon", feature.GetProperty("geometry").GetProperty("type").GetString());
        Assert.Equal(["name", "owner_id", "layer", "priority", "parent_id", "x"],
            feature.GetProperty("properties").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Asynchronous_export_and_import_give_the_same_territories()
    {
        var territories = TestDatasets.UsStatesExtract();
        using var stream = new MemoryStream();

        await TerritoryGeoJsonWriter.WriteAsync(stream, territories);
        stream.Position = 0;
        var result = await new TerritoryGeoJsonReader().ImportAsync(stream);

        Assert.True(result.IsValid, result.Validation.ToString());
        Assert.Equal(territories, result.Territories);
    }
}

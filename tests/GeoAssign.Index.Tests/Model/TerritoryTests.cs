using GeoAssign.Index.Model;
using Xunit;

namespace GeoAssign.Index.Tests.Model;

public sealed class TerritoryTests
{
    [Fact]
    public void A_territory_without_a_layer_is_in_the_geo_layer_with_priority_zero()
    {
        var territory = new Territory { Id = "t", OwnerId = "rep-1", Geometry = Shapes.Rectangle(0, 0, 1, 1) };

        Assert.Equal("geo", territory.Layer);
        Assert.Equal(0, territory.Priority);
        Assert.Null(territory.ParentId);
        Assert.Empty(territory.Attributes);
        Assert.Equal("", territory.Name);
    }

    [Fact]
    public void Territories_with_equal_fields_and_exactly_equal_geometry_are_equal()
    {
        var a = Shapes.Square("t", 0, 0) with { Attributes = TerritoryAttributes.Parse("""{"quota":1.5,"tags":["a"]}""") };
        var b = Shapes.Square("t", 0, 0) with { Attributes = TerritoryAttributes.Parse("""{"tags":["a"],"quota":1.5}""") };

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void Territories_differing_in_any_field_or_coordinate_are_not_equal()
    {
        var baseline = Shapes.Square("t", 0, 0);

        Assert.NotEqual(baseline, baseline with { Id = "u" });
        Assert.NotEqual(baseline, baseline with { Name = "other" });
        Assert.NotEqual(baseline, baseline with { OwnerId = "rep-2" });
        Assert.NotEqual(baseline, baseline with { Layer = "enterprise" });
        Assert.NotEqual(baseline, baseline with { Priority = 1 });
        Assert.NotEqual(baseline, baseline with { ParentId = "p" });
        Assert.NotEqual(baseline, baseline with { Attributes = TerritoryAttributes.Parse("""{"x":1}""") });
        Assert.NotEqual(baseline, baseline with { Geometry = Shapes.Rectangle(0, 0, 1, 1.0000000000000002) });
    }

    [Fact]
    public void ToString_describes_the_territory_without_coordinates()
    {
        var text = Shapes.Square("06037", 0, 0, parentId: "06").ToString();

        Assert.Contains("'06037'", text);
        Assert.Contains("parent '06'", text);
        Assert.Contains("Polygon with 5 vertices", text);
    }
}

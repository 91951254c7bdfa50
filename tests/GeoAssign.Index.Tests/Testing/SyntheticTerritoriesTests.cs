using GeoAssign.Index.Geometry;
using GeoAssign.Index.Validation;
using GeoAssign.Testing;
using NetTopologySuite.Geometries;
using Xunit;

namespace GeoAssign.Index.Tests.Testing;

public sealed class SyntheticTerritoriesTests
{
    public static TheoryData<string> Regions() =>
        ["antimeridian-fiji", "north-pole", "south-pole", "pentagon-bc4", "pentagon-bc63", "pentagon-bc58"];

    private static SyntheticRegion Region(string name) => name switch
    {
        "antimeridian-fiji" => SyntheticRegion.AcrossAntimeridian,
        "north-pole" => SyntheticRegion.NearNorthPole,
        "south-pole" => SyntheticRegion.NearSouthPole,
        "pentagon-bc4" => SyntheticRegion.AroundPentagonNorway,
        "pentagon-bc63" => SyntheticRegion.AroundPentagonPacific,
        "pentagon-bc58" => SyntheticRegion.AroundPentagonGulfOfGuinea,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Regions))]
    public void Every_generated_map_passes_validation(string region)
    {
        var territories = SyntheticTerritories.Generate(Region(region), new SyntheticMapOptions { VerticesPerEdge = 3 });

        var result = new TerritoryValidator().ValidateMap(territories);

        Assert.True(result.IsValid, result.ToString());
        Assert.True(territories.Count > 150);
    }

    [Fact]
    public void The_same_options_give_the_same_territories_and_another_seed_others()
    {
        var options = new SyntheticMapOptions { Seed = 42, CellCount = 50, VerticesPerEdge = 10 };

        var first = SyntheticTerritories.Generate(SyntheticRegion.AcrossAntimeridian, options);
        var second = SyntheticTerritories.Generate(SyntheticRegion.AcrossAntimeridian, options);
        var other = SyntheticTerritories.Generate(SyntheticRegion.AcrossAntimeridian, new SyntheticMapOptions { Seed = 43, CellCount = 50, VerticesPerEdge = 10 });

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Territories_across_the_antimeridian_are_split_at_plus_and_minus_180()
    {
        var territories = SyntheticTerritories.Generate(SyntheticRegion.AcrossAntimeridian);

        var split = territories.Where(t => t.Geometry.EnvelopeInternal.MinX == -180).ToList();
        Assert.NotEmpty(split);
        Assert.Contains(territories, t => t.Geometry.EnvelopeInternal.MaxX == 180);
        Assert.Contains(split, t => t.Geometry is MultiPolygon && t.Geometry.EnvelopeInternal.MaxX == 180);
        Assert.All(territories, t => Assert.True(t.Geometry.EnvelopeInternal.MinX >= -180 && t.Geometry.EnvelopeInternal.MaxX <= 180));
    }

    [Fact]
    public void Territories_near_the_north_pole_touch_latitude_90()
    {
        var territories = SyntheticTerritories.Generate(SyntheticRegion.NearNorthPole);

        Assert.Contains(territories, t => t.Geometry.EnvelopeInternal.MaxY == 90);
        Assert.Contains(territories, t => t.Geometry.EnvelopeInternal.MinX == -180);
    }

    [Fact]
    public void Maps_have_holes_enclaves_that_fill_them_multipolygons_and_overlapping_priorities()
    {
        var territories = SyntheticTerritories.Generate(SyntheticRegion.AroundPentagonNorway, new SyntheticMapOptions { VerticesPerEdge = 4 });
        var resolver = new BruteForceResolver(territories);
        var enclaves = territories.Where(t => t.Id.Contains("-e", StringComparison.Ordinal)).ToList();

        Assert.Contains(territories, t => t.Geometry is MultiPolygon);
        Assert.Contains(territories, t => t.Priority > 0);
        Assert.Contains(territories, t => t.Geometry is Polygon { NumInteriorRings: > 0 });
        Assert.NotEmpty(enclaves);
        foreach (var enclave in enclaves)
        {
            // Inside an enclave no cell covers the point: the enclave fills its cell's hole.
            var inside = enclave.Geometry.InteriorPoint.Coordinate;
            var covering = resolver.Covering("geo", inside.X, inside.Y).Select(t => t.Id).ToList();
            Assert.Contains(enclave.Id, covering);
            Assert.DoesNotContain(covering, id => id.Contains("-c", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void The_high_vertex_option_gives_thousands_of_vertices_per_territory()
    {
        var territories = SyntheticTerritories.Generate(SyntheticRegion.AroundPentagonGulfOfGuinea,
            new SyntheticMapOptions { CellCount = 20, VerticesPerEdge = 500, OverlayCount = 0, HoleFraction = 0 });

        var median = territories.Select(t => t.Geometry.NumPoints).Order().ElementAt(territories.Count / 2);
        Assert.True(median >= 2_000, $"median {median} vertices");
        Assert.True(new TerritoryValidator().ValidateMap(territories).IsValid);
    }

    [Fact]
    public void Neighbouring_cells_share_their_jagged_border_exactly()
    {
        var territories = SyntheticTerritories.Generate(SyntheticRegion.AroundPentagonNorway,
            new SyntheticMapOptions { CellCount = 30, VerticesPerEdge = 50, OverlayCount = 0, HoleFraction = 0, MultiPolygonPairs = 0 });
        var union = NetTopologySuite.Operation.Union.CascadedPolygonUnion.Union(territories.Select(t => t.Geometry).ToList());
        var regionArea = (15 - 6) * (67.5 - 62.0);

        // No gaps and no overlaps: the cells tile the region.
        Assert.Equal(regionArea, union.Area, 9);
        Assert.Equal(regionArea, territories.Sum(t => t.Geometry.Area), 9);
        Assert.Equal(new LngLatRect(6, 62, 15, 67.5), TerritoryShape.Create(union).Bounds);
    }
}

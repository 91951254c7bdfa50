using GeoAssign.Index.Model;
using GeoAssign.Testing;
using NetTopologySuite.Geometries;
using Xunit;
using Xunit.Abstractions;

namespace GeoAssign.Index.Tests.Geometry;

/// <summary>
/// TerritoryShape must answer exactly as NetTopologySuite's PreparedGeometry.Covers, on every point:
/// 200,000 points per dataset, a third within 1 cm to 10 m of a border, the rest uniform, exact
/// vertices, edge midpoints, points 1e-9 to 1e-6 degrees off edges, and points in holes.
/// </summary>
public sealed class TerritoryShapeAgreementTests(ITestOutputHelper output)
{
    private const int PointsPerDataset = 200_000;

    public static TheoryData<string> Datasets() =>
    [
        "us-counties-extract-as-is",
        "us-states-extract",
        "synthetic-antimeridian",
        "synthetic-north-pole",
        "synthetic-south-pole",
        "synthetic-pentagon-bc4",
        "synthetic-pentagon-bc63",
        "synthetic-pentagon-bc58",
        "synthetic-high-vertex",
    ];

    internal static IReadOnlyList<Territory> Load(string name) => name switch
    {
        // As the file has it: 16 of these counties are invalid for NTS, and the answers must still agree.
        "us-counties-extract-as-is" => TestDatasets.UsCountiesExtractAsIs(),
        "us-states-extract" => TestDatasets.UsStatesExtract(),
        "synthetic-antimeridian" => SyntheticTerritories.Generate(SyntheticRegion.AcrossAntimeridian),
        "synthetic-north-pole" => SyntheticTerritories.Generate(SyntheticRegion.NearNorthPole),
        "synthetic-south-pole" => SyntheticTerritories.Generate(SyntheticRegion.NearSouthPole, new SyntheticMapOptions { Seed = 2 }),
        "synthetic-pentagon-bc4" => SyntheticTerritories.Generate(SyntheticRegion.AroundPentagonNorway, new SyntheticMapOptions { Seed = 3, VerticesPerEdge = 5 }),
        "synthetic-pentagon-bc63" => SyntheticTerritories.Generate(SyntheticRegion.AroundPentagonPacific, new SyntheticMapOptions { Seed = 4 }),
        "synthetic-pentagon-bc58" => SyntheticTerritories.Generate(SyntheticRegion.AroundPentagonGulfOfGuinea, new SyntheticMapOptions { Seed = 5 }),
        "synthetic-high-vertex" => SyntheticTerritories.Generate(SyntheticRegion.AroundPentagonNorway,
            new SyntheticMapOptions { Seed = 6, CellCount = 30, VerticesPerEdge = 400, OverlayCount = 3 }),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Datasets))]
    public void Covers_agrees_with_nts_prepared_geometry_on_every_point(string dataset)
    {
        var territories = Load(dataset);
        var sampler = new PointSampler(territories, seed: dataset.GetHashCode(StringComparison.Ordinal) & 0x7FFF);
        var agreement = new ShapeAgreement(territories);

        agreement.Compare(sampler.Mixed(PointsPerDataset));

        output.WriteLine($"{dataset}: {territories.Count} territories, {agreement.Describe()}");
        Assert.True(agreement.Mismatches.Count == 0, agreement.Describe());
        Assert.True(agreement.Locations[Location.Boundary] > 1_000, "the points must exercise the boundary");
        Assert.True(agreement.Locations[Location.Interior] > 10_000, "the points must exercise the interior");
    }

    [Fact]
    public void Covers_agrees_with_nts_on_invalid_geometry_too()
    {
        var territories = new[]
        {
            Shapes.Territory("bowtie", Shapes.Factory.CreatePolygon(Shapes.Ring(true, 0, 0, 2, 2, 2, 0, 0, 2))),
            Shapes.Territory("overlapping", Shapes.Multi(Shapes.Rectangle(3, 0, 5, 2), Shapes.Rectangle(4, 1, 6, 3))),
            Shapes.Territory("hole-outside", Shapes.Polygon([7, 0, 8, 0, 8, 1, 7, 1], [7.5, 0.5, 9, 0.5, 9, 2, 7.5, 2])),
            Shapes.Territory("spike", Shapes.Factory.CreatePolygon(Shapes.Ring(true, 10, 0, 11, 0, 11, 1, 12, 1, 11, 1, 10, 1))),
            Shapes.Territory("repeated", Shapes.Factory.CreatePolygon(Shapes.Ring(true, 13, 0, 13, 0, 14, 0, 14, 1, 14, 1, 13, 1))),
        };
        var agreement = new ShapeAgreement(territories);

        agreement.Compare(new PointSampler(territories, seed: 9).Mixed(50_000));

        Assert.True(agreement.Mismatches.Count == 0, agreement.Describe());
    }
}

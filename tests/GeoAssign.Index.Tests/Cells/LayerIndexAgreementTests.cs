// The index answers exactly like brute-force NetTopologySuite Covers with the border rule, on every dataset.
using Xunit;
using GeoAssign.Index;
using GeoAssign.Index.Cells;
using GeoAssign.Index.Model;
using GeoAssign.Testing;

namespace GeoAssign.Index.Tests.Cells;

public sealed class LayerIndexAgreementTests
{
    private const int PointsPerDataset = 150_000;

    public static TheoryData<string> Datasets => new()
    {
        "us-counties-extract", "us-states-extract", "antimeridian", "north-pole", "south-pole",
        "pentagon-norway", "pentagon-pacific", "pentagon-guinea", "high-vertex",
    };

    internal static IReadOnlyList<Territory> Load(string name) => name switch
    {
        "us-counties-extract" => TestDatasets.UsCountiesExtract(),
        "us-states-extract" => TestDatasets.UsStatesExtract(),
        "antimeridian" => SyntheticTerritories.Generate(SyntheticRegion.AcrossAntimeridian, new SyntheticMapOptions { Seed = 11 }),
        "north-pole" => SyntheticTerritories.Generate(SyntheticRegion.NearNorthPole, new SyntheticMapOptions { Seed = 12 }),
        "south-pole" => SyntheticTerritories.Generate(SyntheticRegion.NearSouthPole, new SyntheticMapOptions { Seed = 13 }),
        "pentagon-norway" => SyntheticTerritories.Generate(SyntheticRegion.AroundPentagonNorway, new SyntheticMapOptions { Seed = 14 }),
        "pentagon-pacific" => SyntheticTerritories.Generate(SyntheticRegion.AroundPentagonPacific, new SyntheticMapOptions { Seed = 15 }),
        "pentagon-guinea" => SyntheticTerritories.Generate(SyntheticRegion.AroundPentagonGulfOfGuinea, new SyntheticMapOptions { Seed = 16 }),
        "high-vertex" => SyntheticTerritories.Generate(SyntheticRegion.AroundPentagonNorway, new SyntheticMapOptions { Seed = 17, CellCount = 30, VerticesPerEdge = 200 }),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    [Theory]
    [MemberData(nameof(Datasets))]
    public void Lookups_equal_the_brute_force_oracle_on_every_point_kind(string dataset)
    {
        var territories = Load(dataset);
        var map = new TerritoryMapWriter().Apply(new MapChange(1, territories, []));
        var points = new PointSampler(territories, seed: dataset.GetHashCode(StringComparison.Ordinal) & 0x7FFF).Mixed(PointsPerDataset);

        int compared = IndexAgreement.AssertAgreesWithOracle(map, territories, points);

        Assert.True(compared >= PointsPerDataset);
    }

    [Fact]
    public void Interior_cells_answer_without_geometry_and_border_points_use_the_exact_test()
    {
        var territories = Load("us-counties-extract");
        var map = new TerritoryMapWriter().Apply(new MapChange(1, territories, []));
        var sampler = new PointSampler(territories, seed: 5);
        var layer = map.Layers[Territory.DefaultLayer];

        int interior = 0, assigned = 0, exact = 0;
        var random = new Random(6);
        for (int i = 0; i < 20_000; i++)
        {
            // Uniform in the envelope of a random county, so most points land in some county.
            var envelope = territories[random.Next(territories.Count)].Geometry.EnvelopeInternal;
            double lng = envelope.MinX + random.NextDouble() * envelope.Width, lat = envelope.MinY + random.NextDouble() * envelope.Height;
            var answer = layer.Resolve(lat, lng);
            if (answer.Reason == AssignmentReason.Unassigned) continue;
            assigned++;
            if (answer.Reason == AssignmentReason.InteriorCell) interior++;
        }
        foreach (var p in sampler.Vertices(2_000))
        {
            var answer = layer.Resolve(p.Lat, p.Lng);
            Assert.NotEqual(AssignmentReason.InteriorCell, answer.Reason);
            if (answer.Reason == AssignmentReason.ExactTest) exact++;
        }

        // Boundary cells cover a small share of the area at the automatic resolution (more for the small counties this sampling favours).
        Assert.True(assigned > 15_000, $"only {assigned} of 20,000 uniform points fell in a territory");
        Assert.True(interior >= 0.75 * assigned, $"only {interior} of {assigned} assigned uniform points were answered by an interior cell");
        Assert.Equal(2_000, exact);
    }

    [Fact]
    public void Statistics_describe_the_layer()
    {
        var territories = Load("us-states-extract");
        var map = new TerritoryMapWriter().Apply(new MapChange(1, territories, []));
        var stats = map.Layers[Territory.DefaultLayer].Statistics;

        Assert.Equal(territories.Count, stats.Territories);
        Assert.InRange(stats.Resolution, ResolutionPolicy.MinResolution, ResolutionPolicy.MaxResolution);
        Assert.True(stats.BoundaryCellsByResolution[stats.Resolution] > 0);
        Assert.True(stats.InteriorCellsByResolution.Sum() > 0);
        Assert.InRange(stats.BoundaryAreaShare, 0.0001, 0.5);
        Assert.True(stats.IndexBytes > 0 && stats.ShapeBytes > 0);
        Assert.True(stats.BuildTime > TimeSpan.Zero);
    }

    [Fact]
    public void A_configured_resolution_is_used()
    {
        var territories = Load("us-states-extract");
        var options = new TerritoryIndexOptions { LayerResolutions = new Dictionary<string, int> { [Territory.DefaultLayer] = 4 } };
        var map = new TerritoryMapWriter(options).Apply(new MapChange(1, territories, []));

        Assert.Equal(4, map.Layers[Territory.DefaultLayer].Resolution);
        IndexAgreement.AssertAgreesWithOracle(map, territories, new PointSampler(territories, 3).Mixed(20_000));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(9)]
    public void At_odd_resolutions_lookups_and_edits_agree_with_the_oracle_and_a_fresh_build(int resolution)
    {
        // Lookups walk two digits per step and start from a table that also takes digit 1 when R is odd;
        // edits build subtrees in parallel below resolution R - 5. Both are checked at odd R here (the
        // datasets above mostly get even ones).
        var territories = Load("us-counties-extract").ToList();
        var options = new TerritoryIndexOptions { LayerResolutions = new Dictionary<string, int> { [Territory.DefaultLayer] = resolution } };
        var writer = new TerritoryMapWriter(options);
        writer.Apply(new MapChange(1, territories, []));
        var moved = territories[17] with
        {
            Geometry = NetTopologySuite.Geometries.Utilities.AffineTransformation.TranslationInstance(0.02, -0.01).Transform(territories[17].Geometry),
        };
        territories[17] = moved;
        var edited = writer.Apply(new MapChange(2, [moved], []));
        var fresh = new TerritoryMapWriter(options).Apply(new MapChange(2, territories, []));

        Assert.True(edited.Layers[Territory.DefaultLayer].Incremental);
        Assert.Equal(fresh.Layers[Territory.DefaultLayer].Checksum, edited.Layers[Territory.DefaultLayer].Checksum);
        IndexAgreement.AssertAgreesWithOracle(edited, territories, new PointSampler(territories, resolution).Mixed(20_000));
    }
}

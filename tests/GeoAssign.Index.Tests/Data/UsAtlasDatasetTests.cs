using System.Diagnostics;
using GeoAssign.Index.Tests.Geometry;
using GeoAssign.Index.Validation;
using GeoAssign.Testing;
using Xunit;
using Xunit.Abstractions;

namespace GeoAssign.Index.Tests.Data;

/// <summary>
/// What the real data is: us-atlas 3.0.1 counties and states, converted by
/// tests/oracle/datasets/us-atlas.mjs. Quantised to a ~300 m grid, some rings touch or cross
/// themselves and a few collapse; these tests pin exactly which, so a change in the data or the
/// validation shows up here.
/// </summary>
public sealed class UsAtlasDatasetTests(ITestOutputHelper output)
{
    // NTS IsValidOp rejects these features of the committed counties extract.
    private static readonly string[] InvalidExtractCounties =
        ["02100", "02105", "08005", "08013", "08014", "08031", "08059", "08123", "51041", "51093", "51121", "51153", "51610", "51620", "51683", "51750"];

    // ... and these of the full set: 40 of 3,231 counties.
    private static readonly string[] InvalidCounties =
    [
        "02100", "02105", "06001", "06075", "06099", "08005", "08013", "08014", "08031", "08059", "08123", "10003", "17069", "22057",
        "22067", "24039", "24045", "35043", "41037", "42109", "45057", "45077", "45091", "47185", "48037", "48423", "48499", "51041",
        "51093", "51121", "51153", "51610", "51620", "51683", "51750", "53007", "53037", "56029", "56039", "72083",
    ];

    // Delaware and Oregon, of 56 states and territories.
    private static readonly string[] InvalidStates = ["10", "41"];

    [Fact]
    public void The_committed_extracts_hold_islands_holes_and_the_aleutians()
    {
        var counties = TestDatasets.UsCountiesExtractAsIs();

        Assert.Equal(231, counties.Count);
        Assert.Equal(["02", "08", "15", "51"], counties.Select(c => c.Id[..2]).Distinct().Order());
        Assert.Contains(counties, c => c.Geometry is NetTopologySuite.Geometries.MultiPolygon);
        Assert.Contains(counties, c => c.Geometry is NetTopologySuite.Geometries.Polygon { NumInteriorRings: > 0 });
        Assert.All(counties, c => Assert.Equal("geo", c.Layer));
        Assert.All(counties, c => Assert.Matches("^rep-[0-9]{3}$", c.OwnerId));
        var aleutiansWest = counties.Single(c => c.Id == "02016").Geometry.EnvelopeInternal;
        Assert.True(aleutiansWest.MinX < -179 && aleutiansWest.MaxX > 179, "the Aleutians lie on both sides of the antimeridian");
        Assert.Equal(4, TestDatasets.UsStatesExtract().Count);
    }

    [Fact]
    public void Exactly_the_known_extract_counties_are_invalid_and_repair_leaves_only_falls_church()
    {
        var path = Path.Combine(TestDatasets.DataDirectory, "us-counties-extract.geojson");

        var asIs = TestDatasets.Import(path);
        var repaired = TestDatasets.Import(path, repairInvalidGeometry: true);

        Assert.All(asIs.Problems, p => Assert.Equal(ValidationProblemKind.InvalidGeometry, p.Kind));
        Assert.Equal(InvalidExtractCounties, asIs.Problems.Select(p => p.TerritoryId));
        Assert.Equal(15, repaired.Repairs.Count);
        var collapsed = Assert.Single(repaired.Problems);
        Assert.Equal(ValidationProblemKind.NoAreaAfterRepair, collapsed.Kind);
        Assert.Equal("51610", collapsed.TerritoryId);
        Assert.Equal(230, TestDatasets.UsCountiesExtract().Count);
    }

    [Fact]
    public void States_and_counties_form_one_valid_map_with_parents_across_layers()
    {
        var map = TestDatasets.UsStatesAndCountiesExtract();

        var result = new TerritoryValidator().ValidateMap(map);

        Assert.True(result.IsValid, result.ToString());
        Assert.Equal(4, map.Count(t => t.Layer == "state"));
        Assert.All(map.Where(t => t.Layer == "geo"), t => Assert.Equal(t.Id[..2], t.ParentId));
    }

    [Fact]
    public void The_committed_extracts_are_exactly_what_the_dataset_script_generates()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"geoassign-us-atlas-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            RunScript("--out", Path.Combine(directory, "full"), "--extract", Path.Combine(directory, "extract"));

            foreach (var name in new[] { "us-counties-extract.geojson", "us-states-extract.geojson" })
            {
                Assert.True(File.ReadAllBytes(Path.Combine(TestDatasets.DataDirectory, name)).AsSpan()
                    .SequenceEqual(File.ReadAllBytes(Path.Combine(directory, "extract", name))), $"{name} differs: regenerate it (see tests/data/README.md)");
            }
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [Fact]
    public void The_full_sets_have_3231_counties_and_56_states_and_exactly_the_known_invalid_ones()
    {
        var counties = TestDatasets.Import(TestDatasets.FullUsAtlasFile("us-counties.geojson"));
        var states = TestDatasets.Import(TestDatasets.FullUsAtlasFile("us-states.geojson"));
        var combined = TestDatasets.Import(TestDatasets.FullUsAtlasFile("us-states-counties.geojson"));

        Assert.Equal(3231, counties.Territories.Count);
        Assert.Equal(56, states.Territories.Count);
        Assert.Equal(InvalidCounties, counties.Problems.Select(p => p.TerritoryId));
        Assert.Equal(InvalidStates, states.Problems.Select(p => p.TerritoryId));
        Assert.All(combined.Problems, p => Assert.Equal(ValidationProblemKind.InvalidGeometry, p.Kind));
        Assert.Equal(InvalidStates.Length + InvalidCounties.Length, combined.Problems.Count);
        Assert.Equal(3230, TestDatasets.UsCountiesFull().Count);
        Assert.Equal(56, TestDatasets.UsStatesFull().Count);
    }

    [Fact]
    public void Covers_agrees_with_nts_on_all_us_counties()
    {
        var territories = TestDatasets.ReadAsIs(TestDatasets.FullUsAtlasFile("us-counties.geojson"));
        var agreement = new ShapeAgreement(territories);

        agreement.Compare(new PointSampler(territories, seed: 3231).Mixed(200_000, new Index.Geometry.LngLatRect(-125, 24, -66, 50)));

        output.WriteLine(agreement.Describe());
        Assert.True(agreement.Mismatches.Count == 0, agreement.Describe());
    }

    private static void RunScript(params string[] arguments)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = TestDatasets.RepositoryRoot,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.ArgumentList.Add(Path.Combine(TestDatasets.RepositoryRoot, "tests", "oracle", "datasets", "us-atlas.mjs"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var standardOutput = process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "the dataset script did not finish in 2 minutes");
        Assert.True(process.ExitCode == 0, $"the dataset script failed: {errors.Result}{standardOutput.Result}");
    }
}

using GeoAssign.Index.GeoJson;
using GeoAssign.Index.Validation;
using Xunit;

namespace GeoAssign.Index.Tests.GeoJson;

public sealed class ImportProblemsTests
{
    private const string Square = """{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}""";
    private const string Bowtie = """{"type":"Polygon","coordinates":[[[0,0],[2,2],[2,0],[0,2],[0,0]]]}""";

    private static GeoJsonImportResult Read(string json) =>
        new TerritoryGeoJsonReader().Read(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)));

    private static string Feature(string id, string properties, string geometry = Square) =>
        $$"""{"type":"Feature","id":"{{id}}","geometry":{{geometry}},"properties":{{properties}}}""";

    [Fact]
    public void A_failed_read_lists_its_problems_and_those_of_the_features_that_read_in_feature_order()
    {
        var read = Read($$"""{"features":[{{Feature("a", "{}")}},{{Feature("b", """{"priority":"high"}""")}},{{Feature("c", """{"owner_id":"r"}""", Bowtie)}}]}""");

        var problems = read.ProblemsWithTerritoryChecks(new TerritoryValidator());

        // features[1] is not validated (its read failed, so a missing owner there is not news), and the
        // collection's own problem, of no feature, comes last.
        Assert.Equal(
            [(0, ValidationProblemKind.MissingOwner), (1, ValidationProblemKind.WrongPropertyType), (2, ValidationProblemKind.InvalidGeometry), ((int?)null, ValidationProblemKind.MalformedJson)],
            problems.Problems.Select(p => (p.FeatureIndex, p.Kind)));
        Assert.Equal(4, problems.TotalProblemCount);
        Assert.Equal(["a", "b", "c", null], problems.Problems.Select(p => p.TerritoryId));
    }

    [Fact]
    public void Territories_are_checked_each_on_its_own_not_across_the_map()
    {
        var read = Read($$"""{"type":"FeatureCollection","features":[{{Feature("a", """{"owner_id":"r","parent_id":"nobody"}""")}},{{Feature("a", """{"owner_id":"r","priority":[]}""")}}]}""");

        var problems = read.ProblemsWithTerritoryChecks(new TerritoryValidator());

        var problem = Assert.Single(problems.Problems);
        Assert.Equal(ValidationProblemKind.WrongPropertyType, problem.Kind);
    }

    [Fact]
    public void Checking_stops_once_about_a_hundred_problems_are_listed()
    {
        var features = string.Join(",", Enumerable.Range(0, 300).Select(i => Feature($"t{i}", i == 0 ? """{"priority":"x"}""" : "{}")));
        var read = Read($$"""{"type":"FeatureCollection","features":[{{features}}]}""");

        var problems = read.ProblemsWithTerritoryChecks(new TerritoryValidator());

        Assert.Equal(100, problems.Problems.Count);
        Assert.Equal(100, problems.TotalProblemCount);
        Assert.Equal(Enumerable.Range(0, 100), problems.Problems.Select(p => p.FeatureIndex!.Value));
    }

    [Fact]
    public void Problems_of_a_read_beyond_the_listed_ones_are_still_counted()
    {
        var features = string.Join(",", Enumerable.Range(0, 5).Select(i => Feature($"t{i}", """{"owner_id":"r","priority":"x"}""")));
        var reader = new TerritoryGeoJsonReader(new GeoJsonReadOptions { Validation = new ValidationOptions { MaxProblems = 2 } });
        var read = reader.Read(new MemoryStream(System.Text.Encoding.UTF8.GetBytes($$"""{"type":"FeatureCollection","features":[{{features}}]}""")));

        var problems = read.ProblemsWithTerritoryChecks(new TerritoryValidator());

        Assert.Equal(2, problems.Problems.Count);
        Assert.Equal(5, problems.TotalProblemCount);
    }
}

using GeoAssign.Index.GeoJson;
using GeoAssign.Index.Validation;
using Xunit;

namespace GeoAssign.Index.Tests.GeoJson;

// GeoJSON is JSON (RFC 8259) with exact member names and types: what would hide a mistake is refused,
// naming the feature and what is wrong.
public sealed class GeoJsonStrictnessTests
{
    private const string Square = """{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}""";

    private static GeoJsonImportResult Import(string json) => new TerritoryGeoJsonReader().ImportString(json);

    private static string Collection(params string[] features) =>
        $$"""{"type":"FeatureCollection","features":[{{string.Join(",", features)}}]}""";

    private static string Feature(string id, string properties = """{"owner_id":"r"}""", string geometry = Square) =>
        $$"""{"type":"Feature","id":"{{id}}","geometry":{{geometry}},"properties":{{properties}}}""";

    public static TheoryData<string, int?> Comments => new()
    {
        { "/* territories */" + Collection(Feature("a")), null },
        { Collection(Feature("a")).Replace("\"features\"", "// list\n\"features\""), null },
        { Collection(Feature("a"), "// the next one\n" + Feature("b")), 1 },
        { Collection(Feature("a"), Feature("b", """{"owner_id":"r" /* the rep */}""")), 1 },
        { Collection(Feature("a", """{"owner_id":"r"}""", Square.Replace("[[[0,0]", "[[ // ring\n[0,0]"))), 0 },
        { Collection(Feature("a")) + "/* end */", null },
    };

    [Theory]
    [MemberData(nameof(Comments))]
    public void A_comment_anywhere_is_a_problem_naming_the_feature_it_is_in(string json, int? feature)
    {
        var result = Import(json);

        var problem = Assert.Single(result.Problems);
        Assert.Equal(ValidationProblemKind.MalformedJson, problem.Kind);
        Assert.Equal(feature, problem.FeatureIndex);
        Assert.Contains("comment", problem.Fix);
    }

    public static TheoryData<string, int?> TrailingCommas => new()
    {
        { Collection(Feature("a"), Feature("b", """{"owner_id":"r",}""")), 1 },
        { Collection(Feature("a", """{"owner_id":"r","tags":[1,2,]}""")), 0 },
        { Collection(Feature("a", """{"owner_id":"r"}""", Square.Replace("[0,0]]]", "[0,0],]]"))), 0 },
        { Collection(Feature("a"))[..^2] + ",]}", 1 },
        { Collection(Feature("a"))[..^2] + "],}", null },
    };

    [Theory]
    [MemberData(nameof(TrailingCommas))]
    public void A_trailing_comma_is_a_problem_naming_where_it_is(string json, int? feature)
    {
        var result = Import(json);

        var problem = Assert.Single(result.Problems);
        Assert.Equal(ValidationProblemKind.MalformedJson, problem.Kind);
        Assert.Equal(feature, problem.FeatureIndex);
        Assert.Contains("trailing comma", problem.Detail);
    }

    [Theory]
    [InlineData("features")]
    [InlineData("type")]
    public void A_collection_member_given_twice_is_a_problem(string member)
    {
        var json = Collection(Feature("a"))[..^1] + (member == "type" ? ",\"type\":\"FeatureCollection\"}" : $",\"features\":[{Feature("b")}]}}");

        var problem = Assert.Single(Import(json).Problems);

        Assert.Equal(ValidationProblemKind.MalformedJson, problem.Kind);
        Assert.Null(problem.FeatureIndex);
        Assert.Contains($"\"{member}\" more than once", problem.Detail);
    }

    [Theory]
    [InlineData("type", "\"Feature\"")]
    [InlineData("geometry", "null")]
    [InlineData("geometry", Square)]
    [InlineData("properties", "{}")]
    [InlineData("properties", """{"owner_id":"r"}""")]
    [InlineData("id", "\"z\"")]
    public void A_feature_member_given_twice_is_a_problem_naming_the_feature(string member, string value)
    {
        var second = Feature("b")[..^1] + $",\"{member}\":{value}}}";

        var result = Import(Collection(Feature("a"), second));

        var problem = Assert.Single(result.Problems, p => p.Kind == ValidationProblemKind.MalformedFeature);
        Assert.Equal(1, problem.FeatureIndex);
        Assert.Contains($"\"{member}\" more than once", problem.Detail);
        Assert.All(result.Problems, p => Assert.Equal(1, p.FeatureIndex));
    }

    [Theory]
    [InlineData("""{"type":"Point","type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}""", "type")]
    [InlineData("""{"type":"Polygon","coordinates":[],"coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}""", "coordinates")]
    public void A_geometry_member_given_twice_is_a_problem(string geometry, string member)
    {
        var problem = Assert.Single(Import(Collection(Feature("a", geometry: geometry))).Problems);

        Assert.Equal(ValidationProblemKind.MalformedGeometry, problem.Kind);
        Assert.Equal("a", problem.TerritoryId);
        Assert.Contains($"\"{member}\" more than once", problem.Detail);
    }

    [Fact]
    public void Foreign_members_given_twice_are_accepted_as_the_reader_ignores_them()
    {
        var feature = Feature("a")[..^1] + ",\"title\":1,\"title\":2}";
        var json = Collection(feature)[..^1] + ",\"name\":\"x\",\"name\":\"y\"}";

        var result = Import(json);

        Assert.True(result.IsValid, result.Validation.ToString());
    }

    [Theory]
    [InlineData("Polygon ", "Polygon")]
    [InlineData(" Polygon", "Polygon")]
    [InlineData("Polygon\\t", "Polygon")]
    [InlineData("\\nMultiPolygon", "MultiPolygon")]
    [InlineData("polygon", "Polygon")]
    [InlineData("MULTIPOLYGON", "MultiPolygon")]
    public void A_geometry_type_that_is_not_exactly_a_GeoJSON_type_is_a_problem(string type, string meant)
    {
        var geometry = Square.Replace("\"Polygon\"", $"\"{type}\"");
        if (meant == "MultiPolygon")
        {
            geometry = geometry.Replace("[[[", "[[[[").Replace("]]]", "]]]]");
        }

        var problem = Assert.Single(Import(Collection(Feature("a", geometry: geometry))).Problems);

        Assert.Equal(ValidationProblemKind.MalformedGeometry, problem.Kind);
        Assert.Equal("a", problem.TerritoryId);
        Assert.Contains("not a GeoJSON type", problem.Detail);
        Assert.Contains($"\"{meant}\"", problem.Detail);
    }
}

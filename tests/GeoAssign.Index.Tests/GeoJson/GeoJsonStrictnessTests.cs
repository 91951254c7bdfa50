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
}

using System.Text.Json;
using GeoAssign.Index.GeoJson;
using GeoAssign.Index.Model;
using GeoAssign.Index.Validation;
using Xunit;

namespace GeoAssign.Index.Tests.Validation;

// An attribute comes back exactly as it was given, or it is refused with a problem naming the
// territory and the attribute: by the GeoJSON reader, and by the validator for territories built
// any other way.
public sealed class AttributeRulesTests
{
    private const string Square = """{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}""";

    private static GeoJsonImportResult Import(string properties) =>
        new TerritoryGeoJsonReader().ImportString(
            $$$"""{"type":"FeatureCollection","features":[{"type":"Feature","id":"ok","geometry":{{{Square}}},"properties":{"owner_id":"r"}},{"type":"Feature","id":"a","geometry":{{{Square}}},"properties":{"owner_id":"r",{{{properties}}}}}]}""");

    private static ValidationProblem OnlyProblemOfImport(string properties, string attribute)
    {
        var result = Import(properties);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(ValidationProblemKind.InvalidAttribute, problem.Kind);
        Assert.Equal("a", problem.TerritoryId);
        Assert.Equal(1, problem.FeatureIndex);
        Assert.Contains($"attribute '{attribute}'", problem.Detail);
        Assert.NotNull(problem.Fix);
        return problem;
    }

    private static ValidationProblem OnlyProblemOfValidation(TerritoryAttributes attributes, string attribute)
    {
        var result = new TerritoryValidator().ValidateMap([Shapes.Square("ok", 0, 0), Shapes.Square("a", 2, 0) with { Attributes = attributes }]);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(ValidationProblemKind.InvalidAttribute, problem.Kind);
        Assert.Equal("a", problem.TerritoryId);
        Assert.Equal(1, problem.FeatureIndex);
        Assert.Contains($"attribute '{attribute}'", problem.Detail);
        return problem;
    }

    private static string Nested(int depth, bool objects) =>
        objects
            ? string.Concat(Enumerable.Repeat("{\"k\":", depth)) + "1" + new string('}', depth)
            : new string('[', depth) + "1" + new string(']', depth);

    [Theory]
    [InlineData("1e400", "q")]
    [InlineData("-1e400", "q")]
    [InlineData("""{"x":[1,2,1e999]}""", "q.x[2]")]
    [InlineData("""[{"deep":-1E+309}]""", "q[0].deep")]
    public void A_number_beyond_a_double_is_a_problem_naming_territory_attribute_and_where(string value, string where)
    {
        var problem = OnlyProblemOfImport($"\"q\":{value}", "q");
        Assert.Contains(where, problem.Detail);

        OnlyProblemOfValidation(TerritoryAttributes.Parse($$"""{"q":{{value}}}"""), "q");
    }

    [Fact]
    public void Finite_numbers_at_the_edges_of_a_double_come_back_exactly()
    {
        const string Attributes = """{"max":1.7976931348623157e308,"min":-1.7976931348623157E+308,"tiny":5e-324,"big":12345678901234567890,"frac":1.50}""";
        var result = Import(Attributes[1..^1]);

        Assert.True(result.IsValid, result.Validation.ToString());
        Assert.Equal(Attributes, result.Territories[1].Attributes.ToJson());
        var again = new TerritoryGeoJsonReader().ImportString(TerritoryGeoJsonWriter.WriteToString(result.Territories));
        Assert.Equal(Attributes, again.Territories[1].Attributes.ToJson());
    }

    [Fact]
    public void An_attribute_with_an_empty_name_is_a_problem()
    {
        var problem = OnlyProblemOfImport("\"\":1", "");
        Assert.Contains("empty name", problem.Detail);

        using var document = JsonDocument.Parse("1");
        OnlyProblemOfValidation(TerritoryAttributes.Create([new("", document.RootElement)]), "");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_attribute_nested_as_deep_as_the_limit_comes_back_exactly(bool objects)
    {
        var value = Nested(TerritoryAttributes.MaxDepth, objects);
        var result = Import($"\"deep\":{value}");

        Assert.True(result.IsValid, result.Validation.ToString());
        Assert.Equal(value, result.Territories[1].Attributes["deep"].GetRawText());
        var again = new TerritoryGeoJsonReader().ImportString(TerritoryGeoJsonWriter.WriteToString(result.Territories));
        Assert.Equal(result.Territories, again.Territories);
    }

    [Theory]
    [InlineData(33, true)]
    [InlineData(33, false)]
    [InlineData(60, true)]
    [InlineData(100, false)]
    public void An_attribute_nested_deeper_than_the_limit_is_a_problem_naming_it(int depth, bool objects)
    {
        var problem = OnlyProblemOfImport($"\"deep\":{Nested(depth, objects)}", "deep");
        Assert.Contains($"more than {TerritoryAttributes.MaxDepth}", problem.Detail);
    }

    [Fact]
    public void An_attribute_nested_too_deep_for_the_validator_is_a_problem_naming_it()
    {
        OnlyProblemOfValidation(TerritoryAttributes.Parse($$"""{"deep":{{Nested(40, true)}}}"""), "deep");
    }

    [Fact]
    public void Json_nested_past_what_the_reader_reads_is_a_problem_naming_the_feature()
    {
        var result = Import($"\"deep\":{Nested(500, false)}");

        var problem = Assert.Single(result.Problems);
        Assert.Equal(ValidationProblemKind.MalformedJson, problem.Kind);
        Assert.Equal(1, problem.FeatureIndex);
    }

    [Fact]
    public void A_key_given_twice_inside_an_attribute_is_a_problem_naming_it()
    {
        var problem = OnlyProblemOfImport("""
            "tags":{"colour":{"x":1,"x":2}}
            """, "tags");
        Assert.Contains("'x'", problem.Detail);
        Assert.Contains("tags.colour", problem.Detail);

        OnlyProblemOfValidation(TerritoryAttributes.Parse("""{"tags":[{"k":1,"k":1}]}"""), "tags");
    }

    [Fact]
    public void An_upsert_with_an_attribute_beyond_a_double_is_refused()
    {
        var map = new Dictionary<string, Territory>();
        var change = new MapChange(1, [Shapes.Square("a", 0, 0) with { Attributes = TerritoryAttributes.Parse("""{"q":1e400}""") }], []);

        var problem = Assert.Single(new TerritoryValidator().ValidateChange(map, change).Problems);

        Assert.Equal(ValidationProblemKind.InvalidAttribute, problem.Kind);
        Assert.Equal("a", problem.TerritoryId);
    }
}

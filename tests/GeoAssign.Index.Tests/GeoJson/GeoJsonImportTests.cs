using System.Text;
using GeoAssign.Index.GeoJson;
using GeoAssign.Index.Validation;
using NetTopologySuite.Geometries;
using Xunit;

namespace GeoAssign.Index.Tests.GeoJson;

public sealed class GeoJsonImportTests
{
    private const string Square = """{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}""";

    private static GeoJsonImportResult Import(string json, GeoJsonReadOptions? options = null) =>
        new TerritoryGeoJsonReader(options).ImportString(json);

    private static string Collection(params string[] features) =>
        $$"""{"type":"FeatureCollection","features":[{{string.Join(",", features)}}]}""";

    private static string Feature(string id, string properties, string geometry = Square) =>
        $$"""{"type":"Feature","id":{{id}},"geometry":{{geometry}},"properties":{{properties}}}""";

    [Fact]
    public void Reserved_properties_become_fields_and_the_rest_attributes_in_order()
    {
        var result = Import(Collection(Feature("\"T-1\"",
            """{"name":"North","zeta":1,"owner_id":"rep-7","layer":"enterprise","priority":3,"parent_id":"R-1","alpha":{"x":[1,2]}}"""),
            Feature("\"R-1\"", """{"owner_id":"rep-1"}""")));

        Assert.True(result.IsValid, result.Validation.ToString());
        var territory = result.Territories[0];
        Assert.Equal("T-1", territory.Id);
        Assert.Equal("North", territory.Name);
        Assert.Equal("rep-7", territory.OwnerId);
        Assert.Equal("enterprise", territory.Layer);
        Assert.Equal(3, territory.Priority);
        Assert.Equal("R-1", territory.ParentId);
        Assert.Equal(["zeta", "alpha"], territory.Attributes.Keys);
        Assert.Equal("""{"x":[1,2]}""", territory.Attributes["alpha"].GetRawText());
        Assert.IsType<Polygon>(territory.Geometry);
        Assert.Equal([0, 1], result.FeatureIndexes);
    }

    [Fact]
    public void Missing_optional_properties_take_their_defaults()
    {
        var territory = Assert.Single(Import(Collection(Feature("\"a\"", """{"owner_id":"rep-1","layer":null,"priority":null}"""))).Territories);

        Assert.Equal("geo", territory.Layer);
        Assert.Equal(0, territory.Priority);
        Assert.Equal("", territory.Name);
        Assert.Null(territory.ParentId);
    }

    [Fact]
    public void The_id_may_be_a_feature_id_an_id_property_or_an_integer()
    {
        var result = Import(Collection(
            """{"type":"Feature","geometry":{{Square}},"properties":{"id":"from-property","owner_id":"r"}}""".Replace("{{Square}}", Square),
            Feature("6037", """{"owner_id":"r"}"""),
            Feature("\"same\"", """{"id":"same","owner_id":"r"}""")));

        Assert.True(result.IsValid, result.Validation.ToString());
        Assert.Equal(["from-property", "6037", "same"], result.Territories.Select(t => t.Id));
    }

    [Fact]
    public void A_feature_id_that_disagrees_with_the_id_property_is_a_problem()
    {
        var problem = Assert.Single(Import(Collection(Feature("\"a\"", """{"id":"b","owner_id":"r"}"""))).Problems);

        Assert.Equal(ValidationProblemKind.ConflictingId, problem.Kind);
        Assert.Contains("'a'", problem.Message);
        Assert.Contains("'b'", problem.Message);
    }

    [Fact]
    public void A_priority_that_is_not_an_integer_is_a_problem_naming_the_feature_not_an_exception()
    {
        var result = Import(Collection(
            Feature("\"a\"", """{"owner_id":"r","priority":"high"}"""),
            Feature("\"b\"", """{"owner_id":"r","priority":1.5}"""),
            Feature("\"c\"", """{"owner_id":"r","priority":99999999999}""")));

        Assert.Equal(3, result.Problems.Count);
        Assert.All(result.Problems, p => Assert.Equal(ValidationProblemKind.WrongPropertyType, p.Kind));
        Assert.StartsWith("Feature 'a' (features[0]): \"priority\" is the string \"high\"", result.Problems[0].Message);
        Assert.Contains("\"priority\": 10", result.Problems[0].Message);
        Assert.Contains("1.5", result.Problems[1].Message);
        Assert.Contains("whole number", result.Problems[2].Message);
    }

    [Fact]
    public void Strings_of_the_wrong_type_are_problems_and_an_owner_of_the_wrong_type_is_not_also_missing()
    {
        var result = Import(Collection(Feature("\"a\"", """{"owner_id":17,"name":["x"],"layer":true,"parent_id":{"x":1}}""")));

        Assert.Equal(4, result.Problems.Count);
        Assert.All(result.Problems, p => Assert.Equal(ValidationProblemKind.WrongPropertyType, p.Kind));
        Assert.DoesNotContain(result.Problems, p => p.Kind == ValidationProblemKind.MissingOwner);
    }

    [Fact]
    public void A_missing_owner_is_reported_by_validation()
    {
        var problem = Assert.Single(Import(Collection(Feature("\"a\"", """{"name":"x"}"""))).Problems);

        Assert.Equal(ValidationProblemKind.MissingOwner, problem.Kind);
        Assert.Contains("owner_id", problem.Message);
    }

    [Fact]
    public void A_feature_without_an_id_is_named_by_its_index_and_its_other_problems_are_reported_too()
    {
        var result = Import(Collection(
            Feature("\"ok\"", """{"owner_id":"r"}"""),
            """{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[200,0],[1,1],[0,0]]]},"properties":{}}"""));

        Assert.Contains(result.Problems, p => p.Kind == ValidationProblemKind.MissingId && p.FeatureIndex == 1 && p.Message.StartsWith("Feature features[1]: "));
        Assert.Contains(result.Problems, p => p.Kind == ValidationProblemKind.MissingOwner && p.FeatureIndex == 1);
        Assert.Contains(result.Problems, p => p.Kind == ValidationProblemKind.CoordinateOutOfRange && p.FeatureIndex == 1);
    }

    [Fact]
    public void A_property_given_twice_is_a_problem()
    {
        var problem = Assert.Single(Import(Collection(Feature("\"a\"", """{"owner_id":"r","x":1,"x":2}"""))).Problems);

        Assert.Equal(ValidationProblemKind.DuplicateProperty, problem.Kind);
    }

    [Fact]
    public void Properties_that_are_not_an_object_are_a_problem()
    {
        var result = Import(Collection(Feature("\"a\"", "[1]")));

        Assert.Contains(result.Problems, p => p.Kind == ValidationProblemKind.WrongPropertyType && p.Detail.Contains("\"properties\""));
    }

    [Fact]
    public void An_unclosed_ring_is_reported_with_its_coordinates_path()
    {
        var geometry = """{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,6],[5,5]],[[5.2,5.2],[5.4,5.2],[5.4,5.4],[5.2,5.5]]]]}""";

        var problem = Assert.Single(Import(Collection(Feature("\"a\"", """{"owner_id":"r"}""", geometry))).Problems);

        Assert.Equal(ValidationProblemKind.RingNotClosed, problem.Kind);
        Assert.Contains("ring coordinates[1][1] (hole 1 of polygon 1) is not closed", problem.Message);
        Assert.Contains("repeat the first position at the end", problem.Message);
    }

    [Fact]
    public void A_ring_with_too_few_positions_is_reported()
    {
        var geometry = """{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}""";

        var problem = Assert.Single(Import(Collection(Feature("\"a\"", """{"owner_id":"r"}""", geometry))).Problems);

        Assert.Equal(ValidationProblemKind.RingTooShort, problem.Kind);
        Assert.Contains("has 3 positions", problem.Message);
    }

    [Theory]
    [InlineData("""{"type":"Polygon","coordinates":[[[0,0],[1,"x"],[1,1],[0,0]]]}""", ValidationProblemKind.MalformedGeometry)]
    [InlineData("""{"type":"Polygon","coordinates":[[[0,0],[1],[1,1],[0,0]]]}""", ValidationProblemKind.MalformedGeometry)]
    [InlineData("""{"type":"Polygon","coordinates":[[[0,0],[1,1e400],[1,1],[0,0]]]}""", ValidationProblemKind.CoordinateNotFinite)]
    [InlineData("""{"type":"Polygon"}""", ValidationProblemKind.EmptyGeometry)]
    [InlineData("""{"type":"Hexagon","coordinates":[]}""", ValidationProblemKind.MalformedGeometry)]
    [InlineData("""{"type":"Point","coordinates":[1,2]}""", ValidationProblemKind.UnsupportedGeometryType)]
    [InlineData("""{"type":"LineString","coordinates":[[1,2],[3,4]]}""", ValidationProblemKind.UnsupportedGeometryType)]
    [InlineData("null", ValidationProblemKind.MissingGeometry)]
    [InlineData("""{"type":"Polygon","coordinates":[]}""", ValidationProblemKind.EmptyGeometry)]
    public void A_geometry_that_cannot_become_a_territory_is_one_problem(string geometry, ValidationProblemKind kind)
    {
        var result = Import(Collection(Feature("\"a\"", """{"owner_id":"r"}""", geometry)));

        var problem = Assert.Single(result.Problems);
        Assert.Equal(kind, problem.Kind);
        Assert.Equal("a", problem.TerritoryId);
        Assert.Equal(0, problem.FeatureIndex);
    }

    [Fact]
    public void Every_problem_of_the_file_is_reported_at_once()
    {
        var result = Import(Collection(
            Feature("\"a\"", """{"owner_id":"r","priority":"high"}"""),
            Feature("\"b\"", """{}"""),
            Feature("\"a\"", """{"owner_id":"r"}"""),
            Feature("\"c\"", """{"owner_id":"r","parent_id":"nobody"}"""),
            Feature("\"d\"", """{"owner_id":"r"}""", """{"type":"Polygon","coordinates":[[[0,0],[2,2],[2,0],[0,2],[0,0]]]}""")));

        Assert.Equal(
            [ValidationProblemKind.WrongPropertyType, ValidationProblemKind.MissingOwner, ValidationProblemKind.DuplicateId,
             ValidationProblemKind.UnknownParent, ValidationProblemKind.InvalidGeometry],
            result.Problems.Select(p => p.Kind));
        Assert.Equal([0, 1, 2, 3, 4], result.Problems.Select(p => p.FeatureIndex));
        var exception = Assert.Throws<TerritoryValidationException>(() => result.GetTerritoriesOrThrow());
        Assert.Equal(5, exception.Problems.Count);
        Assert.Contains("5 problems:", exception.Message);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("{\"type\":\"FeatureCollection\",\"features\":[", "ends before")]
    [InlineData("{\"type\":\"FeatureCollection\",\"features\":[}", "not valid JSON")]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("{\"type\":\"Feature\",\"geometry\":null,\"properties\":{}}", "not a FeatureCollection")]
    [InlineData("{\"type\":\"FeatureCollection\"}", "no \"features\" array")]
    [InlineData("{\"features\":[]}", "no \"type\"")]
    [InlineData("{\"type\":\"FeatureCollection\",\"features\":[]} trailing", "not valid JSON")]
    public void Input_that_is_not_a_feature_collection_is_a_problem_not_an_exception(string json, string expected)
    {
        var result = Import(json);

        Assert.False(result.IsValid);
        Assert.Contains(result.Problems, p => p.Kind == ValidationProblemKind.MalformedJson && p.Message.Contains(expected));
    }

    [Fact]
    public void A_feature_that_is_not_an_object_is_a_problem_and_the_others_are_still_read()
    {
        var result = Import(Collection("[1]", "\"x\"", Feature("\"a\"", """{"owner_id":"r"}""")));

        Assert.Equal(2, result.Problems.Count);
        Assert.All(result.Problems, p => Assert.Equal(ValidationProblemKind.MalformedFeature, p.Kind));
        Assert.Equal("a", Assert.Single(result.Territories).Id);
        Assert.Equal(2, result.FeatureIndexes[0]);
    }

    [Fact]
    public void Foreign_members_and_members_in_any_order_are_accepted()
    {
        var json = $$"""
            {"bbox":[0,0,1,1],"features":[{"properties":{"owner_id":"r"},"geometry":{{Square}},"title":{"deep":[[1]]},"id":"a","type":"Feature"}],
             "crs":{"type":"name"},"type":"FeatureCollection"}
            """;

        var result = Import(json);

        Assert.True(result.IsValid, result.Validation.ToString());
        Assert.Equal("a", Assert.Single(result.Territories).Id);
    }

    [Fact]
    public void A_byte_order_mark_is_allowed()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Collection(Feature("\"a\"", """{"owner_id":"r"}""")))).ToArray();

        var result = new TerritoryGeoJsonReader().Import(new MemoryStream(bytes));

        Assert.True(result.IsValid, result.Validation.ToString());
    }

    [Fact]
    public void More_features_than_the_territory_limit_stop_the_read_with_a_problem()
    {
        var options = new GeoJsonReadOptions { Validation = new ValidationOptions { MaxTerritoriesPerMap = 2 } };
        var result = Import(Collection(
            Feature("\"a\"", """{"owner_id":"r"}"""), Feature("\"b\"", """{"owner_id":"r"}"""), Feature("\"c\"", """{"owner_id":"r"}""")), options);

        Assert.Contains(result.Problems, p => p.Kind == ValidationProblemKind.TooManyTerritories);
        Assert.Equal(2, result.Territories.Count);
    }

    [Fact]
    public void A_feature_larger_than_the_limit_stops_the_read_with_a_problem()
    {
        var big = string.Join(",", Enumerable.Range(0, 2000).Select(i => $"[{i * 1e-4},0]"));
        var geometry = $$"""{"type":"Polygon","coordinates":[[{{big}},[0,1],[0,0]]]}""";
        var options = new GeoJsonReadOptions { MaxFeatureBytes = 4096 };

        var result = Import(Collection(Feature("\"a\"", """{"owner_id":"r"}""", geometry)), options);

        var problem = Assert.Single(result.Problems);
        Assert.Equal(ValidationProblemKind.FeatureTooLarge, problem.Kind);
        Assert.Equal(0, problem.FeatureIndex);
    }

    [Fact]
    public void Repair_fixes_a_self_intersecting_polygon_and_records_it()
    {
        var bowtie = """{"type":"Polygon","coordinates":[[[0,0],[2,2],[2,0],[0,2],[0,0]]]}""";
        var result = Import(Collection(Feature("\"a\"", """{"owner_id":"r"}""", bowtie)), new GeoJsonReadOptions { RepairInvalidGeometry = true });

        Assert.True(result.IsValid, result.Validation.ToString());
        var repair = Assert.Single(result.Repairs);
        Assert.Equal("a", repair.TerritoryId);
        Assert.Contains("Self-intersection", repair.Reason);
        Assert.True(result.Territories[0].Geometry.IsValid);
        Assert.Equal(2, result.Territories[0].Geometry.Area, 12);
    }

    [Fact]
    public void Repair_reports_a_geometry_with_no_area_and_splits_a_ring_across_the_antimeridian()
    {
        var collapsed = """{"type":"Polygon","coordinates":[[[0,0],[1,1],[2,2],[1,1],[0,0]]]}""";
        var crossing = """{"type":"Polygon","coordinates":[[[179,0],[-179,0],[-179,1],[179,1],[179,0]]]}""";
        var result = Import(Collection(
            Feature("\"a\"", """{"owner_id":"r"}""", collapsed),
            Feature("\"b\"", """{"owner_id":"r"}""", crossing)), new GeoJsonReadOptions { RepairInvalidGeometry = true });

        Assert.Equal([ValidationProblemKind.NoAreaAfterRepair], result.Problems.Select(p => p.Kind));
        var repair = Assert.Single(result.Repairs);
        Assert.Equal("b", repair.TerritoryId);
        Assert.Contains("crossed the antimeridian unsplit", repair.Reason);
        var split = result.Territories.Single(t => t.Id == "b").Geometry;
        Assert.Equal(2, split.NumGeometries);
        Assert.Equal(2, split.Area, 12);
    }

    [Fact]
    public void Without_repair_a_ring_across_the_antimeridian_is_rejected_with_how_to_fix_it()
    {
        var crossing = """{"type":"Polygon","coordinates":[[[179,0],[-179,0],[-179,1],[179,1],[179,0]]]}""";
        var result = Import(Collection(Feature("\"b\"", """{"owner_id":"r"}""", crossing)));

        var problem = Assert.Single(result.Problems);
        Assert.Equal(ValidationProblemKind.AntimeridianCrossing, problem.Kind);
        Assert.Contains("RFC 7946", problem.Fix);
        Assert.Empty(result.Repairs);
    }
}

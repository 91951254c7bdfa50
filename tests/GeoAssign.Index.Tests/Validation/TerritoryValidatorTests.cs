using GeoAssign.Index.Model;
using GeoAssign.Index.Validation;
using NetTopologySuite.Geometries;
using Xunit;

namespace GeoAssign.Index.Tests.Validation;

public sealed class TerritoryValidatorTests
{
    private static readonly TerritoryValidator Validator = new();

    private static ValidationProblem OnlyProblem(Territory territory)
    {
        var result = Validator.ValidateMap([territory]);
        Assert.False(result.IsValid);
        return Assert.Single(result.Problems);
    }

    private static Territory WithRing(params double[] lngLat) =>
        Shapes.Territory("t", Shapes.Factory.CreatePolygon(Shapes.Ring(true, lngLat)));

    [Fact]
    public void A_well_formed_map_is_valid()
    {
        var result = Validator.ValidateMap([Shapes.Square("a", 0, 0), Shapes.Square("b", 1, 0, parentId: "a"), Shapes.Square("c", 5, 5, layer: "other", parentId: "b")]);

        Assert.True(result.IsValid, result.ToString());
        Assert.Same(ValidationResult.Valid, result);
        result.ThrowIfInvalid();
    }

    [Theory]
    [InlineData(0, 91, "latitude in [-90, 90]")]
    [InlineData(181, 0, "longitude must be in [-180, 180]")]
    [InlineData(10, 120, "look swapped")]
    [InlineData(-13627361, 4548863, "look projected")]
    public void Out_of_range_coordinates_are_a_problem_with_a_fitting_fix(double lng, double lat, string expected)
    {
        var problem = OnlyProblem(WithRing(0, 0, 1, 0, lng, lat, 0, 1));

        Assert.Equal(ValidationProblemKind.CoordinateOutOfRange, problem.Kind);
        Assert.Contains("position coordinates[0][2] of ring coordinates[0] (exterior ring)", problem.Message);
        Assert.Contains(expected, problem.Message);
        Assert.Equal(new Index.Geometry.LngLat(lng, lat), problem.Location);
    }

    [Theory]
    [InlineData(double.NaN, 0)]
    [InlineData(0, double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity, 1)]
    public void Coordinates_that_are_not_finite_are_a_problem(double lng, double lat)
    {
        var problem = OnlyProblem(WithRing(0, 0, 1, 0, lng, lat, 1, 1, 0, 1));

        Assert.Equal(ValidationProblemKind.CoordinateNotFinite, problem.Kind);
        Assert.Contains("coordinates[0][2]", problem.Message);
    }

    [Fact]
    public void A_self_intersecting_ring_is_a_problem_with_ntss_reason_and_location()
    {
        var problem = OnlyProblem(WithRing(0, 0, 2, 2, 2, 0, 0, 2));

        Assert.Equal(ValidationProblemKind.InvalidGeometry, problem.Kind);
        Assert.Contains("Self-intersection", problem.Message);
        Assert.Equal(new Index.Geometry.LngLat(1, 1), problem.Location);
        Assert.Contains("at [1, 1]", problem.Message);
        Assert.Contains("GeometryFixer", problem.Fix);
    }

    [Fact]
    public void A_hole_outside_its_shell_is_a_problem()
    {
        var problem = OnlyProblem(Shapes.Territory("t", Shapes.Polygon([0, 0, 1, 0, 1, 1, 0, 1], [5, 5, 6, 5, 6, 6, 5, 6])));

        Assert.Equal(ValidationProblemKind.InvalidGeometry, problem.Kind);
        Assert.Contains("HoleOutsideShell", problem.Message);
    }

    [Fact]
    public void Overlapping_polygons_of_one_multipolygon_are_a_problem()
    {
        var problem = OnlyProblem(Shapes.Territory("t", Shapes.Multi(Shapes.Rectangle(0, 0, 2, 2), Shapes.Rectangle(1, 1, 3, 3))));

        Assert.Equal(ValidationProblemKind.InvalidGeometry, problem.Kind);
    }

    [Fact]
    public void A_ring_that_crosses_the_antimeridian_unsplit_is_a_problem_that_says_to_split_it()
    {
        var problem = OnlyProblem(WithRing(179, -17, -179, -17, -179, -16, 179, -16));

        Assert.Equal(ValidationProblemKind.AntimeridianCrossing, problem.Kind);
        Assert.Contains("crosses the antimeridian without being split", problem.Message);
        Assert.Contains("from position [0] [179, -17] to [1] [-179, -17] spans 358°", problem.Message);
        Assert.Contains("(2 such edges)", problem.Message);
        Assert.Contains("RFC 7946 §3.1.9", problem.Message);
        Assert.Contains("MultiPolygon", problem.Message);
        Assert.Contains("180", problem.Fix);
    }

    [Fact]
    public void A_ring_split_at_the_antimeridian_is_valid()
    {
        var split = Shapes.Multi(Shapes.Rectangle(179, -17, 180, -16), Shapes.Rectangle(-180, -17, -179, -16));

        Assert.True(Validator.ValidateMap([Shapes.Territory("fiji", split)]).IsValid);
    }

    [Fact]
    public void A_polar_cap_spanning_every_longitude_is_valid()
    {
        var result = Validator.ValidateMap([Shapes.Territory("arctic", Shapes.Rectangle(-180, 85, 180, 90))]);

        Assert.True(result.IsValid, result.ToString());
    }

    [Fact]
    public void An_edge_from_minus_180_to_180_that_is_not_along_a_parallel_is_a_crossing()
    {
        Assert.Equal(ValidationProblemKind.AntimeridianCrossing, OnlyProblem(WithRing(-180, 85, 180, 86, 180, 90, -180, 90)).Kind);
    }

    [Fact]
    public void A_ring_with_too_few_positions_is_a_problem()
    {
        var ring = new LinearRing(Shapes.Factory.CoordinateSequenceFactory.Create(0, 2, 0), Shapes.Factory);
        var polygon = Shapes.Factory.CreatePolygon(Shapes.Factory.CreateLinearRing(Shapes.Ring(true, 0, 0, 1, 0, 1, 1)), [ring]);

        var problem = OnlyProblem(Shapes.Territory("t", polygon));

        Assert.Equal(ValidationProblemKind.RingTooShort, problem.Kind);
        Assert.Contains("ring coordinates[1] (hole 1) has 0 positions", problem.Message);
    }

    [Fact]
    public void A_ring_whose_coordinates_were_changed_after_construction_to_be_unclosed_is_a_problem()
    {
        var polygon = Shapes.Rectangle(0, 0, 1, 1);
        polygon.ExteriorRing.CoordinateSequence.SetX(4, 0.5);

        var problems = Validator.ValidateMap([Shapes.Territory("t", polygon)]).Problems;

        Assert.Contains(problems, p => p.Kind == ValidationProblemKind.RingNotClosed);
    }

    [Fact]
    public void Empty_geometries_and_empty_parts_are_problems()
    {
        Assert.Equal(ValidationProblemKind.EmptyGeometry, OnlyProblem(Shapes.Territory("t", Shapes.Factory.CreatePolygon())).Kind);
        var withEmptyPart = Shapes.Territory("t", Shapes.Multi(Shapes.Rectangle(0, 0, 1, 1), Shapes.Factory.CreatePolygon()));
        var problem = OnlyProblem(withEmptyPart);
        Assert.Equal(ValidationProblemKind.EmptyGeometry, problem.Kind);
        Assert.Contains("polygon coordinates[1]", problem.Message);
    }

    [Fact]
    public void Geometries_other_than_polygons_are_problems()
    {
        var point = OnlyProblem(Shapes.Territory("t", Shapes.Factory.CreatePoint(new Coordinate(1, 2))));
        var collection = OnlyProblem(Shapes.Territory("t", Shapes.Factory.CreateGeometryCollection([Shapes.Rectangle(0, 0, 1, 1)])));

        Assert.Equal(ValidationProblemKind.UnsupportedGeometryType, point.Kind);
        Assert.Contains("is a Point", point.Message);
        Assert.Contains("one MultiPolygon", collection.Fix);
    }

    [Fact]
    public void More_vertices_than_the_limit_is_a_problem()
    {
        var validator = new TerritoryValidator(new ValidationOptions { MaxVerticesPerTerritory = 4 });

        var problem = Assert.Single(validator.ValidateMap([Shapes.Square("t", 0, 0)]).Problems);

        Assert.Equal(ValidationProblemKind.TooManyVertices, problem.Kind);
        Assert.Contains("5 vertices, more than the limit of 4", problem.Message);
    }

    [Fact]
    public void More_territories_or_vertices_than_a_map_may_have_are_problems()
    {
        var territories = new[] { Shapes.Square("a", 0, 0), Shapes.Square("b", 2, 0) };

        Assert.Equal(ValidationProblemKind.TooManyTerritories,
            Assert.Single(new TerritoryValidator(new ValidationOptions { MaxTerritoriesPerMap = 1 }).ValidateMap(territories).Problems).Kind);
        Assert.Equal(ValidationProblemKind.TooManyVerticesInMap,
            Assert.Single(new TerritoryValidator(new ValidationOptions { MaxVerticesPerMap = 9 }).ValidateMap(territories).Problems).Kind);
    }

    [Fact]
    public void Duplicate_ids_are_a_problem_even_in_different_layers()
    {
        var problem = Assert.Single(Validator.ValidateMap([Shapes.Square("a", 0, 0), Shapes.Square("a", 5, 5, layer: "other")]).Problems);

        Assert.Equal(ValidationProblemKind.DuplicateId, problem.Kind);
        Assert.Equal(1, problem.FeatureIndex);
        Assert.Contains("also used by features[0]", problem.Message);
    }

    [Fact]
    public void Missing_id_owner_and_empty_layer_are_problems()
    {
        var territory = Shapes.Square("", 0, 0) with { OwnerId = "", Layer = "" };

        var kinds = Validator.ValidateMap([territory]).Problems.Select(p => p.Kind);

        Assert.Equal([ValidationProblemKind.MissingId, ValidationProblemKind.MissingOwner, ValidationProblemKind.InvalidLayer], kinds);
    }

    [Fact]
    public void Overlong_ids_are_problems()
    {
        var validator = new TerritoryValidator(new ValidationOptions { MaxIdLength = 8 });

        var problem = Assert.Single(validator.ValidateMap([Shapes.Square("a-very-long-id", 0, 0)]).Problems);

        Assert.Equal(ValidationProblemKind.IdTooLong, problem.Kind);
    }

    [Fact]
    public void An_attribute_with_a_reserved_name_is_a_problem()
    {
        var problem = OnlyProblem(Shapes.Square("t", 0, 0) with { Attributes = TerritoryAttributes.Parse("""{"owner_id":"x"}""") });

        Assert.Equal(ValidationProblemKind.ReservedAttribute, problem.Kind);
    }

    [Fact]
    public void A_parent_that_is_not_in_the_map_is_a_problem()
    {
        var problem = OnlyProblem(Shapes.Square("t", 0, 0, parentId: "nobody"));

        Assert.Equal(ValidationProblemKind.UnknownParent, problem.Kind);
        Assert.Contains("parent_id 'nobody'", problem.Message);
    }

    [Fact]
    public void A_parent_cycle_is_reported_once_from_its_smallest_id()
    {
        var result = Validator.ValidateMap([
            Shapes.Square("c", 0, 0, parentId: "a"),
            Shapes.Square("a", 1, 0, parentId: "b"),
            Shapes.Square("b", 2, 0, parentId: "c"),
            Shapes.Square("d", 3, 0, parentId: "c"),
        ]);

        var problem = Assert.Single(result.Problems);
        Assert.Equal(ValidationProblemKind.ParentCycle, problem.Kind);
        Assert.Contains("'a' → 'b' → 'c' → 'a'", problem.Message);
    }

    [Fact]
    public void A_territory_that_is_its_own_parent_is_a_cycle()
    {
        Assert.Equal(ValidationProblemKind.ParentCycle, OnlyProblem(Shapes.Square("t", 0, 0, parentId: "t")).Kind);
    }

    [Fact]
    public void A_chain_of_parents_deeper_than_the_limit_is_a_problem()
    {
        var validator = new TerritoryValidator(new ValidationOptions { MaxParentDepth = 2 });
        var chain = new[] { Shapes.Square("t0", 0, 0), Shapes.Square("t1", 0, 0, parentId: "t0"), Shapes.Square("t2", 0, 0, parentId: "t1") };

        Assert.True(validator.ValidateMap(chain).IsValid);
        var problem = Assert.Single(validator.ValidateMap([.. chain, Shapes.Square("t3", 0, 0, parentId: "t2")]).Problems);
        Assert.Equal(ValidationProblemKind.HierarchyTooDeep, problem.Kind);
        Assert.Equal("t3", problem.TerritoryId);
    }

    [Fact]
    public void Problems_beyond_the_maximum_are_counted_not_listed()
    {
        var validator = new TerritoryValidator(new ValidationOptions { MaxProblems = 3 });
        var territories = Enumerable.Range(0, 10).Select(i => Shapes.Square($"t{i}", i * 2, 0) with { OwnerId = "" }).ToList();

        var result = validator.ValidateMap(territories);

        Assert.Equal(3, result.Problems.Count);
        Assert.Equal(10, result.TotalProblemCount);
        var exception = Assert.Throws<TerritoryValidationException>(result.ThrowIfInvalid);
        Assert.Contains("… and 7 more.", exception.Message);
        Assert.Equal(10, exception.TotalProblemCount);
    }

    [Fact]
    public void Options_with_a_limit_that_is_not_positive_are_refused_at_construction()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TerritoryValidator(new ValidationOptions { MaxVerticesPerTerritory = 0 }));
    }

    [Fact]
    public void Validation_of_one_territory_skips_map_rules()
    {
        Assert.True(Validator.ValidateTerritory(Shapes.Square("t", 0, 0, parentId: "elsewhere")).IsValid);
        Assert.False(Validator.ValidateTerritory(Shapes.Square("t", 0, 0) with { OwnerId = "" }).IsValid);
    }

    [Fact]
    public void Turning_off_the_topology_check_skips_isvalidop_only()
    {
        var validator = new TerritoryValidator(new ValidationOptions { CheckGeometryValidity = false });

        Assert.True(validator.ValidateMap([WithRing(0, 0, 2, 2, 2, 0, 0, 2)]).IsValid);
        Assert.False(validator.ValidateMap([WithRing(0, 0, 2, 95, 2, 0)]).IsValid);
    }
}

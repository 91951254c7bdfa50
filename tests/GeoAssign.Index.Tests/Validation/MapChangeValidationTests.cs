using GeoAssign.Index.Model;
using GeoAssign.Index.Validation;
using Xunit;

namespace GeoAssign.Index.Tests.Validation;

public sealed class MapChangeValidationTests
{
    private static readonly TerritoryValidator Validator = new();

    // region ← district ← territory, plus an unrelated root.
    private static readonly Dictionary<string, Territory> Current = new[]
    {
        Shapes.Square("region", 0, 0, 10, layer: "region"),
        Shapes.Square("district", 0, 0, 5, layer: "district", parentId: "region"),
        Shapes.Square("t1", 0, 0, 1, parentId: "district"),
        Shapes.Square("other", 20, 20),
    }.ToDictionary(t => t.Id);

    private static ValidationResult Validate(IEnumerable<Territory> upserts, IEnumerable<string>? deletes = null) =>
        Validator.ValidateChange(Current, new MapChange(2, upserts, deletes ?? []));

    [Fact]
    public void A_parent_may_arrive_in_the_same_change_as_its_child()
    {
        var result = Validate([Shapes.Square("t2", 1, 0, parentId: "district-2"), Shapes.Square("district-2", 0, 5, 5, layer: "district", parentId: "region")]);

        Assert.True(result.IsValid, result.ToString());
    }

    [Fact]
    public void A_parent_that_is_neither_in_the_map_nor_in_the_change_is_a_problem()
    {
        var problem = Assert.Single(Validate([Shapes.Square("t2", 1, 0, parentId: "nowhere")]).Problems);

        Assert.Equal(ValidationProblemKind.UnknownParent, problem.Kind);
        Assert.Contains("the map after this change", problem.Message);
        Assert.Equal(0, problem.FeatureIndex);
    }

    [Fact]
    public void Deleting_a_territory_that_is_still_a_parent_is_a_problem()
    {
        var problem = Assert.Single(Validate([], ["district"]).Problems);

        Assert.Equal(ValidationProblemKind.DeletedParent, problem.Kind);
        Assert.Equal("district", problem.TerritoryId);
        Assert.Contains("'t1'", problem.Message);
    }

    [Fact]
    public void Deleting_a_parent_together_with_its_children_or_re_parenting_them_is_fine()
    {
        Assert.True(Validate([], ["district", "t1"]).IsValid);
        Assert.True(Validate([Current["t1"] with { ParentId = "region" }], ["district"]).IsValid);
    }

    [Fact]
    public void Upserting_a_child_that_still_names_a_deleted_parent_is_a_problem()
    {
        var problem = Assert.Single(Validate([Current["t1"] with { OwnerId = "rep-9" }], ["district"]).Problems);

        Assert.Equal(ValidationProblemKind.UnknownParent, problem.Kind);
    }

    [Fact]
    public void Deleting_an_id_that_is_not_in_the_map_is_a_problem()
    {
        Assert.Equal(ValidationProblemKind.UnknownDelete, Assert.Single(Validate([], ["ghost"]).Problems).Kind);
    }

    [Fact]
    public void Upserting_and_deleting_the_same_id_is_a_problem()
    {
        Assert.Contains(Validate([Current["other"]], ["other"]).Problems, p => p.Kind == ValidationProblemKind.UpsertAndDelete);
    }

    [Fact]
    public void Upserting_one_id_twice_is_a_problem()
    {
        var problem = Assert.Single(Validate([Shapes.Square("n", 0, 0), Shapes.Square("n", 1, 1)]).Problems);

        Assert.Equal(ValidationProblemKind.DuplicateId, problem.Kind);
        Assert.Equal(1, problem.FeatureIndex);
    }

    [Fact]
    public void A_change_that_closes_a_parent_cycle_is_a_problem()
    {
        var problem = Assert.Single(Validate([Current["region"] with { ParentId = "t1" }]).Problems);

        Assert.Equal(ValidationProblemKind.ParentCycle, problem.Kind);
        Assert.Contains("'district' → 'region' → 't1' → 'district'", problem.Message);
    }

    [Fact]
    public void A_change_that_pushes_existing_descendants_too_deep_is_a_problem()
    {
        var validator = new TerritoryValidator(new ValidationOptions { MaxParentDepth = 3 });
        var change = new MapChange(2, [Shapes.Square("top", 0, 0, 20), Current["region"] with { ParentId = "top" }], []);

        Assert.True(validator.ValidateChange(Current, new MapChange(2, [Shapes.Square("top", 0, 0, 20)], [])).IsValid);
        var problem = Assert.Single(new TerritoryValidator(new ValidationOptions { MaxParentDepth = 2 }).ValidateChange(Current, change).Problems);
        Assert.Equal(ValidationProblemKind.HierarchyTooDeep, problem.Kind);
        Assert.Equal("top", problem.TerritoryId);
        Assert.Contains("territory 't1' below it would have more than 2 ancestors", problem.Message);
        Assert.True(validator.ValidateChange(Current, change).IsValid);
    }

    [Fact]
    public void A_change_that_would_exceed_the_territory_limit_is_a_problem()
    {
        var validator = new TerritoryValidator(new ValidationOptions { MaxTerritoriesPerMap = 4 });

        Assert.True(validator.ValidateChange(Current, new MapChange(2, [Shapes.Square("new", 0, 0)], ["other"])).IsValid);
        Assert.True(validator.ValidateChange(Current, new MapChange(2, [Current["other"] with { Priority = 3 }], [])).IsValid);
        Assert.Equal(ValidationProblemKind.TooManyTerritories,
            Assert.Single(validator.ValidateChange(Current, new MapChange(2, [Shapes.Square("new", 0, 0)], [])).Problems).Kind);
    }

    [Fact]
    public void Geometry_problems_of_upserts_are_reported_with_their_index_in_the_change()
    {
        var bad = Shapes.Territory("bad", Shapes.Factory.CreatePolygon(Shapes.Ring(true, 0, 0, 2, 2, 2, 0, 0, 2)));

        var problem = Assert.Single(Validate([Shapes.Square("fine", 0, 0), bad]).Problems);

        Assert.Equal(ValidationProblemKind.InvalidGeometry, problem.Kind);
        Assert.Equal(1, problem.FeatureIndex);
        Assert.Equal("bad", problem.TerritoryId);
    }
}

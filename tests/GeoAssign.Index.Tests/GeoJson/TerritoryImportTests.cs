// An import checked on its own and planned against a map: skips, names, replace, attribute sizes, ids of other layers.
using GeoAssign.Index.GeoJson;
using GeoAssign.Index.Model;
using GeoAssign.Index.Validation;
using Xunit;

namespace GeoAssign.Index.Tests.GeoJson;

public sealed class TerritoryImportTests
{
    private static readonly ValidationOptions Validation = ValidationOptions.Default;

    private static string Square(double x, double y) =>
        $$"""{"type":"Polygon","coordinates":[[[{{x}},{{y}}],[{{x + 1}},{{y}}],[{{x + 1}},{{y + 1}}],[{{x}},{{y + 1}}],[{{x}},{{y}}]]]}""";

    // A bow tie: invalid, and with repair it keeps its area.
    private const string BowTie = """{"type":"Polygon","coordinates":[[[0,0],[2,2],[2,0],[0,2],[0,0]]]}""";

    // A ring of three points on a line: repair leaves no area.
    private const string Sliver = """{"type":"Polygon","coordinates":[[[0,0],[1,1],[2,2],[0,0]]]}""";

    private static string Feature(string id, string geometry, string properties = """{"owner_id":"r"}""") =>
        $$"""{"type":"Feature","id":"{{id}}","geometry":{{geometry}},"properties":{{properties}}}""";

    private static GeoJsonImportResult Read(bool repair, params string[] features) =>
        new TerritoryGeoJsonReader(new GeoJsonReadOptions { RepairInvalidGeometry = repair })
            .ImportString($$"""{"type":"FeatureCollection","features":[{{string.Join(",", features)}}]}""");

    private static TerritoryImportOptions Options(bool replace = false, bool skip = false, int maxAttributesBytes = 64 * 1024, string layer = "geo") =>
        new(layer, replace, skip, maxAttributesBytes);

    private static TerritoryMap Map(params Territory[] territories)
    {
        var writer = new TerritoryMapWriter();
        writer.Apply(new MapChange(1, territories, []));
        return writer.Current;
    }

    private static Territory Existing(string id, string layer = "geo", double x = 50) =>
        Assert.Single(Read(false, Feature(id, Square(x, 10), $$"""{"owner_id":"r","layer":"{{layer}}"}""")).Territories);

    [Fact]
    public void A_clean_read_plans_creates_and_updates_against_the_map()
    {
        var import = TerritoryImport.Prepare(Read(false, Feature("new", Square(0, 0)), Feature("old", Square(2, 0))), Options(), Validation);
        var plan = import.PlanAgainst(Map(Existing("old"), Existing("other")), 2);

        Assert.Empty(import.Warnings);
        Assert.Equal((1, 1, 0), (plan.Created, plan.Updated, plan.Deleted));
        Assert.NotNull(plan.Change);
        Assert.Equal(2, plan.Change.Version);
        Assert.Equal(["new", "old"], plan.Change.Upserts.Select(t => t.Id));
        Assert.Empty(plan.Change.Deletes);
    }

    [Fact]
    public void A_replace_deletes_the_layers_territories_missing_from_the_file_in_id_order_and_no_others()
    {
        var import = TerritoryImport.Prepare(Read(false, Feature("keep", Square(0, 0))), Options(replace: true), Validation);
        var map = Map(Existing("keep", x: 60), Existing("z-gone", x: 62), Existing("a-gone", x: 64), Existing("elsewhere", "other", 66));

        var plan = import.PlanAgainst(map, 2);

        Assert.Equal((0, 1, 2), (plan.Created, plan.Updated, plan.Deleted));
        Assert.Equal(["a-gone", "z-gone"], plan.Change!.Deletes);
    }

    [Fact]
    public void An_empty_file_plans_no_change_unless_it_replaces_a_layer()
    {
        var empty = Read(false);
        Assert.Null(TerritoryImport.Prepare(empty, Options(), Validation).PlanAgainst(Map(Existing("a")), 2).Change);
        Assert.Equal(["a"], TerritoryImport.Prepare(empty, Options(replace: true), Validation).PlanAgainst(Map(Existing("a")), 2).Change!.Deletes);
    }

    [Fact]
    public void An_id_of_another_layer_is_refused_naming_the_territory_index()
    {
        var import = TerritoryImport.Prepare(Read(false, Feature("fine", Square(0, 0)), Feature("taken", Square(2, 0))), Options(), Validation);

        var error = Assert.Throws<TerritoryValidationException>(() => import.PlanAgainst(Map(Existing("taken", "enterprise")), 2));

        var problem = Assert.Single(error.Problems);
        Assert.Equal(ValidationProblemKind.IdInOtherLayer, problem.Kind);
        Assert.Equal(1, problem.FeatureIndex);
        Assert.Contains("\"enterprise\"", problem.Detail);
    }

    [Fact]
    public void A_replace_refuses_features_of_another_layer_and_malformed_names_naming_each_feature()
    {
        var read = Read(false,
            Feature("ok", Square(0, 0)),
            Feature("wrong-layer", Square(2, 0), """{"owner_id":"r","layer":"enterprise"}"""),
            Feature("bad\\u0001id", Square(4, 0)),
            Feature("bad-layer", Square(6, 0), """{"owner_id":"r","layer":"has space"}"""));

        var error = Assert.Throws<TerritoryValidationException>(() => TerritoryImport.Prepare(read, Options(replace: true), Validation));

        Assert.Equal(
            [(ValidationProblemKind.LayerMismatch, 1), (ValidationProblemKind.InvalidId, 2), (ValidationProblemKind.InvalidLayer, 3)],
            error.Problems.Select(p => (p.Kind, p.FeatureIndex!.Value)));
    }

    [Fact]
    public void Attributes_over_the_limit_are_a_limit_problem_that_says_how_large_they_are()
    {
        var read = Read(false, Feature("big", Square(0, 0), """{"owner_id":"r","note":"0123456789012345678901234567890123456789"}"""));

        var error = Assert.Throws<TerritoryValidationException>(() => TerritoryImport.Prepare(read, Options(maxAttributesBytes: 20), Validation));

        var problem = Assert.Single(error.Problems);
        Assert.Equal(ValidationProblemKind.AttributesTooLarge, problem.Kind);
        Assert.Contains("the limit is 20", problem.Detail);
    }

    [Fact]
    public void A_failed_read_lists_its_own_problems_and_those_of_the_features_that_did_read()
    {
        // Feature 0 reads but is invalid (a bow tie without repair); feature 1 cannot be read.
        var read = Read(false, Feature("tie", BowTie), """{"type":"Feature","id":"broken","geometry":null,"properties":{"owner_id":"r"}}""");

        var error = Assert.Throws<TerritoryValidationException>(() => TerritoryImport.Prepare(read, Options(), Validation));

        Assert.Contains(error.Problems, p => p.FeatureIndex == 0 && p.Kind == ValidationProblemKind.InvalidGeometry);
        Assert.Contains(error.Problems, p => p.FeatureIndex == 1 && p.Kind == ValidationProblemKind.MissingGeometry);
        Assert.Equal(error.Problems.OrderBy(p => p.FeatureIndex).Select(p => p.FeatureIndex), error.Problems.Select(p => p.FeatureIndex));
    }

    [Fact]
    public void Features_left_without_area_are_skipped_only_when_asked_and_every_repair_and_skip_is_a_warning()
    {
        var read = Read(true, Feature("tie", BowTie), Feature("sliver", Sliver), Feature("plain", Square(5, 5)));

        var refused = Assert.Throws<TerritoryValidationException>(() => TerritoryImport.Prepare(read, Options(), Validation));
        Assert.Equal(ValidationProblemKind.NoAreaAfterRepair, Assert.Single(refused.Problems).Kind);

        var import = TerritoryImport.Prepare(read, Options(skip: true), Validation);
        Assert.Equal(["tie", "plain"], import.Territories.Select(t => t.Id));
        Assert.Equal([0, 2], import.FeatureIndexes);
        Assert.Equal(2, import.FeatureIndexOf(1));
        Assert.Collection(import.Warnings.Order(StringComparer.Ordinal),
            w => Assert.StartsWith("features[0] (id \"tie\"): repaired invalid geometry", w),
            w => Assert.StartsWith("features[1] (id \"sliver\"): left out, as asked", w));
    }
}

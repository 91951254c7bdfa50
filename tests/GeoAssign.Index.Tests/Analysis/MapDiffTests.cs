// Map diffs with known answers: territory changes, and owner changes under the border rule.
using GeoAssign.Index.Analysis;
using GeoAssign.Index.Model;
using NetTopologySuite.Geometries;
using Xunit;
using NtsGeometry = NetTopologySuite.Geometries.Geometry;

namespace GeoAssign.Index.Tests.Analysis;

public sealed class MapDiffTests
{
    private static readonly Territory A = Owned("a", Shapes.Rectangle(0, 0, 1, 1), "rep-a");
    private static readonly Territory B = Owned("b", Shapes.Rectangle(1, 0, 2, 1), "rep-b");
    private static readonly Territory C = Owned("c", Shapes.Rectangle(0, 1, 2, 2), "rep-c");

    [Fact]
    public void Created_deleted_and_changed_territories_are_listed_by_id_with_the_fields_that_changed()
    {
        var before = Map(A, B, C);
        var after = Map(
            A with { Name = "Alpha", ParentId = "c", Attributes = TerritoryAttributes.Parse("""{"region":"north"}""") },
            C with { Priority = 3, Layer = "enterprise", OwnerId = "rep-z", Geometry = Shapes.Rectangle(0, 1, 2, 2.5) },
            Owned("d", Shapes.Rectangle(5, 5, 6, 6), "rep-d"));

        var changes = MapDiff.CompareTerritories(before, after);

        Assert.Equal(["a", "b", "c", "d"], changes.Select(c => c.Id));
        Assert.Equal(TerritoryFields.Name | TerritoryFields.Parent | TerritoryFields.Attributes, changes[0].Fields);
        Assert.False(changes[0].CanMoveOwner);
        Assert.Equal(TerritoryChangeKind.Deleted, changes[1].Kind);
        Assert.Null(changes[1].After);
        Assert.Equal(TerritoryFields.Priority | TerritoryFields.Layer | TerritoryFields.Owner | TerritoryFields.Geometry, changes[2].Fields);
        Assert.Equal(TerritoryChangeKind.Created, changes[3].Kind);
        Assert.Equal(TerritoryFields.All, changes[3].Fields);
    }

    [Fact]
    public void Equal_territories_in_new_instances_are_no_change()
    {
        var copy = A with { Geometry = A.Geometry.Copy() };

        Assert.Empty(MapDiff.CompareTerritories(Map(A, B), Map(copy, B)));
        Assert.True(MapDiff.Compare(Map(A, B), Map(copy, B)).IsEmpty);
    }

    [Fact]
    public void A_reassigned_territory_changes_owner_over_exactly_its_area()
    {
        var diff = MapDiff.Compare(Map(A, B, C), Map(A, B with { OwnerId = "rep-x" }, C));

        var layer = Assert.Single(diff.Layers);
        Assert.Equal("geo", layer.Layer);
        var row = Assert.Single(layer.Transfers);
        Assert.Equal(new OwnerTransfer("rep-b", "rep-x", row.AreaKm2, 1), row);
        Assert.Equal(EllipsoidArea.RectangleAreaKm2(1, 0, 2, 1), row.AreaKm2, 1e-6);
        var area = Assert.Single(layer.Areas);
        Assert.Equal(("b", "b"), (area.OldTerritoryId, area.NewTerritoryId));
        Assert.True(area.Geometry.EqualsTopologically(B.Geometry));
    }

    [Fact]
    public void A_moved_border_changes_owner_over_the_strip_that_changed_sides()
    {
        var after = Map(A with { Geometry = Shapes.Rectangle(0, 0, 1.25, 1) }, B with { Geometry = Shapes.Rectangle(1.25, 0, 2, 1) }, C);

        var diff = MapDiff.Compare(Map(A, B, C), after);

        var area = Assert.Single(Assert.Single(diff.Layers).Areas);
        Assert.Equal(("rep-b", "rep-a", "b", "a"), (area.OldOwnerId, area.NewOwnerId, area.OldTerritoryId, area.NewTerritoryId));
        Assert.Equal(EllipsoidArea.RectangleAreaKm2(1, 0, 1.25, 1), area.AreaKm2, 1e-6);
        Assert.True(area.Geometry.EqualsTopologically(Shapes.Rectangle(1, 0, 1.25, 1)));
    }

    [Fact]
    public void An_overlap_follows_priority_and_changes_hands_when_the_priority_drops()
    {
        var wide = Owned("wide", Shapes.Rectangle(0, 0, 2, 2), "rep-w");
        var high = Owned("high", Shapes.Rectangle(1, 1, 3, 3), "rep-h", priority: 1);

        var diff = MapDiff.Compare(Map(wide, high), Map(wide, high with { Priority = -1 }));

        var area = Assert.Single(Assert.Single(diff.Layers).Areas);
        Assert.Equal(("rep-h", "rep-w", "high", "wide"), (area.OldOwnerId, area.NewOwnerId, area.OldTerritoryId, area.NewTerritoryId));
        Assert.Equal(EllipsoidArea.RectangleAreaKm2(1, 1, 2, 2), area.AreaKm2, 1e-6);
    }

    [Fact]
    public void A_reassigned_territory_changes_owner_only_where_it_wins()
    {
        var wide = Owned("wide", Shapes.Rectangle(0, 0, 2, 2), "rep-w");
        var high = Owned("high", Shapes.Rectangle(1, 1, 3, 3), "rep-h", priority: 1);

        var diff = MapDiff.Compare(Map(wide, high), Map(wide with { OwnerId = "rep-v" }, high));

        var area = Assert.Single(Assert.Single(diff.Layers).Areas);
        Assert.Equal(("rep-w", "rep-v"), (area.OldOwnerId, area.NewOwnerId));
        Assert.Equal(EllipsoidArea.RectangleAreaKm2(0, 0, 2, 2) - EllipsoidArea.RectangleAreaKm2(1, 1, 2, 2), area.AreaKm2, 1e-6);
    }

    [Fact]
    public void Between_equal_priorities_the_ordinal_smaller_id_wins_the_overlap()
    {
        var b = Owned("b", Shapes.Rectangle(0, 0, 2, 1), "rep-b");
        var created = Owned("B0", Shapes.Rectangle(1, 0, 3, 1), "rep-new");

        var diff = MapDiff.Compare(Map(b), Map(b, created));

        // "B0" < "b" ordinally (upper case first): the new territory wins the overlap too.
        var layer = Assert.Single(diff.Layers);
        Assert.Equal(2, layer.Areas.Length);
        Assert.Equal((null, "rep-new"), (layer.Areas[0].OldOwnerId, layer.Areas[0].NewOwnerId));
        Assert.Equal(EllipsoidArea.RectangleAreaKm2(2, 0, 3, 1), layer.Areas[0].AreaKm2, 1e-6);
        Assert.Equal(("rep-b", "rep-new", "b", "B0"), (layer.Areas[1].OldOwnerId, layer.Areas[1].NewOwnerId, layer.Areas[1].OldTerritoryId, layer.Areas[1].NewTerritoryId));
        Assert.Equal(EllipsoidArea.RectangleAreaKm2(1, 0, 2, 1), layer.Areas[1].AreaKm2, 1e-6);
    }

    [Fact]
    public void A_later_id_loses_the_overlap_and_gains_only_the_unassigned_part()
    {
        var b = Owned("b", Shapes.Rectangle(0, 0, 2, 1), "rep-b");
        var created = Owned("c", Shapes.Rectangle(1, 0, 3, 1), "rep-new");

        var area = Assert.Single(Assert.Single(MapDiff.Compare(Map(b), Map(b, created)).Layers).Areas);

        Assert.Equal((null, "rep-new", null, "c"), (area.OldOwnerId, area.NewOwnerId, area.OldTerritoryId, area.NewTerritoryId));
        Assert.True(area.Geometry.EqualsTopologically(Shapes.Rectangle(2, 0, 3, 1)));
    }

    [Fact]
    public void A_deleted_enclave_leaves_its_hole_unassigned()
    {
        var ring = Owned("ring", Shapes.Polygon([0, 0, 3, 0, 3, 3, 0, 3], [1, 1, 1, 2, 2, 2, 2, 1]), "rep-r");
        var enclave = Owned("enclave", Shapes.Rectangle(1, 1, 2, 2), "rep-e");

        var area = Assert.Single(Assert.Single(MapDiff.Compare(Map(ring, enclave), Map(ring)).Layers).Areas);

        Assert.Equal(("rep-e", null, "enclave", null), (area.OldOwnerId, area.NewOwnerId, area.OldTerritoryId, area.NewTerritoryId));
        Assert.Equal(EllipsoidArea.RectangleAreaKm2(1, 1, 2, 2), area.AreaKm2, 1e-6);
    }

    [Fact]
    public void A_territory_moving_to_another_layer_leaves_one_layer_and_enters_the_other()
    {
        var diff = MapDiff.Compare(Map(A, B), Map(A, B with { Layer = "enterprise" }));

        Assert.Equal(["enterprise", "geo"], diff.Layers.Select(l => l.Layer));
        var entered = Assert.Single(diff.Layers[0].Transfers);
        var left = Assert.Single(diff.Layers[1].Transfers);
        Assert.Equal((null, "rep-b"), (entered.OldOwnerId, entered.NewOwnerId));
        Assert.Equal(("rep-b", null), (left.OldOwnerId, left.NewOwnerId));
        Assert.Equal(entered.AreaKm2, left.AreaKm2, 1e-9);
    }

    [Fact]
    public void Names_parents_and_attributes_change_no_owner()
    {
        var diff = MapDiff.Compare(Map(A, B, C), Map(A with { Name = "x" }, B with { ParentId = "c" }, C with { Attributes = TerritoryAttributes.Parse("""{"k":1}""") }));

        Assert.Equal(3, diff.Changes.Length);
        Assert.Empty(diff.Layers);
    }

    [Fact]
    public void A_territory_replaced_by_another_of_the_same_owner_changes_no_owner()
    {
        var replacement = Owned("a2", A.Geometry, A.OwnerId);

        var diff = MapDiff.Compare(Map(A, B), Map(replacement, B));

        Assert.Equal(2, diff.Changes.Length);
        Assert.Empty(diff.Layers);
    }

    [Fact]
    public void A_reassignment_next_to_a_moved_border_is_split_at_the_moved_region()
    {
        // b is reassigned; a takes part of b; c is reassigned too but nothing near it moves.
        var after = Map(
            A with { Geometry = Shapes.Rectangle(0, 0, 1.5, 1) },
            B with { Geometry = Shapes.Rectangle(1.5, 0, 2, 1), OwnerId = "rep-x" },
            C with { OwnerId = "rep-y" });

        var layer = Assert.Single(MapDiff.Compare(Map(A, B, C), after).Layers);

        Assert.Equal(
            [("rep-b", "rep-a", "b", "a"), ("rep-b", "rep-x", "b", "b"), ("rep-c", "rep-y", "c", "c")],
            layer.Areas.Select(a => (a.OldOwnerId, a.NewOwnerId, a.OldTerritoryId, a.NewTerritoryId)));
        Assert.True(layer.Areas[0].Geometry.EqualsTopologically(Shapes.Rectangle(1, 0, 1.5, 1)));
        Assert.True(layer.Areas[1].Geometry.EqualsTopologically(Shapes.Rectangle(1.5, 0, 2, 1)));
        Assert.True(layer.Areas[2].Geometry.EqualsTopologically(C.Geometry));
        Assert.Equal(EllipsoidArea.RectangleAreaKm2(1, 0, 2, 1) + EllipsoidArea.RectangleAreaKm2(0, 1, 2, 2), layer.ChangedAreaKm2, 1e-6);
    }

    [Fact]
    public void Several_pieces_of_one_owner_pair_add_up_in_its_table_row()
    {
        var d = Owned("d", Shapes.Rectangle(5, 5, 6, 6), "rep-b");

        var layer = Assert.Single(MapDiff.Compare(Map(B, d), Map(B with { OwnerId = "rep-x" }, d with { OwnerId = "rep-x" })).Layers);

        var row = Assert.Single(layer.Transfers);
        Assert.Equal(2, row.PieceCount);
        Assert.Equal(layer.Areas.Sum(a => a.AreaKm2), row.AreaKm2, 1e-9);
    }

    [Fact]
    public void The_changed_areas_are_written_as_geojson_features_with_null_for_unassigned()
    {
        var diff = MapDiff.Compare(Map(A, B), Map(A with { OwnerId = "rep-z" }));

        using var json = System.Text.Json.JsonDocument.Parse(AnalysisGeoJsonWriter.ChangedAreasToString(diff.ChangedAreas));

        var features = json.RootElement.GetProperty("features");
        Assert.Equal("FeatureCollection", json.RootElement.GetProperty("type").GetString());
        Assert.Equal(2, features.GetArrayLength());
        var unassigned = features.EnumerateArray().Single(f => f.GetProperty("properties").GetProperty("new_owner_id").ValueKind == System.Text.Json.JsonValueKind.Null);
        Assert.Equal("b", unassigned.GetProperty("properties").GetProperty("old_territory_id").GetString());
        Assert.Equal("Polygon", unassigned.GetProperty("geometry").GetProperty("type").GetString());
        Assert.Equal(EllipsoidArea.RectangleAreaKm2(1, 0, 2, 1), unassigned.GetProperty("properties").GetProperty("area_km2").GetDouble(), 1e-6);
    }

    [Fact]
    public void Indexed_maps_and_plain_dictionaries_give_the_same_diff()
    {
        var beforeMap = new TerritoryMapWriter().Apply(new MapChange(1, [A, B, C], []));
        var afterMap = new TerritoryMapWriter().Apply(new MapChange(1, [A with { OwnerId = "rep-q" }, C], []));

        var fromMaps = MapDiff.Compare(beforeMap, afterMap);
        var fromDictionaries = MapDiff.Compare(Map(A, B, C), Map(A with { OwnerId = "rep-q" }, C));

        Assert.Equal(fromDictionaries.Changes.Select(c => c.ToString()), fromMaps.Changes.Select(c => c.ToString()));
        Assert.Equal(fromDictionaries.ChangedAreas.Select(a => a.ToString()), fromMaps.ChangedAreas.Select(a => a.ToString()));
    }

    internal static Dictionary<string, Territory> Map(params Territory[] territories) =>
        territories.ToDictionary(t => t.Id, StringComparer.Ordinal);

    private static Territory Owned(string id, NtsGeometry geometry, string owner, int priority = 0) =>
        Shapes.Territory(id, geometry, priority, owner: owner);
}

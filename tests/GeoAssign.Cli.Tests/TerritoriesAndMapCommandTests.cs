// geoassign territories list|get|delete and geoassign map info.
using System.Text.Json;
using GeoAssign.Testing.Servers;

namespace GeoAssign.Cli.Tests;

public sealed class TerritoriesCommandTests(SampleServer fixture) : IClassFixture<SampleServer>
{
    [Fact]
    public async Task List_prints_a_table_and_json_lists_every_territory_in_id_order()
    {
        var table = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "territories", "list", "--layer", "geo"));
        CliAssert.Contains("Colorado", table.Out, table);
        CliAssert.Contains("56 territories.", table.Out, table);

        var json = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "territories", "list", "--json"));
        using var document = JsonDocument.Parse(json.Out);
        var ids = document.RootElement.EnumerateArray().Select(t => t.GetProperty("id").GetString()).ToList();
        Assert.Equal(TestData.SampleTerritories.Select(t => t.Id).Order(StringComparer.Ordinal), ids);
        var first = document.RootElement[0];
        Assert.Equal(["id", "name", "owner_id", "layer", "priority", "parent_id", "attributes"], first.EnumerateObject().Select(p => p.Name));

        var owner = TestData.SampleTerritories.Single(t => t.Id == "08").OwnerId;
        var owned = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "territories", "list", "--owner", owner, "--json"));
        using var ownedDocument = JsonDocument.Parse(owned.Out);
        Assert.All(ownedDocument.RootElement.EnumerateArray(), t => Assert.Equal(owner, t.GetProperty("owner_id").GetString()));

        var none = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "territories", "list", "--layer", "empty", "--json"));
        Assert.Equal("[]", none.Out.Trim());
    }

    [Fact]
    public async Task Get_shows_one_territory_with_geometry_on_request_or_not_found()
    {
        var plain = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "territories", "get", "08"));
        CliAssert.Contains("Colorado", plain.Out, plain);
        CliAssert.Contains("Polygon, 1 polygon", plain.Out, plain);

        var json = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "territories", "get", "08", "--json", "--geometry"));
        using var document = JsonDocument.Parse(json.Out);
        Assert.Equal("Colorado", document.RootElement.GetProperty("name").GetString());
        Assert.Equal("Polygon", document.RootElement.GetProperty("geometry").GetProperty("type").GetString());

        var withoutGeometry = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "territories", "get", "08", "--json"));
        using var small = JsonDocument.Parse(withoutGeometry.Out);
        Assert.False(small.RootElement.TryGetProperty("geometry", out _));

        var missing = CliAssert.Exit(2, await CliRunner.RunAsync(fixture.Server, "territories", "get", "99"));
        CliAssert.Contains("NOT_FOUND", missing.Error, missing);
        CliAssert.Contains("\"99\"", missing.Error, missing);
    }

    [Fact]
    public async Task Delete_removes_several_honours_expected_version_and_reports_missing_ids()
    {
        using var client = fixture.Server.Client();
        await client.UpsertAsync([
            new Client.Territory { Id = "t-1", OwnerId = "r", Layer = "del", GeometryGeoJson = Shapes.Square(0, 0, 1) },
            new Client.Territory { Id = "t-2", OwnerId = "r", Layer = "del", GeometryGeoJson = Shapes.Square(2, 0, 1) },
            new Client.Territory { Id = "t-3", OwnerId = "r", Layer = "del", GeometryGeoJson = GeoJsonOrSquare(4) },
        ]);
        var version = (await client.GetMapInfoAsync()).MapVersion;

        var stale = CliAssert.Exit(2, await CliRunner.RunAsync(fixture.Server, "territories", "delete", "t-1", "--expected-version", (version - 1).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        CliAssert.Contains($"retry with --expected-version {version}", stale.Error, stale);

        var deleted = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "territories", "delete", "t-1", "t-2", "--expected-version", version.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        CliAssert.Contains($"Deleted 2 territories. Map version {version + 1}", deleted.Out, deleted);

        var missing = CliAssert.Exit(2, await CliRunner.RunAsync(fixture.Server, "territories", "delete", "t-1"));
        CliAssert.Contains("NOT_FOUND", missing.Error, missing);

        var allowed = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "territories", "delete", "t-1", "t-3", "--allow-missing", "--json"));
        using var json = JsonDocument.Parse(allowed.Out);
        Assert.Equal(1, json.RootElement.GetProperty("deleted").GetInt32());

        CliAssert.Exit(1, await CliRunner.RunAsync(fixture.Server, "territories", "delete"));
    }

    private static string GeoJsonOrSquare(int lng) => Shapes.Square(lng, 0, 1);
}

public sealed class MapCommandTests(SampleServer fixture) : IClassFixture<SampleServer>
{
    [Fact]
    public async Task Map_info_prints_the_version_the_replica_and_a_table_of_layers()
    {
        var result = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "map", "info"));
        CliAssert.Contains("Map version   1", result.Out, result);
        CliAssert.Contains("Territories   56", result.Out, result);
        CliAssert.Contains("Postal codes  none", result.Out, result);
        CliAssert.Contains("embedded store, serving", result.Out, result);
        CliAssert.Contains("│ geo", result.Out, result);
    }

    [Fact]
    public async Task Map_info_json_has_stable_fields()
    {
        var result = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "map", "info", "--json"));
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        Assert.Equal(["map_version", "territory_count", "layers", "replica", "limits", "gazetteer"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(56, root.GetProperty("territory_count").GetInt32());
        var layer = root.GetProperty("layers")[0];
        Assert.Equal("geo", layer.GetProperty("layer").GetString());
        Assert.InRange(layer.GetProperty("finest_resolution").GetInt32(), 0, 15);
        Assert.Equal("embedded", root.GetProperty("replica").GetProperty("store_kind").GetString());
        Assert.Equal(10_000, root.GetProperty("limits").GetProperty("max_points_per_message").GetInt32());
    }
}

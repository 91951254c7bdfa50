// API keys: no key, an unknown key, a reader key editing, an editor key; for unary calls and streams.
using GeoAssign.Testing.Servers;
using Grpc.Core;

namespace GeoAssign.Client.Tests;

public sealed class AuthTests(KeyedServer fixture) : IClassFixture<KeyedServer>
{
    private static readonly Territory Square = new() { Id = "auth-1", OwnerId = "rep-a", Layer = "auth", GeometryGeoJson = Shapes.Square(0, 0, 1) };

    [Fact]
    public async Task Without_a_key_or_with_an_unknown_one_every_call_is_unauthenticated()
    {
        using var anonymous = fixture.Server.Client();
        var resolve = await Assert.ThrowsAsync<GeoAssignException>(() => anonymous.ResolveAsync(TestData.DenverLat, TestData.DenverLng));
        Assert.Equal(StatusCode.Unauthenticated, resolve.StatusCode);
        Assert.Contains("x-api-key", resolve.ServerMessage, StringComparison.Ordinal);

        var stream = await Assert.ThrowsAsync<GeoAssignException>(async () =>
        {
            await foreach (var _ in anonymous.ResolveManyAsync(Enumerable.Repeat(new GeoPoint(40, -100), 20_000)))
            {
            }
        });
        Assert.Equal(StatusCode.Unauthenticated, stream.StatusCode);
        var reassign = await Assert.ThrowsAsync<GeoAssignException>(() => anonymous.ReassignAsync([new Account("a", 40, -100, null)]).GetSummaryAsync());
        Assert.Equal(StatusCode.Unauthenticated, reassign.StatusCode);

        using var stranger = fixture.Server.Client("not-a-known-key-0123456789");
        var info = await Assert.ThrowsAsync<GeoAssignException>(() => stranger.GetMapInfoAsync());
        Assert.Equal(StatusCode.Unauthenticated, info.StatusCode);
    }

    [Fact]
    public async Task A_reader_key_looks_up_and_reads_but_every_edit_is_permission_denied()
    {
        using var reader = fixture.Server.Client(TestServer.ReaderKey);
        Assert.Equal("08", (await reader.ResolveAsync(TestData.DenverLat, TestData.DenverLng)).TerritoryId);
        Assert.Equal(56, (await reader.GetMapInfoAsync()).TerritoryCount);

        var upsert = await Assert.ThrowsAsync<GeoAssignException>(() => reader.UpsertAsync([Square]));
        Assert.Equal(StatusCode.PermissionDenied, upsert.StatusCode);
        Assert.Contains("editor", upsert.ServerMessage, StringComparison.Ordinal);
        Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<GeoAssignException>(() => reader.DeleteAsync(["01"]))).StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<GeoAssignException>(() => reader.ImportGeoJsonAsync(TestData.SamplePath))).StatusCode);
        Assert.Equal(0UL, reader.MinReadVersion);
    }

    [Fact]
    public async Task An_editor_key_edits_and_reads_its_write()
    {
        using var editor = fixture.Server.Client(TestServer.EditorKey);
        var edit = await editor.UpsertAsync([Square]);
        var answer = await editor.ResolveAsync(0.5, 0.5, "auth");
        Assert.Equal(("auth-1", edit.MapVersion), (answer.TerritoryId, answer.MapVersion));
    }
}

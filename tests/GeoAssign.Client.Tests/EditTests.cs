// Upserts, deletes and imports: results, optimistic concurrency, bad input, and read-your-writes.
using System.Text;
using GeoAssign.Testing.Servers;
using Grpc.Core;

namespace GeoAssign.Client.Tests;

public sealed class EditTests(SampleServer fixture) : IClassFixture<SampleServer>
{
    private static Territory Square(string id, double lng, double lat, string owner = "rep-edit", string layer = "edits", int priority = 0,
        string? parent = null, string? attributes = null) => new()
    {
        Id = id,
        Name = $"Square {id}",
        OwnerId = owner,
        Layer = layer,
        Priority = priority,
        ParentId = parent,
        AttributesJson = attributes,
        GeometryGeoJson = Shapes.Square(lng, lat, 1),
    };

    [Fact]
    public async Task Upsert_creates_then_updates_and_later_lookups_see_the_new_version()
    {
        using var client = fixture.Server.Client();
        var created = await client.UpsertAsync([Square("up-1", 10, 10), Square("up-2", 12, 10)]);
        Assert.Equal((2, 0), (created.CreatedCount, created.UpdatedCount));
        Assert.Equal(created.MapVersion, client.MinReadVersion);

        var answer = await client.ResolveAsync(10.5, 10.5, "edits");
        Assert.Equal(("up-1", "rep-edit"), (answer.TerritoryId, answer.OwnerId));
        Assert.True(answer.MapVersion >= created.MapVersion);

        var updated = await client.UpsertAsync([Square("up-1", 10, 10, owner: "rep-moved")]);
        Assert.Equal((0, 1), (updated.CreatedCount, updated.UpdatedCount));
        Assert.True(updated.MapVersion > created.MapVersion);
        var moved = await client.ResolveAsync(10.5, 10.5, "edits");
        Assert.Equal("rep-moved", moved.OwnerId);
        Assert.Equal(updated.MapVersion, moved.MapVersion);
    }

    [Fact]
    public async Task Expected_version_applies_on_a_match_and_is_aborted_on_a_mismatch_changing_nothing()
    {
        using var client = fixture.Server.Client();
        var current = (await client.GetMapInfoAsync()).MapVersion;
        var applied = await client.UpsertAsync([Square("ev-1", 20, 20)], expectedVersion: current);
        Assert.Equal(current + 1, applied.MapVersion);

        var stale = await Assert.ThrowsAsync<GeoAssignException>(() => client.UpsertAsync([Square("ev-2", 22, 20)], expectedVersion: current));
        Assert.Equal(StatusCode.Aborted, stale.StatusCode);
        Assert.Equal(applied.MapVersion, stale.ServerMapVersion);
        Assert.False(stale.MayHaveBeenApplied);

        var deleteStale = await Assert.ThrowsAsync<GeoAssignException>(() => client.DeleteAsync(["ev-1"], expectedVersion: current));
        Assert.Equal(StatusCode.Aborted, deleteStale.StatusCode);
        var notThere = await Assert.ThrowsAsync<GeoAssignException>(() => client.GetTerritoryAsync("ev-2"));
        Assert.Equal(StatusCode.NotFound, notThere.StatusCode);
        Assert.Equal("ev-1", (await client.GetTerritoryAsync("ev-1")).Id);
    }

    [Fact]
    public async Task A_bad_geometry_is_invalid_argument_naming_the_territory_and_changes_nothing()
    {
        using var client = fixture.Server.Client(configure: o => o.OnRetry = _ => Assert.Fail("a rejected edit is not retried"));
        var before = (await client.GetMapInfoAsync()).MapVersion;
        var open = Square("bad-1", 30, 30) with { GeometryGeoJson = "{\"type\":\"Polygon\",\"coordinates\":[[[30,30],[31,30],[31,31],[30,31]]]}" };

        var error = await Assert.ThrowsAsync<GeoAssignException>(() => client.UpsertAsync([Square("good-1", 32, 30), open]));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("bad-1", error.ServerMessage, StringComparison.Ordinal);
        Assert.Equal(before, (await client.GetMapInfoAsync()).MapVersion);

        var parentless = await Assert.ThrowsAsync<GeoAssignException>(() => client.UpsertAsync([Square("orphan", 34, 30, parent: "no-such-parent")]));
        Assert.Equal(StatusCode.FailedPrecondition, parentless.StatusCode);

        await Assert.ThrowsAsync<ArgumentException>(() => client.UpsertAsync([Square("attr", 36, 30, attributes: "[1, 2]")]));
    }

    [Fact]
    public async Task Delete_removes_reports_missing_ids_and_skips_them_when_allowed()
    {
        using var client = fixture.Server.Client();
        await client.UpsertAsync([Square("del-1", 40, 40, layer: "deletes"), Square("del-2", 42, 40, layer: "deletes")]);
        Assert.Equal("del-1", (await client.ResolveAsync(40.5, 40.5, "deletes")).TerritoryId);

        var deleted = await client.DeleteAsync(["del-1", "del-2"]);
        Assert.Equal(2, deleted.DeletedCount);
        Assert.Equal(deleted.MapVersion, client.MinReadVersion);
        var gone = await Assert.ThrowsAsync<GeoAssignException>(() => client.ResolveAsync(40.5, 40.5, "deletes"));
        Assert.Equal(StatusCode.NotFound, gone.StatusCode);

        var missing = await Assert.ThrowsAsync<GeoAssignException>(() => client.DeleteAsync(["del-1"]));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Contains("del-1", missing.ServerMessage, StringComparison.Ordinal);
        Assert.Equal(0, (await client.DeleteAsync(["del-1"], allowMissing: true)).DeletedCount);
    }

    [Fact]
    public async Task Attributes_and_hierarchy_round_trip_through_get()
    {
        using var client = fixture.Server.Client();
        await client.UpsertAsync([
            Square("region-1", 50, 50, layer: "regions"),
            Square("district-1", 50, 50, parent: "region-1", priority: 3, attributes: "{\"segment\":\"smb\",\"quota\":12.5,\"tags\":[\"a\"]}"),
        ]);

        var district = await client.GetTerritoryAsync("district-1");
        Assert.Equal(("Square district-1", "rep-edit", "edits", 3, "region-1"), (district.Name, district.OwnerId, district.Layer, district.Priority, district.ParentId));
        using var attributes = System.Text.Json.JsonDocument.Parse(district.AttributesJson!);
        Assert.Equal("smb", attributes.RootElement.GetProperty("segment").GetString());
        Assert.Equal(12.5, attributes.RootElement.GetProperty("quota").GetDouble());
        Assert.Contains("Polygon", district.GeometryGeoJson, StringComparison.Ordinal);

        var answer = await client.ResolveAsync(50.5, 50.5, "edits");
        Assert.Equal(["region-1"], answer.AncestorIds);
    }

    [Fact]
    public async Task Import_merges_a_layer_then_replace_removes_what_the_file_leaves_out()
    {
        using var client = fixture.Server.Client();
        var two = FeatureCollection(("imp-a", 60), ("imp-b", 62));
        var merged = await client.ImportGeoJsonAsync(new MemoryStream(two), layer: "imports");
        Assert.Equal((2, 0, 0), (merged.CreatedCount, merged.UpdatedCount, merged.DeletedCount));
        Assert.Equal(two.Length, merged.Bytes);
        Assert.Equal("imp-b", (await client.ResolveAsync(62.5, 60.5, "imports")).TerritoryId);

        var one = FeatureCollection(("imp-a", 60));
        var replaced = await client.ImportGeoJsonAsync(new MemoryStream(one), layer: "imports", replace: true, expectedVersion: merged.MapVersion);
        Assert.Equal((0, 1, 1), (replaced.CreatedCount, replaced.UpdatedCount, replaced.DeletedCount));
        Assert.Null((await client.ResolveAsync(62.5, 60.5, "imports")).TerritoryId);

        var stale = await Assert.ThrowsAsync<GeoAssignException>(() =>
            client.ImportGeoJsonAsync(new MemoryStream(two), layer: "imports", expectedVersion: merged.MapVersion));
        Assert.Equal(StatusCode.Aborted, stale.StatusCode);
    }

    [Fact]
    public async Task Large_imports_stream_from_seekable_and_unseekable_input_with_progress()
    {
        using var client = fixture.Server.Client(configure: o =>
        {
            o.ImportStreamThreshold = 64 * 1024;
            o.ImportChunkBytes = 50_000;
        });
        var length = new FileInfo(TestData.SamplePath).Length;
        var reports = new List<long>();
        var fromFile = await client.ImportGeoJsonAsync(TestData.SamplePath, progress: new SyncProgress(reports.Add));
        Assert.Equal(56, fromFile.UpdatedCount);
        Assert.Equal(length, fromFile.Bytes);
        Assert.True(reports.Count > 5, "progress is reported per chunk");
        Assert.Equal(length, reports[^1]);
        Assert.Equal(reports.Order(), reports);

        await using var unseekable = new UnseekableStream(File.OpenRead(TestData.SamplePath));
        var fromPipe = await client.ImportGeoJsonAsync(unseekable);
        Assert.Equal((56, length), (fromPipe.UpdatedCount, fromPipe.Bytes));
        Assert.True(fromPipe.MapVersion > fromFile.MapVersion);
    }

    [Fact]
    public async Task Malformed_geojson_is_invalid_argument_whether_sent_whole_or_streamed()
    {
        var broken = Encoding.UTF8.GetBytes("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"geometry\":null}]}");
        using var whole = fixture.Server.Client();
        var one = await Assert.ThrowsAsync<GeoAssignException>(() => whole.ImportGeoJsonAsync(new MemoryStream(broken)));
        Assert.Equal(StatusCode.InvalidArgument, one.StatusCode);
        Assert.Equal("ImportGeoJson", one.Method);

        using var streamed = fixture.Server.Client(configure: o => o.ImportStreamThreshold = 10);
        var two = await Assert.ThrowsAsync<GeoAssignException>(() => streamed.ImportGeoJsonAsync(new MemoryStream(broken)));
        Assert.Equal(StatusCode.InvalidArgument, two.StatusCode);
        Assert.Equal("ImportGeoJsonStream", two.Method);
        Assert.Contains("features[0]", two.ServerMessage, StringComparison.Ordinal);
    }

    private static byte[] FeatureCollection(params (string Id, double Lat)[] squares) => Encoding.UTF8.GetBytes(
        "{\"type\":\"FeatureCollection\",\"features\":[" + string.Join(",", squares.Select(s =>
            $"{{\"type\":\"Feature\",\"id\":\"{s.Id}\",\"properties\":{{\"owner_id\":\"owner-{s.Id}\"}},\"geometry\":{Shapes.Square(60, s.Lat, 1)}}}")) + "]}");

    private sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }

    private sealed class UnseekableStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

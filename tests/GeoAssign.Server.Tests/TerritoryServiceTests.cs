// TerritoryService through a real channel: edits, reads, imports, conflicts, min_version, WatchMap.
using System.Text;
using GeoAssign.Index.GeoJson;
using GeoAssign.Protos.V1;
using GeoAssign.Testing;
using GeoAssign.Testing.Servers;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace GeoAssign.Server.Tests;

public sealed class EmptyServer : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class TerritoryServiceTests(EmptyServer fixture) : IClassFixture<EmptyServer>
{
    private TerritoryService.TerritoryServiceClient Client => fixture.Server.Territories;

    private async Task<ulong> VersionAsync() => (await Client.GetMapInfoAsync(new GetMapInfoRequest())).MapVersion;

    [Fact]
    public async Task Upsert_creates_then_replaces_and_get_reads_back_every_field()
    {
        var attributes = Struct.Parser.ParseJson("{\"quota\": 12.5, \"segment\": \"smb\", \"tags\": [\"a\", true, null]}");
        var created = await Client.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Territories =
            {
                Shapes.Territory("up-parent", Shapes.Square(10, 10, 2), owner: "rep-p", layer: "up"),
                Shapes.Territory("up-child", Shapes.Square(10.5, 10.5, 1), owner: "rep-c", layer: "up", parent: "up-parent", priority: 5, attributes: attributes),
            },
        });
        Assert.Equal(2u, created.CreatedCount);
        Assert.Equal(0u, created.UpdatedCount);

        var got = await Client.GetTerritoryAsync(new GetTerritoryRequest { Id = "up-child", MinVersion = created.MapVersion });
        Assert.Equal(created.MapVersion, got.MapVersion);
        Assert.Equal("up-child", got.Territory.Id);
        Assert.Equal("Territory up-child", got.Territory.Name);
        Assert.Equal("rep-c", got.Territory.OwnerId);
        Assert.Equal("up", got.Territory.Layer);
        Assert.Equal("up-parent", got.Territory.ParentId);
        Assert.Equal(5, got.Territory.Priority);
        Assert.Equal(attributes, got.Territory.Attributes);
        Assert.Equal(Shapes.Square(10.5, 10.5, 1).Replace(".0", ""), got.Territory.GeometryGeojson.Replace(".0", ""));

        var resolved = await fixture.Server.Assignments.ResolveAsync(new ResolveRequest { Lat = 11, Lng = 11, Layer = "up", MinVersion = created.MapVersion });
        Assert.Equal("up-child", resolved.Assignment.TerritoryId);
        Assert.Equal(["up-parent"], resolved.Assignment.AncestorIds.ToArray());

        var replaced = await Client.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Territories = { Shapes.Territory("up-child", Shapes.Square(10.5, 10.5, 1), owner: "rep-new", layer: "up", parent: "up-parent", priority: -1) },
            ExpectedVersion = created.MapVersion,
        });
        Assert.Equal(created.MapVersion + 1, replaced.MapVersion);
        Assert.Equal(1u, replaced.UpdatedCount);
        var after = await fixture.Server.Assignments.ResolveAsync(new ResolveRequest { Lat = 10.7, Lng = 10.7, Layer = "up", MinVersion = replaced.MapVersion });
        // Priority -1 now: the parent wins where both cover the point.
        Assert.Equal("rep-p", after.Assignment.OwnerId);
    }

    [Fact]
    public async Task Every_malformed_territory_is_invalid_argument_naming_it_and_changes_nothing()
    {
        var before = await VersionAsync();
        var cases = new (Territory Territory, string Expected)[]
        {
            (Shapes.Territory("bad-open", "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1]]]}"), "not closed"),
            (Shapes.Territory("bad-bowtie", Shapes.Polygon((0, 0), (1, 1), (1, 0), (0, 1), (0, 0))), "Self-intersection"),
            (Shapes.Territory("bad-short", Shapes.Polygon((0, 0), (1, 1), (0, 0))), "at least 4"),
            (Shapes.Territory("bad-range", Shapes.Polygon((0, 0), (0, 95), (1, 95), (0, 0))), "out of range"),
            (Shapes.Territory("bad-point", "{\"type\":\"Point\",\"coordinates\":[0,0]}"), "Point"),
            (Shapes.Territory("bad-json", "{not json"), "geometry_geojson is not JSON"),
            (Shapes.Territory("bad-empty", ""), "geometry_geojson is required"),
            (Shapes.Territory("", Shapes.Square(0, 0, 1)), "the id is empty"),
            (Shapes.Territory("bad\u0001id", Shapes.Square(0, 0, 1)), "control character"),
            (Shapes.Territory("bad-layer", Shapes.Square(0, 0, 1), layer: "no spaces"), "layer \"no spaces\""),
            (Shapes.Territory("bad-attr", Shapes.Square(0, 0, 1), attributes: Struct.Parser.ParseJson("{\"owner_id\": \"x\"}")), "attribute \"owner_id\""),
            (Shapes.Territory("bad-self-parent", Shapes.Square(0, 0, 1), parent: "bad-self-parent"), "its own parent"),
        };
        foreach (var (territory, expected) in cases)
        {
            var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument,
                () => Client.UpsertTerritoriesAsync(new UpsertTerritoriesRequest { Territories = { Shapes.Territory("fine", Shapes.Square(50, 50, 1)), territory } }));
            Assert.Contains(expected, error.Status.Detail, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("territories[1]", error.Status.Detail);
        }

        var duplicate = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Territories = { Shapes.Territory("dup", Shapes.Square(0, 0, 1)), Shapes.Territory("dup", Shapes.Square(2, 0, 1)) },
        }));
        Assert.Contains("\"dup\"", duplicate.Status.Detail);

        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.UpsertTerritoriesAsync(new UpsertTerritoriesRequest()));
        Assert.Equal(before, await VersionAsync());
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.GetTerritoryAsync(new GetTerritoryRequest { Id = "fine" }))).StatusCode);
    }

    [Fact]
    public async Task A_parent_that_names_no_territory_is_a_failed_precondition()
    {
        var error = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => Client.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Territories = { Shapes.Territory("orphan", Shapes.Square(0, 0, 1), parent: "nobody") },
        }));
        Assert.Contains("territories[0] (id \"orphan\")", error.Status.Detail);
        Assert.Contains("'nobody'", error.Status.Detail);
    }

    [Fact]
    public async Task Expected_version_mismatch_is_aborted_with_the_current_version_and_only_one_concurrent_writer_wins()
    {
        var seeded = await Client.UpsertTerritoriesAsync(new UpsertTerritoriesRequest { Territories = { Shapes.Territory("cc-0", Shapes.Square(20, 20, 1)) } });
        var error = await RpcAssert.FailsAsync(StatusCode.Aborted, () => Client.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Territories = { Shapes.Territory("cc-stale", Shapes.Square(20, 22, 1)) },
            ExpectedVersion = seeded.MapVersion - 1,
        }));
        Assert.Equal(seeded.MapVersion, RpcAssert.MapVersionTrailer(error));
        Assert.Contains($"expected map version {seeded.MapVersion - 1}", error.Status.Detail);

        var attempts = Enumerable.Range(0, 6).Select(async i =>
        {
            try
            {
                await Client.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
                {
                    Territories = { Shapes.Territory($"cc-{i + 1}", Shapes.Square(20 + i, 25, 0.5)) },
                    ExpectedVersion = seeded.MapVersion,
                });
                return StatusCode.OK;
            }
            catch (RpcException e)
            {
                return e.StatusCode;
            }
        });
        var outcomes = await Task.WhenAll(attempts);
        Assert.Single(outcomes, s => s == StatusCode.OK);
        Assert.All(outcomes.Where(s => s != StatusCode.OK), s => Assert.Equal(StatusCode.Aborted, s));
    }

    [Fact]
    public async Task Delete_removes_skips_missing_ids_on_request_and_refuses_to_orphan_a_child()
    {
        await Client.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Territories =
            {
                Shapes.Territory("del-p", Shapes.Square(30, 30, 2)),
                Shapes.Territory("del-c", Shapes.Square(30.5, 30.5, 1), layer: "del", parent: "del-p"),
                Shapes.Territory("del-x", Shapes.Square(35, 30, 1)),
            },
        });

        var missing = await RpcAssert.FailsAsync(StatusCode.NotFound,
            () => Client.DeleteTerritoriesAsync(new DeleteTerritoriesRequest { Ids = { "del-x", "del-nope" } }));
        Assert.Contains("\"del-nope\"", missing.Status.Detail);

        var orphan = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition,
            () => Client.DeleteTerritoriesAsync(new DeleteTerritoriesRequest { Ids = { "del-p" } }));
        Assert.Contains("del-p", orphan.Status.Detail);
        Assert.Contains("del-c", orphan.Status.Detail);

        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.DeleteTerritoriesAsync(new DeleteTerritoriesRequest { Ids = { "a", "a" } }));
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.DeleteTerritoriesAsync(new DeleteTerritoriesRequest { Ids = { "" } }));

        var deleted = await Client.DeleteTerritoriesAsync(new DeleteTerritoriesRequest { Ids = { "del-x", "del-nope", "del-c", "del-p" }, AllowMissing = true });
        Assert.Equal(3u, deleted.DeletedCount);
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => Client.GetTerritoryAsync(new GetTerritoryRequest { Id = "del-p", MinVersion = deleted.MapVersion }));
    }

    [Fact]
    public async Task Import_merges_then_replace_makes_the_layer_exactly_the_file()
    {
        var extract = TestDatasets.UsStatesExtract();
        var merged = await Client.ImportGeoJsonAsync(new ImportGeoJsonRequest
        {
            Options = new ImportGeoJsonOptions { Layer = "imp" },
            FeatureCollection = ByteString.CopyFromUtf8(TerritoryGeoJsonWriter.WriteToString(extract.Select(t => t with { Id = "imp-" + t.Id }))),
        });
        Assert.Equal((uint)extract.Count, merged.Summary.CreatedCount);
        // Every feature the writer writes names its layer ("geo"), so options.layer does not apply.
        Assert.Equal("geo", (await Client.GetTerritoryAsync(new GetTerritoryRequest { Id = "imp-08" })).Territory.Layer);

        // The writer gives every feature "layer": "geo"; a file without layer properties takes options.layer.
        var twoStates = "{\"type\":\"FeatureCollection\",\"features\":["
            + "{\"type\":\"Feature\",\"id\":\"imp-08\",\"geometry\":" + Shapes.Square(-109, 37, 7) + ",\"properties\":{\"owner_id\":\"rep-co\"}},"
            + "{\"type\":\"Feature\",\"id\":\"imp-99\",\"geometry\":" + Shapes.Square(-120, 37, 2) + ",\"properties\":{\"owner_id\":\"rep-99\"}}]}";
        var replaced = await Client.ImportGeoJsonAsync(new ImportGeoJsonRequest
        {
            Options = new ImportGeoJsonOptions { Layer = "imp2", Mode = ImportMode.Replace },
            FeatureCollection = ByteString.CopyFromUtf8(twoStates.Replace("imp-08", "imp2-08")),
        });
        Assert.Equal(2u, replaced.Summary.CreatedCount);
        Assert.Equal("imp2", (await Client.GetTerritoryAsync(new GetTerritoryRequest { Id = "imp2-08" })).Territory.Layer);

        var again = await Client.ImportGeoJsonAsync(new ImportGeoJsonRequest
        {
            Options = new ImportGeoJsonOptions { Layer = "imp2", Mode = ImportMode.Replace },
            FeatureCollection = ByteString.CopyFromUtf8(twoStates.Replace("imp-08", "imp2-08").Replace("imp-99", "imp2-77")),
        });
        Assert.Equal(1u, again.Summary.CreatedCount);
        Assert.Equal(1u, again.Summary.UpdatedCount);
        Assert.Equal(1u, again.Summary.DeletedCount);
        var listed = await Client.ListTerritoriesAsync(new ListTerritoriesRequest { Layer = "imp2" });
        Assert.Equal(["imp2-08", "imp2-77"], listed.Territories.Select(t => t.Id));
    }

    [Fact]
    public async Task Bad_imports_are_rejected_naming_the_feature_and_change_nothing()
    {
        var before = await VersionAsync();
        async Task<RpcException> Import(StatusCode code, string json, ImportGeoJsonOptions? options = null) =>
            await RpcAssert.FailsAsync(code, () => Client.ImportGeoJsonAsync(new ImportGeoJsonRequest
            {
                Options = options ?? new ImportGeoJsonOptions(),
                FeatureCollection = ByteString.CopyFromUtf8(json),
            }));

        Assert.Contains("JSON", (await Import(StatusCode.InvalidArgument, "{\"type\": \"FeatureCollection\", \"features\": [")).Status.Detail);
        Assert.Contains("FeatureCollection", (await Import(StatusCode.InvalidArgument, "{\"type\": \"Feature\"}")).Status.Detail);
        var noId = await Import(StatusCode.InvalidArgument,
            "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"geometry\":" + Shapes.Square(0, 0, 1) + ",\"properties\":{\"owner_id\":\"r\"}}]}");
        Assert.Contains("features[0]", noId.Status.Detail);

        var otherLayer = await Import(StatusCode.InvalidArgument,
            "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"id\":\"x1\",\"geometry\":" + Shapes.Square(0, 0, 1) + ",\"properties\":{\"owner_id\":\"r\",\"layer\":\"other\"}}]}",
            new ImportGeoJsonOptions { Layer = "mine", Mode = ImportMode.Replace });
        Assert.Contains("features[0] (id \"x1\")", otherLayer.Status.Detail);

        await Client.UpsertTerritoriesAsync(new UpsertTerritoriesRequest { Territories = { Shapes.Territory("taken", Shapes.Square(40, 40, 1), layer: "first") } });
        var taken = await Import(StatusCode.FailedPrecondition,
            "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"id\":\"taken\",\"geometry\":" + Shapes.Square(0, 0, 1) + ",\"properties\":{\"owner_id\":\"r\"}}]}",
            new ImportGeoJsonOptions { Layer = "second" });
        Assert.Contains("layer \"first\"", taken.Status.Detail);
        Assert.Equal(before + 1, await VersionAsync());
    }

    [Fact]
    public async Task An_invalid_polygon_is_rejected_unless_repair_is_asked_for_and_then_each_repair_is_a_warning()
    {
        // A bow-tie ring crosses itself at (0.5, 0.5): invalid, as real-world boundaries often are.
        var bowtie = "{\"type\":\"FeatureCollection\",\"features\":["
            + "{\"type\":\"Feature\",\"id\":\"rep-bowtie\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[20,20],[21,21],[21,20],[20,21],[20,20]]]},\"properties\":{\"owner_id\":\"r\",\"layer\":\"repair\"}},"
            + "{\"type\":\"Feature\",\"id\":\"rep-fine\",\"geometry\":" + Shapes.Square(22, 20, 1) + ",\"properties\":{\"owner_id\":\"r\",\"layer\":\"repair\"}}]}";
        var before = await VersionAsync();
        var rejected = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.ImportGeoJsonAsync(new ImportGeoJsonRequest
        {
            Options = new ImportGeoJsonOptions(),
            FeatureCollection = ByteString.CopyFromUtf8(bowtie),
        }));
        Assert.Contains("rep-bowtie", rejected.Status.Detail);
        Assert.Equal(before, await VersionAsync());

        var repaired = await Client.ImportGeoJsonAsync(new ImportGeoJsonRequest
        {
            Options = new ImportGeoJsonOptions { RepairInvalidGeometry = true },
            FeatureCollection = ByteString.CopyFromUtf8(bowtie),
        });
        Assert.Equal(2u, repaired.Summary.CreatedCount);
        var warning = Assert.Single(repaired.Summary.Warnings);
        Assert.Contains("features[0] (id \"rep-bowtie\"): repaired invalid geometry", warning);
        // Both lobes of the repaired bow-tie resolve to it.
        foreach (var (lat, lng) in new[] { (20.5, 20.1), (20.5, 20.9) })
        {
            var answer = await fixture.Server.Assignments.ResolveAsync(new ResolveRequest { Lat = lat, Lng = lng, Layer = "repair", MinVersion = repaired.Summary.MapVersion });
            Assert.Equal("rep-bowtie", answer.Assignment.TerritoryId);
        }
    }

    [Fact]
    public async Task ImportGeoJson_with_repair_splits_a_polygon_drawn_across_the_antimeridian()
    {
        // Fiji as many files write it: one ring from 177°E across ±180 to 179°W, and a 0–360° copy.
        var json = "{\"type\":\"FeatureCollection\",\"features\":["
            + "{\"type\":\"Feature\",\"id\":\"fiji\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[177,-19],[-179,-19],[-179,-16],[177,-16],[177,-19]]]},\"properties\":{\"owner_id\":\"r\",\"layer\":\"am\"}},"
            + "{\"type\":\"Feature\",\"id\":\"fiji-360\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[177,-25],[181,-25],[181,-22],[177,-22],[177,-25]]]},\"properties\":{\"owner_id\":\"r\",\"layer\":\"am\"}}]}";
        var rejected = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.ImportGeoJsonAsync(new ImportGeoJsonRequest
        {
            Options = new ImportGeoJsonOptions(),
            FeatureCollection = ByteString.CopyFromUtf8(json),
        }));
        Assert.Contains("crosses the antimeridian without being split", rejected.Status.Detail);
        Assert.Contains("out of range", rejected.Status.Detail);

        var repaired = await Client.ImportGeoJsonAsync(new ImportGeoJsonRequest
        {
            Options = new ImportGeoJsonOptions { RepairInvalidGeometry = true },
            FeatureCollection = ByteString.CopyFromUtf8(json),
        });
        Assert.Equal(2u, repaired.Summary.CreatedCount);
        Assert.Equal(2, repaired.Summary.Warnings.Count);
        Assert.All(repaired.Summary.Warnings, w => Assert.Contains("split at the antimeridian", w));
        foreach (var (lat, lng, id) in new[] { (-17.5, 178.0, "fiji"), (-17.5, -179.5, "fiji"), (-17.5, 180.0, "fiji"), (-23.5, -179.5, "fiji-360"), (-23.5, 179.5, "fiji-360") })
        {
            var answer = await fixture.Server.Assignments.ResolveAsync(new ResolveRequest { Lat = lat, Lng = lng, Layer = "am", MinVersion = repaired.Summary.MapVersion });
            Assert.Equal(id, answer.Assignment.TerritoryId);
        }

        var outside = await fixture.Server.Assignments.ResolveAsync(new ResolveRequest { Lat = -17.5, Lng = 0, Layer = "am" });
        Assert.True(string.IsNullOrEmpty(outside.Assignment.TerritoryId));
    }

    [Fact]
    public async Task ImportGeoJsonStream_joins_chunks_split_anywhere_and_needs_options_first()
    {
        var json = "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"id\":\"stream-é\",\"geometry\":" + Shapes.Square(60, 10, 1)
            + ",\"properties\":{\"owner_id\":\"rep-ü\",\"name\":\"Zürich-ßé\"}}]}";
        var bytes = Encoding.UTF8.GetBytes(json);
        using (var call = Client.ImportGeoJsonStream())
        {
            // 7-byte chunks split multi-byte characters.
            for (var offset = 0; offset < bytes.Length; offset += 7)
            {
                await call.RequestStream.WriteAsync(new ImportGeoJsonStreamRequest
                {
                    Options = offset == 0 ? new ImportGeoJsonOptions { Layer = "streamed" } : null,
                    Chunk = ByteString.CopyFrom(bytes, offset, Math.Min(7, bytes.Length - offset)),
                });
            }

            await call.RequestStream.CompleteAsync();
            var response = await call;
            Assert.Equal(1u, response.Summary.CreatedCount);
        }

        var got = await Client.GetTerritoryAsync(new GetTerritoryRequest { Id = "stream-é" });
        Assert.Equal("Zürich-ßé", got.Territory.Name);
        Assert.Equal("streamed", got.Territory.Layer);

        using var noOptions = Client.ImportGeoJsonStream();
        await noOptions.RequestStream.WriteAsync(new ImportGeoJsonStreamRequest { Chunk = ByteString.CopyFrom(bytes) });
        await noOptions.RequestStream.CompleteAsync();
        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () => await noOptions);
        Assert.Contains("options", error.Status.Detail);
    }

    [Fact]
    public async Task An_unknown_import_mode_is_invalid_argument_and_imports_nothing()
    {
        var before = await VersionAsync();
        var fc = "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"id\":\"mode-7\",\"properties\":{\"owner_id\":\"rep\"},\"geometry\":"
            + Shapes.Square(0, 0, 1) + "}]}";
        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () => await Client.ImportGeoJsonAsync(new ImportGeoJsonRequest
        {
            Options = new ImportGeoJsonOptions { Mode = (ImportMode)7 },
            FeatureCollection = ByteString.CopyFromUtf8(fc),
        }));

        Assert.Contains("options.mode is 7", error.Status.Detail);
        Assert.Equal(before, await VersionAsync());
    }

    [Fact]
    public async Task ImportGeoJsonStream_rejects_text_after_the_FeatureCollection_and_applies_nothing()
    {
        var json = "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"id\":\"after-1\",\"geometry\":" + Shapes.Square(70, 10, 1)
            + ",\"properties\":{\"owner_id\":\"r\"}}]}";
        var before = await VersionAsync();
        using var call = Client.ImportGeoJsonStream();
        // The collection and the text after it arrive as two messages. Whether the server has parsed the
        // first when the second arrives is left to chance here: GeoJsonReadToEndTests holds the reader
        // at exactly that point.
        await call.RequestStream.WriteAsync(new ImportGeoJsonStreamRequest { Options = new ImportGeoJsonOptions(), Chunk = ByteString.CopyFromUtf8(json) });
        await call.RequestStream.WriteAsync(new ImportGeoJsonStreamRequest { Chunk = ByteString.CopyFromUtf8("  {\"type\":\"FeatureCollection\"") });
        await call.RequestStream.CompleteAsync();

        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () => await call);
        Assert.Equal(before, await VersionAsync());
        Assert.Contains("after", error.Status.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ImportGeoJsonStream_reads_a_file_larger_than_its_buffers_while_it_arrives()
    {
        // 2,000 features with 6 KB of attributes each: 12 MB, more than the 8 MB the server buffers
        // before it makes the sender wait for the reader.
        var padding = new string('x', 6_000);
        var text = new StringBuilder("{\"type\":\"FeatureCollection\",\"features\":[");
        for (var i = 0; i < 2_000; i++)
        {
            text.Append(i == 0 ? "" : ",").Append("{\"type\":\"Feature\",\"id\":\"big-").Append(i).Append("\",\"geometry\":")
                .Append(Shapes.Square(-100 + (i % 100) * 0.5, -40 + (i / 100) * 0.5, 0.4))
                .Append(",\"properties\":{\"owner_id\":\"r\",\"note\":\"").Append(padding).Append("\"}}");
        }

        var bytes = Encoding.UTF8.GetBytes(text.Append("]}").ToString());
        Assert.True(bytes.Length > 12_000_000);
        ImportGeoJsonStreamResponse response;
        using (var call = Client.ImportGeoJsonStream())
        {
            for (var offset = 0; offset < bytes.Length; offset += 1 << 20)
            {
                await call.RequestStream.WriteAsync(new ImportGeoJsonStreamRequest
                {
                    Options = offset == 0 ? new ImportGeoJsonOptions { Layer = "big" } : null,
                    Chunk = ByteString.CopyFrom(bytes, offset, Math.Min(1 << 20, bytes.Length - offset)),
                });
            }

            await call.RequestStream.CompleteAsync();
            response = await call;
        }

        Assert.Equal(2_000u, response.Summary.CreatedCount);
        var answer = await fixture.Server.Assignments.ResolveAsync(new ResolveRequest { Lat = -40 + 19 * 0.5 + 0.2, Lng = -100 + 99 * 0.5 + 0.2, Layer = "big", MinVersion = response.Summary.MapVersion });
        Assert.Equal("big-1999", answer.Assignment.TerritoryId);
        var got = await Client.GetTerritoryAsync(new GetTerritoryRequest { Id = "big-1234" });
        Assert.Equal("big", got.Territory.Layer);
    }

    [Fact]
    public async Task ListTerritories_pages_in_id_order_with_filters_and_rejects_foreign_tokens()
    {
        var request = new UpsertTerritoriesRequest();
        for (var i = 0; i < 25; i++)
        {
            request.Territories.Add(Shapes.Territory($"page-{i:D2}", Shapes.Square(-170 + i, -60, 0.5), owner: i % 2 == 0 ? "even" : "odd", layer: "paged"));
        }

        await Client.UpsertTerritoriesAsync(request);
        var seen = new List<string>();
        var token = "";
        var pages = 0;
        do
        {
            var page = await Client.ListTerritoriesAsync(new ListTerritoriesRequest { Layer = "paged", PageSize = 10, PageToken = token });
            seen.AddRange(page.Territories.Select(t => t.Id));
            Assert.All(page.Territories, t => Assert.Equal("", t.GeometryGeojson));
            token = page.NextPageToken;
            pages++;
        }
        while (token.Length > 0);

        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"page-{i:D2}"), seen);
        Assert.InRange(pages, 3, 4);

        var even = await Client.ListTerritoriesAsync(new ListTerritoriesRequest { Layer = "paged", OwnerId = "even", PageSize = 1000, IncludeGeometry = true });
        Assert.Equal(13, even.Territories.Count);
        Assert.All(even.Territories, t => Assert.StartsWith("{\"type\":\"Polygon\"", t.GeometryGeojson));

        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.ListTerritoriesAsync(new ListTerritoriesRequest { PageToken = "not-a-token!" }));
        var first = await Client.ListTerritoriesAsync(new ListTerritoriesRequest { Layer = "paged", PageSize = 2 });
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument,
            () => Client.ListTerritoriesAsync(new ListTerritoriesRequest { Layer = "other", PageSize = 2, PageToken = first.NextPageToken }));
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.ListTerritoriesAsync(new ListTerritoriesRequest { PageSize = -1 }));
    }

    [Fact]
    public async Task GetMapInfo_reports_the_version_layers_index_statistics_replica_and_limits()
    {
        var edit = await Client.UpsertTerritoriesAsync(new UpsertTerritoriesRequest { Territories = { Shapes.Territory("info-1", Shapes.Circle(100, 10, 1, 50), layer: "info") } });
        var info = await Client.GetMapInfoAsync(new GetMapInfoRequest());

        Assert.True(info.MapVersion >= edit.MapVersion);
        var layer = info.Layers.Single(l => l.Layer == "info");
        Assert.Equal(1u, layer.TerritoryCount);
        Assert.Equal(51ul, layer.VertexCount);
        Assert.InRange(layer.FinestResolution, 0u, 15u);
        Assert.NotEmpty(layer.Cells);
        Assert.Equal(edit.MapVersion, layer.BuiltVersion);
        Assert.True(layer.IndexBytes > 0);
        Assert.Matches("^[0-9a-f]{64}$", layer.IndexChecksum);
        Assert.Equal(info.Layers.Select(l => l.Layer).Order(StringComparer.Ordinal), info.Layers.Select(l => l.Layer));
        Assert.Equal(StoreKind.Embedded, info.Replica.StoreKind);
        Assert.Equal(ReplicaState.Serving, info.Replica.State);
        Assert.Equal(info.MapVersion, info.Replica.StoreVersion);
        Assert.Equal(0ul, info.Replica.LagVersions);
        Assert.Equal(16ul * 1024 * 1024, info.Limits.MaxMessageBytes);
        Assert.Equal(10_000u, info.Limits.MaxPointsPerMessage);
        Assert.Equal(100_000u, info.Limits.MaxTerritoriesPerMap);
        Assert.Equal(TimeSpan.FromSeconds(2), info.Limits.MinVersionWait.ToTimeSpan());
    }

    [Fact]
    public async Task A_lookup_waiting_for_min_version_is_answered_as_soon_as_the_edit_is_published()
    {
        var current = await VersionAsync();
        var waiting = fixture.Server.Assignments.ResolveAsync(new ResolveRequest { Lat = -45.5, Lng = 120.5, Layer = "ryw", MinVersion = current + 1 }).ResponseAsync;
        var edit = await Client.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Territories = { Shapes.Territory("ryw-1", Shapes.Square(120, -46, 1), layer: "ryw") },
            ExpectedVersion = current,
        });
        var answer = (await waiting).Assignment;
        Assert.Equal("ryw-1", answer.TerritoryId);
        Assert.Equal(edit.MapVersion, answer.MapVersion);
    }

    [Fact]
    public async Task WatchMap_marks_the_current_version_then_reports_each_edit()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var watch = Client.WatchMap(new WatchMapRequest(), cancellationToken: timeout.Token);
        Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));
        var marker = watch.ResponseStream.Current;
        Assert.Equal(marker.MapVersion, marker.PreviousVersion);

        var edit = await Client.UpsertTerritoriesAsync(new UpsertTerritoriesRequest { Territories = { Shapes.Territory("watch-1", Shapes.Square(140, 50, 1), layer: "watched") } });
        // Other tests of this class may edit meanwhile: read until this edit is covered.
        var upserted = new HashSet<string>();
        while (true)
        {
            Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));
            var message = watch.ResponseStream.Current;
            Assert.False(message.Resync);
            upserted.UnionWith(message.UpsertedIds);
            if (message.MapVersion >= edit.MapVersion)
            {
                break;
            }
        }

        Assert.Contains("watch-1", upserted);

        // Resuming after a version summarises everything since, merged.
        using var resumed = Client.WatchMap(new WatchMapRequest { AfterVersion = marker.MapVersion }, cancellationToken: timeout.Token);
        Assert.True(await resumed.ResponseStream.MoveNext(timeout.Token));
        Assert.Equal(marker.MapVersion, resumed.ResponseStream.Current.PreviousVersion);
        Assert.Contains("watch-1", resumed.ResponseStream.Current.UpsertedIds);
        Assert.Contains("watched", resumed.ResponseStream.Current.Layers);
    }
}

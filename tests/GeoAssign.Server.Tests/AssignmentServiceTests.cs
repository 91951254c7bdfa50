// AssignmentService through a real channel: happy paths, every bad input, and min_version.
using GeoAssign.Protos.V1;
using GeoAssign.Testing;
using GeoAssign.Testing.Servers;
using Grpc.Core;

namespace GeoAssign.Server.Tests;

/// <summary>A server holding the US states (layer "state") and counties (layer "geo", parent = state) extracts.</summary>
public sealed class UsExtractServer : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    public ulong Version { get; private set; }

    public async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync(new Dictionary<string, string?> { ["GeoAssign:MinVersionWait"] = "00:00:00.300" });
        Version = await Server.ImportAsync(TestDatasets.UsStatesAndCountiesExtract());
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class AssignmentServiceTests(UsExtractServer fixture) : IClassFixture<UsExtractServer>
{
    // Denver, Colorado: Denver County (08031), state 08.
    private const double DenverLat = 39.7392, DenverLng = -104.9903;
    private AssignmentService.AssignmentServiceClient Client => fixture.Server.Assignments;

    [Fact]
    public async Task Resolve_answers_the_county_its_owner_its_state_and_the_map_version()
    {
        var response = await Client.ResolveAsync(new ResolveRequest { Lat = DenverLat, Lng = DenverLng });
        var answer = response.Assignment;

        var expected = TestDatasets.UsCountiesExtract().Single(t => t.Id == "08031");
        Assert.Equal("08031", answer.TerritoryId);
        Assert.Equal(expected.OwnerId, answer.OwnerId);
        Assert.Equal("geo", answer.Layer);
        Assert.Equal(["08"], answer.AncestorIds);
        Assert.Equal(fixture.Version, answer.MapVersion);
        Assert.Contains(answer.Reason, new[] { Reason.InteriorCell, Reason.ExactTest });
    }

    [Fact]
    public async Task Resolve_in_another_layer_and_outside_every_territory()
    {
        var state = (await Client.ResolveAsync(new ResolveRequest { Lat = DenverLat, Lng = DenverLng, Layer = "state" })).Assignment;
        Assert.Equal("08", state.TerritoryId);
        Assert.Empty(state.AncestorIds);

        // The Atlantic, far from the extract's states.
        var ocean = (await Client.ResolveAsync(new ResolveRequest { Lat = 30, Lng = -40 })).Assignment;
        Assert.Equal(Reason.Unassigned, ocean.Reason);
        Assert.Equal("", ocean.TerritoryId);
        Assert.Equal("", ocean.OwnerId);
        Assert.Empty(ocean.AncestorIds);
    }

    [Theory]
    [InlineData(double.NaN, 0.0, "not a finite number")]
    [InlineData(0.0, double.PositiveInfinity, "not a finite number")]
    [InlineData(90.5, 0.0, "lat 90.5 is outside [-90, 90]")]
    [InlineData(0.0, -180.25, "lng -180.25 is outside [-180, 180]")]
    public async Task Resolve_rejects_bad_coordinates_naming_them(double lat, double lng, string message)
    {
        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.ResolveAsync(new ResolveRequest { Lat = lat, Lng = lng }));
        Assert.Contains(message, error.Status.Detail);
    }

    [Fact]
    public async Task Resolve_rejects_a_missing_coordinate_and_a_malformed_layer()
    {
        var missing = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.ResolveAsync(new ResolveRequest { Lat = 10 }));
        Assert.Contains("lng is required", missing.Status.Detail);

        var layer = await RpcAssert.FailsAsync(StatusCode.InvalidArgument,
            () => Client.ResolveAsync(new ResolveRequest { Lat = 10, Lng = 10, Layer = "bad layer!" }));
        Assert.Contains("\"bad layer!\"", layer.Status.Detail);
    }

    [Fact]
    public async Task Resolve_in_a_layer_without_territories_is_not_found_with_the_map_version()
    {
        var error = await RpcAssert.FailsAsync(StatusCode.NotFound,
            () => Client.ResolveAsync(new ResolveRequest { Lat = DenverLat, Lng = DenverLng, Layer = "enterprise" }));
        Assert.Contains("\"enterprise\"", error.Status.Detail);
        Assert.True(RpcAssert.MapVersionTrailer(error) >= fixture.Version);
    }

    [Fact]
    public async Task ResolveBatch_answers_in_order_with_one_dictionary_entry_per_territory_and_echoes_ids()
    {
        var points = new PointChunk();
        points.Add("a", DenverLat, DenverLng);
        points.Add("b", 30, -40);
        points.Add("c", DenverLat + 0.001, DenverLng + 0.001);
        var response = await Client.ResolveBatchAsync(new ResolveBatchRequest { Points = points });
        var chunk = response.Assignments;

        Assert.Equal(3, chunk.Count);
        Assert.Equal(["a", "b", "c"], chunk.Ids);
        Assert.Single(chunk.Territories);
        Assert.Equal("08031", chunk.GetAssignment(0).TerritoryId);
        Assert.Equal(Reason.Unassigned, chunk.GetAssignment(1).Reason);
        Assert.Equal("08031", chunk.GetAssignment(2).TerritoryId);
        Assert.Equal(fixture.Version, chunk.MapVersion);
    }

    [Fact]
    public async Task ResolveBatch_rejects_bad_points_by_index_mismatched_columns_and_too_many_points()
    {
        var bad = new PointChunk();
        bad.Add(10, 10);
        bad.Add(10, 200);
        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.ResolveBatchAsync(new ResolveBatchRequest { Points = bad }));
        Assert.Contains("points[1]", error.Status.Detail);

        var columns = new PointChunk();
        columns.Lat.Add(1);
        var mismatch = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.ResolveBatchAsync(new ResolveBatchRequest { Points = columns }));
        Assert.Contains("1 lat values but 0 lng values", mismatch.Status.Detail);

        var many = new PointChunk();
        for (var i = 0; i < 10_001; i++)
        {
            many.Add(DenverLat, DenverLng);
        }

        var tooMany = await RpcAssert.FailsAsync(StatusCode.ResourceExhausted, () => Client.ResolveBatchAsync(new ResolveBatchRequest { Points = many }));
        Assert.Contains("10001 points", tooMany.Status.Detail);
    }

    [Fact]
    public async Task ResolveStream_answers_each_message_with_stream_wide_indexes()
    {
        using var call = Client.ResolveStream();
        for (var message = 0; message < 3; message++)
        {
            var points = new PointChunk();
            for (var i = 0; i < 5; i++)
            {
                points.Add(DenverLat + i * 1e-4, DenverLng);
            }

            await call.RequestStream.WriteAsync(new ResolveStreamRequest { Points = points, Layer = message == 0 ? "geo" : "" });
            Assert.True(await call.ResponseStream.MoveNext());
            Assert.Equal((ulong)(message * 5), call.ResponseStream.Current.FirstIndex);
            Assert.All(Enumerable.Range(0, 5), i => Assert.Equal("08031", call.ResponseStream.Current.Assignments.GetAssignment(i).TerritoryId));
        }

        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task ResolveStream_names_the_stream_wide_index_of_a_bad_point_and_rejects_a_changed_layer()
    {
        using (var call = Client.ResolveStream())
        {
            var good = new PointChunk();
            good.Add(1, 1);
            good.Add(2, 2);
            await call.RequestStream.WriteAsync(new ResolveStreamRequest { Points = good });
            Assert.True(await call.ResponseStream.MoveNext());
            var bad = new PointChunk();
            bad.Add(1, 1);
            bad.Add(double.NaN, 1);
            await call.RequestStream.WriteAsync(new ResolveStreamRequest { Points = bad });
            var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () => await call.ResponseStream.MoveNext());
            Assert.Contains("points[3]", error.Status.Detail);
        }

        using (var call = Client.ResolveStream())
        {
            await call.RequestStream.WriteAsync(new ResolveStreamRequest { Points = new PointChunk(), Layer = "geo" });
            Assert.True(await call.ResponseStream.MoveNext());
            Assert.Equal(0, call.ResponseStream.Current.Assignments.Count);
            await call.RequestStream.WriteAsync(new ResolveStreamRequest { Points = new PointChunk(), Layer = "state" });
            var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () => await call.ResponseStream.MoveNext());
            Assert.Contains("\"state\"", error.Status.Detail);
        }
    }

    [Fact]
    public async Task A_min_version_the_map_does_not_reach_in_time_is_unavailable_with_the_replicas_version()
    {
        var current = (await fixture.Server.Territories.GetMapInfoAsync(new GetMapInfoRequest())).MapVersion;
        var error = await RpcAssert.FailsAsync(StatusCode.Unavailable,
            () => Client.ResolveAsync(new ResolveRequest { Lat = DenverLat, Lng = DenverLng, MinVersion = current + 100 }));
        Assert.Equal(current, RpcAssert.MapVersionTrailer(error));
        Assert.Contains($"below min_version {current + 100}", error.Status.Detail);
    }

    [Fact]
    public async Task A_deadline_shorter_than_the_wait_ends_the_min_version_wait_with_deadline_exceeded()
    {
        await RpcAssert.FailsAsync(StatusCode.DeadlineExceeded,
            () => Client.ResolveAsync(new ResolveRequest { Lat = DenverLat, Lng = DenverLng, MinVersion = ulong.MaxValue },
                deadline: DateTime.UtcNow.AddMilliseconds(100)));
    }

    [Fact]
    public async Task Reassign_streams_the_changed_accounts_then_a_summary()
    {
        var expectedOwner = TestDatasets.UsCountiesExtract().Single(t => t.Id == "08031").OwnerId;
        using var call = fixture.Server.Reassignments.Reassign();
        var accounts = new AccountChunk();
        accounts.Add("same", DenverLat, DenverLng, expectedOwner);
        accounts.Add("moved", DenverLat, DenverLng, "rep-old");
        accounts.Add("lost", 30, -40, "rep-old");
        accounts.Add("never", 30, -40, "");
        await call.RequestStream.WriteAsync(new ReassignRequest { Accounts = accounts });
        Assert.True(await call.ResponseStream.MoveNext());
        var changes = call.ResponseStream.Current.Changes;
        Assert.Equal(4ul, changes.ProcessedCount);
        Assert.Equal(["moved", "lost"], changes.Changes.Select(c => c.AccountId));
        Assert.Equal(expectedOwner, changes.Changes[0].NewOwnerId);
        Assert.Equal("08031", changes.Changes[0].TerritoryId);
        Assert.Equal(2ul, changes.Changes[1].AccountIndex);
        Assert.Equal(Reason.Unassigned, changes.Changes[1].Reason);

        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext());
        var summary = call.ResponseStream.Current.Summary;
        Assert.Equal(4ul, summary.TotalCount);
        Assert.Equal(2ul, summary.ChangedCount);
        Assert.Equal(2ul, summary.UnchangedCount);
        Assert.Equal(2ul, summary.UnassignedCount);
        Assert.Equal([("rep-old", ""), ("rep-old", expectedOwner)], summary.Transitions.Select(t => (t.OldOwnerId, t.NewOwnerId)));
        Assert.False(await call.ResponseStream.MoveNext());
    }

    [Fact]
    public async Task Reassign_rejects_bad_accounts_by_stream_index()
    {
        async Task<Grpc.Core.RpcException> Fails(StatusCode code, params AccountChunk[] chunks)
        {
            using var call = fixture.Server.Reassignments.Reassign();
            return await RpcAssert.FailsAsync(code, async () =>
            {
                foreach (var chunk in chunks)
                {
                    await call.RequestStream.WriteAsync(new ReassignRequest { Accounts = chunk });
                    while (await call.ResponseStream.MoveNext() && call.ResponseStream.Current.KindCase != ReassignResponse.KindOneofCase.Changes)
                    {
                    }
                }

                await call.RequestStream.CompleteAsync();
                while (await call.ResponseStream.MoveNext())
                {
                }
            });
        }

        AccountChunk Chunk(params (string Id, double Lat, double Lng)[] items)
        {
            var chunk = new AccountChunk();
            foreach (var (id, lat, lng) in items)
            {
                chunk.Add(id, lat, lng, "");
            }

            return chunk;
        }

        var empty = await Fails(StatusCode.InvalidArgument, Chunk(("a", 1, 1)), Chunk(("b", 1, 1), ("", 1, 1)));
        Assert.Contains("accounts[2]", empty.Status.Detail);
        var nan = await Fails(StatusCode.InvalidArgument, Chunk(("a", 1, 1), ("b", double.NaN, 1)));
        Assert.Contains("accounts[1] (id \"b\")", nan.Status.Detail);
        var columns = Chunk(("a", 1, 1));
        columns.Lat.Add(2);
        await Fails(StatusCode.InvalidArgument, columns);
        var many = Chunk(Enumerable.Range(0, 10_001).Select(i => ($"x{i}", 1.0, 1.0)).ToArray());
        await Fails(StatusCode.ResourceExhausted, many);
    }
}

// ResolveAsync: answers, unassigned points, and bad input surfaced as GeoAssignException.
using GeoAssign.Testing.Servers;
using Grpc.Core;

namespace GeoAssign.Client.Tests;

public sealed class ResolveTests(SampleServer fixture) : IClassFixture<SampleServer>
{
    [Fact]
    public async Task Resolve_answers_the_territory_its_owner_the_reason_and_the_map_version()
    {
        using var client = fixture.Server.Client();
        var answer = await client.ResolveAsync(TestData.DenverLat, TestData.DenverLng);

        var colorado = TestData.SampleTerritories.Single(t => t.Id == "08");
        Assert.Equal("08", answer.TerritoryId);
        Assert.Equal(colorado.OwnerId, answer.OwnerId);
        Assert.Equal("geo", answer.Layer);
        Assert.Contains(answer.Reason, new[] { AssignmentReason.InteriorCell, AssignmentReason.ExactTest });
        Assert.Empty(answer.AncestorIds);
        Assert.True(answer.IsAssigned);
        Assert.Null(answer.Id);
        Assert.True(answer.MapVersion >= fixture.Version);
    }

    [Fact]
    public async Task A_point_no_territory_covers_is_unassigned_with_null_ids()
    {
        using var client = fixture.Server.Client();
        var answer = await client.ResolveAsync(0, 0, "geo");

        Assert.False(answer.IsAssigned);
        Assert.Null(answer.TerritoryId);
        Assert.Null(answer.OwnerId);
        Assert.Equal(AssignmentReason.Unassigned, answer.Reason);
    }

    [Theory]
    [InlineData(double.NaN, 0.0, "lat")]
    [InlineData(91.0, 0.0, "lat")]
    [InlineData(0.0, -180.5, "lng")]
    [InlineData(0.0, double.PositiveInfinity, "lng")]
    public async Task Bad_coordinates_are_invalid_argument_naming_the_coordinate(double lat, double lng, string named)
    {
        using var client = fixture.Server.Client(configure: o => o.OnRetry = _ => Assert.Fail("INVALID_ARGUMENT must not be retried"));
        var error = await Assert.ThrowsAsync<GeoAssignException>(() => client.ResolveAsync(lat, lng));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(named, error.ServerMessage, StringComparison.Ordinal);
        Assert.Equal("Resolve", error.Method);
        Assert.IsType<RpcException>(error.InnerException);
        Assert.Contains("INVALIDARGUMENT", error.Message.Replace("_", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_layer_without_territories_is_not_found_and_a_malformed_layer_invalid()
    {
        using var client = fixture.Server.Client();
        var missing = await Assert.ThrowsAsync<GeoAssignException>(() => client.ResolveAsync(1, 2, "enterprise"));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Contains("enterprise", missing.ServerMessage, StringComparison.Ordinal);

        var malformed = await Assert.ThrowsAsync<GeoAssignException>(() => client.ResolveAsync(1, 2, "bad layer!"));
        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
    }

    [Fact]
    public async Task A_call_cancelled_by_the_caller_throws_operation_cancelled()
    {
        using var client = fixture.Server.Client();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ResolveAsync(1, 2, cancellationToken: cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetMapInfoAsync(cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            client.ReassignAsync([new Account("a", 40, -100, null)], cancellationToken: cancelled.Token).GetSummaryAsync());
    }
}

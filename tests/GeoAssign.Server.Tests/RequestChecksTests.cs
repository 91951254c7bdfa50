// Field checks that the services call: the statuses and messages they give.
using GeoAssign.Protos.V1;
using GeoAssign.Server.Services;
using Grpc.Core;

namespace GeoAssign.Server.Tests;

public sealed class RequestChecksTests
{
    [Theory]
    [InlineData(ImportMode.Unspecified, false)]
    [InlineData(ImportMode.Merge, false)]
    [InlineData(ImportMode.Replace, true)]
    public void The_known_import_modes_merge_or_replace(ImportMode mode, bool replaces) =>
        Assert.Equal(replaces, RequestChecks.ReplacesLayer(mode));

    [Theory]
    [InlineData(3)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    public void An_unknown_import_mode_is_invalid_argument_naming_the_field_and_the_accepted_values(int mode)
    {
        var error = Assert.Throws<RpcException>(() => RequestChecks.ReplacesLayer((ImportMode)mode));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains($"options.mode is {mode}", error.Status.Detail);
        Assert.Contains("IMPORT_MODE_MERGE", error.Status.Detail);
        Assert.Contains("IMPORT_MODE_REPLACE", error.Status.Detail);
    }
}

// Assertions on gRPC calls: the status a call fails with, and the map version in its trailers.
using System.Globalization;
using Grpc.Core;
using Xunit;

namespace GeoAssign.Testing.Servers;

/// <summary>Assertions on gRPC calls. Stateless and thread-safe.</summary>
public static class RpcAssert
{
    /// <summary>Awaits a call that must fail with <paramref name="code"/>; returns its exception for further checks.</summary>
    public static async Task<RpcException> FailsAsync(StatusCode code, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(error.StatusCode == code, $"Expected {code} but got {error.StatusCode}: {error.Status.Detail}");
        return error;
    }

    /// <summary>Awaits a unary call that must fail with <paramref name="code"/>; returns its exception.</summary>
    public static Task<RpcException> FailsAsync<T>(StatusCode code, Func<AsyncUnaryCall<T>> call) =>
        FailsAsync(code, async () => await call());

    /// <summary>The <c>geoassign-map-version</c> trailer of a failed call; fails the test when there is none.</summary>
    public static ulong MapVersionTrailer(RpcException error) =>
        ulong.Parse(error.Trailers.GetValue("geoassign-map-version") ?? throw new Xunit.Sdk.XunitException("no geoassign-map-version trailer"),
            CultureInfo.InvariantCulture);
}

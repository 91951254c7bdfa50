// Territory messages and geometries for the server tests.
using System.Globalization;
using GeoAssign.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace GeoAssign.Server.Tests;

internal static class Shapes
{
    /// <summary>GeoJSON of an axis-aligned square polygon, counterclockwise.</summary>
    public static string Square(double lng, double lat, double size) =>
        Polygon((lng, lat), (lng + size, lat), (lng + size, lat + size), (lng, lat + size), (lng, lat));

    public static string Polygon(params (double Lng, double Lat)[] ring) =>
        "{\"type\":\"Polygon\",\"coordinates\":[[" + string.Join(",", ring.Select(p => $"[{F(p.Lng)},{F(p.Lat)}]")) + "]]}";

    /// <summary>A polygon with <paramref name="vertices"/> vertices on a circle.</summary>
    public static string Circle(double lng, double lat, double radius, int vertices)
    {
        var ring = new (double, double)[vertices + 1];
        for (var i = 0; i < vertices; i++)
        {
            var angle = 2 * Math.PI * i / vertices;
            ring[i] = (lng + radius * Math.Cos(angle), lat + radius * Math.Sin(angle));
        }

        ring[vertices] = ring[0];
        return Polygon(ring);
    }

    public static Territory Territory(string id, string geometry, string owner = "rep-1", string layer = "", string parent = "", int priority = 0,
        Struct? attributes = null) => new()
    {
        Id = id,
        Name = "Territory " + id,
        OwnerId = owner,
        Layer = layer,
        ParentId = parent,
        Priority = priority,
        Attributes = attributes,
        GeometryGeojson = geometry,
    };

    public static Metadata Key(string key) => new() { { "x-api-key", key } };

    private static string F(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

internal static class RpcAssert
{
    /// <summary>Awaits a call that must fail with <paramref name="code"/>; returns its exception for further checks.</summary>
    public static async Task<RpcException> FailsAsync(StatusCode code, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(error.StatusCode == code, $"Expected {code} but got {error.StatusCode}: {error.Status.Detail}");
        return error;
    }

    public static Task<RpcException> FailsAsync<T>(StatusCode code, Func<AsyncUnaryCall<T>> call) =>
        FailsAsync(code, async () => await call());

    public static ulong MapVersionTrailer(RpcException error) =>
        ulong.Parse(error.Trailers.GetValue("geoassign-map-version") ?? throw new Xunit.Sdk.XunitException("no geoassign-map-version trailer"),
            CultureInfo.InvariantCulture);
}

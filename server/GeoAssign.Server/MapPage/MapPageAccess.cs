// What every data endpoint of the map page checks first: the API key, then the map (live or plan) and layer asked for.
using GeoAssign.Index;
using GeoAssign.Index.Model;
using GeoAssign.Replication.Replicas;
using GeoAssign.Server.Http;
using GeoAssign.Server.Maps;
using GeoAssign.Server.Security;
using Grpc.Core;

namespace GeoAssign.Server.MapPage;

/// <summary>
/// The checks the map page's own data endpoints share with the gRPC routes: a known key when the
/// server has keys (401 with the JSON error body otherwise), a known plan and layer (404 naming what
/// exists). Stateless; thread-safe.
/// </summary>
internal static class MapPageAccess
{
    /// <summary>The 401 to answer when the request's key is missing or unknown; null when it may read.</summary>
    public static IResult? Refusal(HttpContext context, ApiKeyRegistry keys)
    {
        if (!keys.Enabled)
        {
            return null;
        }

        var key = context.Request.Headers[ApiKeyRegistry.Header].ToString();
        if (key.Length > 0 && keys.TryGetRole(key, out _, out _))
        {
            return null;
        }

        return Error(StatusCodes.Status401Unauthorized, StatusCode.Unauthenticated, key.Length == 0
            ? $"This server needs an API key in the '{ApiKeyRegistry.Header}' header."
            : $"The API key in '{ApiKeyRegistry.Header}' is not known to this server.");
    }

    /// <summary>
    /// The live map or <paramref name="plan"/>'s map, and <paramref name="layer"/> defaulted to
    /// "geo"; a 404 naming what exists when either is unknown (an empty map has every layer, empty).
    /// </summary>
    public static IResult? Select(MapReplica maps, string? plan, ref string? layer, out TerritoryMap map)
    {
        layer = string.IsNullOrEmpty(layer) ? Territory.DefaultLayer : layer;
        try
        {
            map = MapReader.Select(maps.State, plan ?? "");
        }
        catch (RpcException e)
        {
            map = TerritoryMap.Empty;
            return Error(StatusCodes.Status404NotFound, e.StatusCode, e.Status.Detail);
        }

        if (map.Count > 0 && !map.Layers.ContainsKey(layer))
        {
            return Error(StatusCodes.Status404NotFound, StatusCode.NotFound,
                $"Map version {map.Version} has no layer \"{Services.RequestChecks.Shorten(layer)}\"; its layers are {string.Join(", ", map.Layers.Keys)}.");
        }

        return null;
    }

    /// <summary>The JSON error body of the HTTP/JSON routes.</summary>
    public static IResult Error(int httpStatus, StatusCode code, string message) =>
        Results.Json(new ErrorBody((int)code, message, []), ErrorBodyContext.Readable.ErrorBody, statusCode: httpStatus);
}

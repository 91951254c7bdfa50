// GET /map/ancestors.json: each territory's chain of parents for the map page's hover, cached per map version.
using System.Buffers;
using System.Text.Json;
using GeoAssign.Index;
using GeoAssign.Replication.Replicas;
using GeoAssign.Server.Security;
using Microsoft.Extensions.Caching.Memory;

namespace GeoAssign.Server.MapPage;

/// <summary>
/// The ancestors of every territory of a layer that has a parent: parent first, up to the root, each
/// with its id, name, owner and layer (a parent may be in another layer, so the page cannot find it
/// among what it draws). Cached by (map version, plan, layer) in the server's memory cache like the
/// drawing; a new version makes new keys. Behind the API keys like any read. Thread-safe.
/// </summary>
internal sealed class TerritoryAncestry(IMemoryCache cache)
{
    /// <summary>Where the ancestors are served: <c>?layer=&amp;plan=</c>.</summary>
    public const string Path = "/map/ancestors.json";

    /// <summary>Answers the layer's ancestors.</summary>
    public static IResult Get(HttpContext context, MapReplica maps, ApiKeyRegistry keys, TerritoryAncestry ancestry, string? layer, string? plan)
    {
        if (MapPageAccess.Refusal(context, keys) is { } refusal)
        {
            return refusal;
        }

        if (MapPageAccess.Select(maps, plan, ref layer, out var map) is { } unknown)
        {
            return unknown;
        }

        context.Response.Headers.CacheControl = "no-cache";
        return Results.Bytes(ancestry.Of(map, plan ?? "", layer!), "application/json");
    }

    /// <summary>The UTF-8 JSON of <paramref name="layer"/>'s ancestors in <paramref name="map"/> (named <paramref name="plan"/>, empty for the live map).</summary>
    public byte[] Of(TerritoryMap map, string plan, string layer)
    {
        var key = ("map-ancestors", map.Version, plan, layer);
        if (cache.TryGetValue(key, out byte[]? cached) && cached is not null)
        {
            return cached;
        }

        var written = Write(map, layer);
        cache.Set(key, written, new MemoryCacheEntryOptions { Size = 1 + written.Length / 1024, SlidingExpiration = TimeSpan.FromMinutes(5) });
        return written;
    }

    private static byte[] Write(TerritoryMap map, string layer)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("mapVersion", map.Version);
            json.WriteString("layer", layer);
            json.WriteStartObject("ancestors");
            foreach (var entry in map.Territories.Values
                .Where(t => t.AncestorIds.Count > 0 && string.Equals(t.Territory.Layer, layer, StringComparison.Ordinal))
                .OrderBy(t => t.Territory.Id, StringComparer.Ordinal))
            {
                json.WriteStartArray(entry.Territory.Id);
                foreach (var id in entry.AncestorIds)
                {
                    json.WriteStartObject();
                    json.WriteString("id", id);
                    if (map.Territories.TryGetValue(id, out var ancestor))
                    {
                        json.WriteString("name", ancestor.Territory.Name);
                        json.WriteString("owner", ancestor.Territory.OwnerId);
                        json.WriteString("layer", ancestor.Territory.Layer);
                    }

                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}

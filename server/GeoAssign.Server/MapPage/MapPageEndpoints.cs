// The map page: its HTML, scripts and styles (embedded in the server) and the drawing of a layer it loads.
using System.Collections.Frozen;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using GeoAssign.Index.Model;
using GeoAssign.Replication.Replicas;
using GeoAssign.Server.Http;
using GeoAssign.Server.Maps;
using GeoAssign.Server.Security;
using Grpc.Core;

namespace GeoAssign.Server.MapPage;

/// <summary>
/// Serves the map page at <see cref="PagePath"/> on every endpoint (a plain browser reaches it on the
/// HTTP/1.1 one): the page and its assets (Leaflet, installed from its npm package at build time and
/// embedded in the server: no CDN, no tiles from the internet) need no API key, as they hold no
/// data; the drawing at <see cref="DrawingPath"/> needs a key like any read when the server has keys.
/// The page reads everything else through the HTTP/JSON routes. Registration only; thread-safe.
/// </summary>
internal static class MapPageEndpoints
{
    /// <summary>Where the page is served.</summary>
    public const string PagePath = "/map";

    /// <summary>Where a layer is drawn: <c>?layer=&amp;plan=&amp;zoom=</c>, answering GeoJSON.</summary>
    public const string DrawingPath = "/map/territories.geojson";

    private const string ResourcePrefix = "MapPage/";

    // The embedded files by their path under /map/assets/: content, media type and an ETag of the content.
    private static readonly FrozenDictionary<string, PageAsset> Assets = LoadAssets();

    /// <summary>Adds the drawing's and the ancestry's cache users, and the drawing ahead.</summary>
    public static void AddMapPage(this IServiceCollection services)
    {
        services.AddSingleton<TerritoryDrawing>();
        services.AddSingleton<TerritoryAncestry>();
        services.AddHostedService<DrawingAhead>();
    }

    /// <summary>Maps the page, its assets and the drawing.</summary>
    public static void MapMapPage(this IEndpointRouteBuilder endpoints)
    {
        // Not routes of the API: the OpenAPI document lists the gRPC routes only.
        endpoints.MapGet(PagePath, (HttpContext context) => Assets.ContainsKey("leaflet.js")
            ? Asset(context, "index.html")
            : Results.Text("The map page was built without Leaflet: Node.js and npm were missing when the server was built. "
                + "Install them (bash tests/run.sh does, or apt-get install nodejs npm) and rebuild the server; everything else works without them.\n",
                "text/plain; charset=utf-8", statusCode: StatusCodes.Status503ServiceUnavailable)).ExcludeFromDescription();
        endpoints.MapGet(PagePath + "/assets/{**path}", (HttpContext context, string path) => Asset(context, path)).ExcludeFromDescription();
        endpoints.MapGet(DrawingPath, Draw).ExcludeFromDescription();
        endpoints.MapGet(IndexCells.Path, IndexCells.Get).ExcludeFromDescription();
        endpoints.MapGet(TerritoryAncestry.Path, TerritoryAncestry.Get).ExcludeFromDescription();
    }

    // The page and its assets carry an ETag of their content, so a browser that has them gets a 304.
    // index.html names each asset with its hash (?v=), and an asset asked for with its current hash
    // never changes: the browser keeps it for a year without asking. Anything else is revalidated.
    private static IResult Asset(HttpContext context, string path)
    {
        if (!Assets.TryGetValue(path, out var asset))
        {
            return Results.NotFound();
        }

        var headers = context.Response.Headers;
        headers.ETag = asset.ETag;
        headers.CacheControl = string.Equals(context.Request.Query["v"], asset.Hash, StringComparison.Ordinal)
            ? "public, max-age=31536000, immutable"
            : "no-cache";
        headers.Vary = "Accept-Encoding";
        if (context.Request.Headers.IfNoneMatch.Contains(asset.ETag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        if (AcceptsGzip(context.Request))
        {
            headers.ContentEncoding = "gzip";
            return Results.Bytes(asset.Gzip, asset.MediaType);
        }

        return Results.Bytes(asset.Content, asset.MediaType);
    }

    private static IResult Draw(HttpContext context, MapReplica maps, ApiKeyRegistry keys, TerritoryDrawing drawing,
        string? layer, string? plan, double? zoom)
    {
        if (MapPageAccess.Refusal(context, keys) is { } refusal)
        {
            return refusal;
        }

        if (MapPageAccess.Select(maps, plan, ref layer, out var map) is { } unknown)
        {
            return unknown;
        }

        plan ??= "";
        drawing.NoteAsked(plan, layer!, zoom ?? 0);
        var drawn = drawing.Drawing(map, plan, layer!, zoom ?? 0);
        // The browser keeps the drawing and asks again with its ETag: a version it has costs a 304.
        var headers = context.Response.Headers;
        headers.CacheControl = "no-cache";
        headers.ETag = drawn.ETag;
        headers.Vary = "Accept-Encoding";
        if (context.Request.Headers.IfNoneMatch.Contains(drawn.ETag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        if (AcceptsGzip(context.Request))
        {
            headers.ContentEncoding = "gzip";
            return Results.Bytes(drawn.Gzip, "application/geo+json");
        }

        return Results.Bytes(drawn.Json, "application/geo+json");
    }

    // Whether Accept-Encoding lists gzip without q=0 (every browser sends it).
    private static bool AcceptsGzip(HttpRequest request)
    {
        foreach (var value in request.Headers.AcceptEncoding)
        {
            foreach (var coding in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = coding.Split(';', StringSplitOptions.TrimEntries);
                if (string.Equals(parts[0], "gzip", StringComparison.OrdinalIgnoreCase)
                    && !parts.Skip(1).Any(p => p.Replace(" ", "", StringComparison.Ordinal) is "q=0" or "q=0.0" or "q=0.00" or "q=0.000"))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static FrozenDictionary<string, PageAsset> LoadAssets()
    {
        var assembly = typeof(MapPageEndpoints).Assembly;
        var assets = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .ToDictionary(name => name[ResourcePrefix.Length..], name => PageAsset.Of(Read(assembly, name), MediaType(name)), StringComparer.Ordinal);
        if (assets.TryGetValue("index.html", out var page))
        {
            // The page names each asset with its hash, so that a new build's assets are new URLs.
            var html = Encoding.UTF8.GetString(page.Content);
            foreach (var (path, asset) in assets)
            {
                html = html.Replace($"\"/map/assets/{path}\"", $"\"/map/assets/{path}?v={asset.Hash}\"", StringComparison.Ordinal);
            }

            assets["index.html"] = PageAsset.Of(Encoding.UTF8.GetBytes(html), page.MediaType);
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static byte[] Read(System.Reflection.Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static string MediaType(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".png" => "image/png",
        _ => "text/plain; charset=utf-8",
    };
}

/// <summary>One file of the page as served: its bytes, their gzip, media type, content hash and ETag. Immutable.</summary>
internal sealed record PageAsset(byte[] Content, byte[] Gzip, string MediaType, string Hash, string ETag)
{
    /// <summary>The asset of <paramref name="content"/>, hashed and gzipped.</summary>
    public static PageAsset Of(byte[] content, string mediaType)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 8));
        using var gzip = new MemoryStream();
        using (var compressor = new GZipStream(gzip, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            compressor.Write(content);
        }

        return new PageAsset(content, gzip.ToArray(), mediaType, hash, $"\"{hash}\"");
    }
}

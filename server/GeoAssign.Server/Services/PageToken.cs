// ListTerritories page tokens: where the next page starts, and the filters it belongs to.
using System.Text;

namespace GeoAssign.Server.Services;

/// <summary>
/// ListTerritories page tokens: the last id sent and the filters, base64url-encoded. The token is
/// not secret (it names an id the caller has seen); it only lets the server resume after that id.
/// </summary>
internal static class PageToken
{
    private const string Version = "1";

    public static string Create(string afterId, string? layer, string owner)
    {
        var text = string.Join('\n', Version, layer ?? "", owner, afterId);
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static string Parse(string token, string? layer, string owner)
    {
        string[] parts;
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
            parts = Encoding.UTF8.GetString(Convert.FromBase64String(base64)).Split('\n', 4);
        }
        catch (FormatException)
        {
            throw RpcErrors.InvalidArgument("page_token was not issued by this server; pass the next_page_token of the previous page, or none for the first.");
        }

        if (parts.Length != 4 || parts[0] != Version || parts[3].Length == 0)
        {
            throw RpcErrors.InvalidArgument("page_token was not issued by this server; pass the next_page_token of the previous page, or none for the first.");
        }

        if (parts[1] != (layer ?? "") || parts[2] != owner)
        {
            throw RpcErrors.InvalidArgument("page_token belongs to a listing with other filters; keep the filters (layer, owner_id, expiring_within) as they were for the first page.");
        }

        return parts[3];
    }
}

// Postal-code requests and answers: the country and code checks every gazetteer RPC shares, and the entry as a message.
using System.Text;
using GeoAssign.Index.Gazetteer;
using GeoAssign.Protos.V1;
using Grpc.Core;

namespace GeoAssign.Server.Services;

/// <summary>
/// What ResolveAddress, GetPostalCode and ListPostalCodes share: one normalisation and one wording of
/// the errors, and the gazetteer entry as a <see cref="PostalCodeLocation"/>. Stateless and thread-safe.
/// </summary>
internal static class PostalCodeMessages
{
    private const string TokenVersion = "p1";

    /// <summary>The country in its normal form; INVALID_ARGUMENT when it is not two letters.</summary>
    public static string Country(string country) =>
        PostalCodes.NormalizeCountry(country) ?? throw RpcErrors.InvalidArgument(country.Length == 0
            ? "country is required: an ISO 3166-1 alpha-2 code such as US or GB."
            : $"country \"{RequestChecks.Shorten(country)}\" is not an ISO 3166-1 alpha-2 code (two letters, such as US or GB).");

    /// <summary>The code in its normal form for <paramref name="country"/>; INVALID_ARGUMENT when empty or malformed.</summary>
    public static string Code(string country, string postalCode) =>
        PostalCodes.Normalize(country, postalCode) ?? throw RpcErrors.InvalidArgument(postalCode.Trim().Length == 0
            ? "postal_code is required."
            : $"postal_code \"{RequestChecks.Shorten(postalCode)}\" is not a postal code (at most {PostalCodes.MaxLength} characters, no control characters).");

    /// <summary>A prefix in the form codes are compared in: trimmed, upper case, inner whitespace as one space.</summary>
    public static string Prefix(string prefix)
    {
        var text = new StringBuilder(prefix.Length);
        foreach (var part in prefix.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            text.Append(text.Length == 0 ? "" : " ").Append(part.ToUpperInvariant());
        }

        if (text.Length > PostalCodes.MaxLength || text.ToString().Any(char.IsControl))
        {
            throw RpcErrors.InvalidArgument($"prefix \"{RequestChecks.Shorten(prefix)}\" is not the start of a postal code (at most {PostalCodes.MaxLength} characters, no control characters).");
        }

        return text.ToString();
    }

    /// <summary>NOT_FOUND naming the unknown code, or saying the country has none.</summary>
    public static RpcException NotFound(PostalGazetteer gazetteer, string country, string code, long mapVersion) =>
        RpcErrors.WithMapVersion(StatusCode.NotFound, gazetteer.CountOf(country) == 0
            ? $"The gazetteer has no postal codes of {country} at map version {mapVersion}; import them with ImportGazetteer."
            : $"The gazetteer has no postal code {country} \"{code}\" at map version {mapVersion}.", mapVersion);

    public static PostalCodeLocation ToMessage(PostalCodeEntry entry) => new()
    {
        Country = entry.Country,
        PostalCode = entry.Code,
        Lat = entry.Lat,
        Lng = entry.Lng,
        PlaceName = entry.PlaceName,
        AdminName1 = entry.Admin1Name,
        AdminCode1 = entry.Admin1Code,
        AdminName2 = entry.Admin2Name,
        AdminCode2 = entry.Admin2Code,
        Accuracy = entry.Accuracy,
    };

    /// <summary>A ListPostalCodes page token: the last code sent, with the country and prefix it belongs to, base64url.</summary>
    public static string CreateToken(string afterCode, string country, string prefix)
    {
        var text = string.Join('\n', TokenVersion, country, prefix, afterCode);
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The code a token resumes after; INVALID_ARGUMENT when this server did not issue it for this country and prefix.</summary>
    public static string ParseToken(string token, string country, string prefix)
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
            parts = [];
        }

        if (parts.Length != 4 || parts[0] != TokenVersion || parts[3].Length == 0)
        {
            throw RpcErrors.InvalidArgument("page_token was not issued by this server; pass the next_page_token of the previous page, or none for the first.");
        }

        if (parts[1] != country || parts[2] != prefix)
        {
            throw RpcErrors.InvalidArgument("page_token belongs to a listing of another country or prefix; keep them as they were for the first page.");
        }

        return parts[3];
    }
}

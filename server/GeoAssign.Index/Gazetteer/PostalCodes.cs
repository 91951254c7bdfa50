// The normal form of a postal code, per country, so that "sw1a1aa" and "SW1A 1AA" name one entry.
using System.Text;

namespace GeoAssign.Index.Gazetteer;

/// <summary>
/// Normalises countries and postal codes. Every code is trimmed, upper-cased (invariant) and its
/// inner whitespace collapsed to one space; then per country:
/// <list type="bullet">
/// <item>US: ZIP+4 keeps the five-digit ZIP (<c>02139-4307</c> → <c>02139</c>); spaces go.</item>
/// <item>GB (and GG, IM, JE): the inward code is the last three characters, after one space
/// (<c>sw1a1aa</c> → <c>SW1A 1AA</c>).</item>
/// <item>NL: four digits, one space, two letters (<c>1012ab</c> → <c>1012 AB</c>).</item>
/// <item>CA: letter-digit-letter, one space, digit-letter-digit (<c>k1a0b1</c> → <c>K1A 0B1</c>).</item>
/// <item>Digit-only systems with no separator (DE, FR, ES, IT, CH, AT, BE, DK, NO, AU, IN, MX...):
/// spaces go (<c>75 008</c> → <c>75008</c>).</item>
/// <item>Other countries: trimmed, upper case, one space between groups.</item>
/// </list>
/// Leading zeros are always kept: codes are text, never numbers. Thread-safe (stateless).
/// </summary>
public static class PostalCodes
{
    /// <summary>The longest postal code accepted (GeoNames codes are at most 20 characters).</summary>
    public const int MaxLength = 20;

    /// <summary>
    /// The country in its normal form (upper-case ISO 3166-1 alpha-2), or null when it is not two
    /// ASCII letters.
    /// </summary>
    public static string? NormalizeCountry(string? country)
    {
        var trimmed = (country ?? "").Trim();
        return trimmed.Length == 2 && char.IsAsciiLetter(trimmed[0]) && char.IsAsciiLetter(trimmed[1])
            ? trimmed.ToUpperInvariant()
            : null;
    }

    /// <summary>
    /// The normal form of <paramref name="code"/> in <paramref name="country"/> (already normalised),
    /// or null when nothing is left or it is longer than <see cref="MaxLength"/> or holds control characters.
    /// </summary>
    public static string? Normalize(string country, string? code)
    {
        ArgumentNullException.ThrowIfNull(country);
        var collapsed = Collapse(code ?? "");
        if (collapsed.Length == 0 || collapsed.Length > MaxLength || collapsed.Any(char.IsControl))
        {
            return null;
        }

        switch (country)
        {
            case "US":
                var zip = collapsed.Replace(" ", "", StringComparison.Ordinal);
                var dash = zip.IndexOf('-', StringComparison.Ordinal);
                // ZIP+4 names a delivery segment inside the ZIP; the gazetteer knows ZIPs.
                return dash == 5 ? zip[..5] : zip;
            case "GB" or "GG" or "IM" or "JE":
                return Split(collapsed, 3);
            case "NL":
                return Split(collapsed, 2);
            case "CA":
                return Split(collapsed, 3);
            case "DE" or "FR" or "ES" or "IT" or "CH" or "AT" or "BE" or "DK" or "NO" or "AU" or "IN" or "MX" or "FI" or "NZ" or "ZA" or "BR" when collapsed.Contains(' ', StringComparison.Ordinal):
                return collapsed.Replace(" ", "", StringComparison.Ordinal);
            default:
                return collapsed;
        }
    }

    // Trimmed, upper case, each run of whitespace one space.
    private static string Collapse(string code)
    {
        var text = new StringBuilder(code.Length);
        var space = false;
        foreach (var c in code.Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }

            if (space)
            {
                text.Append(' ');
                space = false;
            }

            text.Append(char.ToUpperInvariant(c));
        }

        return text.ToString();
    }

    // One space before the last tail characters (the inward part), none elsewhere.
    private static string Split(string code, int tail)
    {
        var compact = code.Replace(" ", "", StringComparison.Ordinal);
        return compact.Length > tail ? $"{compact[..^tail]} {compact[^tail..]}" : compact;
    }
}

// One postal code of the gazetteer: where it is (its centroid) and the places it names.
namespace GeoAssign.Index.Gazetteer;

/// <summary>
/// A postal code of one country, in the GeoNames postal-code layout: the country (ISO 3166 alpha-2,
/// upper case), the code in its normal form (see <see cref="PostalCodes.Normalize"/>), the place and
/// administrative names and codes (empty when unknown), the point that stands for the code (usually
/// its centroid), and how accurate that point is (GeoNames: 1 estimated, 4 GeoNames id, 6 centroid of
/// addresses or shape; 0 unknown). Immutable and thread-safe.
/// </summary>
public sealed record PostalCodeEntry
{
    /// <summary>ISO 3166-1 alpha-2 country code, upper case.</summary>
    public required string Country { get; init; }

    /// <summary>The postal code in its normal form.</summary>
    public required string Code { get; init; }

    /// <summary>Latitude of the point that stands for the code, degrees WGS84.</summary>
    public required double Lat { get; init; }

    /// <summary>Longitude of the point that stands for the code, degrees WGS84.</summary>
    public required double Lng { get; init; }

    /// <summary>The place name.</summary>
    public string PlaceName { get; init; } = "";

    /// <summary>First-order administrative division (state): name and code.</summary>
    public string Admin1Name { get; init; } = "";

    /// <inheritdoc cref="Admin1Name"/>
    public string Admin1Code { get; init; } = "";

    /// <summary>Second-order division (county/province): name and code.</summary>
    public string Admin2Name { get; init; } = "";

    /// <inheritdoc cref="Admin2Name"/>
    public string Admin2Code { get; init; } = "";

    /// <summary>Third-order division (community): name and code.</summary>
    public string Admin3Name { get; init; } = "";

    /// <inheritdoc cref="Admin3Name"/>
    public string Admin3Code { get; init; } = "";

    /// <summary>Accuracy of the point (GeoNames 1, 4 or 6); 0 when unknown.</summary>
    public int Accuracy { get; init; }

    /// <summary>The key the gazetteer holds the entry under.</summary>
    public PostalKey Key => new(Country, Code);
}

/// <summary>A gazetteer key: country and normalised postal code, compared ordinally.</summary>
public readonly record struct PostalKey(string Country, string Code)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Country} {Code}";
}

// The answer for a postal code (the assignment of its point, and the gazetteer entry that gave it), and a page of a listing.
namespace GeoAssign.Client;

/// <summary>A postal code of the server's gazetteer and the point that stands for it. Immutable.</summary>
/// <param name="Country">ISO 3166-1 alpha-2, upper case.</param>
/// <param name="PostalCode">The code in its normal form (e.g. ZIP+4 <c>02139-4307</c> is <c>02139</c>).</param>
/// <param name="Lat">Latitude of the point resolved (usually the code's centroid).</param>
/// <param name="Lng">Longitude of the point resolved.</param>
/// <param name="PlaceName">The place name, or null.</param>
/// <param name="AdminName1">The first-order division (state), or null.</param>
/// <param name="AdminCode1">Its code, or null.</param>
/// <param name="Accuracy">GeoNames accuracy of the point (1 estimated, 4 GeoNames id, 6 centroid); 0 unknown.</param>
public sealed record PostalCodeLocation(string Country, string PostalCode, double Lat, double Lng, string? PlaceName, string? AdminName1, string? AdminCode1,
    int Accuracy);

/// <summary>What ResolveAddress answers: the assignment of the postal code's point (reason <see cref="AssignmentReason.PostalCode"/>,
/// an override's, or unassigned) and the entry used. Immutable.</summary>
/// <param name="Assignment">The answer for the point, with the request's id.</param>
/// <param name="Location">The gazetteer entry whose point was resolved.</param>
public sealed record AddressAssignment(Assignment Assignment, PostalCodeLocation Location);

/// <summary>One page of a postal-code listing (<see cref="GeoAssignClient.ListPostalCodePagesAsync"/>). Immutable.</summary>
/// <param name="PostalCodes">The page's codes, in ordinal order of their normal form.</param>
/// <param name="MapVersion">The map version the page was read from.</param>
/// <param name="CountryCount">The country's codes in all at that version (not only the prefix's).</param>
public sealed record PostalCodePage(IReadOnlyList<PostalCodeLocation> PostalCodes, ulong MapVersion, long CountryCount);

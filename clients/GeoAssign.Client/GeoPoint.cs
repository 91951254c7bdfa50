// A point the client resolves (or a postal code standing for one), with the caller's optional id and the optional account at it.
namespace GeoAssign.Client;

/// <summary>
/// A point to resolve, with an optional caller id that comes back on its assignment and an optional
/// account id that lets an override of the account decide the owner; or a postal code the server resolves
/// at its point in the gazetteer (<see cref="ForPostalCode"/>). Immutable.
/// </summary>
/// <param name="Lat">Latitude in degrees WGS84, in [-90, 90].</param>
/// <param name="Lng">Longitude in degrees WGS84, in [-180, 180].</param>
/// <param name="Id">The caller's id for the point; not sent to the server, only copied to its assignment.</param>
public readonly record struct GeoPoint(double Lat, double Lng, string? Id = null)
{
    /// <summary>A point with the caller's id and the account at it.</summary>
    /// <param name="lat">Latitude in degrees WGS84, in [-90, 90].</param>
    /// <param name="lng">Longitude in degrees WGS84, in [-180, 180].</param>
    /// <param name="id">The caller's id for the point; only copied to its assignment.</param>
    /// <param name="accountId">The account at the point; <see langword="null"/> or empty for none.</param>
    public GeoPoint(double lat, double lng, string? id, string? accountId)
        : this(lat, lng, id)
    {
        AccountId = accountId;
    }

    /// <summary>
    /// The account at the point, sent to the server: an override of it in force decides the answer's owner
    /// (<see cref="Assignment.Override"/>). <see langword="null"/> or empty for none.
    /// </summary>
    public string? AccountId { get; init; }

    /// <summary>
    /// The ISO 3166-1 alpha-2 country of a postal-code row (<see cref="ForPostalCode"/>); <see langword="null"/> for a point.
    /// </summary>
    public string? Country { get; init; }

    /// <summary>The postal code as written, of a postal-code row; <see langword="null"/> for a point.</summary>
    public string? PostalCode { get; init; }

    /// <summary>True when this row names a postal code instead of a point (<see cref="Lat"/> and <see cref="Lng"/> are then 0).</summary>
    public bool IsPostalCode => !string.IsNullOrEmpty(Country);

    /// <summary>
    /// A row that names a postal code instead of a point: the server normalises it for the country (spaces, case,
    /// ZIP+4) and resolves the code's point in its gazetteer, as <see cref="GeoAssignClient.ResolveAddressAsync"/> does. Its
    /// assignment has reason <see cref="AssignmentReason.PostalCode"/> and <see cref="Assignment.Location"/>, or
    /// <see cref="AssignmentReason.PostalCodeNotFound"/> when the gazetteer does not know the code.
    /// </summary>
    /// <param name="country">ISO 3166-1 alpha-2, any case; not empty.</param>
    /// <param name="postalCode">The code as written.</param>
    /// <param name="id">The caller's id for the row; only copied to its assignment.</param>
    /// <param name="accountId">The account at the address; <see langword="null"/> or empty for none.</param>
    public static GeoPoint ForPostalCode(string country, string postalCode, string? id = null, string? accountId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(country);
        ArgumentNullException.ThrowIfNull(postalCode);
        return new GeoPoint(0, 0, id, accountId) { Country = country, PostalCode = postalCode };
    }

    /// <summary>A point from a (id, lat, lng) tuple.</summary>
    public static implicit operator GeoPoint((string? Id, double Lat, double Lng) point) => new(point.Lat, point.Lng, point.Id);

    /// <summary>A point without id from a (lat, lng) tuple.</summary>
    public static implicit operator GeoPoint((double Lat, double Lng) point) => new(point.Lat, point.Lng);
}

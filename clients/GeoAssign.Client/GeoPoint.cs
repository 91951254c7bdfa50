// A point the client resolves, with the caller's optional id and the optional account at it.
namespace GeoAssign.Client;

/// <summary>
/// A point to resolve, with an optional caller id that comes back on its assignment and an optional
/// account id that lets an override of the account decide the owner. Immutable.
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

    /// <summary>A point from a (id, lat, lng) tuple.</summary>
    public static implicit operator GeoPoint((string? Id, double Lat, double Lng) point) => new(point.Lat, point.Lng, point.Id);

    /// <summary>A point without id from a (lat, lng) tuple.</summary>
    public static implicit operator GeoPoint((double Lat, double Lng) point) => new(point.Lat, point.Lng);
}

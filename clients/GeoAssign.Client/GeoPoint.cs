// A point the client resolves, with the caller's optional id.
namespace GeoAssign.Client;

/// <summary>A point to resolve, with an optional caller id that comes back on its assignment. Immutable.</summary>
/// <param name="Lat">Latitude in degrees WGS84, in [-90, 90].</param>
/// <param name="Lng">Longitude in degrees WGS84, in [-180, 180].</param>
/// <param name="Id">The caller's id for the point; not sent to the server, only copied to its assignment.</param>
public readonly record struct GeoPoint(double Lat, double Lng, string? Id = null)
{
    /// <summary>A point from a (id, lat, lng) tuple.</summary>
    public static implicit operator GeoPoint((string? Id, double Lat, double Lng) point) => new(point.Lat, point.Lng, point.Id);

    /// <summary>A point without id from a (lat, lng) tuple.</summary>
    public static implicit operator GeoPoint((double Lat, double Lng) point) => new(point.Lat, point.Lng);
}

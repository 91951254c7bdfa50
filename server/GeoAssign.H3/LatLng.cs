// A geographic point in degrees.
namespace GeoAssign.H3;

/// <summary>A point on the WGS84 sphere as latitude and longitude in degrees. Immutable.</summary>
/// <param name="Lat">Latitude in degrees, -90..90.</param>
/// <param name="Lng">Longitude in degrees, -180..180.</param>
public readonly record struct LatLng(double Lat, double Lng);

// A point in degrees WGS84.
namespace GeoAssign.LoadTest.Points;

/// <summary>A point: latitude and longitude in degrees WGS84.</summary>
internal readonly record struct GeoPoint(double Lat, double Lng);

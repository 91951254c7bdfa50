// A position in WGS84 degrees, longitude first as in GeoJSON.
namespace GeoAssign.Index.Geometry;

/// <summary>A WGS84 position in degrees, longitude first as in GeoJSON. Immutable and thread-safe.</summary>
/// <param name="Lng">Longitude in degrees.</param>
/// <param name="Lat">Latitude in degrees.</param>
public readonly record struct LngLat(double Lng, double Lat)
{
    /// <summary>The position as GeoJSON writes it, e.g. <c>[-122.4194, 37.7749]</c>.</summary>
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"[{Lng:R}, {Lat:R}]");
}

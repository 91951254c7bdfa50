// A closed longitude/latitude rectangle.
namespace GeoAssign.Index.Geometry;

/// <summary>
/// A closed rectangle in longitude/latitude degrees: every (lng, lat) with
/// <c>MinLng ≤ lng ≤ MaxLng</c> and <c>MinLat ≤ lat ≤ MaxLat</c>. It never wraps across the
/// antimeridian: a rectangle that would is two rectangles. Immutable and thread-safe.
/// </summary>
public readonly record struct LngLatRect(double MinLng, double MinLat, double MaxLng, double MaxLat)
{
    /// <summary>The rectangle that contains nothing (all bounds NaN); <see cref="IsEmpty"/> is true.</summary>
    public static LngLatRect Empty => new(double.NaN, double.NaN, double.NaN, double.NaN);

    /// <summary>Whether the rectangle contains no point (inverted or NaN bounds).</summary>
    public bool IsEmpty => !(MinLng <= MaxLng && MinLat <= MaxLat);

    /// <summary>Whether the closed rectangle contains the position (false for NaN).</summary>
    public bool Contains(double lng, double lat) =>
        lng >= MinLng && lng <= MaxLng && lat >= MinLat && lat <= MaxLat;

    /// <summary>Whether the two closed rectangles share at least one point.</summary>
    public bool Intersects(in LngLatRect other) =>
        other.MinLng <= MaxLng && other.MaxLng >= MinLng && other.MinLat <= MaxLat && other.MaxLat >= MinLat;

    /// <summary>The rectangle grown by <paramref name="degrees"/> on every side.</summary>
    public LngLatRect Expand(double degrees) =>
        new(MinLng - degrees, MinLat - degrees, MaxLng + degrees, MaxLat + degrees);

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"[{MinLng:R}, {MinLat:R}, {MaxLng:R}, {MaxLat:R}]");
}

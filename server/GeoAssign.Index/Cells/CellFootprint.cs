// The longitude/latitude rectangles that conservatively contain an H3 cell, or all of its descendants.
using GeoAssign.Index.Geometry;
using GeoAssign.H3;
using H3Api = GeoAssign.H3.H3;

namespace GeoAssign.Index.Cells;

/// <summary>
/// One or two longitude/latitude rectangles (two where the region crosses the antimeridian, one
/// spanning every longitude where it reaches a pole) that contain every point H3 can map to a cell —
/// or, for <see cref="Descendants"/>, to any of its descendants at any finer resolution.
/// </summary>
/// <remarks>
/// Why this is conservative: an H3 cell's edges are great-circle arcs (straight lines in its face's
/// gnomonic projection), so the cell lies inside the spherical cap around its centre whose radius is
/// the farthest boundary vertex. A child's centre lies inside its parent and its cap radius is at most
/// <see cref="ChildRadiusRatio"/> of the parent's (the largest ratio over the whole grid is 0.471, near
/// pentagons; the tests check this bound across resolutions), so every descendant lies within
/// ρ(1 + r + r² + …) = ρ / (1 − r) of the parent's centre. The cap then becomes a rectangle in
/// longitude/latitude (a cap of radius ρ at latitude φ spans ±asin(sin ρ / cos φ) of longitude), and
/// both are grown by <see cref="AbsoluteMarginDegrees"/> for floating-point error in H3's own point
/// assignment (about 1e-15 radians). A cell is then called inside a territory only when its whole
/// rectangle is, which makes interior answers exact.
/// </remarks>
internal readonly struct CellFootprint
{
    /// <summary>Upper bound of a child's cap radius over its parent's.</summary>
    public const double ChildRadiusRatio = 0.5;

    /// <summary>Every descendant lies within this multiple of a cell's cap radius from its centre.</summary>
    public const double DescendantsFactor = 1 / (1 - ChildRadiusRatio);

    /// <summary>Absolute growth of every rectangle, in degrees (about 0.1 mm).</summary>
    public const double AbsoluteMarginDegrees = 1e-9;

    /// <summary>Relative growth of every cap radius.</summary>
    private const double RelativeMargin = 1e-6;

    private CellFootprint(LngLatRect first, LngLatRect second, int count)
    {
        First = first;
        Second = second;
        Count = count;
    }

    /// <summary>The first rectangle.</summary>
    public LngLatRect First { get; }

    /// <summary>The second rectangle (only when <see cref="Count"/> is 2).</summary>
    public LngLatRect Second { get; }

    /// <summary>1 or 2.</summary>
    public int Count { get; }

    /// <summary>The points of the cell itself.</summary>
    public static CellFootprint Cell(H3Index cell)
    {
        var (center, radius) = H3Api.CellToBoundingCap(cell);
        return FromCap(center, radius);
    }

    /// <summary>The points of the cell and all of its descendants.</summary>
    public static CellFootprint Descendants(H3Index cell, double factor = DescendantsFactor)
    {
        var (center, radius) = H3Api.CellToBoundingCap(cell);
        return FromCap(center, radius * factor);
    }

    /// <summary>The rectangles around a cap of <paramref name="radius"/> radians.</summary>
    public static CellFootprint FromCap(LatLng center, double radius)
    {
        radius *= 1 + RelativeMargin;
        double radiusDegrees = radius * (180 / Math.PI) + AbsoluteMarginDegrees;
        double minLat = center.Lat - radiusDegrees, maxLat = center.Lat + radiusDegrees;
        if (maxLat >= 90 || minLat <= -90 || radius >= Math.PI / 2)
        {
            return new CellFootprint(new LngLatRect(-180, Math.Max(minLat, -90), 180, Math.Min(maxLat, 90)), default, 1);
        }

        double sinRatio = Math.Sin(radius) / Math.Cos(center.Lat * (Math.PI / 180));
        if (sinRatio >= 1)
        {
            return new CellFootprint(new LngLatRect(-180, minLat, 180, maxLat), default, 1);
        }
        double halfWidth = Math.Asin(sinRatio) * (180 / Math.PI) + AbsoluteMarginDegrees;
        double minLng = center.Lng - halfWidth, maxLng = center.Lng + halfWidth;
        if (minLng < -180)
        {
            return new CellFootprint(new LngLatRect(minLng + 360, minLat, 180, maxLat), new LngLatRect(-180, minLat, maxLng, maxLat), 2);
        }
        if (maxLng > 180)
        {
            return new CellFootprint(new LngLatRect(minLng, minLat, 180, maxLat), new LngLatRect(-180, minLat, maxLng - 360, maxLat), 2);
        }
        return new CellFootprint(new LngLatRect(minLng, minLat, maxLng, maxLat), default, 1);
    }

    /// <summary>Whether any rectangle intersects <paramref name="other"/>.</summary>
    public bool Intersects(in LngLatRect other) => First.Intersects(other) || (Count == 2 && Second.Intersects(other));

    /// <summary>How a territory relates to this footprint.</summary>
    public Coverage Classify(TerritoryShape shape)
    {
        var bounds = shape.Bounds;
        var first = Classify(shape, bounds, First);
        if (Count == 1) return first;
        var second = Classify(shape, bounds, Second);
        return first == second ? first : Coverage.Partial;
    }

    private static Coverage Classify(TerritoryShape shape, in LngLatRect bounds, in LngLatRect rect)
    {
        if (bounds.IsEmpty || !bounds.Intersects(rect)) return Coverage.None;
        if (shape.AnyEdgeIntersects(rect)) return Coverage.Partial;
        // No edge touches the closed rectangle, so it lies wholly inside or wholly outside.
        double lng = (rect.MinLng + rect.MaxLng) / 2, lat = (rect.MinLat + rect.MaxLat) / 2;
        return shape.Covers(lng, lat) ? Coverage.Full : Coverage.None;
    }
}

/// <summary>How much of a cell footprint a territory covers.</summary>
internal enum Coverage
{
    /// <summary>No point.</summary>
    None,
    /// <summary>Some points: an exact test decides.</summary>
    Partial,
    /// <summary>Every point.</summary>
    Full,
}

// Area on the WGS84 ellipsoid of polygons whose edges are straight lines in longitude/latitude.
using NetTopologySuite.Geometries;
using NtsGeometry = NetTopologySuite.Geometries.Geometry;

namespace GeoAssign.Index.Analysis;

/// <summary>
/// The area in km² on the WGS84 ellipsoid of a Polygon or MultiPolygon whose edges are straight lines
/// in longitude/latitude (RFC 7946, PostGIS <c>geometry</c>, the border rule): the surface a territory
/// actually covers, not the planar area in square degrees and not the area of a polygon with geodesic
/// edges.
/// </summary>
/// <remarks>
/// <para>
/// <b>Method.</b> Let F(φ) be the area of the ellipsoid zone between the equator and latitude φ per
/// radian of longitude, F(φ) = ∫₀^φ M N cos ψ dψ = a²(1−e²)/2 · [sin φ/(1−e² sin²φ) + artanh(e sin φ)/e]
/// (M, N the radii of curvature). By Green's theorem in the (λ, φ) plane a ring's area is
/// −∮ F(φ) dλ (positive for a counter-clockwise ring). Along an edge φ is linear in λ, so the edge
/// contributes Δλ times the mean of F over [φ₀, φ₁]. F is expanded in powers of e²,
/// F = a²(1−e²) Σₖ (k+1)/(2k+1) e²ᵏ sin²ᵏ⁺¹φ, the series is cut after k = <see cref="SeriesOrder"/>
/// and rewritten as Σⱼ bⱼ sin((2j+1)φ), whose mean over an edge is exact in closed form:
/// sin((2j+1)φ̄) · sinc((2j+1)Δφ/2). Each edge term is formed relative to the latitude of the ring's
/// first vertex, so small polygons do not lose digits to F's magnitude. Holes are subtracted, the
/// parts of a MultiPolygon added; edges along ±180 (Δλ = 0) contribute nothing, an edge along a pole
/// contributes Δλ·F(±90°) as it should, and longitudes beyond ±180 are taken as they are.
/// </para>
/// <para>
/// <b>Error bound (proof).</b> The cut-off series has derivative F′ₖ = F′ − T′ with
/// 0 ≤ T′(φ) = a²(1−e²) cos φ Σₖ₍&gt;K₎ (k+1) e²ᵏ sin²ᵏφ ≤ δ · F′(φ), δ = Σₖ₍&gt;K₎ (k+1) e²ᵏ, because
/// F′(φ) = M N cos φ ≥ a²(1−e²) cos φ. By Green's theorem the computed area of a ring is ∬ F′ₖ and the
/// true area ∬ F′ over the same region, so the method's error is at most δ times the area:
/// <see cref="MaxRelativeSeriesError"/> = 3.7e-17, below double precision. The edge means are exact,
/// so what remains is floating-point rounding: a few ulps of each edge term, whose size is about
/// a²·|Δλ|·(|φ̄ − φ_first| + Δφ²); for any US county that is below 1e-9 km² (the tests check the
/// result against the closed-form area of lat/lon rectangles to 1e-12 relative and against a
/// high-order numerical integration of F along every edge).
/// </para>
/// <para>Stateless and thread-safe; allocates nothing.</para>
/// </remarks>
public static class EllipsoidArea
{
    /// <summary>The WGS84 semi-major axis in km.</summary>
    public const double SemiMajorAxisKm = 6378.137;

    /// <summary>The WGS84 flattening.</summary>
    public const double Flattening = 1 / 298.257223563;

    /// <summary>The highest power of e² kept in the series of F (e^(2K)); see the remarks.</summary>
    public const int SeriesOrder = 7;

    /// <summary>The squared first eccentricity e² = f(2 − f).</summary>
    public static double EccentricitySquared { get; } = Flattening * (2 - Flattening);

    private const double Radians = Math.PI / 180;

    // bⱼ of F = Σⱼ bⱼ sin((2j+1)φ), in km².
    private static readonly double[] Coefficients = SineCoefficients();

    /// <summary>
    /// δ = Σₖ₍&gt;K₎ (k+1) e²ᵏ: the largest relative error of the cut-off series, proven in the
    /// remarks (about 3.7e-17).
    /// </summary>
    public static double MaxRelativeSeriesError { get; } = SeriesTail();

    /// <summary>The total surface of the ellipsoid in km²: 4π·F(90°), about 510,065,621.7 km².</summary>
    public static double EllipsoidSurfaceKm2 => 4 * Math.PI * ZoneAreaKm2(90);

    /// <summary>
    /// The area in km² of a geometry's polygonal parts (Polygon, MultiPolygon, or the polygons of a
    /// GeometryCollection); 0 for points, lines and empty geometries. Valid polygons give their area;
    /// for invalid ones the result is the area counted with ring orientation ignored.
    /// </summary>
    public static double AreaKm2(NtsGeometry geometry)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        switch (geometry)
        {
            case Polygon polygon:
                return AreaKm2(polygon);
            case GeometryCollection collection:
                var sum = 0.0;
                for (var i = 0; i < collection.NumGeometries; i++)
                {
                    sum += AreaKm2(collection.GetGeometryN(i));
                }

                return sum;
            default:
                return 0;
        }
    }

    /// <summary>The area in km² of a polygon: its shell less its holes.</summary>
    public static double AreaKm2(Polygon polygon)
    {
        ArgumentNullException.ThrowIfNull(polygon);
        if (polygon.IsEmpty)
        {
            return 0;
        }

        var area = Math.Abs(SignedRingAreaKm2(polygon.ExteriorRing.CoordinateSequence));
        for (var i = 0; i < polygon.NumInteriorRings; i++)
        {
            area -= Math.Abs(SignedRingAreaKm2(polygon.GetInteriorRingN(i).CoordinateSequence));
        }

        return area;
    }

    /// <summary>
    /// The signed area in km² enclosed by a closed ring (first position equal to the last): positive
    /// when the ring runs counter-clockwise in longitude/latitude, negative when clockwise.
    /// </summary>
    public static double SignedRingAreaKm2(CoordinateSequence ring)
    {
        ArgumentNullException.ThrowIfNull(ring);
        var count = ring.Count;
        if (count < 3)
        {
            return 0;
        }

        var reference = ring.GetY(0);
        var x0 = ring.GetX(0);
        var y0 = ring.GetY(0);
        var sum = 0.0;
        for (var i = 1; i < count; i++)
        {
            var x1 = ring.GetX(i);
            var y1 = ring.GetY(i);
            if (x1 != x0)
            {
                sum += (x1 - x0) * Radians * EdgeMean(y0, y1, reference);
            }

            x0 = x1;
            y0 = y1;
        }

        return -sum;
    }

    /// <summary>
    /// The exact area in km² of a longitude/latitude rectangle, (λ₁ − λ₀)·(F(φ₁) − F(φ₀)), from the
    /// closed form of F rearranged so that nothing cancels (thin bands keep their digits). The
    /// longitudes may span up to 360°.
    /// </summary>
    public static double RectangleAreaKm2(double minLng, double minLat, double maxLng, double maxLat) =>
        (maxLng - minLng) * Radians * ZoneAreaBetweenKm2(minLat, maxLat);

    /// <summary>
    /// F(φ₁) − F(φ₀) in closed form without cancellation: the area in km² of the zone between two
    /// latitudes (degrees) per radian of longitude, using sin φ₁ − sin φ₀ = 2 cos φ̄ sin(Δφ/2) and
    /// artanh x₁ − artanh x₀ = artanh((x₁ − x₀)/(1 − x₀x₁)).
    /// </summary>
    public static double ZoneAreaBetweenKm2(double fromLatitude, double toLatitude)
    {
        var e2 = EccentricitySquared;
        var e = Math.Sqrt(e2);
        double phi0 = fromLatitude * Radians, phi1 = toLatitude * Radians;
        double s0 = Math.Sin(phi0), s1 = Math.Sin(phi1);
        var ds = 2 * Math.Cos(0.5 * (phi0 + phi1)) * Math.Sin(0.5 * (toLatitude - fromLatitude) * Radians);
        var rational = ds * (1 + e2 * s0 * s1) / ((1 - e2 * s0 * s0) * (1 - e2 * s1 * s1));
        var logarithmic = Math.Atanh(e * ds / (1 - e2 * s0 * s1)) / e;
        return SemiMajorAxisKm * SemiMajorAxisKm * (1 - e2) / 2 * (rational + logarithmic);
    }

    /// <summary>
    /// F(φ) in closed form: the area in km² of the ellipsoid zone between the equator and
    /// <paramref name="latitude"/> (degrees) per radian of longitude; negative south of the equator.
    /// </summary>
    public static double ZoneAreaKm2(double latitude)
    {
        var e2 = EccentricitySquared;
        var e = Math.Sqrt(e2);
        var sin = Math.Sin(latitude * Radians);
        return SemiMajorAxisKm * SemiMajorAxisKm * (1 - e2) / 2 * (sin / (1 - e2 * sin * sin) + Math.Atanh(e * sin) / e);
    }

    // The mean of F(φ) − F(φref) over φ running linearly from φ0 to φ1 (degrees), by the sine series:
    // for m = 2j+1, mean sin(mφ) − sin(mφref) = sin(mφ̄)(sinc(mh) − 1) + 2 cos(mα) sin(mβ) with h the
    // half width, α = (φ̄ + φref)/2 and β = (φ̄ − φref)/2; both terms are small when the edge is short
    // and near φref, so nothing cancels. The small angles h and β are differences taken in degrees
    // before the conversion, so a metre-sized polygon keeps its relative precision. Multiples of the
    // angles come from the three-term recurrences s(m+2) = 2cos(2x)·s(m) − s(m−2), stable for the
    // eight steps taken.
    private static double EdgeMean(double lat0, double lat1, double latReference)
    {
        var mid = 0.5 * (lat0 + lat1) * Radians;
        var half = 0.5 * (lat1 - lat0) * Radians;
        var alpha = 0.5 * (mid + latReference * Radians);
        var beta = 0.25 * ((lat0 - latReference) + (lat1 - latReference)) * Radians;

        double sinMid = Math.Sin(mid), sinMidPrevious = -sinMid, twoCosMid = 2 * Math.Cos(2 * mid);
        double cosAlpha = Math.Cos(alpha), cosAlphaPrevious = cosAlpha, twoCosAlpha = 2 * Math.Cos(2 * alpha);

        // For sin(mβ), β small: the recurrence with 2cos(2β) − 2 = −4sin²β kept apart (Reinsch).
        var sinBeta = Math.Sin(beta);
        var shrink = -4 * sinBeta * sinBeta;
        double sinMulBeta = sinBeta, sinMulBetaPrevious = -sinBeta;

        var sum = 0.0;
        var coefficients = Coefficients;
        for (var j = 0; j < coefficients.Length; j++)
        {
            var m = 2 * j + 1;
            sum += coefficients[j] * (sinMid * SincMinusOne(m * half) + 2 * cosAlpha * sinMulBeta);

            var nextSin = twoCosMid * sinMid - sinMidPrevious;
            sinMidPrevious = sinMid;
            sinMid = nextSin;

            var nextCos = twoCosAlpha * cosAlpha - cosAlphaPrevious;
            cosAlphaPrevious = cosAlpha;
            cosAlpha = nextCos;

            var nextSinBeta = 2 * sinMulBeta - sinMulBetaPrevious + shrink * sinMulBeta;
            sinMulBetaPrevious = sinMulBeta;
            sinMulBeta = nextSinBeta;
        }

        return sum;
    }

    // sin(x)/x − 1 without cancellation: the Taylor series below 0.1 (the first term left out,
    // x¹²/13!, is below 1e-19 of the result there), the quotient above.
    private static double SincMinusOne(double x)
    {
        var x2 = x * x;
        if (x2 < 0.01)
        {
            return x2 * (-1.0 / 6 + x2 * (1.0 / 120 + x2 * (-1.0 / 5040 + x2 * (1.0 / 362880 - x2 / 39916800))));
        }

        return Math.Sin(x) / x - 1;
    }

    // F/(a²(1−e²)) = Σₖ cₖ e²ᵏ sin²ᵏ⁺¹φ with cₖ = (k+1)/(2k+1), and
    // sin²ᵏ⁺¹φ = 4⁻ᵏ Σⱼ (−1)ʲ C(2k+1, k−j) sin((2j+1)φ).
    private static double[] SineCoefficients()
    {
        var e2 = EccentricitySquared;
        var scale = SemiMajorAxisKm * SemiMajorAxisKm * (1 - e2);
        var b = new double[SeriesOrder + 1];
        for (var k = 0; k <= SeriesOrder; k++)
        {
            var term = (k + 1.0) / (2 * k + 1) * Math.Pow(e2, k) / Math.Pow(4, k);
            for (var j = 0; j <= k; j++)
            {
                b[j] += term * (j % 2 == 0 ? 1 : -1) * Binomial(2 * k + 1, k - j);
            }
        }

        for (var j = 0; j < b.Length; j++)
        {
            b[j] *= scale;
        }

        return b;
    }

    private static double Binomial(int n, int k)
    {
        var result = 1.0;
        for (var i = 1; i <= k; i++)
        {
            result = result * (n - k + i) / i;
        }

        return result;
    }

    private static double SeriesTail()
    {
        var e2 = EccentricitySquared;
        var sum = 0.0;
        for (var k = SeriesOrder + 1; k < SeriesOrder + 40; k++)
        {
            sum += (k + 1) * Math.Pow(e2, k);
        }

        return sum;
    }
}

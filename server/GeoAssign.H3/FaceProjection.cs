// The gnomonic projection between the sphere and each icosahedron face's hexagonal grid.
using System.Runtime.CompilerServices;
using GeoAssign.H3.Tables;

namespace GeoAssign.H3;

/// <summary>
/// Projects points between the sphere and the 2-D plane of an icosahedron face (gnomonic, centred on
/// the face centre), scaled so one unit is the cell spacing at a resolution. Class III resolutions
/// are rotated by asin(√(3/28)) against Class II. Immutable tables; thread-safe.
/// </summary>
internal static class FaceProjection
{
    /// <summary>The rotation of a Class III grid against Class II: asin(√(3/28)).</summary>
    public const double Aperture7Rotation = 0.333473172251832115336090755351601070065900389;

    /// <summary>Gnomonic distance of one resolution-0 unit: (3 - √5) / 2.</summary>
    public const double Res0UnitGnomonic = 0.38196601125010500003;

    public const double Sqrt7 = 2.6457513110645905905016157536392604257102;

    // Per face: sin and cos of the centre's latitude and longitude.
    private static readonly double[] s_centerTrig = new double[IcosahedronFaces.Count * 4];

    // Per face and class (II, III): cos and sin of the i-axis azimuth used for that class.
    private static readonly double[] s_axisTrig = new double[IcosahedronFaces.Count * 4];

    // Gnomonic tangent → grid units at each resolution.
    private static readonly double[] s_scale = new double[17];

    // Per face: centre (x, y, z), then for Class II and Class III axes the tangent-plane vectors U (along
    // the i-axis) and V (90° clockwise of it, as the grid's y-axis appears on the sphere): 3 + 6 + 6 values.
    private static readonly double[] s_frames = new double[IcosahedronFaces.Count * 15];

    static FaceProjection()
    {
        var geo = IcosahedronFaces.CenterGeo;
        var axis = IcosahedronFaces.AxisAzimuthCII;
        for (int f = 0; f < IcosahedronFaces.Count; f++)
        {
            (s_centerTrig[f * 4], s_centerTrig[f * 4 + 1]) = Math.SinCos(geo[f * 2]);
            (s_centerTrig[f * 4 + 2], s_centerTrig[f * 4 + 3]) = Math.SinCos(geo[f * 2 + 1]);
            (double sinA, double cosA) = Math.SinCos(axis[f]);
            s_axisTrig[f * 4] = cosA;
            s_axisTrig[f * 4 + 1] = sinA;
            (sinA, cosA) = Math.SinCos(SphereMath.PositiveAngle(axis[f] - Aperture7Rotation));
            s_axisTrig[f * 4 + 2] = cosA;
            s_axisTrig[f * 4 + 3] = sinA;
        }
        for (int f = 0; f < IcosahedronFaces.Count; f++)
        {
            (double sinLat, double cosLat) = Math.SinCos(geo[f * 2]);
            (double sinLng, double cosLng) = Math.SinCos(geo[f * 2 + 1]);
            Span<double> frame = s_frames.AsSpan(f * 15, 15);
            frame[0] = cosLat * cosLng;
            frame[1] = cosLat * sinLng;
            frame[2] = sinLat;
            double nx = -sinLat * cosLng, ny = -sinLat * sinLng, nz = cosLat; // north
            double ex = -sinLng, ey = cosLng;                                  // east
            for (int cls = 0; cls < 2; cls++)
            {
                double a = cls == 0 ? axis[f] : axis[f] - Aperture7Rotation;
                (double sinA, double cosA) = Math.SinCos(a);
                frame[3 + cls * 6] = cosA * nx + sinA * ex;
                frame[4 + cls * 6] = cosA * ny + sinA * ey;
                frame[5 + cls * 6] = cosA * nz;
                frame[6 + cls * 6] = sinA * nx - cosA * ex;
                frame[7 + cls * 6] = sinA * ny - cosA * ey;
                frame[8 + cls * 6] = sinA * nz;
            }
        }

        double scale = 1 / Res0UnitGnomonic;
        for (int r = 0; r < 17; r++)
        {
            s_scale[r] = scale;
            scale *= Sqrt7;
        }
    }

    /// <summary>
    /// The face whose centre is nearest to the point, and the point's position in that face's grid at
    /// <paramref name="res"/> (radians in, grid units out). Allocates nothing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int GeoToHex2d(double lat, double lng, int res, out double x, out double y)
    {
        (double sinLat, double cosLat) = Math.SinCos(lat);
        (double sinLng, double cosLng) = Math.SinCos(lng);
        double px = cosLat * cosLng, py = cosLat * sinLng, pz = sinLat;

        var centers = IcosahedronFaces.CenterPoint;
        int face = 0;
        double best = double.MaxValue;
        for (int f = 0; f < IcosahedronFaces.Count; f++)
        {
            double dx = centers[f * 3] - px, dy = centers[f * 3 + 1] - py, dz = centers[f * 3 + 2] - pz;
            double sqd = dx * dx + dy * dy + dz * dz;
            if (sqd < best)
            {
                best = sqd;
                face = f;
            }
        }

        // cos of the angular distance r from the face centre: 1 - chord² / 2.
        double cosR = 1 - best / 2;
        if (cosR >= 1)
        {
            x = 0;
            y = 0;
            return face;
        }
        // tan(r) from cos(r); 1 - cosR is exact here (Sterbenz), so this is as precise as tan(acos(cosR)).
        double tanR = Math.Sqrt((1 - cosR) * (1 + cosR)) / cosR;

        // Azimuth from the face centre to the point, as a unit vector (cos az, sin az).
        var trig = s_centerTrig.AsSpan(face * 4, 4);
        double sinLat1 = trig[0], cosLat1 = trig[1], sinLng1 = trig[2], cosLng1 = trig[3];
        double sinDLng = sinLng * cosLng1 - cosLng * sinLng1;
        double cosDLng = cosLng * cosLng1 + sinLng * sinLng1;
        double ay = cosLat * sinDLng;
        double ax = cosLat1 * sinLat - sinLat1 * cosLat * cosDLng;
        double h = Math.Sqrt(ax * ax + ay * ay);
        double cosAz = ax / h, sinAz = ay / h;

        // Angle counter-clockwise from the grid's i-axis: theta = axis - azimuth.
        int cls = (res & 1) * 2;
        double cosA = s_axisTrig[face * 4 + cls], sinA = s_axisTrig[face * 4 + cls + 1];
        double cosTheta = cosA * cosAz + sinA * sinAz;
        double sinTheta = sinA * cosAz - cosA * sinAz;

        double r = tanR * s_scale[res];
        x = r * cosTheta;
        y = r * sinTheta;
        return face;
    }

    /// <summary>
    /// The unit vector on the sphere at grid position <paramref name="v"/> of <paramref name="face"/> at
    /// <paramref name="res"/>: the inverse gnomonic projection, computed through the face's tangent plane
    /// (centre + u·U + w·V, normalised) rather than with the spherical-trigonometry destination formula.
    /// It is the same mapping, without trigonometry, and better conditioned near the poles (where asin of a
    /// value near 1 loses digits). A substrate grid is three times finer and always Class II oriented (used
    /// for cell vertices).
    /// </summary>
    public static Vec3 Hex2dToPoint(Vec2 v, int face, int res, bool substrate)
    {
        var frame = s_frames.AsSpan(face * 15, 15);
        // Gnomonic distance per grid unit at this resolution.
        double unit = 1 / s_scale[res];
        if (substrate)
        {
            unit /= 3;
            if ((res & 1) == 1) unit /= Sqrt7;
        }
        int cls = (!substrate && (res & 1) == 1) ? 6 : 0;
        double u = v.X * unit, w = v.Y * unit;
        double x = frame[0] + u * frame[3 + cls] + w * frame[6 + cls];
        double y = frame[1] + u * frame[4 + cls] + w * frame[7 + cls];
        double z = frame[2] + u * frame[5 + cls] + w * frame[8 + cls];
        double n = Math.Sqrt(x * x + y * y + z * z);
        return new Vec3(x / n, y / n, z / n);
    }
}

/// <summary>A 3-D vector (on the unit sphere where it names a point).</summary>
internal readonly record struct Vec3(double X, double Y, double Z)
{
    public double Dot(Vec3 o) => X * o.X + Y * o.Y + Z * o.Z;

    /// <summary>Great-circle angle in radians to another unit vector (atan2 form, accurate at all angles).</summary>
    public double AngleTo(Vec3 o)
    {
        double cx = Y * o.Z - Z * o.Y, cy = Z * o.X - X * o.Z, cz = X * o.Y - Y * o.X;
        return Math.Atan2(Math.Sqrt(cx * cx + cy * cy + cz * cz), Dot(o));
    }

    public double LatitudeRadians => Math.Atan2(Z, Math.Sqrt(X * X + Y * Y));

    public double LongitudeRadians => Math.Atan2(Y, X);

    /// <summary>The point in degrees.</summary>
    public LatLng ToLatLng() => new(SphereMath.RadiansToDegrees(LatitudeRadians), SphereMath.RadiansToDegrees(LongitudeRadians));
}

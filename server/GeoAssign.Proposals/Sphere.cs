// Unit vectors and great-circle distances on a sphere of the Earth's mean radius.
namespace GeoAssign.Proposals;

/// <summary>
/// Points as unit vectors, so centres average without trouble at the antimeridian and distances are
/// one dot product and one arccosine. Stateless and thread-safe.
/// </summary>
internal static class Sphere
{
    /// <summary>Mean Earth radius, km.</summary>
    internal const double EarthRadiusKm = 6371.0088;

    internal static (double X, double Y, double Z) ToVector(double lat, double lng)
    {
        var phi = lat * (Math.PI / 180);
        var lambda = lng * (Math.PI / 180);
        var cosPhi = Math.Cos(phi);
        return (cosPhi * Math.Cos(lambda), cosPhi * Math.Sin(lambda), Math.Sin(phi));
    }

    /// <summary>Great-circle distance in km between two unit vectors.</summary>
    internal static double DistanceKm(double ax, double ay, double az, double bx, double by, double bz)
    {
        var dot = (ax * bx) + (ay * by) + (az * bz);
        return EarthRadiusKm * Math.Acos(Math.Clamp(dot, -1, 1));
    }

    /// <summary>Normalises a sum of vectors into a unit vector, or returns false when the sum is (nearly) zero.</summary>
    internal static bool TryNormalise(ref double x, ref double y, ref double z)
    {
        var length = Math.Sqrt((x * x) + (y * y) + (z * z));
        if (length < 1e-12)
        {
            return false;
        }

        x /= length;
        y /= length;
        z /= length;
        return true;
    }
}

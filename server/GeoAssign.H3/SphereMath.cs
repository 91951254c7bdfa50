// Spherical trigonometry on the unit sphere: angle conventions and destination points.
using System.Runtime.CompilerServices;

namespace GeoAssign.H3;

internal static class SphereMath
{
    public const double TwoPi = 2 * Math.PI;

    /// <summary>Below this (radians), a distance or angle is treated as zero.</summary>
    public const double Epsilon = 1e-16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double DegreesToRadians(double degrees) => degrees * Math.PI / 180;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double RadiansToDegrees(double radians) => radians * 180 / Math.PI;

    /// <summary>The angle in [0, 2π).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double PositiveAngle(double radians)
    {
        double a = radians < 0 ? radians + TwoPi : radians;
        if (a >= TwoPi) a -= TwoPi;
        return a;
    }

    /// <summary>The longitude in [-π, π].</summary>
    public static double ConstrainLongitude(double lng)
    {
        while (lng > Math.PI) lng -= TwoPi;
        while (lng < -Math.PI) lng += TwoPi;
        return lng;
    }

    /// <summary>The point at <paramref name="distance"/> radians from (lat1, lng1) along azimuth <paramref name="azimuth"/>.</summary>
    public static (double Lat, double Lng) Destination(double lat1, double lng1, double azimuth, double distance)
    {
        if (distance < Epsilon) return (lat1, lng1);

        double az = PositiveAngle(azimuth);
        double lat, lng;
        if (az < Epsilon || Math.Abs(az - Math.PI) < Epsilon)
        {
            // Due north or south: only the latitude changes.
            lat = az < Epsilon ? lat1 + distance : lat1 - distance;
            if (Math.Abs(lat - Math.PI / 2) < Epsilon) return (Math.PI / 2, 0);
            if (Math.Abs(lat + Math.PI / 2) < Epsilon) return (-Math.PI / 2, 0);
            return (lat, ConstrainLongitude(lng1));
        }

        (double sinLat1, double cosLat1) = Math.SinCos(lat1);
        (double sinD, double cosD) = Math.SinCos(distance);
        double sinLat = Math.Clamp(sinLat1 * cosD + cosLat1 * sinD * Math.Cos(az), -1, 1);
        lat = Math.Asin(sinLat);
        if (Math.Abs(lat - Math.PI / 2) < Epsilon) return (Math.PI / 2, 0);
        if (Math.Abs(lat + Math.PI / 2) < Epsilon) return (-Math.PI / 2, 0);

        double cosLat = Math.Cos(lat);
        double sinDLng = Math.Clamp(Math.Sin(az) * sinD / cosLat, -1, 1);
        double cosDLng = Math.Clamp((cosD - sinLat1 * Math.Sin(lat)) / cosLat1 / cosLat, -1, 1);
        lng = ConstrainLongitude(lng1 + Math.Atan2(sinDLng, cosDLng));
        return (lat, lng);
    }
}

// Spherical trigonometry on the unit sphere: unit conversions and angle conventions.
using System.Runtime.CompilerServices;

namespace GeoAssign.H3;

internal static class SphereMath
{
    public const double TwoPi = 2 * Math.PI;

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
}

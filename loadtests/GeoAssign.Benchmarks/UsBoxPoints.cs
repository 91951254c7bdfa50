using GeoAssign.H3;

namespace GeoAssign.Benchmarks;

/// <summary>
/// The benchmark points: uniform in the continental US box, from a fixed seed.
/// loadtests/h3js-bench/points.mjs generates the same doubles bit for bit, so GeoAssign.H3 and
/// h3-js are measured on the same inputs; <see cref="Fingerprint"/> lets a script check that.
/// </summary>
internal static class UsBoxPoints
{
    public const double LatMin = 24.5;
    public const double LatMax = 49.5;
    public const double LngMin = -125.0;
    public const double LngMax = -66.9;
    public const int Count = 4096;
    public const uint Seed = 20240917;

    /// <summary>Returns <paramref name="count"/> points in degrees, latitude drawn before longitude.</summary>
    public static LatLng[] Generate(int count = Count, uint seed = Seed)
    {
        var state = seed;
        var points = new LatLng[count];
        for (var i = 0; i < points.Length; i++)
        {
            var lat = LatMin + (NextUnit(ref state) * (LatMax - LatMin));
            var lng = LngMin + (NextUnit(ref state) * (LngMax - LngMin));
            points[i] = new LatLng(lat, lng);
        }

        return points;
    }

    /// <summary>FNV-1a (64-bit) over the little-endian IEEE-754 bytes of lat0, lng0, lat1, lng1, …</summary>
    public static string Fingerprint(ReadOnlySpan<LatLng> points)
    {
        var hash = 0xcbf29ce484222325UL;
        foreach (var point in points)
        {
            hash = Mix(hash, point.Lat);
            hash = Mix(hash, point.Lng);
        }

        return hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

        static ulong Mix(ulong hash, double value)
        {
            var bits = BitConverter.DoubleToUInt64Bits(value);
            for (var b = 0; b < 8; b++)
            {
                hash = (hash ^ ((bits >> (8 * b)) & 0xff)) * 0x100000001b3UL;
            }

            return hash;
        }
    }

    /// <summary>
    /// Mulberry32, a 32-bit PRNG simple enough to write identically in C# and JavaScript
    /// (uint arithmetic wraps exactly like Math.imul and <c>&gt;&gt;&gt; 0</c>). Returns [0, 1).
    /// </summary>
    private static double NextUnit(ref uint state)
    {
        unchecked
        {
            state += 0x6d2b79f5;
            var t = state;
            t = (t ^ (t >> 15)) * (t | 1);
            t ^= t + ((t ^ (t >> 7)) * (t | 61));
            return (t ^ (t >> 14)) / 4294967296.0;
        }
    }
}

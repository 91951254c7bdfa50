// Integer hexagon coordinates on three axes 120° apart (IJK), and the aperture-7 and aperture-3 grid steps.
using System.Runtime.CompilerServices;

namespace GeoAssign.H3;

/// <summary>
/// A cell position in a face's hexagonal grid as i, j, k components on axes 120° apart.
/// Normalised form has no negative component and at least one zero. Immutable.
/// </summary>
internal readonly record struct CoordIjk(int I, int J, int K)
{
    /// <summary>sin(60°) = √3 / 2.</summary>
    public const double Sin60 = 0.8660254037844386467637231707529361834714;

    /// <summary>The unit vector of each direction digit 0..6 (center, K, J, JK, I, IK, IJ).</summary>
    public static CoordIjk UnitVector(int digit) => digit switch
    {
        0 => new(0, 0, 0),
        1 => new(0, 0, 1),
        2 => new(0, 1, 0),
        3 => new(0, 1, 1),
        4 => new(1, 0, 0),
        5 => new(1, 0, 1),
        6 => new(1, 1, 0),
        _ => throw new ArgumentOutOfRangeException(nameof(digit)),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static CoordIjk Normalized(int i, int j, int k)
    {
        // Move the negative components onto the other axes (i + j + k along the diagonal is zero), then drop the common part.
        if (i < 0) { j -= i; k -= i; i = 0; }
        if (j < 0) { i -= j; k -= j; j = 0; }
        if (k < 0) { i -= k; j -= k; k = 0; }
        int min = Math.Min(i, Math.Min(j, k));
        return new CoordIjk(i - min, j - min, k - min);
    }

    public CoordIjk Normalize() => Normalized(I, J, K);

    public static CoordIjk operator +(CoordIjk a, CoordIjk b) => new(a.I + b.I, a.J + b.J, a.K + b.K);

    public static CoordIjk operator -(CoordIjk a, CoordIjk b) => new(a.I - b.I, a.J - b.J, a.K - b.K);

    public CoordIjk Scale(int factor) => new(I * factor, J * factor, K * factor);

    /// <summary>The direction digit of a normalised unit vector, or 7 when this is not one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ToDigit()
    {
        var n = Normalize();
        if ((uint)n.I > 1 || (uint)n.J > 1 || (uint)n.K > 1) return 7;
        int digit = (n.I << 2) | (n.J << 1) | n.K; // The digit numbering is exactly the i, j, k bit pattern.
        return digit == 7 ? 7 : digit;
    }

    /// <summary>Rotated 60° counter-clockwise: i → i+j, j → j+k, k → k+i.</summary>
    public CoordIjk Rotate60Ccw() => Normalized(I + K, I + J, J + K);

    /// <summary>Rotated 60° clockwise.</summary>
    public CoordIjk Rotate60Cw() => Normalized(I + J, J + K, I + K);

    /// <summary>The neighbouring cell in direction <paramref name="digit"/>.</summary>
    public CoordIjk Neighbor(int digit) => digit == 0 ? this : (this + UnitVector(digit)).Normalize();

    /// <summary>Centre of this cell in the next finer, counter-clockwise rotated (Class III) grid.</summary>
    public CoordIjk DownAperture7() => Normalized(3 * I + J, 3 * J + K, I + 3 * K);

    /// <summary>Centre of this cell in the next finer, clockwise rotated (Class II) grid.</summary>
    public CoordIjk DownAperture7Clockwise() => Normalized(3 * I + K, I + 3 * J, J + 3 * K);

    /// <summary>The parent cell (inverse of <see cref="DownAperture7"/>) that contains this cell.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public CoordIjk UpAperture7()
    {
        int i = I - K, j = J - K;
        return Normalized(RoundDiv7(3 * i - j), RoundDiv7(i + 2 * j), 0);
    }

    /// <summary>The parent cell (inverse of <see cref="DownAperture7Clockwise"/>) that contains this cell.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public CoordIjk UpAperture7Clockwise()
    {
        int i = I - K, j = J - K;
        return Normalized(RoundDiv7(2 * i + j), RoundDiv7(3 * j - i), 0);
    }

    /// <summary>The same point in a grid three times finer, counter-clockwise rotated (aperture 3).</summary>
    public CoordIjk DownAperture3() => Normalized(2 * I + J, 2 * J + K, I + 2 * K);

    /// <summary>The same point in a grid three times finer, clockwise rotated (aperture 3).</summary>
    public CoordIjk DownAperture3Clockwise() => Normalized(2 * I + K, I + 2 * J, J + 2 * K);

    /// <summary>n / 7 rounded to the nearest integer; n / 7 is never half-way between two integers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int RoundDiv7(int n)
    {
        // floor((2n + 7) / 14) for any sign of n.
        int m = 2 * n + 7;
        int q = m / 14;
        return (m % 14 != 0 && m < 0) ? q - 1 : q;
    }

    /// <summary>The centre of this cell in the face's 2-D plane, in units of the cell spacing.</summary>
    public Vec2 ToHex2d()
    {
        int i = I - K, j = J - K;
        return new Vec2(i - 0.5 * j, j * Sin60);
    }

    /// <summary>The cell whose centre is nearest to the 2-D point (x, y), in units of the cell spacing.</summary>
    public static CoordIjk FromHex2d(double x, double y)
    {
        NearestAxial(x, y, out int i, out int j);
        return Normalized(i, j, 0);
    }

    /// <summary>The nearest cell centre to (x, y) in axial form (i − k, j − k).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void NearestAxial(double x, double y, out int i, out int j)
    {
        // Axial coordinates on the i (0°) and j (120°) axes, then cube rounding on q = i - j (0°),
        // r = j (60°) and s = -i: round all three and recompute the one that moved most, which yields
        // the hexagon whose centre is nearest.
        double fj = y / Sin60;
        double fi = x + 0.5 * fj;
        double fq = fi - fj, fr = fj, fs = -fi;
        double rq = Math.Round(fq), rr = Math.Round(fr), rs = Math.Round(fs);
        double dq = Math.Abs(rq - fq), dr = Math.Abs(rr - fr), ds = Math.Abs(rs - fs);
        if (dq > dr && dq > ds)
        {
            rq = -rr - rs;
        }
        else if (dr > ds)
        {
            rr = -rq - rs;
        }
        else
        {
            rs = -rq - rr;
        }
        i = (int)-rs;
        j = (int)rr;
    }
}

/// <summary>A point in a face's 2-D plane.</summary>
internal readonly record struct Vec2(double X, double Y)
{
    public double Magnitude => Math.Sqrt(X * X + Y * Y);

    /// <summary>Intersection of the line through a0, a1 with the line through b0, b1.</summary>
    public static Vec2 Intersect(Vec2 a0, Vec2 a1, Vec2 b0, Vec2 b1)
    {
        double s1x = a1.X - a0.X, s1y = a1.Y - a0.Y;
        double s2x = b1.X - b0.X, s2y = b1.Y - b0.Y;
        double t = (s2x * (a0.Y - b0.Y) - s2y * (a0.X - b0.X)) / (-s2x * s1y + s1x * s2y);
        return new Vec2(a0.X + t * s1x, a0.Y + t * s1y);
    }

    /// <summary>Equal within single-precision epsilon: the tolerance for "an intersection at a vertex".</summary>
    public bool AlmostEquals(Vec2 other) =>
        Math.Abs(X - other.X) < SingleEpsilon && Math.Abs(Y - other.Y) < SingleEpsilon;

    /// <summary>The spacing of single-precision numbers at 1 (FLT_EPSILON).</summary>
    private const double SingleEpsilon = 1.1920928955078125e-7;
}

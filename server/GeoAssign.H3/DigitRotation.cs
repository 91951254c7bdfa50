// Rotating every digit of an index by 60°, including the pentagon rule that skips the deleted K sub-sequence.
using System.Runtime.CompilerServices;

namespace GeoAssign.H3;

internal static class DigitRotation
{
    /// <summary>Digit after a 60° counter-clockwise rotation: K→IK→I→IJ→J→JK→K; 0 and 7 stay.</summary>
    public static ReadOnlySpan<byte> Ccw => [0, 5, 3, 1, 6, 4, 2, 7];

    /// <summary>Digit after a 60° clockwise rotation.</summary>
    public static ReadOnlySpan<byte> Cw => [0, 3, 6, 2, 5, 1, 4, 7];

    /// <summary>Every digit of the index rotated 60° counter-clockwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Rotate60Ccw(ulong h) => RotateDigits(h, Ccw);

    /// <summary>Every digit of the index rotated 60° clockwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Rotate60Cw(ulong h) => RotateDigits(h, Cw);

    private static ulong RotateDigits(ulong h, ReadOnlySpan<byte> map)
    {
        int res = H3Index.ResolutionOf(h);
        for (int r = 1; r <= res; r++)
        {
            int shift = (15 - r) * 3;
            int digit = (int)((h >> shift) & 7);
            h = (h & ~(7UL << shift)) | ((ulong)map[digit] << shift);
        }
        return h;
    }

    /// <summary>
    /// A pentagon's index rotated 60° counter-clockwise; when the leading digit lands on the deleted
    /// K sub-sequence, it rotates once more.
    /// </summary>
    public static ulong RotatePentagon60Ccw(ulong h)
    {
        h = Rotate60Ccw(h);
        if (H3Index.LeadingNonZeroDigit(h) == 1) h = Rotate60Ccw(h);
        return h;
    }

    /// <summary>A pentagon's index rotated 60° clockwise, skipping the deleted K sub-sequence.</summary>
    public static ulong RotatePentagon60Cw(ulong h)
    {
        h = Rotate60Cw(h);
        if (H3Index.LeadingNonZeroDigit(h) == 1) h = Rotate60Cw(h);
        return h;
    }
}

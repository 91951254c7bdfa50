// The 64-bit H3 cell index: bit layout, digit access, text form.
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace GeoAssign.H3;

/// <summary>
/// An H3 index: 64 bits holding the mode (1 for a cell), the resolution 0..15, the base cell
/// 0..121 and one 3-bit digit per resolution (7 where unused). Its text form is lower-case hex,
/// as in every H3 binding. Immutable and thread-safe.
/// </summary>
public readonly struct H3Index : IEquatable<H3Index>, IComparable<H3Index>, ISpanFormattable, ISpanParsable<H3Index>
{
    internal const int ModeOffset = 59;
    internal const int ResolutionOffset = 52;
    internal const int BaseCellOffset = 45;
    internal const ulong ResolutionMask = 0xFUL << ResolutionOffset;
    internal const ulong BaseCellMask = 0x7FUL << BaseCellOffset;
    internal const ulong DigitsMask = (1UL << 45) - 1;
    internal const ulong CellMode = 1;

    /// <summary>A resolution-0 cell header with every digit unused (7): mode 1, base cell 0.</summary>
    internal const ulong CellTemplate = (CellMode << ModeOffset) | DigitsMask;

    /// <summary>Creates an index from its 64-bit value; nothing is validated (see <see cref="H3.IsValidCell"/>).</summary>
    public H3Index(ulong value) => Value = value;

    /// <summary>The 64-bit value.</summary>
    public ulong Value { get; }

    /// <summary>The null index (0), which is never a valid cell.</summary>
    public static H3Index Null => default;

    /// <summary>The resolution 0..15 encoded in the index.</summary>
    public int Resolution => (int)((Value >> ResolutionOffset) & 0xF);

    /// <summary>The base cell 0..127 encoded in the index (valid cells have 0..121).</summary>
    public int BaseCell => (int)((Value >> BaseCellOffset) & 0x7F);

    /// <summary>The index mode (1 for a cell).</summary>
    public int Mode => (int)((Value >> ModeOffset) & 0xF);

    /// <summary>The digit 0..7 at resolution <paramref name="res"/> (1..15).</summary>
    public int GetDigit(int res)
    {
        if ((uint)(res - 1) > 14) throw new ArgumentOutOfRangeException(nameof(res), res, "A digit's resolution is 1..15.");
        return Digit(Value, res);
    }

    /// <summary>Whether this is a valid H3 cell.</summary>
    public bool IsValidCell => H3.IsValidCell(this);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Digit(ulong h, int res) => (int)((h >> ((15 - res) * 3)) & 7);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong WithDigit(ulong h, int res, int digit)
    {
        int shift = (15 - res) * 3;
        return (h & ~(7UL << shift)) | ((ulong)digit << shift);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong WithResolution(ulong h, int res) => (h & ~ResolutionMask) | ((ulong)res << ResolutionOffset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong WithBaseCell(ulong h, int baseCell) => (h & ~BaseCellMask) | ((ulong)baseCell << BaseCellOffset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int ResolutionOf(ulong h) => (int)((h >> ResolutionOffset) & 0xF);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int BaseCellOf(ulong h) => (int)((h >> BaseCellOffset) & 0x7F);

    /// <summary>The first non-zero digit, or 0 when every digit up to the resolution is 0 (a center child all the way down).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int LeadingNonZeroDigit(ulong h)
    {
        int res = ResolutionOf(h);
        if (res == 0) return 0;
        // The used digits sit at the top of the 45-bit digit field; 7s never appear inside the resolution of a valid cell.
        ulong used = (h & DigitsMask) >> ((15 - res) * 3);
        if (used == 0) return 0;
        int highestBit = 63 - System.Numerics.BitOperations.LeadingZeroCount(used);
        int digitFromBottom = highestBit / 3;
        return (int)((used >> (digitFromBottom * 3)) & 7);
    }

    /// <inheritdoc />
    public bool Equals(H3Index other) => Value == other.Value;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is H3Index other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Value.GetHashCode();

    /// <inheritdoc />
    public int CompareTo(H3Index other) => Value.CompareTo(other.Value);

    public static bool operator ==(H3Index left, H3Index right) => left.Value == right.Value;

    public static bool operator !=(H3Index left, H3Index right) => left.Value != right.Value;

    public static bool operator <(H3Index left, H3Index right) => left.Value < right.Value;

    public static bool operator >(H3Index left, H3Index right) => left.Value > right.Value;

    public static bool operator <=(H3Index left, H3Index right) => left.Value <= right.Value;

    public static bool operator >=(H3Index left, H3Index right) => left.Value >= right.Value;

    public static explicit operator ulong(H3Index cell) => cell.Value;

    public static explicit operator H3Index(ulong value) => new(value);

    /// <summary>Lower-case hexadecimal without leading zeros, e.g. <c>8928308280fffff</c>.</summary>
    public override string ToString() => Value.ToString("x", CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc />
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        Value.TryFormat(destination, out charsWritten, "x", CultureInfo.InvariantCulture);

    /// <summary>Parses the hexadecimal text form (either case, no prefix).</summary>
    /// <exception cref="FormatException">The text is not 1 to 16 hexadecimal digits.</exception>
    public static H3Index Parse(string s) => Parse(s.AsSpan(), null);

    /// <inheritdoc />
    public static H3Index Parse(string s, IFormatProvider? provider) => Parse(s.AsSpan(), provider);

    /// <inheritdoc />
    public static H3Index Parse(ReadOnlySpan<char> s, IFormatProvider? provider) =>
        TryParse(s, out var cell) ? cell : throw new FormatException($"'{s.ToString()}' is not an H3 index: expected 1 to 16 hexadecimal digits such as 8928308280fffff.");

    /// <summary>Parses the hexadecimal text form; false when it is not 1 to 16 hexadecimal digits.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, out H3Index cell)
    {
        if (s.Length is > 0 and <= 16 && ulong.TryParse(s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            cell = new H3Index(value);
            return true;
        }
        cell = default;
        return false;
    }

    /// <inheritdoc />
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out H3Index result) => TryParse(s.AsSpan(), out result);

    /// <inheritdoc />
    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out H3Index result) => TryParse(s, out result);
}

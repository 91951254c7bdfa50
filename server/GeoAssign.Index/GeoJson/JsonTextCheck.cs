// Finds text JSON cannot carry: bytes that are not UTF-8, and \u escapes of unpaired UTF-16 surrogates.
using System.Buffers;
using System.Globalization;
using System.Text;

namespace GeoAssign.Index.GeoJson;

/// <summary>
/// Utf8JsonReader checks JSON syntax but not the text inside strings: it passes bytes that are not
/// UTF-8 and escapes such as <c>\ud800</c> that name half a character, and reading such a string
/// later throws (or silently becomes U+FFFD). This finds them first, so that they become problems.
/// Stateless and thread-safe.
/// </summary>
internal static class JsonTextCheck
{
    // Outside strings the reader already refuses anything but ASCII; inside them only a backslash
    // (an escape) or a byte of a multi-byte sequence needs a closer look.
    private static readonly SearchValues<byte> NeedsALook = SearchValues.Create(
        [(byte)'\\', .. Enumerable.Range(0x80, 0x80).Select(static b => (byte)b)]);

    private const string EncodingFix = "save the file as UTF-8, which JSON requires (RFC 8259 §8.1)";

    private const string EscapeFix =
        "escape a character beyond U+FFFF as a pair, e.g. \\ud83d\\ude00 for U+1F600, or write it as UTF-8";

    /// <summary>
    /// The offset of the first invalid text in <paramref name="json"/>, or -1. The span must be JSON
    /// the reader accepted, starting at a token boundary (never inside a string or an escape).
    /// </summary>
    /// <param name="json">Complete tokens.</param>
    /// <param name="what">What is wrong there, e.g. <c>the byte FF, which is not UTF-8</c>.</param>
    /// <param name="fix">How to fix it.</param>
    public static int FindInvalid(ReadOnlySpan<byte> json, out string what, out string fix)
    {
        var i = 0;
        while (true)
        {
            var next = json[i..].IndexOfAny(NeedsALook);
            if (next < 0)
            {
                what = fix = "";
                return -1;
            }

            i += next;
            if (json[i] == '\\')
            {
                if (i + 1 >= json.Length || json[i + 1] != 'u')
                {
                    i += 2;
                    continue;
                }

                var unit = Hex4(json, i + 2);
                if (char.IsHighSurrogate((char)unit))
                {
                    // A pair is two escapes in a row: \ud83d\ude00.
                    if (i + 12 <= json.Length && json[i + 6] == '\\' && json[i + 7] == 'u' && char.IsLowSurrogate((char)Hex4(json, i + 8)))
                    {
                        i += 12;
                        continue;
                    }

                    what = $"the escape \\u{unit:x4}, half of a UTF-16 surrogate pair without its other half";
                    fix = EscapeFix;
                    return i;
                }

                if (char.IsLowSurrogate((char)unit))
                {
                    what = $"the escape \\u{unit:x4}, half of a UTF-16 surrogate pair without its other half";
                    fix = EscapeFix;
                    return i;
                }

                i += 6;
                continue;
            }

            var status = Rune.DecodeFromUtf8(json[i..], out _, out var consumed);
            if (status != OperationStatus.Done)
            {
                what = DescribeBytes(json, i, consumed);
                fix = EncodingFix;
                return i;
            }

            i += consumed;
        }
    }

    // The reader has checked that four hex digits follow \u.
    private static int Hex4(ReadOnlySpan<byte> json, int at)
    {
        var unit = 0;
        for (var k = at; k < at + 4 && k < json.Length; k++)
        {
            unit = (unit << 4) | HexDigit(json[k]);
        }

        return unit;
    }

    private static int HexDigit(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => 0,
    };

    private static string DescribeBytes(ReadOnlySpan<byte> json, int at, int consumed)
    {
        // ED A0..BF is how CESU-8 and WTF-8 (and a UTF-16 string with a lone surrogate) spell half a pair.
        if (json[at] == 0xED && at + 2 < json.Length && json[at + 1] >= 0xA0 && json[at + 1] <= 0xBF)
        {
            return $"the bytes {Hex(json.Slice(at, 3))}, a UTF-16 surrogate written as UTF-8, which is not a character";
        }

        return $"the {(consumed > 1 ? "bytes" : "byte")} {Hex(json.Slice(at, Math.Max(consumed, 1)))}, which {(consumed > 1 ? "are" : "is")} not UTF-8";
    }

    private static string Hex(ReadOnlySpan<byte> bytes) =>
        string.Join(' ', bytes.ToArray().Select(static b => b.ToString("X2", CultureInfo.InvariantCulture)));
}

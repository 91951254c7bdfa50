// The frame of every record in the change log and in snapshots: length, checksum, payload.
using System.Buffers.Binary;

namespace GeoAssign.Replication.Embedded;

/// <summary>
/// Frames a payload as <c>[uint32 length][uint32 CRC-32C][payload]</c>, little-endian, the CRC
/// covering the length bytes and the payload, so that a torn or damaged record is recognised
/// rather than half applied. Stateless and thread-safe.
/// </summary>
internal static class RecordFrame
{
    /// <summary>Bytes before the payload.</summary>
    public const int HeaderBytes = 8;

    /// <summary>Largest payload accepted (a change of 10,000 territories of 1,000,000 vertices is far below it).</summary>
    public const int MaxPayloadBytes = 1 << 30;

    /// <summary>Writes the frame header for <paramref name="payload"/> into <paramref name="header"/> (8 bytes).</summary>
    public static void WriteHeader(Span<byte> header, ReadOnlySpan<byte> payload)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)payload.Length);
        var crc = Crc32C.Append(Crc32C.Compute(header[..4]), payload);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], crc);
    }

    /// <summary>The payload length the header announces, or -1 when it is out of range.</summary>
    public static int ReadLength(ReadOnlySpan<byte> header)
    {
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        return length is 0 or > MaxPayloadBytes ? -1 : (int)length;
    }

    /// <summary>Whether the payload matches the checksum of the header.</summary>
    public static bool Verify(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload)
    {
        var expected = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        return Crc32C.Append(Crc32C.Compute(header[..4]), payload) == expected;
    }
}

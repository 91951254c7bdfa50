// CRC-32C (Castagnoli) of a byte span, as the change log and snapshots frame their records with.
using System.Buffers.Binary;
using System.Numerics;

namespace GeoAssign.Replication.Embedded;

/// <summary>
/// CRC-32C (Castagnoli polynomial, reflected, initial and final value 0xFFFFFFFF: the checksum of
/// iSCSI, ext4 and LevelDB). <see cref="BitOperations.Crc32C(uint, ulong)"/> uses the processor's
/// CRC32 instruction where there is one and a table otherwise. Stateless and thread-safe.
/// </summary>
internal static class Crc32C
{
    /// <summary>The checksum of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>The checksum of the bytes summed so far (<paramref name="crc"/>) followed by <paramref name="data"/>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var state = ~crc;
        while (data.Length >= sizeof(ulong))
        {
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }

        foreach (var b in data)
        {
            state = BitOperations.Crc32C(state, b);
        }

        return ~state;
    }
}

// A snapshot: every territory of the map at one version, written whole or not at all.
using System.Buffers.Binary;
using System.Globalization;
using GeoAssign.Index.Model;

namespace GeoAssign.Replication.Embedded;

/// <summary>
/// A snapshot file <c>snapshot-{version:D20}.snap</c>: a 16-byte header (<c>GEOASNP1</c> and the
/// version), one <see cref="RecordFrame"/> per territory, and a last frame holding the territory
/// count. It is written to a <c>.tmp</c> file, fsynced, renamed into place and the folder fsynced,
/// so a snapshot file is either complete or absent; the checksums catch later damage.
/// </summary>
internal static class SnapshotFile
{
    private const string Prefix = "snapshot-";
    private const string Extension = ".snap";
    private const int HeaderBytes = 16;
    private static ReadOnlySpan<byte> Magic => "GEOASNP1"u8;
    private static ReadOnlySpan<byte> TrailerMagic => "END!"u8;

    public static string FileName(long version) =>
        Prefix + version.ToString("D20", CultureInfo.InvariantCulture) + Extension;

    public static bool TryParseFileName(string fileName, out long version)
    {
        version = 0;
        return fileName.StartsWith(Prefix, StringComparison.Ordinal)
            && fileName.EndsWith(Extension, StringComparison.Ordinal)
            && long.TryParse(fileName.AsSpan(Prefix.Length, fileName.Length - Prefix.Length - Extension.Length),
                NumberStyles.None, CultureInfo.InvariantCulture, out version);
    }

    /// <summary>Writes the snapshot durably and atomically; returns its path.</summary>
    public static string Write(string directory, long version, IEnumerable<Territory> territories, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, FileName(version));
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None))
        {
            var buffered = new BufferedStream(file, 1 << 20);
            {
                Span<byte> header = stackalloc byte[HeaderBytes];
                Magic.CopyTo(header);
                BinaryPrimitives.WriteInt64LittleEndian(header[8..], version);
                buffered.Write(header);
                var count = 0;
                Span<byte> frame = stackalloc byte[RecordFrame.HeaderBytes];
                foreach (var territory in territories)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var payload = TerritoryCodec.EncodeTerritory(territory);
                    RecordFrame.WriteHeader(frame, payload);
                    buffered.Write(frame);
                    buffered.Write(payload);
                    count++;
                }

                var trailer = new byte[8];
                TrailerMagic.CopyTo(trailer);
                BinaryPrimitives.WriteInt32LittleEndian(trailer.AsSpan(4), count);
                RecordFrame.WriteHeader(frame, trailer);
                buffered.Write(frame);
                buffered.Write(trailer);
                buffered.Flush();
            }

            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        DirectorySync.Flush(directory);
        return path;
    }

    /// <summary>Reads a snapshot; throws <see cref="InvalidDataException"/> naming what is wrong when it is damaged.</summary>
    public static List<Territory> Read(string path, long version)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < HeaderBytes || !bytes.AsSpan(0, 8).SequenceEqual(Magic)
            || BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8)) != version)
        {
            throw new InvalidDataException($"the header is damaged (expected GEOASNP1 and version {version})");
        }

        var territories = new List<Territory>();
        var offset = HeaderBytes;
        while (true)
        {
            if (bytes.Length - offset < RecordFrame.HeaderBytes)
            {
                throw new InvalidDataException($"the file ends at offset {offset} before its trailer");
            }

            var header = bytes.AsSpan(offset, RecordFrame.HeaderBytes);
            var length = RecordFrame.ReadLength(header);
            if (length < 0 || length > bytes.Length - offset - RecordFrame.HeaderBytes)
            {
                throw new InvalidDataException($"the record at offset {offset} has an impossible length");
            }

            var payload = bytes.AsSpan(offset + RecordFrame.HeaderBytes, length);
            if (!RecordFrame.Verify(header, payload))
            {
                throw new InvalidDataException($"the record at offset {offset} does not match its checksum");
            }

            offset += RecordFrame.HeaderBytes + length;
            if (length == 8 && payload[..4].SequenceEqual(TrailerMagic))
            {
                var count = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]);
                if (count != territories.Count || offset != bytes.Length)
                {
                    throw new InvalidDataException($"the trailer counts {count} territories but the file holds {territories.Count}");
                }

                return territories;
            }

            territories.Add(TerritoryCodec.DecodeTerritory(payload));
        }
    }
}

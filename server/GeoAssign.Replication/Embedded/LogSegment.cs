// One file of the change log: the changes after a base version, each in a checksummed frame.
using System.Buffers.Binary;
using System.Globalization;
using GeoAssign.Index.Model;

namespace GeoAssign.Replication.Embedded;

/// <summary>
/// A change-log segment <c>changes-{base:D20}.log</c>: a 16-byte header (<c>GEOALOG1</c> and the
/// base version) and then the changes <c>base + 1</c>, <c>base + 2</c>, … each as one
/// <see cref="RecordFrame"/>. Static helpers; the store owns the open file.
/// </summary>
internal static class LogSegment
{
    public const int HeaderBytes = 16;
    private const string Prefix = "changes-";
    private const string Extension = ".log";
    private static ReadOnlySpan<byte> Magic => "GEOALOG1"u8;

    public static string FileName(long baseVersion) =>
        Prefix + baseVersion.ToString("D20", CultureInfo.InvariantCulture) + Extension;

    public static bool TryParseFileName(string fileName, out long baseVersion)
    {
        baseVersion = 0;
        return fileName.StartsWith(Prefix, StringComparison.Ordinal)
            && fileName.EndsWith(Extension, StringComparison.Ordinal)
            && long.TryParse(fileName.AsSpan(Prefix.Length, fileName.Length - Prefix.Length - Extension.Length),
                NumberStyles.None, CultureInfo.InvariantCulture, out baseVersion);
    }

    /// <summary>Creates an empty segment, durably (file and folder entry), and returns it open for appending.</summary>
    public static FileStream Create(string directory, long baseVersion)
    {
        var path = Path.Combine(directory, FileName(baseVersion));
        var stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, 1, FileOptions.None);
        Span<byte> header = stackalloc byte[HeaderBytes];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], baseVersion);
        stream.Write(header);
        stream.Flush(flushToDisk: true);
        DirectorySync.Flush(directory);
        return stream;
    }

    /// <summary>Appends one change record and returns the bytes written; not yet flushed.</summary>
    public static int Append(FileStream stream, byte[] payload)
    {
        var frame = new byte[RecordFrame.HeaderBytes + payload.Length];
        RecordFrame.WriteHeader(frame, payload);
        payload.CopyTo(frame.AsSpan(RecordFrame.HeaderBytes));
        stream.Write(frame);
        return frame.Length;
    }

    /// <summary>The result of reading a segment.</summary>
    /// <param name="Changes">The whole, valid changes in order.</param>
    /// <param name="ValidLength">Bytes up to the end of the last valid record.</param>
    /// <param name="FileLength">The file's length.</param>
    /// <param name="TornTail">Why the bytes after <paramref name="ValidLength"/> are not a record, when there are any.</param>
    public sealed record ReadResult(List<MapChange> Changes, long ValidLength, long FileLength, string? TornTail);

    /// <summary>
    /// Reads every whole record. A damaged record is a torn tail when nothing valid can follow it (its
    /// frame runs past the end of the file, or only zeros follow); a damaged record with more data
    /// after it is corruption of acknowledged changes, reported as an error rather than dropped.
    /// </summary>
    /// <exception cref="MapStoreException">The header or a record in the middle is damaged, or versions do not follow each other.</exception>
    public static ReadResult Read(string path, long baseVersion, bool decode = true)
    {
        var bytes = File.ReadAllBytes(path);
        var changes = new List<MapChange>();
        if (bytes.Length < HeaderBytes)
        {
            // Created but the header never reached the disk: an empty segment.
            return new ReadResult(changes, 0, bytes.Length, bytes.Length == 0 ? null : "the header is incomplete");
        }

        if (!bytes.AsSpan(0, 8).SequenceEqual(Magic) || BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8)) != baseVersion)
        {
            throw new MapStoreException($"The change log {path} has a damaged header (expected GEOALOG1 and base version {baseVersion}).");
        }

        long offset = HeaderBytes;
        var expected = baseVersion + 1;
        while (offset < bytes.Length)
        {
            var problem = TryReadRecord(bytes, offset, expected, decode, out var change, out var frameLength);
            if (problem is not null)
            {
                if (!CanBeTornTail(bytes, offset, frameLength))
                {
                    throw new MapStoreException(
                        $"The change log {path} is damaged at offset {offset} ({problem}) and has data after it: acknowledged changes would be lost. "
                        + "Restore the data folder from a backup, or truncate the file at that offset to accept the loss.");
                }

                return new ReadResult(changes, offset, bytes.Length, $"{problem} at offset {offset}");
            }

            if (change is not null)
            {
                changes.Add(change);
            }

            expected++;
            offset += frameLength;
        }

        return new ReadResult(changes, offset, bytes.Length, null);
    }

    // Reads the record at offset; returns what is wrong with it, or null.
    private static string? TryReadRecord(byte[] bytes, long offset, long expectedVersion, bool decode,
        out MapChange? change, out long frameLength)
    {
        change = null;
        frameLength = -1;
        var remaining = bytes.Length - offset;
        if (remaining < RecordFrame.HeaderBytes)
        {
            frameLength = remaining;
            return "an incomplete record header";
        }

        var header = bytes.AsSpan((int)offset, RecordFrame.HeaderBytes);
        var length = RecordFrame.ReadLength(header);
        if (length < 0)
        {
            return "an impossible record length";
        }

        frameLength = RecordFrame.HeaderBytes + (long)length;
        if (frameLength > remaining)
        {
            return $"a record of {length} bytes that the file ends inside";
        }

        var payload = bytes.AsSpan((int)offset + RecordFrame.HeaderBytes, length);
        if (!RecordFrame.Verify(header, payload))
        {
            return "a record whose checksum does not match";
        }

        var version = BinaryPrimitives.ReadInt64LittleEndian(payload[1..]);
        if (version != expectedVersion)
        {
            throw new MapStoreException($"The change log has version {version} where {expectedVersion} was expected, at offset {offset}.");
        }

        if (decode)
        {
            try
            {
                change = TerritoryCodec.DecodeChange(payload);
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException or ArgumentException
                or NetTopologySuite.IO.ParseException or System.Text.Json.JsonException)
            {
                throw new MapStoreException($"The change record for version {version} at offset {offset} cannot be decoded: {e.Message}", e);
            }
        }

        return null;
    }

    // A damaged record is a torn tail when its frame runs to or past the end of the file, or only
    // zeros follow it (a file system may extend a file with zeros before the data reaches it). A
    // record with an impossible length is a tail only when it and everything after it are zeros.
    private static bool CanBeTornTail(byte[] bytes, long offset, long frameLength)
    {
        if (frameLength < 0)
        {
            return bytes.AsSpan((int)offset).IndexOfAnyExcept((byte)0) < 0;
        }

        if (offset + frameLength >= bytes.Length)
        {
            return true;
        }

        return bytes.AsSpan((int)(offset + frameLength)).IndexOfAnyExcept((byte)0) < 0;
    }
}

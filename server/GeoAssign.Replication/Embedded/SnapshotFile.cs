// A snapshot: the live map and every plan at one version, written whole or not at all.
using System.Buffers.Binary;
using System.Globalization;
using GeoAssign.Index.Accounts;
using GeoAssign.Index.Gazetteer;
using GeoAssign.Index.Model;
using GeoAssign.Index.Plans;

namespace GeoAssign.Replication.Embedded;

/// <summary>What a snapshot holds: the live map's territories and version, and every plan with its territories.</summary>
internal sealed record SnapshotContent(long LiveVersion, IReadOnlyList<Territory> Live, IReadOnlyList<StoredPlan> Plans, IReadOnlyList<LiveVersionInfo> History,
    IReadOnlyList<AccountOverride> Overrides, IReadOnlyList<PostalCodeEntry> Gazetteer);

/// <summary>
/// A snapshot file <c>snapshot-{version:D20}.snap</c>: a 16-byte header (<c>GEOASNP2</c> and the
/// version), then <see cref="RecordFrame"/>s that each start with a kind byte — the live map's version,
/// then its territories, then for each plan its description, its territories and the territories it
/// started with, then the live map's history, account overrides and postal codes — and a last frame
/// holding the territory count. It is written to a <c>.tmp</c> file, fsynced, renamed into place and
/// the folder fsynced, so a snapshot file is either complete or absent; the checksums catch later
/// damage. Snapshots of the first format (<c>GEOASNP1</c>: the live map's territories, no kind bytes,
/// version = live version) are still read.
/// </summary>
internal static class SnapshotFile
{
    private const byte LiveRecord = 1;
    private const byte TerritoryRecord = 2;
    private const byte PlanRecord = 3;
    private const byte BaseTerritoryRecord = 4;
    private const byte HistoryRecord = 5;
    private const byte OverrideRecord = 6;
    private const byte PostalCodeRecord = 7;
    private const string Prefix = "snapshot-";
    private const string Extension = ".snap";
    private const int HeaderBytes = 16;
    private static ReadOnlySpan<byte> Magic => "GEOASNP2"u8;
    private static ReadOnlySpan<byte> MagicWithoutPlans => "GEOASNP1"u8;
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

    /// <summary>Writes the snapshot of <paramref name="state"/> durably and atomically; returns its path.</summary>
    public static string Write(string directory, MapState state, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, FileName(state.Position));
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None))
        {
            var buffered = new BufferedStream(file, 1 << 20);
            {
                Span<byte> header = stackalloc byte[HeaderBytes];
                Magic.CopyTo(header);
                BinaryPrimitives.WriteInt64LittleEndian(header[8..], state.Position);
                buffered.Write(header);
                var count = 0;
                var live = new byte[9];
                live[0] = LiveRecord;
                BinaryPrimitives.WriteInt64LittleEndian(live.AsSpan(1), state.Live.Version);
                WriteFrame(buffered, live);
                count += WriteTerritories(buffered, TerritoryRecord, state.Live.Territories.Values.Select(t => t.Territory), cancellationToken);
                foreach (var plan in state.Plans.Values)
                {
                    WriteFrame(buffered, [PlanRecord, .. TerritoryCodec.EncodePlanInfo(plan.Info)]);
                    count += WriteTerritories(buffered, TerritoryRecord, plan.Map.Territories.Values.Select(t => t.Territory), cancellationToken);
                    count += WriteTerritories(buffered, BaseTerritoryRecord, plan.Base.Values, cancellationToken);
                }

                foreach (var entry in state.History)
                {
                    WriteFrame(buffered, [HistoryRecord, .. TerritoryCodec.EncodeLiveVersion(entry)]);
                }

                foreach (var entry in state.Live.Overrides.All())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    WriteFrame(buffered, [OverrideRecord, .. TerritoryCodec.EncodeOverride(entry)]);
                }

                foreach (var entry in state.Live.Gazetteer.All())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    WriteFrame(buffered, [PostalCodeRecord, .. TerritoryCodec.EncodePostalCode(entry)]);
                }

                var trailer = new byte[8];
                TrailerMagic.CopyTo(trailer);
                BinaryPrimitives.WriteInt32LittleEndian(trailer.AsSpan(4), count);
                WriteFrame(buffered, trailer);
                buffered.Flush();
            }

            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        DirectorySync.Flush(directory);
        return path;
    }

    private static int WriteTerritories(Stream stream, byte kind, IEnumerable<Territory> territories, CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var territory in territories.OrderBy(t => t.Id, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            WriteFrame(stream, [kind, .. TerritoryCodec.EncodeTerritory(territory)]);
            count++;
        }

        return count;
    }

    private static void WriteFrame(Stream stream, ReadOnlySpan<byte> payload)
    {
        Span<byte> frame = stackalloc byte[RecordFrame.HeaderBytes];
        RecordFrame.WriteHeader(frame, payload);
        stream.Write(frame);
        stream.Write(payload);
    }

    /// <summary>Reads a snapshot; throws <see cref="InvalidDataException"/> naming what is wrong when it is damaged.</summary>
    public static SnapshotContent Read(string path, long version)
    {
        var bytes = File.ReadAllBytes(path);
        var withPlans = bytes.Length >= HeaderBytes && bytes.AsSpan(0, 8).SequenceEqual(Magic);
        if (bytes.Length < HeaderBytes || !(withPlans || bytes.AsSpan(0, 8).SequenceEqual(MagicWithoutPlans))
            || BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8)) != version)
        {
            throw new InvalidDataException($"the header is damaged (expected GEOASNP2 or GEOASNP1 and version {version})");
        }

        // The first format holds the live map alone, at the snapshot's version, without kind bytes.
        long liveVersion = withPlans ? -1 : version;
        var live = new List<Territory>();
        var plans = new List<StoredPlan>();
        var history = new List<LiveVersionInfo>();
        var overrides = new List<AccountOverride>();
        var gazetteer = new List<PostalCodeEntry>();
        var current = live;
        List<Territory>? currentBase = null;
        var count = 0;
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

            var at = offset;
            offset += RecordFrame.HeaderBytes + length;
            if (length == 8 && payload[..4].SequenceEqual(TrailerMagic))
            {
                var trailerCount = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]);
                if (trailerCount != count || offset != bytes.Length || liveVersion < 0)
                {
                    throw new InvalidDataException($"the trailer counts {trailerCount} territories but the file holds {count}");
                }

                return new SnapshotContent(liveVersion, live, plans, history, overrides, gazetteer);
            }

            if (!withPlans)
            {
                live.Add(TerritoryCodec.DecodeTerritory(payload));
                count++;
                continue;
            }

            switch (payload.IsEmpty ? (byte)0 : payload[0])
            {
                case LiveRecord when payload.Length == 9 && liveVersion < 0:
                    liveVersion = BinaryPrimitives.ReadInt64LittleEndian(payload[1..]);
                    break;
                case TerritoryRecord when liveVersion >= 0:
                    current.Add(TerritoryCodec.DecodeTerritory(payload[1..]));
                    count++;
                    break;
                case PlanRecord when liveVersion >= 0:
                    current = [];
                    currentBase = [];
                    plans.Add(new StoredPlan(TerritoryCodec.DecodePlanInfo(payload[1..]), current, currentBase));
                    break;
                case OverrideRecord when liveVersion >= 0:
                    overrides.Add(TerritoryCodec.DecodeOverride(payload[1..]));
                    break;
                case PostalCodeRecord when liveVersion >= 0:
                    gazetteer.Add(TerritoryCodec.DecodePostalCode(payload[1..]));
                    break;
                case HistoryRecord when liveVersion >= 0:
                    history.Add(TerritoryCodec.DecodeLiveVersion(payload[1..]));
                    break;
                case BaseTerritoryRecord when currentBase is not null:
                    currentBase.Add(TerritoryCodec.DecodeTerritory(payload[1..]));
                    count++;
                    break;
                default:
                    throw new InvalidDataException($"the record at offset {at} is of an unknown kind or out of place");
            }
        }
    }
}

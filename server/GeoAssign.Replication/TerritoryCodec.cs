// The binary form of territories and changes, shared by every store (log, snapshots, Redis).
using System.Text;
using GeoAssign.Index.Accounts;
using GeoAssign.Index.Gazetteer;
using GeoAssign.Index.Model;
using GeoAssign.Index.Plans;
using NetTopologySuite;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Implementation;
using NetTopologySuite.IO;

namespace GeoAssign.Replication;

/// <summary>
/// Encodes territories and changes compactly and exactly: strings as length-prefixed UTF-8, the
/// attributes as their JSON text, the geometry as little-endian 2D WKB (IEEE doubles, so every
/// coordinate and the ring order come back bit for bit). A decoded territory equals the encoded one.
/// The embedded store's change log and snapshots and the Redis store's hash, stream and messages
/// all use it, so a change reads the same wherever it was kept.
/// </summary>
/// <remarks>
/// Layout of a change: <c>[byte format = 2][int64 version][bool has plan][string plan?][operation]
/// [int64 info time, UTC ticks][string author][string message][7-bit count][territory]…[7-bit count][string id]…
/// [bool has replaced][7-bit count][replaced territory]…[bool clear overrides][7-bit count][override]…
/// [7-bit count][string account id]…[bool has replaced overrides][7-bit count][override]…</c>, then, only
/// when the change touches postal codes, <c>[7-bit count][string cleared country]…[7-bit count][postal code]…
/// [bool has replaced codes][7-bit count][postal code]…</c> (a record that ends before it has none),
/// where the operation is <c>[byte kind, 0 for none]</c> followed by its fields (Create: int64 base version,
/// bool copy live; Schedule: int64 instant in UTC ticks, bool rebase, bool force; Activate: string plan,
/// int64 plan version). Format 1 (no plan, operation or info) is still read.
/// Layout of a territory: <c>[string id][string name][string owner][string layer][int32 priority]
/// [bool has parent][string parent?][string attributes JSON, empty for none][7-bit WKB length][WKB]</c>.
/// Thread-safe: every call uses its own readers and writers.
/// </remarks>
public static class TerritoryCodec
{
    // Format 1 had neither plan, operation nor info; it is still read, so that old logs replay.
    private const byte ChangeFormatWithoutPlans = 1;
    private const byte ChangeFormat = 2;
    private const byte PlanInfoFormat = 1;
    private const byte LiveVersionFormat = 1;

    // The geometry factory of the GeoJSON import: WGS84, floating precision, packed double coordinates.
    private static readonly NtsGeometryServices Services = new(
        PackedCoordinateSequenceFactory.DoubleFactory, PrecisionModel.Floating.Value, 4326);

    /// <summary>Encodes a change: its version, the territories it upserts and the ids it deletes.</summary>
    public static byte[] EncodeChange(MapChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(ChangeFormat);
            writer.Write(change.Version);
            writer.Write(change.Plan is not null);
            if (change.Plan is not null)
            {
                writer.Write(change.Plan);
            }

            WriteOperation(writer, change.Operation);
            writer.Write(change.Info.Time.UtcTicks);
            writer.Write(change.Info.Author);
            writer.Write(change.Info.Message);
            writer.Write7BitEncodedInt(change.Upserts.Count);
            var wkb = CreateWkbWriter();
            foreach (var territory in change.Upserts)
            {
                WriteTerritory(writer, territory, wkb);
            }

            writer.Write7BitEncodedInt(change.Deletes.Count);
            foreach (var id in change.Deletes)
            {
                writer.Write(id);
            }

            writer.Write(change.Replaced is not null);
            if (change.Replaced is not null)
            {
                writer.Write7BitEncodedInt(change.Replaced.Count);
                foreach (var territory in change.Replaced)
                {
                    WriteTerritory(writer, territory, wkb);
                }
            }

            writer.Write(change.ClearOverrides);
            WriteOverrides(writer, change.OverrideUpserts);
            writer.Write7BitEncodedInt(change.OverrideDeletes.Count);
            foreach (var id in change.OverrideDeletes)
            {
                writer.Write(id);
            }

            writer.Write(change.ReplacedOverrides is not null);
            if (change.ReplacedOverrides is not null)
            {
                WriteOverrides(writer, change.ReplacedOverrides);
            }

            // Optional, so that records written before the gazetteer read unchanged.
            if (change.HasGazetteer)
            {
                writer.Write7BitEncodedInt(change.GazetteerClearCountries.Count);
                foreach (var country in change.GazetteerClearCountries)
                {
                    writer.Write(country);
                }

                WritePostalCodes(writer, change.GazetteerUpserts);
                writer.Write(change.ReplacedGazetteer is not null);
                if (change.ReplacedGazetteer is not null)
                {
                    WritePostalCodes(writer, change.ReplacedGazetteer);
                }
            }
        }

        return stream.ToArray();
    }

    /// <summary>Decodes what <see cref="EncodeChange"/> wrote.</summary>
    /// <exception cref="InvalidDataException">An unknown format, a negative count, or bytes after the end.</exception>
    /// <exception cref="EndOfStreamException">The payload ends early.</exception>
    /// <exception cref="ArgumentException">A territory's attributes or geometry are malformed (also <see cref="ParseException"/> or <see cref="System.Text.Json.JsonException"/>).</exception>
    public static MapChange DecodeChange(ReadOnlySpan<byte> payload)
    {
        using var stream = new MemoryStream(payload.ToArray(), writable: false);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        var format = reader.ReadByte();
        if (format is not (ChangeFormat or ChangeFormatWithoutPlans))
        {
            throw new InvalidDataException($"unknown change record format {format}");
        }

        var version = reader.ReadInt64();
        string? plan = null;
        PlanOperation? operation = null;
        var info = ChangeInfo.None;
        if (format == ChangeFormat)
        {
            plan = reader.ReadBoolean() ? reader.ReadString() : null;
            operation = ReadOperation(reader);
            info = new ChangeInfo(new DateTimeOffset(ReadTicks(reader), TimeSpan.Zero), reader.ReadString(), reader.ReadString());
        }

        var upserts = new Territory[ReadCount(reader)];
        var wkb = new WKBReader(Services);
        for (var i = 0; i < upserts.Length; i++)
        {
            upserts[i] = ReadTerritory(reader, wkb);
        }

        var deletes = new string[ReadCount(reader)];
        for (var i = 0; i < deletes.Length; i++)
        {
            deletes[i] = reader.ReadString();
        }

        Territory[]? replaced = null;
        var clearOverrides = false;
        AccountOverride[] overrideUpserts = [];
        string[] overrideDeletes = [];
        AccountOverride[]? replacedOverrides = null;
        string[] gazetteerClear = [];
        PostalCodeEntry[] gazetteerUpserts = [];
        PostalCodeEntry[]? replacedGazetteer = null;
        if (format == ChangeFormat)
        {
            if (reader.ReadBoolean())
            {
                replaced = new Territory[ReadCount(reader)];
                for (var i = 0; i < replaced.Length; i++)
                {
                    replaced[i] = ReadTerritory(reader, wkb);
                }
            }

            clearOverrides = reader.ReadBoolean();
            overrideUpserts = ReadOverrides(reader);
            overrideDeletes = new string[ReadCount(reader)];
            for (var i = 0; i < overrideDeletes.Length; i++)
            {
                overrideDeletes[i] = reader.ReadString();
            }

            replacedOverrides = reader.ReadBoolean() ? ReadOverrides(reader) : null;
            replacedGazetteer = replacedOverrides is null ? null : [];
            if (stream.Position < stream.Length)
            {
                gazetteerClear = new string[ReadCount(reader)];
                for (var i = 0; i < gazetteerClear.Length; i++)
                {
                    gazetteerClear[i] = reader.ReadString();
                }

                gazetteerUpserts = ReadPostalCodes(reader);
                replacedGazetteer = reader.ReadBoolean() ? ReadPostalCodes(reader) : null;
            }
        }

        if (stream.Position != stream.Length)
        {
            throw new InvalidDataException("the change record has bytes after its end");
        }

        return new MapChange(version, upserts, deletes)
        {
            Plan = plan,
            Operation = operation,
            Info = info,
            Replaced = replaced,
            ClearOverrides = clearOverrides,
            OverrideUpserts = overrideUpserts,
            OverrideDeletes = overrideDeletes,
            ReplacedOverrides = replacedOverrides,
            GazetteerClearCountries = gazetteerClear,
            GazetteerUpserts = gazetteerUpserts,
            ReplacedGazetteer = replacedGazetteer,
        };
    }

    private static void WriteOperation(BinaryWriter writer, PlanOperation? operation)
    {
        writer.Write((byte)(operation?.Kind ?? 0));
        switch (operation?.Kind)
        {
            case PlanOperationKind.Create:
                writer.Write(operation.BaseVersion);
                writer.Write(operation.CopyLive);
                break;
            case PlanOperationKind.Schedule:
                writer.Write(operation.EffectiveAt.UtcTicks);
                writer.Write(operation.Rebase);
                writer.Write(operation.Force);
                break;
            case PlanOperationKind.Activate:
                writer.Write(operation.Plan ?? "");
                writer.Write(operation.PlanVersion);
                break;
        }
    }

    private static PlanOperation? ReadOperation(BinaryReader reader)
    {
        var kind = (PlanOperationKind)reader.ReadByte();
        return kind switch
        {
            0 => null,
            PlanOperationKind.Create => new PlanOperation { Kind = kind, BaseVersion = reader.ReadInt64(), CopyLive = reader.ReadBoolean() },
            PlanOperationKind.Delete or PlanOperationKind.Unschedule => new PlanOperation { Kind = kind },
            PlanOperationKind.Schedule => new PlanOperation
            {
                Kind = kind,
                EffectiveAt = new DateTimeOffset(ReadTicks(reader), TimeSpan.Zero),
                Rebase = reader.ReadBoolean(),
                Force = reader.ReadBoolean(),
            },
            PlanOperationKind.Activate => new PlanOperation { Kind = kind, Plan = reader.ReadString(), PlanVersion = reader.ReadInt64() },
            _ => throw new InvalidDataException($"unknown plan operation {(int)kind}"),
        };
    }

    private static long ReadTicks(BinaryReader reader)
    {
        var ticks = reader.ReadInt64();
        return ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks
            ? throw new InvalidDataException($"the instant {ticks} is out of range")
            : ticks;
    }

    /// <summary>Encodes what a plan is apart from its territories (a snapshot record, a Redis hash value).</summary>
    public static byte[] EncodePlanInfo(PlanInfo plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(PlanInfoFormat);
            writer.Write(plan.Name);
            writer.Write(plan.Version);
            writer.Write(plan.BaseVersion);
            writer.Write(plan.Created.Time.UtcTicks);
            writer.Write(plan.Created.Author);
            writer.Write(plan.Created.Message);
            writer.Write((byte)plan.Status);
            writer.Write(plan.EffectiveAt is not null);
            writer.Write(plan.EffectiveAt?.UtcTicks ?? 0);
            writer.Write(plan.ScheduledRebase);
            writer.Write(plan.ScheduledForce);
            writer.Write(plan.ActivatedVersion is not null);
            writer.Write(plan.ActivatedVersion ?? 0);
            writer.Write(plan.Scheduled is not null);
            if (plan.Scheduled is { } scheduled)
            {
                writer.Write(scheduled.Time.UtcTicks);
                writer.Write(scheduled.Author);
                writer.Write(scheduled.Message);
            }
        }

        return stream.ToArray();
    }

    /// <summary>Decodes what <see cref="EncodePlanInfo"/> wrote.</summary>
    /// <exception cref="InvalidDataException">An unknown format or status, or bytes after the end.</exception>
    /// <exception cref="EndOfStreamException">The payload ends early.</exception>
    public static PlanInfo DecodePlanInfo(ReadOnlySpan<byte> payload)
    {
        using var stream = new MemoryStream(payload.ToArray(), writable: false);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        var format = reader.ReadByte();
        if (format != PlanInfoFormat)
        {
            throw new InvalidDataException($"unknown plan record format {format}");
        }

        var name = reader.ReadString();
        var version = reader.ReadInt64();
        var baseVersion = reader.ReadInt64();
        var created = new ChangeInfo(new DateTimeOffset(ReadTicks(reader), TimeSpan.Zero), reader.ReadString(), reader.ReadString());
        var status = (PlanStatus)reader.ReadByte();
        if (status is not (PlanStatus.Draft or PlanStatus.Scheduled or PlanStatus.Activated))
        {
            throw new InvalidDataException($"unknown plan status {(int)status}");
        }

        var hasEffective = reader.ReadBoolean();
        var effective = ReadTicks(reader);
        var rebase = reader.ReadBoolean();
        var force = reader.ReadBoolean();
        var hasActivated = reader.ReadBoolean();
        var activated = reader.ReadInt64();
        var scheduled = reader.ReadBoolean()
            ? new ChangeInfo(new DateTimeOffset(ReadTicks(reader), TimeSpan.Zero), reader.ReadString(), reader.ReadString())
            : null;
        if (stream.Position != stream.Length)
        {
            throw new InvalidDataException("the plan record has bytes after its end");
        }

        return new PlanInfo
        {
            Name = name,
            Version = version,
            BaseVersion = baseVersion,
            Created = created,
            Status = status,
            EffectiveAt = hasEffective ? new DateTimeOffset(effective, TimeSpan.Zero) : null,
            ScheduledRebase = rebase,
            ScheduledForce = force,
            ActivatedVersion = hasActivated ? activated : null,
            Scheduled = scheduled,
        };
    }

    /// <summary>Encodes one entry of the live map's history (a snapshot record, a Redis list element).</summary>
    public static byte[] EncodeLiveVersion(LiveVersionInfo entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(LiveVersionFormat);
            writer.Write(entry.Version);
            writer.Write(entry.Info.Time.UtcTicks);
            writer.Write(entry.Info.Author);
            writer.Write(entry.Info.Message);
            writer.Write7BitEncodedInt(entry.Upserted);
            writer.Write7BitEncodedInt(entry.Deleted);
            writer.Write(entry.ActivatedPlan is not null);
            if (entry.ActivatedPlan is not null)
            {
                writer.Write(entry.ActivatedPlan);
            }
        }

        return stream.ToArray();
    }

    /// <summary>Decodes what <see cref="EncodeLiveVersion"/> wrote.</summary>
    /// <exception cref="InvalidDataException">An unknown format, or bytes after the end.</exception>
    /// <exception cref="EndOfStreamException">The payload ends early.</exception>
    public static LiveVersionInfo DecodeLiveVersion(ReadOnlySpan<byte> payload)
    {
        using var stream = new MemoryStream(payload.ToArray(), writable: false);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        var format = reader.ReadByte();
        if (format != LiveVersionFormat)
        {
            throw new InvalidDataException($"unknown history record format {format}");
        }

        var version = reader.ReadInt64();
        var info = new ChangeInfo(new DateTimeOffset(ReadTicks(reader), TimeSpan.Zero), reader.ReadString(), reader.ReadString());
        var entry = new LiveVersionInfo(version, info, ReadCount(reader), ReadCount(reader), reader.ReadBoolean() ? reader.ReadString() : null);
        if (stream.Position != stream.Length)
        {
            throw new InvalidDataException("the history record has bytes after its end");
        }

        return entry;
    }

    /// <summary>Encodes one account override (a snapshot record, a Redis hash value).</summary>
    public static byte[] EncodeOverride(AccountOverride entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            WriteOverride(writer, entry);
        }

        return stream.ToArray();
    }

    /// <summary>Decodes what <see cref="EncodeOverride"/> wrote.</summary>
    /// <exception cref="InvalidDataException">Bytes after the end, or an instant out of range.</exception>
    /// <exception cref="EndOfStreamException">The payload ends early.</exception>
    public static AccountOverride DecodeOverride(ReadOnlySpan<byte> payload)
    {
        using var stream = new MemoryStream(payload.ToArray(), writable: false);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        var entry = ReadOverride(reader);
        if (stream.Position != stream.Length)
        {
            throw new InvalidDataException("the override record has bytes after its end");
        }

        return entry;
    }

    private static void WriteOverrides(BinaryWriter writer, IReadOnlyList<AccountOverride> entries)
    {
        writer.Write7BitEncodedInt(entries.Count);
        foreach (var entry in entries)
        {
            WriteOverride(writer, entry);
        }
    }

    private static AccountOverride[] ReadOverrides(BinaryReader reader)
    {
        var entries = new AccountOverride[ReadCount(reader)];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = ReadOverride(reader);
        }

        return entries;
    }

    // [string account][string owner][bool has territory][string territory?][bool has from][int64 ticks?]
    // [bool has until][int64 ticks?][bool protected][string reason][string set by]
    private static void WriteOverride(BinaryWriter writer, AccountOverride entry)
    {
        writer.Write(entry.AccountId);
        writer.Write(entry.OwnerId);
        writer.Write(entry.TerritoryId is not null);
        if (entry.TerritoryId is not null)
        {
            writer.Write(entry.TerritoryId);
        }

        writer.Write(entry.ValidFrom is not null);
        if (entry.ValidFrom is { } from)
        {
            writer.Write(from.UtcTicks);
        }

        writer.Write(entry.ValidUntil is not null);
        if (entry.ValidUntil is { } until)
        {
            writer.Write(until.UtcTicks);
        }

        writer.Write(entry.Protected);
        writer.Write(entry.Reason);
        writer.Write(entry.SetBy);
    }

    private static AccountOverride ReadOverride(BinaryReader reader) => new()
    {
        AccountId = reader.ReadString(),
        OwnerId = string.Intern(reader.ReadString()),
        TerritoryId = reader.ReadBoolean() ? string.Intern(reader.ReadString()) : null,
        ValidFrom = reader.ReadBoolean() ? new DateTimeOffset(ReadTicks(reader), TimeSpan.Zero) : null,
        ValidUntil = reader.ReadBoolean() ? new DateTimeOffset(ReadTicks(reader), TimeSpan.Zero) : null,
        Protected = reader.ReadBoolean(),
        // Owners, territories and authors repeat across millions of overrides: one string each. Reasons are free text.
        Reason = reader.ReadString(),
        SetBy = string.Intern(reader.ReadString()),
    };

    /// <summary>Encodes one postal code (a snapshot record, a Redis hash value).</summary>
    public static byte[] EncodePostalCode(PostalCodeEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            WritePostalCode(writer, entry);
        }

        return stream.ToArray();
    }

    /// <summary>Decodes what <see cref="EncodePostalCode"/> wrote.</summary>
    /// <exception cref="InvalidDataException">Bytes after the end.</exception>
    /// <exception cref="EndOfStreamException">The payload ends early.</exception>
    public static PostalCodeEntry DecodePostalCode(ReadOnlySpan<byte> payload)
    {
        using var stream = new MemoryStream(payload.ToArray(), writable: false);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        var entry = ReadPostalCode(reader);
        if (stream.Position != stream.Length)
        {
            throw new InvalidDataException("the postal code record has bytes after its end");
        }

        return entry;
    }

    private static void WritePostalCodes(BinaryWriter writer, IReadOnlyList<PostalCodeEntry> entries)
    {
        writer.Write7BitEncodedInt(entries.Count);
        foreach (var entry in entries)
        {
            WritePostalCode(writer, entry);
        }
    }

    private static PostalCodeEntry[] ReadPostalCodes(BinaryReader reader)
    {
        var entries = new PostalCodeEntry[ReadCount(reader)];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = ReadPostalCode(reader);
        }

        return entries;
    }

    // [string country][string code][double lat][double lng][string place][string admin1 name][string admin1 code]
    // [string admin2 name][string admin2 code][string admin3 name][string admin3 code][7-bit accuracy]
    private static void WritePostalCode(BinaryWriter writer, PostalCodeEntry entry)
    {
        writer.Write(entry.Country);
        writer.Write(entry.Code);
        writer.Write(entry.Lat);
        writer.Write(entry.Lng);
        writer.Write(entry.PlaceName);
        writer.Write(entry.Admin1Name);
        writer.Write(entry.Admin1Code);
        writer.Write(entry.Admin2Name);
        writer.Write(entry.Admin2Code);
        writer.Write(entry.Admin3Name);
        writer.Write(entry.Admin3Code);
        writer.Write7BitEncodedInt(entry.Accuracy);
    }

    // Countries and admin names repeat across thousands of codes: one string each.
    private static PostalCodeEntry ReadPostalCode(BinaryReader reader) => new()
    {
        Country = string.Intern(reader.ReadString()),
        Code = reader.ReadString(),
        Lat = reader.ReadDouble(),
        Lng = reader.ReadDouble(),
        PlaceName = reader.ReadString(),
        Admin1Name = string.Intern(reader.ReadString()),
        Admin1Code = string.Intern(reader.ReadString()),
        Admin2Name = string.Intern(reader.ReadString()),
        Admin2Code = string.Intern(reader.ReadString()),
        Admin3Name = reader.ReadString(),
        Admin3Code = reader.ReadString(),
        Accuracy = reader.Read7BitEncodedInt(),
    };

    /// <summary>Encodes one territory (a snapshot record, a Redis hash value).</summary>
    public static byte[] EncodeTerritory(Territory territory)
    {
        ArgumentNullException.ThrowIfNull(territory);
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            WriteTerritory(writer, territory, CreateWkbWriter());
        }

        return stream.ToArray();
    }

    /// <summary>Decodes what <see cref="EncodeTerritory"/> wrote.</summary>
    /// <exception cref="InvalidDataException">A negative count, or bytes after the end.</exception>
    /// <exception cref="EndOfStreamException">The payload ends early.</exception>
    /// <exception cref="ArgumentException">The attributes or geometry are malformed (also <see cref="ParseException"/> or <see cref="System.Text.Json.JsonException"/>).</exception>
    public static Territory DecodeTerritory(ReadOnlySpan<byte> payload)
    {
        using var stream = new MemoryStream(payload.ToArray(), writable: false);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        var territory = ReadTerritory(reader, new WKBReader(Services));
        if (stream.Position != stream.Length)
        {
            throw new InvalidDataException("the territory record has bytes after its end");
        }

        return territory;
    }

    private static WKBWriter CreateWkbWriter() => new(ByteOrder.LittleEndian, handleSRID: false, emitZ: false, emitM: false);

    private static void WriteTerritory(BinaryWriter writer, Territory territory, WKBWriter wkb)
    {
        writer.Write(territory.Id);
        writer.Write(territory.Name);
        writer.Write(territory.OwnerId);
        writer.Write(territory.Layer);
        writer.Write(territory.Priority);
        writer.Write(territory.ParentId is not null);
        if (territory.ParentId is not null)
        {
            writer.Write(territory.ParentId);
        }

        writer.Write(territory.Attributes.Count == 0 ? "" : territory.Attributes.ToJson());
        var geometry = wkb.Write(territory.Geometry);
        writer.Write7BitEncodedInt(geometry.Length);
        writer.Write(geometry);
    }

    private static Territory ReadTerritory(BinaryReader reader, WKBReader wkb)
    {
        var id = reader.ReadString();
        var name = reader.ReadString();
        var owner = reader.ReadString();
        var layer = reader.ReadString();
        var priority = reader.ReadInt32();
        var parent = reader.ReadBoolean() ? reader.ReadString() : null;
        var attributes = reader.ReadString();
        var geometryBytes = reader.ReadBytes(ReadCount(reader));
        return new Territory
        {
            Id = id,
            Name = name,
            OwnerId = owner,
            Layer = layer,
            Priority = priority,
            ParentId = parent,
            Attributes = attributes.Length == 0 ? TerritoryAttributes.Empty : TerritoryAttributes.Parse(attributes),
            Geometry = wkb.Read(geometryBytes),
        };
    }

    private static int ReadCount(BinaryReader reader)
    {
        var count = reader.Read7BitEncodedInt();
        return count < 0 ? throw new InvalidDataException("negative count") : count;
    }
}

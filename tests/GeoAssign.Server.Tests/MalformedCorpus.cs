// Generates malformed requests of every kind, each with the exact status the server must answer.
using System.Text;
using GeoAssign.Protos.V1;
using GeoAssign.Testing.Servers;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;

namespace GeoAssign.Server.Tests;

/// <summary>One malformed request: what it is, the status it must get, and how to send it.</summary>
/// <param name="Kind">The kind of damage, e.g. <c>field number 0</c>.</param>
/// <param name="Method">The full method name it is sent to.</param>
/// <param name="Expected">The exact status.</param>
/// <param name="MessageMark">Text the status message must contain, when the kind fixes it ("a|b": either).</param>
/// <param name="SendAsync">Sends it and returns the status and message.</param>
internal sealed record CorpusCase(string Kind, string Method, StatusCode Expected, string? MessageMark,
    Func<CorpusTarget, Task<(StatusCode Status, string Message)>> SendAsync)
{
    public override string ToString() => $"{Kind} → {Method}";
}

/// <summary>Where corpus cases go: raw HTTP/2 for bad bytes, the generated clients for bad values.</summary>
internal sealed record CorpusTarget(RawGrpc Raw, TestServer Server);

/// <summary>
/// Builds malformed requests from a seeded Random, so a run can be repeated exactly. Raw cases
/// damage the bytes or the framing of a request to one of the server's methods (every kind of
/// call); client cases are well-formed messages with bad field values. Every raw case that claims
/// its bytes do not parse is checked against the same parser first. Not thread-safe.
/// </summary>
internal sealed class MalformedCorpus(Random seeded)
{
    private readonly Random _random = seeded;

    /// <summary>The territory the server under test holds; good lookups at (0.5, 0.5) find it.</summary>
    public const string TerritoryId = "corpus";

    private const string Parsed = "The request message could not be parsed as ";
    private static readonly byte[] Gzip17MiB = RawGrpc.Gzip(new byte[17 * 1024 * 1024]);

    /// <summary>The services whose methods get raw cases: GeoAssign's, health and reflection.</summary>
    public static readonly ServiceDescriptor[] Services =
    [
        AssignmentService.Descriptor, TerritoryService.Descriptor, ReassignmentService.Descriptor, BalanceService.Descriptor, DiagnosticsService.Descriptor,
        Health.Descriptor, ServerReflection.Descriptor,
    ];

    private static readonly List<RawMethod> Methods = CreateMethods();

    private sealed record RawMethod(string Path, MessageDescriptor Input, bool StreamsRequests, IMessage Good, IMessage[] Prefix);

    private delegate CorpusCase? Generator(MalformedCorpus corpus);

    // Each entry makes one case of its kind, or null when the kind does not apply to the method it drew.
    private static readonly (string Kind, Generator Make)[] Kinds =
    [
        ("garbage", c => c.Unparsable("garbage", m => c.Garbage())),
        ("truncated message", c => c.Unparsable("truncated message", c.Truncated)),
        ("field number 0", c => c.Unparsable("field number 0", m => [.. c.Fields(m), (byte)c._random.Next(0, 6), .. c.Bytes(c._random.Next(0, 4))])),
        ("over-long varint", c => c.Unparsable("over-long varint", m => [.. c.Fields(m), .. c.Tag(c.FieldNumber(), 0), .. Enumerable.Repeat((byte)0xFF, c._random.Next(10, 16)), 0x01])),
        ("invalid UTF-8", c => c.Unparsable("invalid UTF-8", c.InvalidUtf8)),
        ("nesting past the recursion limit", c => c.Unparsable("nesting past the recursion limit", c.DeepNesting)),
        ("invalid wire type", c => c.Unparsable("invalid wire type", m => [.. c.Fields(m), .. c.Tag(c.FieldNumber(), c._random.Next(6, 8)), .. c.Bytes(c._random.Next(0, 4))])),
        ("length past the end", c => c.Unparsable("length past the end", m => [.. c.Fields(m), .. c.Tag(c.FieldNumber(), 2), .. Varint((ulong)c._random.Next(5, 1 << 20)), .. c.Bytes(c._random.Next(0, 4))])),
        ("gzip of garbage", c => c.Unparsable("gzip of garbage", m => c.Garbage(), gzip: true)),
        ("length prefix of 2 GiB or more", c => c.Framing("length prefix of 2 GiB or more", StatusCode.ResourceExhausted, "GeoAssign:MaxMessageBytes",
            m => RawGrpc.Frame(m.Good.ToByteArray(), length: (uint)c._random.NextInt64(1L << 31, 1L << 32)))),
        ("length prefix over the limit", c => c.Framing("length prefix over the limit", StatusCode.ResourceExhausted, "GeoAssign:MaxMessageBytes",
            m => RawGrpc.Frame(m.Good.ToByteArray(), length: (uint)c._random.Next((16 << 20) + 1, int.MaxValue)))),
        ("bad compressed flag", c => c.Framing("bad compressed flag", StatusCode.Internal, "compressed flag",
            m => RawGrpc.Frame(m.Good.ToByteArray(), flag: (byte)c._random.Next(2, 256)))),
        ("not gzip", c => c.Framing("not gzip", StatusCode.Internal, "could not be decompressed as gzip",
            m => RawGrpc.Frame(c.NotGzip(), flag: 1), "gzip")),
        ("gzip past the limit", c => c._random.Next(20) == 0 ? c.Framing("gzip past the limit", StatusCode.ResourceExhausted, "GeoAssign:MaxMessageBytes",
            _ => RawGrpc.Frame(Gzip17MiB, flag: 1), "gzip") : null),
        ("compressed without grpc-encoding", c => c.Framing("compressed without grpc-encoding", StatusCode.Internal, "grpc-encoding",
            m => RawGrpc.Frame(RawGrpc.Gzip(m.Good.ToByteArray()), flag: 1))),
        ("incomplete frame", c => c.Framing("incomplete frame", StatusCode.Internal, "Incomplete message", c.Incomplete)),
        ("data after the one message", c => c.Framing("data after the one message", StatusCode.Internal, "Additional data",
            m => m.StreamsRequests ? null : [.. RawGrpc.Frame(m.Good), .. RawGrpc.Frame(c._random.Next(2) == 0 ? m.Good.ToByteArray() : c.Garbage())])),
        ("bad point", c => c.BadPoint()),
        ("bad layer", c => c.BadLayer()),
        ("columns of different lengths", c => c.BadColumns()),
        ("bad attribute", c => c.BadAttribute()),
        ("bad territory field", c => c.BadTerritory()),
        ("bad delete", c => c.BadDelete()),
        ("bad read", c => c.BadRead()),
        ("bad import", c => c.BadImport()),
        ("bad GeoJSON text", c => c.BadGeoJsonText()),
        ("too many items", c => c._random.Next(8) == 0 ? c.TooMany() : null),
    ];

    /// <summary>The kinds of case, in the order <see cref="Generate"/> cycles through them.</summary>
    public static IEnumerable<string> KindNames => Kinds.Select(kind => kind.Kind);

    /// <summary><paramref name="count"/> cases, cycling through the kinds.</summary>
    public List<CorpusCase> Generate(int count)
    {
        var cases = new List<CorpusCase>(count);
        for (var i = 0; cases.Count < count; i++)
        {
            if (Kinds[i % Kinds.Length].Make(this) is { } made)
            {
                cases.Add(made);
            }
        }

        return cases;
    }

    // ---- Raw cases ----

    private RawMethod PickMethod() => Methods[_random.Next(Methods.Count)];

    private CorpusCase? Unparsable(string kind, Func<RawMethod, byte[]?> damage, bool gzip = false)
    {
        var method = PickMethod();
        if (damage(method) is not { } payload)
        {
            return null;
        }

        // Random bytes sometimes parse; every other kind of damage never does, or the corpus is wrong.
        for (var attempt = 0; Parses(method.Input, payload); attempt++)
        {
            if (!kind.Contains("garbage", StringComparison.Ordinal) || attempt == 100)
            {
                throw new InvalidOperationException($"The corpus made a {kind} payload for {method.Input.FullName} that parses: {Convert.ToHexString(payload)}.");
            }

            payload = damage(method)!;
        }

        var frame = gzip ? RawGrpc.Frame(RawGrpc.Gzip(payload), flag: 1) : RawGrpc.Frame(payload);
        return Raw(kind, method, StatusCode.Internal, Parsed + method.Input.FullName + ": ", [.. PrefixOf(method), .. frame], gzip ? "gzip" : null);
    }

    private CorpusCase? Framing(string kind, StatusCode expected, string mark, Func<RawMethod, byte[]?> frame, string? encoding = null)
    {
        var method = PickMethod();
        return frame(method) is { } bytes ? Raw(kind, method, expected, mark, [.. PrefixOf(method), .. bytes], encoding) : null;
    }

    private static CorpusCase Raw(string kind, RawMethod method, StatusCode expected, string mark, byte[] body, string? encoding) =>
        new(kind, method.Path, expected, mark, async target =>
        {
            var answer = await target.Raw.CallAsync(method.Path, body, encoding);
            return (answer.Status, answer.Message);
        });

    // Good messages before the bad one, on calls that stream requests: the damage is found mid-stream.
    private byte[] PrefixOf(RawMethod method) =>
        method.StreamsRequests ? [.. method.Prefix.Take(_random.Next(method.Prefix.Length + 1)).SelectMany(RawGrpc.Frame)] : [];

    private byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }

    private byte[] Garbage() => Bytes(_random.Next(1, 64));

    // At least the two bytes where gzip's magic number belongs, and not its first byte.
    private byte[] NotGzip()
    {
        var bytes = Bytes(_random.Next(2, 64));
        bytes[0] = (byte)(bytes[0] == 0x1F ? 0x20 : bytes[0]);
        return bytes;
    }

    // The good message's fields, or none: the damage then comes after well-formed fields.
    private byte[] Fields(RawMethod method) => _random.Next(2) == 0 ? [] : method.Good.ToByteArray();

    private int FieldNumber() => _random.Next(4) == 0 ? _random.Next(1, (1 << 29) - 1) : _random.Next(1, 16);

    private byte[] Tag(int field, int wireType) => Varint(((ulong)field << 3) | (uint)wireType);

    private static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        bytes.Add((byte)value);
        return [.. bytes];
    }

    private static byte[] LengthDelimited(int field, byte[] content) =>
        [.. Varint(((ulong)field << 3) | 2), .. Varint((ulong)content.Length), .. content];

    private byte[]? Truncated(RawMethod method)
    {
        var whole = method.Good.ToByteArray();
        for (var attempt = 0; attempt < 10 && whole.Length > 1; attempt++)
        {
            var cut = whole[.._random.Next(1, whole.Length)];
            if (!Parses(method.Input, cut))
            {
                return cut;
            }
        }

        return null;
    }

    // A string field somewhere in the message (nested through message fields) holding bytes that are not UTF-8.
    private byte[]? InvalidUtf8(RawMethod method)
    {
        var path = StringFieldPath(method.Input, depth: 0);
        if (path is null)
        {
            return null;
        }

        byte[][] invalid = [[0xC3, 0x28], [0xFF], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xC0, 0xAF]];
        byte[] content = [.. Encoding.UTF8.GetBytes("ok"), .. invalid[_random.Next(invalid.Length)], .. Encoding.UTF8.GetBytes("ok")];
        for (var i = path.Count - 1; i >= 0; i--)
        {
            content = LengthDelimited(path[i].FieldNumber, content);
        }

        return content;
    }

    private static List<FieldDescriptor>? StringFieldPath(MessageDescriptor message, int depth)
    {
        foreach (var field in message.Fields.InFieldNumberOrder())
        {
            if (field.FieldType == FieldType.String)
            {
                return [field];
            }
        }

        if (depth == 3)
        {
            return null;
        }

        foreach (var field in message.Fields.InFieldNumberOrder())
        {
            if (field.FieldType == FieldType.Message && !field.IsMap && StringFieldPath(field.MessageType, depth + 1) is { } rest)
            {
                return [field, .. rest];
            }
        }

        return null;
    }

    // Unknown groups nested past protobuf's recursion limit of 100 (every message accepts unknown
    // fields), or, for UpsertTerritories, a Struct attribute nested past it.
    private byte[] DeepNesting(RawMethod method)
    {
        var depth = _random.Next(101, 200);
        if (method.Input.FullName == UpsertTerritoriesRequest.Descriptor.FullName && _random.Next(2) == 0)
        {
            var value = Value.ForString("deep");
            for (var i = 0; i < depth / 2; i++)
            {
                value = _random.Next(2) == 0 ? Value.ForList(value) : Value.ForStruct(new Struct { Fields = { ["k"] = value } });
            }

            return new UpsertTerritoriesRequest { Territories = { Shapes.Territory("deep", Shapes.Square(50, 50, 1), attributes: Nested(value)) } }.ToByteArray();
        }

        var field = _random.Next(20, 1000);
        return [.. Enumerable.Range(0, depth).SelectMany(_ => Tag(field, 3)), .. Enumerable.Range(0, depth).SelectMany(_ => Tag(field, 4))];
    }

    private static Struct Nested(Value value) => new() { Fields = { ["deep"] = value } };

    private byte[]? Incomplete(RawMethod method)
    {
        var frame = RawGrpc.Frame(method.Good);
        // An empty body is a stream of no messages, which is fine for a call that streams requests.
        var keep = _random.Next(method.StreamsRequests ? 1 : 0, frame.Length);
        return frame[..keep];
    }

    // ---- Client cases: well-formed messages with bad values ----

    private static async Task<(StatusCode, string)> Status(Func<Task> call)
    {
        try
        {
            await call();
            return (StatusCode.OK, "");
        }
        catch (RpcException e)
        {
            return (e.StatusCode, e.Status.Detail);
        }
    }

    private static CorpusCase Client(string kind, string rpc, StatusCode expected, string? mark, Func<CorpusTarget, Task> call) =>
        new(kind, Methods.Single(m => m.Path.EndsWith("/" + rpc, StringComparison.Ordinal) && m.Path.StartsWith("/geoassign.", StringComparison.Ordinal)).Path,
            expected, mark, target => Status(() => call(target)));

    private (double Lat, double Lng) BadCoordinates()
    {
        double[] badLat = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 90.000001, -91, 1e308];
        double[] badLng = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 180.000001, -181, -1e308];
        return _random.Next(2) == 0 ? (badLat[_random.Next(badLat.Length)], 0.5) : (0.5, badLng[_random.Next(badLng.Length)]);
    }

    private CorpusCase BadPoint()
    {
        var (lat, lng) = BadCoordinates();
        var points = new PointChunk();
        var at = _random.Next(0, 5);
        for (var i = 0; i < 5; i++)
        {
            points.Add(i == at ? lat : 0.5, i == at ? lng : 0.5);
        }

        return _random.Next(5) switch
        {
            0 => Client("bad point", "Resolve", StatusCode.InvalidArgument, "not a finite number|outside",
                t => t.Server.Assignments.ResolveAsync(new ResolveRequest { Lat = lat, Lng = lng }).ResponseAsync),
            1 => Client("bad point", "ResolveBatch", StatusCode.InvalidArgument, $"points[{at}]",
                t => t.Server.Assignments.ResolveBatchAsync(new ResolveBatchRequest { Points = points }).ResponseAsync),
            2 => Client("bad point", "ResolveStream", StatusCode.InvalidArgument, $"points[{at + 5}]", async t =>
            {
                using var call = t.Server.Assignments.ResolveStream();
                var good = new PointChunk();
                for (var i = 0; i < 5; i++)
                {
                    good.Add(0.5, 0.5);
                }

                await call.RequestStream.WriteAsync(new ResolveStreamRequest { Points = good });
                await call.RequestStream.WriteAsync(new ResolveStreamRequest { Points = points });
                await call.RequestStream.CompleteAsync();
                while (await call.ResponseStream.MoveNext())
                {
                }
            }),
            3 => Client("bad point", "Reassign", StatusCode.InvalidArgument, $"accounts[{at}]", async t =>
            {
                var accounts = new AccountChunk();
                for (var i = 0; i < 5; i++)
                {
                    accounts.Ids.Add($"a{i}");
                    accounts.Lat.Add(points.Lat[i]);
                    accounts.Lng.Add(points.Lng[i]);
                    accounts.CurrentOwnerIds.Add("rep");
                }

                await ReassignAsync(t, new ReassignRequest { Accounts = accounts });
            }),
            _ => Client("bad point", "Resolve", StatusCode.InvalidArgument, "required",
                t => t.Server.Assignments.ResolveAsync(_random.Next(2) == 0 ? new ResolveRequest { Lat = 0.5 } : new ResolveRequest { Lng = 0.5 }).ResponseAsync),
        };
    }

    private static async Task ReassignAsync(CorpusTarget target, params ReassignRequest[] requests)
    {
        using var call = target.Server.Reassignments.Reassign();
        foreach (var request in requests)
        {
            await call.RequestStream.WriteAsync(request);
        }

        await call.RequestStream.CompleteAsync();
        while (await call.ResponseStream.MoveNext())
        {
        }
    }

    private string BadLayerName() => _random.Next(4) switch
    {
        0 => new string('l', _random.Next(65, 200)),
        1 => "geo" + " /\\\"'\t\n\u00e9\u4e2d!@#$%^&*()"[_random.Next(18)],
        2 => "\u0000",
        _ => "lay er",
    };

    private CorpusCase BadLayer()
    {
        var layer = BadLayerName();
        var points = new PointChunk();
        points.Add(0.5, 0.5);
        return _random.Next(6) switch
        {
            0 => Client("bad layer", "Resolve", StatusCode.InvalidArgument, "layer",
                t => t.Server.Assignments.ResolveAsync(new ResolveRequest { Lat = 0.5, Lng = 0.5, Layer = layer }).ResponseAsync),
            1 => Client("bad layer", "ResolveBatch", StatusCode.InvalidArgument, "layer",
                t => t.Server.Assignments.ResolveBatchAsync(new ResolveBatchRequest { Points = points, Layer = layer }).ResponseAsync),
            2 => Client("bad layer", "ListTerritories", StatusCode.InvalidArgument, "layer",
                t => t.Server.Territories.ListTerritoriesAsync(new ListTerritoriesRequest { Layer = layer }).ResponseAsync),
            3 => Client("bad layer", "ImportGeoJson", StatusCode.InvalidArgument, "options.layer",
                t => t.Server.Territories.ImportGeoJsonAsync(new ImportGeoJsonRequest
                {
                    Options = new ImportGeoJsonOptions { Layer = layer },
                    FeatureCollection = ByteString.CopyFromUtf8("{\"type\":\"FeatureCollection\",\"features\":[]}"),
                }).ResponseAsync),
            4 => Client("bad layer", "Reassign", StatusCode.InvalidArgument, "layer",
                t => ReassignAsync(t, new ReassignRequest { Layer = layer })),
            // A well-formed layer that holds nothing.
            _ => Client("bad layer", "Resolve", StatusCode.NotFound, "holds no territory",
                t => t.Server.Assignments.ResolveAsync(new ResolveRequest { Lat = 0.5, Lng = 0.5, Layer = "empty-" + _random.Next(1000) }).ResponseAsync),
        };
    }

    private CorpusCase BadColumns()
    {
        var count = _random.Next(1, 6);
        return _random.Next(3) switch
        {
            0 => Client("columns of different lengths", "ResolveBatch", StatusCode.InvalidArgument, "one length", t =>
            {
                var points = new PointChunk();
                points.Lat.AddRange(Enumerable.Repeat(0.5, count));
                points.Lng.AddRange(Enumerable.Repeat(0.5, count + 1));
                return t.Server.Assignments.ResolveBatchAsync(new ResolveBatchRequest { Points = points }).ResponseAsync;
            }),
            1 => Client("columns of different lengths", "ResolveBatch", StatusCode.InvalidArgument, "ids", t =>
            {
                var points = new PointChunk();
                for (var i = 0; i < count; i++)
                {
                    points.Add(0.5, 0.5);
                }

                points.Ids.AddRange(Enumerable.Range(0, count + 1).Select(i => $"p{i}"));
                return t.Server.Assignments.ResolveBatchAsync(new ResolveBatchRequest { Points = points }).ResponseAsync;
            }),
            _ => Client("columns of different lengths", "Reassign", StatusCode.InvalidArgument, "different lengths", t => ReassignAsync(t, new ReassignRequest
            {
                Accounts = new AccountChunk
                {
                    Ids = { Enumerable.Range(0, count).Select(i => $"a{i}") },
                    Lat = { Enumerable.Repeat(0.5, count) },
                    Lng = { Enumerable.Repeat(0.5, count) },
                    CurrentOwnerIds = { Enumerable.Repeat("rep", count + 1) },
                },
            })),
        };
    }

    // A random attribute tree with one value JSON cannot hold (or a nesting too deep) somewhere inside.
    private CorpusCase BadAttribute()
    {
        var poison = _random.Next(4);
        Value Poison() => poison switch
        {
            0 => new Value(),
            1 => Value.ForNumber(new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity }[_random.Next(3)]),
            2 => Value.ForStruct(new Struct { Fields = { [""] = Value.ForString("nameless") } }),
            _ => Enumerable.Range(0, _random.Next(33, 45)).Aggregate(Value.ForNumber(1), (inner, _) => Value.ForList(inner)),
        };

        var value = Poison();
        for (var depth = _random.Next(0, 3); depth > 0; depth--)
        {
            value = _random.Next(2) == 0
                ? Value.ForList(Value.ForString("x"), value)
                : Value.ForStruct(new Struct { Fields = { ["a"] = Value.ForBool(true), ["b"] = value } });
        }

        var attributes = new Struct { Fields = { ["region"] = Value.ForString("west"), ["odd"] = value } };
        if (poison == 2 && _random.Next(2) == 0)
        {
            attributes = new Struct { Fields = { [""] = Value.ForNumber(1) } };
        }

        var request = Upsert(Shapes.Territory("attr-" + _random.Next(1_000_000), Shapes.Square(60, 60, 1), attributes: attributes));
        // Deep Structs can pass protobuf's recursion limit before the attribute depth is checked.
        var parses = Parses(UpsertTerritoriesRequest.Descriptor, request.ToByteArray());
        return Client("bad attribute", "UpsertTerritories", parses ? StatusCode.InvalidArgument : StatusCode.Internal,
            parses ? "territories[" : Parsed, t => t.Server.Territories.UpsertTerritoriesAsync(request).ResponseAsync);
    }

    private static bool Parses(MessageDescriptor message, byte[] bytes)
    {
        try
        {
            message.Parser.ParseFrom(bytes);
            return true;
        }
        catch (InvalidProtocolBufferException)
        {
            return false;
        }
    }

    // Good territories around one bad one, none of them in the map: accepting the request would move the version.
    private UpsertTerritoriesRequest Upsert(Territory bad)
    {
        var request = new UpsertTerritoriesRequest();
        var count = _random.Next(1, 4);
        var at = _random.Next(count);
        for (var i = 0; i < count; i++)
        {
            request.Territories.Add(i == at ? bad : Shapes.Territory($"good-{_random.Next(1_000_000)}-{i}", Shapes.Square(-100 + (i * 3), -40, 1)));
        }

        return request;
    }

    private CorpusCase BadTerritory()
    {
        var territory = Shapes.Territory("bad-" + _random.Next(1_000_000), Shapes.Square(70, 70, 1));
        switch (_random.Next(9))
        {
            case 0:
                territory.Id = "";
                break;
            case 1:
                territory.Id = "id\u0007" + _random.Next(100);
                break;
            case 2:
                territory.Id = new string('i', _random.Next(257, 400));
                break;
            case 3:
                territory.Layer = BadLayerName();
                break;
            case 4:
                territory.GeometryGeojson = "x" + Encoding.ASCII.GetString(Bytes(_random.Next(0, 20)).Select(b => (byte)(32 + (b % 90))).ToArray());
                break;
            case 5:
                territory.GeometryGeojson = "";
                break;
            case 6:
                territory.Attributes = new Struct { Fields = { [new[] { "id", "name", "owner_id", "layer", "priority", "parent_id" }[_random.Next(6)]] = Value.ForString("x") } };
                break;
            case 7:
                territory.ParentId = "p\n";
                break;
            default:
                // A ring that does not close.
                territory.GeometryGeojson = Shapes.Polygon((70, 70), (71, 70), (71, 71), (70, 71), (70, 70.5));
                break;
        }

        var request = Upsert(territory);
        return Client("bad territory field", "UpsertTerritories", StatusCode.InvalidArgument, "territories[",
            t => t.Server.Territories.UpsertTerritoriesAsync(request).ResponseAsync);
    }

    private CorpusCase BadDelete() => _random.Next(4) switch
    {
        0 => Client("bad delete", "DeleteTerritories", StatusCode.InvalidArgument, "is empty",
            t => t.Server.Territories.DeleteTerritoriesAsync(new DeleteTerritoriesRequest { Ids = { TerritoryId, "" } }).ResponseAsync),
        1 => Client("bad delete", "DeleteTerritories", StatusCode.InvalidArgument, "repeats",
            t => t.Server.Territories.DeleteTerritoriesAsync(new DeleteTerritoriesRequest { Ids = { "x", TerritoryId, "x" } }).ResponseAsync),
        2 => Client("bad delete", "DeleteTerritories", StatusCode.InvalidArgument, "ids is empty",
            t => t.Server.Territories.DeleteTerritoriesAsync(new DeleteTerritoriesRequest()).ResponseAsync),
        _ => Client("bad delete", "DeleteTerritories", StatusCode.NotFound, "name no territory",
            t => t.Server.Territories.DeleteTerritoriesAsync(new DeleteTerritoriesRequest { Ids = { TerritoryId, "missing-" + _random.Next(1000) } }).ResponseAsync),
    };

    private CorpusCase BadRead() => _random.Next(5) switch
    {
        0 => Client("bad read", "ListTerritories", StatusCode.InvalidArgument, "page_size",
            t => t.Server.Territories.ListTerritoriesAsync(new ListTerritoriesRequest { PageSize = -_random.Next(1, int.MaxValue) }).ResponseAsync),
        1 => Client("bad read", "ListTerritories", StatusCode.InvalidArgument, "page_token",
            t => t.Server.Territories.ListTerritoriesAsync(new ListTerritoriesRequest { PageToken = "!" + Convert.ToBase64String(Bytes(_random.Next(1, 30))) }).ResponseAsync),
        2 => Client("bad read", "GetTerritory", StatusCode.InvalidArgument, "id is empty",
            t => t.Server.Territories.GetTerritoryAsync(new GetTerritoryRequest()).ResponseAsync),
        3 => Client("bad read", "GetTerritory", StatusCode.NotFound, "No territory",
            t => t.Server.Territories.GetTerritoryAsync(new GetTerritoryRequest { Id = "missing-" + _random.Next(1000) }).ResponseAsync),
        _ => Client("bad read", "Echo", StatusCode.ResourceExhausted, "response_size",
            t => t.Server.Diagnostics.EchoAsync(new EchoRequest { ResponseSize = (uint)_random.NextInt64((16 << 20) - 15, uint.MaxValue) }).ResponseAsync),
    };

    private CorpusCase BadImport()
    {
        var feature = "{\"type\":\"Feature\",\"properties\":{\"owner_id\":\"rep\"},\"geometry\":" + Shapes.Square(80, 80, 1) + "}";
        return _random.Next(6) switch
        {
            0 => Client("bad import", "ImportGeoJson", StatusCode.InvalidArgument, null,
                t => t.Server.Territories.ImportGeoJsonAsync(new ImportGeoJsonRequest { FeatureCollection = ByteString.CopyFrom([(byte)'x', .. Bytes(_random.Next(0, 40))]) }).ResponseAsync),
            1 => Client("bad import", "ImportGeoJson", StatusCode.InvalidArgument, "features[0]",
                t => t.Server.Territories.ImportGeoJsonAsync(new ImportGeoJsonRequest { FeatureCollection = ByteString.CopyFromUtf8("{\"type\":\"FeatureCollection\",\"features\":[" + feature + "]}") }).ResponseAsync),
            2 => Client("bad import", "ImportGeoJson", StatusCode.InvalidArgument, "skip_features_without_area",
                t => t.Server.Territories.ImportGeoJsonAsync(new ImportGeoJsonRequest
                {
                    Options = new ImportGeoJsonOptions { SkipFeaturesWithoutArea = true },
                    FeatureCollection = ByteString.CopyFromUtf8("{\"type\":\"FeatureCollection\",\"features\":[]}"),
                }).ResponseAsync),
            3 => Client("bad import", "ImportGeoJsonStream", StatusCode.InvalidArgument, "must carry options", async t =>
            {
                using var call = t.Server.Territories.ImportGeoJsonStream();
                await call.RequestStream.WriteAsync(new ImportGeoJsonStreamRequest { Chunk = ByteString.CopyFromUtf8("{}") });
                await call.RequestStream.CompleteAsync();
                await call;
            }),
            4 => Client("bad import", "ImportGeoJsonStream", StatusCode.InvalidArgument, "carries options", async t =>
            {
                using var call = t.Server.Territories.ImportGeoJsonStream();
                await call.RequestStream.WriteAsync(new ImportGeoJsonStreamRequest { Options = new ImportGeoJsonOptions(), Chunk = ByteString.CopyFromUtf8("{\"type\":") });
                await call.RequestStream.WriteAsync(new ImportGeoJsonStreamRequest { Options = new ImportGeoJsonOptions(), Chunk = ByteString.CopyFromUtf8("\"FeatureCollection\"") });
                await call.RequestStream.CompleteAsync();
                await call;
            }),
            _ => Client("bad import", "ImportGeoJsonStream", StatusCode.InvalidArgument, "stream is empty", async t =>
            {
                using var call = t.Server.Territories.ImportGeoJsonStream();
                await call.RequestStream.CompleteAsync();
                await call;
            }),
        };
    }

    // GeoJSON whose text is not what it must be: invalid UTF-8 or a lone surrogate escape inside a string,
    // a comment, a member given twice, a type with a trailing space. Imports read it whole or in chunks
    // that may split it anywhere; an upsert carries it as a territory's geometry.
    private CorpusCase BadGeoJsonText()
    {
        var square = Shapes.Square(80, 80, 1);
        var flaws = new Func<string>[]
        {
            () => "{\"type\":\"Feature\",\"id\":\"bad-\uFFFF\",\"properties\":{\"owner_id\":\"rep\"},\"geometry\":" + square + "}",
            () => "{\"type\":\"Feature\",\"id\":\"lone-\\ud800\",\"properties\":{\"owner_id\":\"rep\"},\"geometry\":" + square + "}",
            () => "{\"type\":\"Feature\",\"id\":\"c\",/* a comment */\"properties\":{\"owner_id\":\"rep\"},\"geometry\":" + square + "}",
            () => "{\"type\":\"Feature\",\"id\":\"d\",\"geometry\":" + square + ",\"geometry\":" + square + ",\"properties\":{\"owner_id\":\"rep\"}}",
            () => "{\"type\":\"Feature\",\"id\":\"t\",\"properties\":{\"owner_id\":\"rep\"},\"geometry\":" + square.Replace("\"Polygon\"", "\"Polygon \"") + "}",
        };
        var flaw = _random.Next(flaws.Length);
        var text = System.Text.Encoding.UTF8.GetBytes("{\"type\":\"FeatureCollection\",\"features\":[" + flaws[flaw]() + "]}");
        if (flaw == 0)
        {
            // U+FFFF stands for a byte that is not UTF-8: replace its three bytes with one invalid byte.
            var at = text.AsSpan().IndexOf("\uFFFF"u8);
            text = [.. text[..at], 0xFF, .. text[(at + 3)..]];
        }

        var payload = text;
        return _random.Next(3) switch
        {
            0 => Client("bad GeoJSON text", "ImportGeoJson", StatusCode.InvalidArgument, "features[0]",
                t => t.Server.Territories.ImportGeoJsonAsync(new ImportGeoJsonRequest { FeatureCollection = ByteString.CopyFrom(payload) }).ResponseAsync),
            1 => Client("bad GeoJSON text", "ImportGeoJsonStream", StatusCode.InvalidArgument, "features[0]", async t =>
            {
                // Chunks of a few bytes: the damage may fall across a chunk boundary.
                using var call = t.Server.Territories.ImportGeoJsonStream();
                var size = 1 + _random.Next(7);
                for (var offset = 0; offset < payload.Length; offset += size)
                {
                    await call.RequestStream.WriteAsync(new ImportGeoJsonStreamRequest
                    {
                        Options = offset == 0 ? new ImportGeoJsonOptions() : null,
                        Chunk = ByteString.CopyFrom(payload, offset, Math.Min(size, payload.Length - offset)),
                    });
                }

                await call.RequestStream.CompleteAsync();
                await call;
            }),
            _ => Client("bad GeoJSON text", "UpsertTerritories", StatusCode.InvalidArgument, "territories[0]",
                t => t.Server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
                {
                    Territories = { Shapes.Territory("u", flaw == 4 ? square.Replace("\"Polygon\"", "\"Polygon \"") : "{\"type\":\"Polygon\",/* c */\"coordinates\":[]}") },
                }).ResponseAsync),
        };
    }

    private CorpusCase TooMany()
    {
        const int Limit = 10_000;
        var count = Limit + _random.Next(1, 100);
        return _random.Next(3) switch
        {
            0 => Client("too many items", "ResolveBatch", StatusCode.ResourceExhausted, "GeoAssign:MaxPointsPerMessage", t =>
            {
                var points = new PointChunk();
                for (var i = 0; i < count; i++)
                {
                    points.Add(0.5, 0.5);
                }

                return t.Server.Assignments.ResolveBatchAsync(new ResolveBatchRequest { Points = points }).ResponseAsync;
            }),
            1 => Client("too many items", "Reassign", StatusCode.ResourceExhausted, "GeoAssign:MaxPointsPerMessage", t => ReassignAsync(t, new ReassignRequest
            {
                Accounts = new AccountChunk
                {
                    Ids = { Enumerable.Range(0, count).Select(i => $"a{i}") },
                    Lat = { Enumerable.Repeat(0.5, count) },
                    Lng = { Enumerable.Repeat(0.5, count) },
                    CurrentOwnerIds = { Enumerable.Repeat("rep", count) },
                },
            })),
            _ => Client("too many items", "DeleteTerritories", StatusCode.ResourceExhausted, "GeoAssign:MaxTerritoriesPerEdit",
                t => t.Server.Territories.DeleteTerritoriesAsync(new DeleteTerritoriesRequest { Ids = { Enumerable.Range(0, count).Select(i => $"d{i}") } }).ResponseAsync),
        };
    }

    private static List<RawMethod> CreateMethods()
    {
        var points = new PointChunk();
        points.Add(0.5, 0.5);
        var account = new AccountChunk { Ids = { "a" }, Lat = { 0.5 }, Lng = { 0.5 }, CurrentOwnerIds = { "rep" } };
        var balance = new BalanceAccounts { Ids = { "a" }, Lat = { 0.5 }, Lng = { 0.5 }, Weights = { 1 }, Tiers = { "A" } };
        // Good messages that change nothing even if they were ever handled: edits that are refused.
        var good = new Dictionary<string, (IMessage Good, IMessage[] Prefix)>(StringComparer.Ordinal)
        {
            ["Resolve"] = (new ResolveRequest { Lat = 0.5, Lng = 0.5 }, []),
            ["ResolveBatch"] = (new ResolveBatchRequest { Points = points }, []),
            ["ResolveStream"] = (new ResolveStreamRequest { Points = points }, [new ResolveStreamRequest { Points = points }, new ResolveStreamRequest { Points = points }]),
            ["UpsertTerritories"] = (new UpsertTerritoriesRequest(), []),
            ["DeleteTerritories"] = (new DeleteTerritoriesRequest { Ids = { "missing" } }, []),
            ["ImportGeoJson"] = (new ImportGeoJsonRequest { FeatureCollection = ByteString.CopyFromUtf8("not json") }, []),
            ["ImportGeoJsonStream"] = (new ImportGeoJsonStreamRequest { Options = new ImportGeoJsonOptions() },
                [new ImportGeoJsonStreamRequest { Options = new ImportGeoJsonOptions(), Chunk = ByteString.CopyFromUtf8("{\"type\":") }]),
            ["GetTerritory"] = (new GetTerritoryRequest { Id = TerritoryId }, []),
            ["ListTerritories"] = (new ListTerritoriesRequest { PageSize = 1 }, []),
            ["GetMapInfo"] = (new GetMapInfoRequest(), []),
            ["WatchMap"] = (new WatchMapRequest { AfterVersion = 1 }, []),
            ["Reassign"] = (new ReassignRequest { Accounts = account }, [new ReassignRequest { Accounts = account }]),
            ["BalanceReport"] = (new BalanceRequest { Accounts = balance }, [new BalanceRequest { Accounts = balance }]),
            ["Echo"] = (new EchoRequest { Payload = ByteString.CopyFromUtf8("x") }, []),
            ["EchoStream"] = (new EchoStreamRequest { Payload = ByteString.CopyFromUtf8("x") }, [new EchoStreamRequest { Payload = ByteString.CopyFromUtf8("x") }]),
            ["Check"] = (new HealthCheckRequest(), []),
            ["ServerReflectionInfo"] = (new ServerReflectionRequest { ListServices = "" }, [new ServerReflectionRequest { ListServices = "" }]),
        };
        var methods = new List<RawMethod>();
        foreach (var service in Services)
        {
            foreach (var method in service.Methods)
            {
                // Health's Watch (and any method added later) gets an empty request.
                var (message, prefix) = good.TryGetValue(method.Name, out var known) ? known : (method.InputType.Parser.ParseFrom(ByteString.Empty), []);
                methods.Add(new RawMethod($"/{service.FullName}/{method.Name}", method.InputType, method.IsClientStreaming, message, prefix));
            }
        }

        return methods;
    }
}

// The Lua script that appends one change: compare the version, then write everything at once.
using System.Globalization;
using GeoAssign.Index.Model;
using StackExchange.Redis;

namespace GeoAssign.Replication.Redis;

/// <summary>
/// Appends a change in one atomic step: Redis runs a script to the end before any other command,
/// so readers see the map either before or after the change, and two servers appending the same
/// version cannot both succeed. Thread-safe (stateless).
/// </summary>
/// <remarks>
/// The stream entry is added first: it is the only command that can be refused on a sound store
/// (an id not above the stream's last one), and Redis does not roll back the commands a failing
/// script ran before the failure. The version is published last, so a replica that hears it finds
/// the change in the stream. Redis replicates and logs the script's effects, in order, as one
/// transaction (AOF, replicas). The published message is the version, followed — when the change is
/// at most <see cref="InlineChangeLimit"/> bytes — by a newline and the change itself, the same bytes
/// as the stream entry: a follower then applies it without reading the stream.
/// </remarks>
internal static class AppendScript
{
    /// <summary>Largest encoded change that travels inside the published message.</summary>
    public const int InlineChangeLimit = 64 * 1024;

    // KEYS: 1 version, 2 territories, 3 changes.
    // ARGV: 1 new version, 2 expected current version, 3 stream max length, 4 versions channel,
    //       5 encoded change, 6 upsert count n, 7 the message to publish,
    //       8 … 7+2n territory id and encoding pairs, then deleted ids.
    // Returns {1, new version} when appended, else {0, current version} (nothing written).
    public const string Source = """
        local current = redis.call('GET', KEYS[1]) or '0'
        if current ~= ARGV[2] then
          return {0, current}
        end
        redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], ARGV[1] .. '-0', 'change', ARGV[5])
        local i = 8
        for _ = 1, tonumber(ARGV[6]) do
          redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
          i = i + 2
        end
        while i <= #ARGV do
          redis.call('HDEL', KEYS[2], ARGV[i])
          i = i + 1
        end
        redis.call('SET', KEYS[1], ARGV[1])
        redis.call('PUBLISH', ARGV[4], ARGV[7])
        return {1, ARGV[1]}
        """;

    public static RedisKey[] Keys(RedisMapKeys keys) => [keys.Version, keys.Territories, keys.Changes];

    /// <summary>The script's arguments for <paramref name="change"/>, territories in the codec's binary form.</summary>
    public static RedisValue[] Arguments(RedisMapKeys keys, MapChange change, int streamMaxLength)
    {
        var arguments = new RedisValue[7 + (2 * change.Upserts.Count) + change.Deletes.Count];
        var encoded = TerritoryCodec.EncodeChange(change);
        arguments[0] = Decimal(change.Version);
        arguments[1] = Decimal(change.Version - 1);
        arguments[2] = Decimal(streamMaxLength);
        arguments[3] = keys.VersionsChannelName;
        arguments[4] = encoded;
        arguments[5] = Decimal(change.Upserts.Count);
        arguments[6] = Message(change.Version, encoded);
        var i = 7;
        foreach (var territory in change.Upserts)
        {
            arguments[i++] = territory.Id;
            arguments[i++] = TerritoryCodec.EncodeTerritory(territory);
        }

        foreach (var id in change.Deletes)
        {
            arguments[i++] = id;
        }

        return arguments;
    }

    /// <summary>The published message: the version, then a newline and the change when it is small enough.</summary>
    public static byte[] Message(long version, byte[] encodedChange)
    {
        var prefix = System.Text.Encoding.ASCII.GetBytes(Decimal(version));
        if (encodedChange.Length > InlineChangeLimit)
        {
            return prefix;
        }

        var message = new byte[prefix.Length + 1 + encodedChange.Length];
        prefix.CopyTo(message, 0);
        message[prefix.Length] = (byte)'\n';
        encodedChange.CopyTo(message, prefix.Length + 1);
        return message;
    }

    /// <summary>
    /// Reads a published message: its version, and the change when it carries one (null otherwise,
    /// or when it cannot be decoded — the stream has it anyway). False when it is not a version.
    /// </summary>
    public static bool TryParseMessage(byte[] message, out long version, out MapChange? change)
    {
        change = null;
        var newline = Array.IndexOf(message, (byte)'\n');
        var digits = newline < 0 ? message.AsSpan() : message.AsSpan(0, newline);
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out version))
        {
            return false;
        }

        if (newline >= 0)
        {
            try
            {
                change = TerritoryCodec.DecodeChange(message.AsSpan(newline + 1).ToArray());
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException or ArgumentException or FormatException
                or NetTopologySuite.IO.ParseException or System.Text.Json.JsonException)
            {
                change = null;
            }

            if (change is not null && change.Version != version)
            {
                change = null;
            }
        }

        return true;
    }

    /// <summary>Reads the script's reply.</summary>
    public static AppendResult ParseResult(RedisResult result)
    {
        var parts = (RedisResult[]?)result;
        if (parts is not { Length: 2 })
        {
            throw new InvalidDataException($"unexpected reply from the append script: {result}");
        }

        return new AppendResult((long)parts[0] == 1, long.Parse((string)parts[1]!, NumberStyles.None, CultureInfo.InvariantCulture));
    }

    private static string Decimal(long value) => value.ToString(CultureInfo.InvariantCulture);
}

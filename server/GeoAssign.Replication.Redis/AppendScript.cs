// The Lua script that appends one change: compare the version, then write everything at once.
using System.Globalization;
using GeoAssign.Index.Model;
using GeoAssign.Replication.Embedded;
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
/// transaction (AOF, replicas).
/// </remarks>
internal static class AppendScript
{
    // KEYS: 1 version, 2 territories, 3 changes.
    // ARGV: 1 new version, 2 expected current version, 3 stream max length, 4 versions channel,
    //       5 encoded change, 6 upsert count n, 7 … 6+2n territory id and encoding pairs, then deleted ids.
    // Returns {1, new version} when appended, else {0, current version} (nothing written).
    public const string Source = """
        local current = redis.call('GET', KEYS[1]) or '0'
        if current ~= ARGV[2] then
          return {0, current}
        end
        redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], ARGV[1] .. '-0', 'change', ARGV[5])
        local i = 7
        for _ = 1, tonumber(ARGV[6]) do
          redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
          i = i + 2
        end
        while i <= #ARGV do
          redis.call('HDEL', KEYS[2], ARGV[i])
          i = i + 1
        end
        redis.call('SET', KEYS[1], ARGV[1])
        redis.call('PUBLISH', ARGV[4], ARGV[1])
        return {1, ARGV[1]}
        """;

    public static RedisKey[] Keys(RedisMapKeys keys) => [keys.Version, keys.Territories, keys.Changes];

    /// <summary>The script's arguments for <paramref name="change"/>, territories in the codec's binary form.</summary>
    public static RedisValue[] Arguments(RedisMapKeys keys, MapChange change, int streamMaxLength)
    {
        var arguments = new RedisValue[6 + (2 * change.Upserts.Count) + change.Deletes.Count];
        arguments[0] = Decimal(change.Version);
        arguments[1] = Decimal(change.Version - 1);
        arguments[2] = Decimal(streamMaxLength);
        arguments[3] = keys.VersionsChannelName;
        arguments[4] = TerritoryCodec.EncodeChange(change);
        arguments[5] = Decimal(change.Upserts.Count);
        var i = 6;
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

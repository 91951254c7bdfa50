// The Lua script that reads a whole map and its plans in one atomic step.
using StackExchange.Redis;

namespace GeoAssign.Replication.Redis;

/// <summary>
/// Reads everything a replica loads — the version, the head, the live version, the live territories,
/// the plans' descriptions and each plan's territories — as Redis holds it at one moment: a script runs
/// to its end before any other command. Every key shares the map's hash tag. Thread-safe (stateless).
/// </summary>
internal static class LoadScript
{
    // KEYS: 1 version, 2 head, 3 live version, 4 territories, 5 plans, 6 history, 7 overrides, 8 the
    // countries with postal codes. ARGV: 1 the prefix of a plan's territory hash, 2 that of a plan's
    // base hash, 3 that of a country's postal-code hash.
    // Returns {version, head, live version, HGETALL territories, HGETALL plans, LRANGE history,
    // HGETALL overrides, {country, HGETALL codes, …}, name, HGETALL plan, HGETALL base, …}.
    public const string Source = """
        local result = {redis.call('GET', KEYS[1]) or '', redis.call('GET', KEYS[2]) or '', redis.call('GET', KEYS[3]) or '',
          redis.call('HGETALL', KEYS[4]), redis.call('HGETALL', KEYS[5]), redis.call('LRANGE', KEYS[6], 0, -1),
          redis.call('HGETALL', KEYS[7]), {}}
        for _, country in ipairs(redis.call('SMEMBERS', KEYS[8])) do
          table.insert(result[8], country)
          table.insert(result[8], redis.call('HGETALL', ARGV[3] .. country))
        end
        for _, name in ipairs(redis.call('HKEYS', KEYS[5])) do
          table.insert(result, name)
          table.insert(result, redis.call('HGETALL', ARGV[1] .. name))
          table.insert(result, redis.call('HGETALL', ARGV[2] .. name))
        end
        return result
        """;

    public static RedisKey[] Keys(RedisMapKeys keys) => [keys.Version, keys.Head, keys.LiveVersion, keys.Territories, keys.Plans, keys.History, keys.Overrides, keys.GazetteerCountries];
}

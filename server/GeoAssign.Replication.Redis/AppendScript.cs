// The Lua script that appends one change: compare the version, then write everything at once.
using System.Globalization;
using GeoAssign.Index.Model;
using GeoAssign.Index.Plans;
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
/// transaction (AOF, replicas). The published message is the version, the change's id and its
/// parent's id, followed — when the change is at most <see cref="InlineChangeLimit"/> bytes — by a
/// newline and the change itself, the same bytes as the stream entry: a follower then applies it
/// without reading the stream.
/// <para>Every change carries a random id (stream field <c>id</c>, and the <c>head</c> key for the
/// latest); an append names the id of the change it follows and is refused when Redis's head is
/// another one (see <see cref="RedisLineage"/>). An empty parent, or no head (data from before ids),
/// skips that check.</para>
/// </remarks>
internal static class AppendScript
{
    /// <summary>Largest encoded change that travels inside the published message.</summary>
    public const int InlineChangeLimit = 64 * 1024;

    // KEYS: 1 version, 2 the territory hash the change edits (live or a plan's), 3 changes, 4 head,
    //       5 live version, 6 plans, 7 the live territory hash, 8 the edited plan's base hash (the
    //       territories it started with; for a live change, unused), 9 the live map's history,
    //       10 the live map's overrides, 11 the set of countries with postal codes.
    // ARGV: 1 new version, 2 expected current version, 3 stream max length, 4 versions channel,
    //       5 encoded change, 6 upsert count n, 7 the message to publish, 8 the parent's id ('' =
    //       unknown), 9 the change's id, 10 what to do to the edited hash first ('' nothing, 'clear'
    //       a new plan, 'copy' a new plan copied from the live map, 'drop' a deleted plan), 11 the plan
    //       whose description changes ('' none), 12 that description ('' = the plan is gone), 13 '1'
    //       when the change is of the live map, 14 its history entry ('' for a plan's change),
    //       15 '1' when every override goes first, 16 the override upsert count m, 17 the territory
    //       delete count d, 18 the override delete count o, 19 the prefix of a country's postal-code
    //       hash, 20 the count c of countries whose codes go first, 21 the postal-code upsert count g,
    //       22 … 21+2n territory id and encoding pairs, then d deleted ids, then m account id and
    //       override encoding pairs, then o account ids whose override goes, then c countries, then
    //       g country, code and encoding triples.
    // Returns {1, new version} when appended, else {0, current version, head} (nothing written).
    public const string Source = """
        local current = redis.call('GET', KEYS[1]) or '0'
        local head = redis.call('GET', KEYS[4]) or ''
        if current ~= ARGV[2] or (ARGV[8] ~= '' and head ~= '' and head ~= ARGV[8]) then
          return {0, current, head}
        end
        redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], ARGV[1] .. '-0', 'change', ARGV[5], 'id', ARGV[9])
        if ARGV[13] ~= '1' and redis.call('EXISTS', KEYS[5]) == 0 then
          -- The first change of a plan on data from before plans: the live map is at the old version.
          redis.call('SET', KEYS[5], current)
        end
        if ARGV[10] == 'clear' or ARGV[10] == 'drop' or ARGV[10] == 'copy' then
          redis.call('DEL', KEYS[2], KEYS[8])
        end
        if ARGV[10] == 'copy' then
          local all = redis.call('HGETALL', KEYS[7])
          for j = 1, #all, 2 do
            redis.call('HSET', KEYS[2], all[j], all[j + 1])
            redis.call('HSET', KEYS[8], all[j], all[j + 1])
          end
        end
        local i = 22
        for _ = 1, tonumber(ARGV[6]) do
          redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
          if ARGV[10] == 'clear' then
            redis.call('HSET', KEYS[8], ARGV[i], ARGV[i + 1])
          end
          i = i + 2
        end
        for _ = 1, tonumber(ARGV[17]) do
          redis.call('HDEL', KEYS[2], ARGV[i])
          i = i + 1
        end
        if ARGV[15] == '1' then
          redis.call('DEL', KEYS[10])
        end
        for _ = 1, tonumber(ARGV[16]) do
          redis.call('HSET', KEYS[10], ARGV[i], ARGV[i + 1])
          i = i + 2
        end
        for _ = 1, tonumber(ARGV[18]) do
          redis.call('HDEL', KEYS[10], ARGV[i])
          i = i + 1
        end
        for _ = 1, tonumber(ARGV[20]) do
          redis.call('DEL', ARGV[19] .. ARGV[i])
          redis.call('SREM', KEYS[11], ARGV[i])
          i = i + 1
        end
        for _ = 1, tonumber(ARGV[21]) do
          redis.call('HSET', ARGV[19] .. ARGV[i], ARGV[i + 1], ARGV[i + 2])
          redis.call('SADD', KEYS[11], ARGV[i])
          i = i + 3
        end
        if ARGV[11] ~= '' then
          if ARGV[12] == '' then
            redis.call('HDEL', KEYS[6], ARGV[11])
          else
            redis.call('HSET', KEYS[6], ARGV[11], ARGV[12])
          end
        end
        if ARGV[13] == '1' then
          redis.call('SET', KEYS[5], ARGV[1])
          redis.call('RPUSH', KEYS[9], ARGV[14])
          redis.call('LTRIM', KEYS[9], -tonumber(ARGV[3]), -1)
        end
        redis.call('SET', KEYS[1], ARGV[1])
        redis.call('SET', KEYS[4], ARGV[9])
        redis.call('PUBLISH', ARGV[4], ARGV[7])
        return {1, ARGV[1]}
        """;

    public static RedisKey[] Keys(RedisMapKeys keys, MapChange change) =>
        [keys.Version, change.Plan is null ? keys.Territories : keys.PlanTerritories(change.Plan), keys.Changes, keys.Head, keys.LiveVersion, keys.Plans, keys.Territories,
            change.Plan is null ? keys.Territories : keys.PlanBase(change.Plan), keys.History, keys.Overrides, keys.GazetteerCountries];

    /// <summary>
    /// The script's arguments for <paramref name="change"/> with id <paramref name="id"/>, following
    /// the change <paramref name="parentId"/> (empty: unknown), territories in the codec's binary form;
    /// <paramref name="plan"/> is the description of the plan the change concerns afterwards (null when
    /// it concerns none, or deletes it).
    /// </summary>
    public static RedisValue[] Arguments(RedisMapKeys keys, MapChange change, int streamMaxLength, string parentId, string id, PlanInfo? plan)
    {
        var arguments = new RedisValue[21 + (2 * change.Upserts.Count) + change.Deletes.Count + (2 * change.OverrideUpserts.Count) + change.OverrideDeletes.Count
            + change.GazetteerClearCountries.Count + (3 * change.GazetteerUpserts.Count)];
        var encoded = TerritoryCodec.EncodeChange(change);
        arguments[0] = Decimal(change.Version);
        arguments[1] = Decimal(change.Version - 1);
        arguments[2] = Decimal(streamMaxLength);
        arguments[3] = keys.VersionsChannelName;
        arguments[4] = encoded;
        arguments[5] = Decimal(change.Upserts.Count);
        arguments[6] = Message(change.Version, id, parentId, encoded);
        arguments[7] = parentId;
        arguments[8] = id;
        arguments[9] = change.Operation?.Kind switch
        {
            PlanOperationKind.Create => change.Operation.CopyLive ? "copy" : "clear",
            PlanOperationKind.Delete => "drop",
            _ => "",
        };
        var described = change.Plan ?? (change.Operation is { Kind: PlanOperationKind.Activate } activate ? activate.Plan : null);
        arguments[10] = described ?? "";
        arguments[11] = plan is null ? "" : TerritoryCodec.EncodePlanInfo(plan);
        arguments[12] = change.Plan is null ? "1" : "0";
        arguments[13] = change.Plan is null ? TerritoryCodec.EncodeLiveVersion(LiveVersionInfo.Of(change)) : "";
        arguments[14] = change.ClearOverrides ? "1" : "0";
        arguments[15] = Decimal(change.OverrideUpserts.Count);
        arguments[16] = Decimal(change.Deletes.Count);
        arguments[17] = Decimal(change.OverrideDeletes.Count);
        arguments[18] = keys.GazetteerPrefix;
        arguments[19] = Decimal(change.GazetteerClearCountries.Count);
        arguments[20] = Decimal(change.GazetteerUpserts.Count);
        var i = 21;
        foreach (var territory in change.Upserts)
        {
            arguments[i++] = territory.Id;
            arguments[i++] = TerritoryCodec.EncodeTerritory(territory);
        }

        foreach (var deleted in change.Deletes)
        {
            arguments[i++] = deleted;
        }

        foreach (var entry in change.OverrideUpserts)
        {
            arguments[i++] = entry.AccountId;
            arguments[i++] = TerritoryCodec.EncodeOverride(entry);
        }

        foreach (var account in change.OverrideDeletes)
        {
            arguments[i++] = account;
        }

        foreach (var country in change.GazetteerClearCountries)
        {
            arguments[i++] = country;
        }

        foreach (var entry in change.GazetteerUpserts)
        {
            arguments[i++] = entry.Country;
            arguments[i++] = entry.Code;
            arguments[i++] = TerritoryCodec.EncodePostalCode(entry);
        }

        return arguments;
    }

    /// <summary>
    /// The published message: the version, the change's id and its parent's id (separated by spaces),
    /// then a newline and the change when it is small enough.
    /// </summary>
    public static byte[] Message(long version, string id, string parentId, byte[] encodedChange)
    {
        var prefix = System.Text.Encoding.ASCII.GetBytes($"{Decimal(version)} {id} {parentId}".TrimEnd());
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
    /// Reads a published message: its version, the change's id and its parent's (empty when the
    /// message has none), and the change when it carries one (null otherwise, or when it cannot be
    /// decoded — the stream has it anyway). False when it is not a version.
    /// </summary>
    public static bool TryParseMessage(byte[] message, out long version, out string id, out string parentId, out MapChange? change)
    {
        change = null;
        id = parentId = "";
        var newline = Array.IndexOf(message, (byte)'\n');
        var line = System.Text.Encoding.ASCII.GetString(newline < 0 ? message.AsSpan() : message.AsSpan(0, newline));
        var parts = line.Split(' ');
        if (parts.Length > 3 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out version))
        {
            version = 0;
            return false;
        }

        id = parts.Length > 1 ? parts[1] : "";
        parentId = parts.Length > 2 ? parts[2] : "";

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

    /// <summary>Reads the script's reply: the result, and Redis's head when the append was refused.</summary>
    public static (AppendResult Result, string Head) ParseResult(RedisResult result)
    {
        var parts = (RedisResult[]?)result;
        if (parts is not { Length: 2 or 3 })
        {
            throw new InvalidDataException($"unexpected reply from the append script: {result}");
        }

        var appended = new AppendResult((long)parts[0] == 1, long.Parse((string)parts[1]!, NumberStyles.None, CultureInfo.InvariantCulture));
        return (appended, parts.Length == 3 ? (string?)parts[2] ?? "" : "");
    }

    private static string Decimal(long value) => value.ToString(CultureInfo.InvariantCulture);
}

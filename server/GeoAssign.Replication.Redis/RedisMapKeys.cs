// The Redis keys and channel of one map.
using System.Globalization;
using StackExchange.Redis;

namespace GeoAssign.Replication.Redis;

/// <summary>
/// The keys of one map. They share the hash tag <c>{map name}</c>, so the map lives in one Redis
/// Cluster slot and the append script and the read transactions may touch all of them. Immutable.
/// </summary>
internal sealed class RedisMapKeys
{
    /// <summary>The field of a change stream entry that holds the encoded change.</summary>
    public const string ChangeField = "change";

    /// <summary>The field of a change stream entry that holds the change's id (see <see cref="RedisLineage"/>); missing in entries written before ids.</summary>
    public const string IdField = "id";

    public RedisMapKeys(string mapName)
    {
        var prefix = "geoassign:{" + mapName + "}:";
        Version = prefix + "version";
        Head = prefix + "head";
        Territories = prefix + "territories";
        LiveVersion = prefix + "live";
        Plans = prefix + "plans";
        History = prefix + "history";
        Overrides = prefix + "overrides";
        GazetteerCountries = prefix + "gazetteer";
        GazetteerPrefix = prefix + "gazetteer:";
        PlanPrefix = prefix + "plan:";
        PlanBasePrefix = prefix + "planbase:";
        Changes = prefix + "changes";
        VersionsChannelName = prefix + "versions";
        VersionsChannel = RedisChannel.Literal(VersionsChannelName);
    }

    /// <summary>String: the map version, a decimal integer; missing means 0.</summary>
    public RedisKey Version { get; }

    /// <summary>String: the id of the change at <see cref="Version"/>; missing for an empty map or data written before ids.</summary>
    public RedisKey Head { get; }

    /// <summary>Hash: territory id → the territory encoded by <c>TerritoryCodec.EncodeTerritory</c>; the live map.</summary>
    public RedisKey Territories { get; }

    /// <summary>String: the live map's version (that of its last change); missing means <see cref="Version"/> (data from before plans).</summary>
    public RedisKey LiveVersion { get; }

    /// <summary>Hash: plan name → the plan's description encoded by <c>TerritoryCodec.EncodePlanInfo</c>.</summary>
    public RedisKey Plans { get; }

    /// <summary>List: the live map's recent versions, oldest first, each encoded by <c>TerritoryCodec.EncodeLiveVersion</c>.</summary>
    public RedisKey History { get; }

    /// <summary>Hash: account id → the live map's override encoded by <c>TerritoryCodec.EncodeOverride</c>.</summary>
    public RedisKey Overrides { get; }

    /// <summary>Set: the countries that have postal codes in the live map's gazetteer.</summary>
    public RedisKey GazetteerCountries { get; }

    /// <summary>
    /// What the key of a country's postal-code hash starts with; the country follows. Hash: normalised
    /// code → the entry encoded by <c>TerritoryCodec.EncodePostalCode</c>.
    /// </summary>
    public string GazetteerPrefix { get; }

    /// <summary>What the key of a plan's territory hash starts with; the plan's name follows.</summary>
    public string PlanPrefix { get; }

    /// <summary>Hash: territory id → encoded territory, of one plan.</summary>
    public RedisKey PlanTerritories(string plan) => PlanPrefix + plan;

    /// <summary>What the key of a plan's base hash starts with; the plan's name follows.</summary>
    public string PlanBasePrefix { get; }

    /// <summary>Hash: territory id → encoded territory, the territories one plan started with.</summary>
    public RedisKey PlanBase(string plan) => PlanBasePrefix + plan;

    /// <summary>Stream: entry <c>{version}-0</c> holds the change to that version in its <see cref="ChangeField"/>.</summary>
    public RedisKey Changes { get; }

    /// <summary>Pub/sub channel: every new version as a decimal string.</summary>
    public string VersionsChannelName { get; }

    /// <inheritdoc cref="VersionsChannelName"/>
    public RedisChannel VersionsChannel { get; }

    /// <summary>The version held by the <see cref="Version"/> key; 0 when it is missing.</summary>
    /// <exception cref="MapStoreException">The key holds something else than a version.</exception>
    public long ParseVersion(RedisValue value)
    {
        if (value.IsNull)
        {
            return 0;
        }

        return long.TryParse((string?)value, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : throw new MapStoreException($"The Redis key {Version} holds \"{value}\", not a version; the store is corrupt.");
    }

    /// <summary>The stream entry id of a version's change.</summary>
    public static RedisValue EntryId(long version) => version.ToString(CultureInfo.InvariantCulture) + "-0";

    /// <summary>The version of a stream entry id <c>{version}-0</c>; false for any other id.</summary>
    public static bool TryParseEntryId(RedisValue id, out long version)
    {
        var text = (string?)id;
        version = 0;
        return text is not null && text.EndsWith("-0", StringComparison.Ordinal)
            && long.TryParse(text.AsSpan(0, text.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out version)
            && version > 0;
    }
}

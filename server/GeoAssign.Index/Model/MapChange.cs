// The one change type: every edit, replicated message and replay applies a MapChange.
using GeoAssign.Index.Accounts;
using GeoAssign.Index.Gazetteer;
using GeoAssign.Index.Plans;

namespace GeoAssign.Index.Model;

/// <summary>
/// One change of the territory map or of one of its plans: the version it produces, the territories
/// to insert or replace (matched by <see cref="Territory.Id"/>), the ids to delete, which map it changes
/// (<see cref="Plan"/>; null for the live map), what it does to a plan as a whole
/// (<see cref="Operation"/>), and who made it when (<see cref="Info"/>). Every path that changes a map —
/// an API call, a replicated message, a replay at start-up — applies this type through the same code.
/// </summary>
/// <remarks>
/// Versions are positions in the one sequence of changes a store holds: the live map and each plan have
/// the version of their last change, so versions of one map increase but need not be consecutive.
/// </remarks>
/// <remarks>
/// Immutable and thread-safe (given that nobody mutates the territories' geometries). A change is
/// validated against the current map as a whole (see
/// <see cref="Validation.TerritoryValidator.ValidateChange(IReadOnlyDictionary{string, Territory}, MapChange)"/>):
/// an id may not be both upserted and deleted, and a parent may be upserted in the same change.
/// </remarks>
public sealed class MapChange
{
    /// <summary>Creates a change.</summary>
    /// <param name="version">The map version this change produces; strictly greater than the version it applies to.</param>
    /// <param name="upserts">Territories to insert, or to replace the territory with the same id.</param>
    /// <param name="deletes">Ids of territories to delete.</param>
    public MapChange(long version, IEnumerable<Territory> upserts, IEnumerable<string> deletes)
    {
        ArgumentNullException.ThrowIfNull(upserts);
        ArgumentNullException.ThrowIfNull(deletes);
        Version = version;
        Upserts = Array.AsReadOnly(upserts.ToArray());
        Deletes = Array.AsReadOnly(deletes.ToArray());
    }

    /// <summary>The map version this change produces.</summary>
    public long Version { get; }

    /// <summary>Territories to insert, or to replace the territory with the same id.</summary>
    public IReadOnlyList<Territory> Upserts { get; }

    /// <summary>Ids of territories to delete.</summary>
    public IReadOnlyList<string> Deletes { get; }

    /// <summary>
    /// For a change of the live map: every territory as it was before the change, of the ids it
    /// replaces or deletes — what undoing it needs, so that a past version can be rebuilt from the
    /// present one (empty when it replaced nothing). Null when not known: changes of plans, and
    /// changes written before history was kept.
    /// </summary>
    public IReadOnlyList<Territory>? Replaced { get; init; }

    /// <summary>Account overrides to set (replacing an account's override). Only on changes of the live map.</summary>
    public IReadOnlyList<AccountOverride> OverrideUpserts { get; init; } = [];

    /// <summary>Account ids whose override to remove. Only on changes of the live map.</summary>
    public IReadOnlyList<string> OverrideDeletes { get; init; } = [];

    /// <summary>Whether every override goes before <see cref="OverrideUpserts"/> are set (a replacing import).</summary>
    public bool ClearOverrides { get; init; }

    /// <summary>
    /// The overrides as they were before the change, of the accounts it sets or removes (every override,
    /// with <see cref="ClearOverrides"/>): what undoing it needs. Null when not known (as <see cref="Replaced"/>).
    /// </summary>
    public IReadOnlyList<AccountOverride>? ReplacedOverrides { get; init; }

    /// <summary>Whether the change touches account overrides.</summary>
    public bool HasOverrides => OverrideUpserts.Count > 0 || OverrideDeletes.Count > 0 || ClearOverrides;

    /// <summary>Postal codes to set (replacing the entry of the same country and code). Only on changes of the live map.</summary>
    public IReadOnlyList<PostalCodeEntry> GazetteerUpserts { get; init; } = [];

    /// <summary>Countries whose every postal code goes before <see cref="GazetteerUpserts"/> are set (a replacing import).</summary>
    public IReadOnlyList<string> GazetteerClearCountries { get; init; } = [];

    /// <summary>
    /// The postal codes as they were before the change, of the keys it sets (every code of
    /// <see cref="GazetteerClearCountries"/>): what undoing it needs. Null when not known (as <see cref="Replaced"/>).
    /// </summary>
    public IReadOnlyList<PostalCodeEntry>? ReplacedGazetteer { get; init; }

    /// <summary>Whether the change touches the postal-code gazetteer.</summary>
    public bool HasGazetteer => GazetteerUpserts.Count > 0 || GazetteerClearCountries.Count > 0;

    /// <summary>The plan this change edits; null for the live map.</summary>
    public string? Plan { get; init; }

    /// <summary>What the change does to a plan as a whole (create, delete, schedule; activate on a live change); null for a plain edit.</summary>
    public PlanOperation? Operation { get; init; }

    /// <summary>When the change took effect, who made it and why.</summary>
    public ChangeInfo Info { get; init; } = ChangeInfo.None;

    /// <summary>Whether the change neither upserts nor deletes any territory.</summary>
    public bool IsEmpty => Upserts.Count == 0 && Deletes.Count == 0;

    /// <summary>Whether the change edits the live map (rather than a plan).</summary>
    public bool IsLive => Plan is null;

    /// <summary>This change, of <paramref name="plan"/> (null: the live map) and made as <paramref name="info"/> says.</summary>
    public MapChange For(string? plan, ChangeInfo info) => Copy(plan, info, Replaced, ReplacedOverrides, ReplacedGazetteer);

    /// <summary>This change with other <see cref="Info"/>.</summary>
    public MapChange WithInfo(ChangeInfo info) => Copy(Plan, info, Replaced, ReplacedOverrides, ReplacedGazetteer);

    private MapChange Copy(string? plan, ChangeInfo info, IReadOnlyList<Territory>? replaced, IReadOnlyList<AccountOverride>? replacedOverrides,
        IReadOnlyList<PostalCodeEntry>? replacedGazetteer) =>
        new(Version, Upserts, Deletes)
        {
            Plan = plan,
            Operation = Operation,
            Info = info,
            Replaced = replaced,
            OverrideUpserts = OverrideUpserts,
            OverrideDeletes = OverrideDeletes,
            ClearOverrides = ClearOverrides,
            ReplacedOverrides = replacedOverrides,
            GazetteerUpserts = GazetteerUpserts,
            GazetteerClearCountries = GazetteerClearCountries,
            ReplacedGazetteer = replacedGazetteer,
        };

    /// <summary>This change with <see cref="Replaced"/> taken from <paramref name="before"/>, the map it changes.</summary>
    public MapChange WithReplacedFrom(TerritoryMap before)
    {
        ArgumentNullException.ThrowIfNull(before);
        var replaced = new List<Territory>();
        foreach (var territory in Upserts)
        {
            if (before.Territories.TryGetValue(territory.Id, out var old))
            {
                replaced.Add(old.Territory);
            }
        }

        foreach (var id in Deletes)
        {
            if (before.Territories.TryGetValue(id, out var old))
            {
                replaced.Add(old.Territory);
            }
        }

        List<AccountOverride>? replacedOverrides = null;
        if (HasOverrides)
        {
            replacedOverrides = [];
            if (ClearOverrides)
            {
                replacedOverrides.AddRange(before.Overrides.All());
            }
            else
            {
                foreach (var id in OverrideUpserts.Select(o => o.AccountId).Concat(OverrideDeletes).Distinct(StringComparer.Ordinal))
                {
                    if (before.Overrides.TryGet(id, out var old))
                    {
                        replacedOverrides.Add(old);
                    }
                }
            }
        }

        List<PostalCodeEntry>? replacedGazetteer = null;
        if (HasGazetteer)
        {
            replacedGazetteer = [];
            var cleared = GazetteerClearCountries.ToHashSet(StringComparer.Ordinal);
            foreach (var country in cleared)
            {
                replacedGazetteer.AddRange(before.Gazetteer.AllOf(country));
            }

            foreach (var entry in GazetteerUpserts)
            {
                if (!cleared.Contains(entry.Country) && before.Gazetteer.TryGet(entry.Country, entry.Code, out var old))
                {
                    replacedGazetteer.Add(old);
                }
            }
        }

        return Copy(Plan, Info, replaced, replacedOverrides ?? [], replacedGazetteer ?? []);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"MapChange to version {Version}{(Plan is null ? "" : $" of plan \"{Plan}\"")}{(Operation is null ? "" : $" ({Operation.Kind})")}: {Upserts.Count} upserts, {Deletes.Count} deletes";
}

// Counts accounts, weight and tier mix per territory and per owner of one map, for the balance report.
using System.Runtime.InteropServices;
using GeoAssign.Index.Model;

namespace GeoAssign.Index.Analysis;

/// <summary>
/// The balance of accounts under one map: each account is added with the territory it counts toward
/// and the owner it counts for, and the tally keeps per territory, per owner and for the accounts
/// without owner the number of accounts, their weight and their tier mix. The territories (and their
/// owners) are given up front, so those without accounts are reported too; owners that only
/// overrides name are added as accounts come. <see cref="Add"/> allocates nothing beyond the growth
/// of its dictionaries. Not thread-safe.
/// </summary>
public sealed class BalanceTally
{
    private const int Unassigned = -1;

    private readonly Dictionary<string, int> _territorySlots = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _ownerSlots = new(StringComparer.Ordinal);
    private readonly List<Group> _territories = [];
    private readonly List<Group> _owners = [];
    private readonly Dictionary<(int Slot, int Tier), Totals> _territoryTiers = [];
    private readonly Dictionary<(int Slot, int Tier), Totals> _ownerTiers = [];
    private Totals _unassigned;

    /// <summary>A tally over <paramref name="territories"/> (the territories of one layer of one map); ids must be distinct.</summary>
    public BalanceTally(IEnumerable<Territory> territories)
    {
        ArgumentNullException.ThrowIfNull(territories);
        foreach (var territory in territories.OrderBy(t => t.Id, StringComparer.Ordinal))
        {
            _territorySlots.Add(territory.Id, _territories.Count);
            _territories.Add(new Group(territory.Id, territory.OwnerId));
            if (territory.OwnerId.Length != 0)
            {
                // The slot first: adding the owner may grow the list under a span taken before.
                var slot = OwnerSlot(territory.OwnerId);
                CollectionsMarshal.AsSpan(_owners)[slot].TerritoryCount++;
            }
        }
    }

    /// <summary>Accounts added.</summary>
    public long Count { get; private set; }

    /// <summary>Accounts whose owner an override decided.</summary>
    public long OverrideCount { get; private set; }

    /// <summary>Accounts without owner that no territory covers.</summary>
    public long UncoveredCount { get; private set; }

    /// <summary>Whether <paramref name="territoryId"/> is one of the tally's territories.</summary>
    public bool HasTerritory(string territoryId) => _territorySlots.ContainsKey(territoryId);

    /// <summary>Adds one account.</summary>
    /// <param name="territoryId">The territory it counts toward, one of the tally's; null when none covers it.</param>
    /// <param name="ownerId">The owner it counts for; empty when it has none (unassigned).</param>
    /// <param name="tier">Its tier's number (0 or more), or -1 when the accounts have no tiers.</param>
    /// <param name="weight">Its weight: finite and not negative.</param>
    /// <param name="overridden">Whether an override decided its owner.</param>
    /// <exception cref="ArgumentException">The territory is not one of the tally's.</exception>
    public void Add(string? territoryId, string ownerId, int tier, double weight, bool overridden)
    {
        var territorySlot = -1;
        if (territoryId is not null && !_territorySlots.TryGetValue(territoryId, out territorySlot))
        {
            throw new ArgumentException($"The territory \"{territoryId}\" is not one of the tally's.", nameof(territoryId));
        }

        var overrides = overridden ? 1 : 0;
        Count++;
        OverrideCount += overrides;
        if (territorySlot >= 0)
        {
            CollectionsMarshal.AsSpan(_territories)[territorySlot].Totals.Add(weight, overrides);
            AddTier(_territoryTiers, territorySlot, tier, weight);
        }

        if (ownerId.Length == 0)
        {
            _unassigned.Add(weight, overrides);
            AddTier(_ownerTiers, Unassigned, tier, weight);
            if (territorySlot < 0)
            {
                UncoveredCount++;
            }

            return;
        }

        var ownerSlot = OwnerSlot(ownerId);
        CollectionsMarshal.AsSpan(_owners)[ownerSlot].Totals.Add(weight, overrides);
        AddTier(_ownerTiers, ownerSlot, tier, weight);
    }

    /// <summary>Every territory given at construction, by id (ordinal).</summary>
    public IReadOnlyList<TerritoryLoad> Territories()
    {
        var mixes = Mixes(_territoryTiers);
        return [.. _territories.Select((group, slot) => new TerritoryLoad(group.Id, group.OwnerId, Load(group.Totals, mixes, slot)))];
    }

    /// <summary>Every owner (of a territory, or with accounts), by id (ordinal).</summary>
    public IReadOnlyList<OwnerLoad> Owners()
    {
        var mixes = Mixes(_ownerTiers);
        return [.. _owners.Select((group, slot) => new OwnerLoad(group.Id, group.TerritoryCount, Load(group.Totals, mixes, slot)))
            .OrderBy(o => o.OwnerId, StringComparer.Ordinal)];
    }

    /// <summary>The accounts without owner.</summary>
    public AccountLoad UnassignedLoad() => Load(_unassigned, Mixes(_ownerTiers), Unassigned);

    /// <summary>Imbalance of the owners' account counts (owners without accounts included).</summary>
    public BalanceFigures CountFigures() => BalanceFigures.Of([.. _owners.Select(o => (double)o.Totals.Count)]);

    /// <summary>Imbalance of the owners' weight sums (owners without accounts included).</summary>
    public BalanceFigures WeightFigures() => BalanceFigures.Of([.. _owners.Select(o => o.Totals.Weight)]);

    private int OwnerSlot(string ownerId)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_ownerSlots, ownerId, out var exists);
        if (!exists)
        {
            slot = _owners.Count;
            _owners.Add(new Group(ownerId, ""));
        }

        return slot;
    }

    private static void AddTier(Dictionary<(int Slot, int Tier), Totals> tiers, int slot, int tier, double weight)
    {
        if (tier >= 0)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(tiers, (slot, tier), out _).Add(weight, 0);
        }
    }

    // The tier mix of each slot, tiers in number order.
    private static Dictionary<int, List<TierLoad>> Mixes(Dictionary<(int Slot, int Tier), Totals> tiers)
    {
        var mixes = new Dictionary<int, List<TierLoad>>();
        foreach (var ((slot, tier), totals) in tiers)
        {
            ref var mix = ref CollectionsMarshal.GetValueRefOrAddDefault(mixes, slot, out _);
            (mix ??= []).Add(new TierLoad(tier, totals.Count, totals.Weight));
        }

        foreach (var mix in mixes.Values)
        {
            mix.Sort(static (a, b) => a.Tier.CompareTo(b.Tier));
        }

        return mixes;
    }

    private static AccountLoad Load(Totals totals, Dictionary<int, List<TierLoad>> mixes, int slot) =>
        new(totals.Count, totals.Weight, totals.Overrides, mixes.TryGetValue(slot, out var mix) ? mix : []);

    private struct Totals
    {
        public long Count;
        public double Weight;
        public long Overrides;

        public void Add(double weight, int overrides)
        {
            Count++;
            Weight += weight;
            Overrides += overrides;
        }
    }

    private struct Group(string id, string ownerId)
    {
        public readonly string Id = id;
        public readonly string OwnerId = ownerId;
        public Totals Totals;
        public int TerritoryCount;
    }
}

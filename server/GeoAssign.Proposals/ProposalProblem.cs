// The districting problem a proposal solves: blocks with adjacency, accounts in them, territories with targets.
namespace GeoAssign.Proposals;

/// <summary>
/// One unit territories are made of (a territory of an existing layer, or an H3 cell). Immutable.
/// </summary>
/// <param name="Id">Stable id (territory id or H3 cell as hex); unique within the problem.</param>
/// <param name="CentroidLat">Latitude of the block's centroid, degrees.</param>
/// <param name="CentroidLng">Longitude of the block's centroid, degrees.</param>
/// <param name="AreaKm2">Area of the block on the ellipsoid, km².</param>
/// <param name="Neighbours">Indexes of the blocks sharing a border (a line, not only a point) with this one; symmetric, no self.</param>
/// <param name="CurrentTerritory">Index of the territory holding the block in the live map, or -1.</param>
/// <param name="LockedTerritory">Index of the territory the block must stay in (locked block or territory), or -1.</param>
public sealed record ProposalBlock(
    string Id,
    double CentroidLat,
    double CentroidLng,
    double AreaKm2,
    IReadOnlyList<int> Neighbours,
    int CurrentTerritory = -1,
    int LockedTerritory = -1);

/// <summary>A territory to draw, with its owner and the share of the total weight it should carry. Immutable.</summary>
/// <param name="Id">Territory id written to the plan.</param>
/// <param name="OwnerId">Owner of the territory.</param>
/// <param name="Capacity">Relative capacity (target weight share = capacity / Σ capacities); 1 for equal shares.</param>
/// <param name="HomeLat">Latitude of the owner's home base, or null.</param>
/// <param name="HomeLng">Longitude of the owner's home base, or null.</param>
public sealed record ProposalTerritory(string Id, string OwnerId, double Capacity = 1, double? HomeLat = null, double? HomeLng = null);

/// <summary>An account inside a block. Immutable value.</summary>
/// <param name="Block">Index of the block the account lies in.</param>
/// <param name="Lat">Latitude, degrees.</param>
/// <param name="Lng">Longitude, degrees.</param>
/// <param name="Weight">Weight (1 when the accounts file has no weight column); finite, not negative.</param>
/// <param name="CurrentTerritory">Index of the territory whose owner serves the account today, or -1 (nobody, or an owner not among the territories).</param>
/// <param name="PinnedTerritory">Index of the territory a protected override keeps the account with, or -1 when the account follows its block. A pinned account never moves and counts toward the pinned territory wherever its block goes.</param>
public readonly record struct ProposalAccount(int Block, double Lat, double Lng, double Weight, int CurrentTerritory = -1, int PinnedTerritory = -1);

/// <summary>
/// The whole problem. Construct through <see cref="Create"/>, which checks every index and the symmetry of
/// adjacency. Immutable and thread-safe once created.
/// </summary>
public sealed class ProposalProblem
{
    private ProposalProblem(IReadOnlyList<ProposalBlock> blocks, IReadOnlyList<ProposalTerritory> territories, IReadOnlyList<ProposalAccount> accounts)
    {
        Blocks = blocks;
        Territories = territories;
        Accounts = accounts;
    }

    /// <summary>The blocks, indexed 0..n-1.</summary>
    public IReadOnlyList<ProposalBlock> Blocks { get; }

    /// <summary>The territories to draw, indexed 0..k-1.</summary>
    public IReadOnlyList<ProposalTerritory> Territories { get; }

    /// <summary>The accounts.</summary>
    public IReadOnlyList<ProposalAccount> Accounts { get; }

    /// <summary>A checked problem.</summary>
    /// <exception cref="ArgumentException">An index is out of range, adjacency is not symmetric, an id repeats, a
    /// weight or capacity is not a finite non-negative number, or there are fewer blocks than territories.</exception>
    public static ProposalProblem Create(IReadOnlyList<ProposalBlock> blocks, IReadOnlyList<ProposalTerritory> territories, IReadOnlyList<ProposalAccount> accounts)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(territories);
        ArgumentNullException.ThrowIfNull(accounts);
        if (territories.Count == 0)
        {
            throw new ArgumentException("A proposal needs at least one territory.", nameof(territories));
        }

        if (blocks.Count < territories.Count)
        {
            throw new ArgumentException($"{territories.Count} territories cannot be drawn from {blocks.Count} blocks: every territory needs at least one block.", nameof(blocks));
        }

        var territoryIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var territory in territories)
        {
            if (!territoryIds.Add(territory.Id))
            {
                throw new ArgumentException($"Territory id '{territory.Id}' appears twice.", nameof(territories));
            }

            if (!double.IsFinite(territory.Capacity) || territory.Capacity <= 0)
            {
                throw new ArgumentException($"Territory '{territory.Id}' has capacity {territory.Capacity}; a capacity is a finite number above 0.", nameof(territories));
            }
        }

        var blockIds = new HashSet<string>(StringComparer.Ordinal);
        for (var b = 0; b < blocks.Count; b++)
        {
            var block = blocks[b];
            if (!blockIds.Add(block.Id))
            {
                throw new ArgumentException($"Block id '{block.Id}' appears twice.", nameof(blocks));
            }

            CheckTerritory(block.CurrentTerritory, territories.Count, $"Block '{block.Id}' current territory");
            CheckTerritory(block.LockedTerritory, territories.Count, $"Block '{block.Id}' locked territory");
            foreach (var n in block.Neighbours)
            {
                if (n < 0 || n >= blocks.Count || n == b)
                {
                    throw new ArgumentException($"Block '{block.Id}' names neighbour {n}, which is not another block.", nameof(blocks));
                }

                if (!blocks[n].Neighbours.Contains(b))
                {
                    throw new ArgumentException($"Block '{block.Id}' borders '{blocks[n].Id}' but not the other way round: adjacency must be symmetric.", nameof(blocks));
                }
            }
        }

        for (var a = 0; a < accounts.Count; a++)
        {
            var account = accounts[a];
            if (account.Block < 0 || account.Block >= blocks.Count)
            {
                throw new ArgumentException($"Account {a} lies in block {account.Block}, which does not exist.", nameof(accounts));
            }

            if (!double.IsFinite(account.Weight) || account.Weight < 0)
            {
                throw new ArgumentException($"Account {a} has weight {account.Weight}; a weight is a finite number, not negative.", nameof(accounts));
            }

            CheckTerritory(account.CurrentTerritory, territories.Count, $"Account {a} current territory");
            CheckTerritory(account.PinnedTerritory, territories.Count, $"Account {a} pinned territory");
        }

        return new ProposalProblem(blocks, territories, accounts);
    }

    private static void CheckTerritory(int index, int count, string what)
    {
        if (index < -1 || index >= count)
        {
            throw new ArgumentException($"{what} is {index}; it must be -1 or a territory index below {count}.");
        }
    }
}

// Turns ProposePlan's settings, the live map and the streamed accounts into a checked districting problem.
using System.Collections.Immutable;
using GeoAssign.Index;
using GeoAssign.Index.Model;
using GeoAssign.Proposals;
using GeoAssign.Proposals.Blocks;
using GeoAssign.Protos.V1;
using GeoAssign.Server.Services;
using Grpc.Core;
using NtsGeometry = NetTopologySuite.Geometries.Geometry;

namespace GeoAssign.Server.Proposals;

/// <summary>The accounts of one ProposePlan call, in stream order. Not thread-safe.</summary>
internal sealed class ProposalAccounts
{
    public List<string> Ids { get; } = [];

    public List<AccountPoint> Points { get; } = [];

    /// <summary>Adds a checked chunk.</summary>
    public void Add(BalanceAccounts accounts)
    {
        var weighted = accounts.Weights.Count != 0;
        for (var i = 0; i < accounts.Ids.Count; i++)
        {
            Ids.Add(accounts.Ids[i]);
            Points.Add(new AccountPoint(accounts.Lat[i], accounts.Lng[i], weighted ? accounts.Weights[i] : 1));
        }
    }
}

/// <summary>A problem built for one call, with what the plan and the answer need beside it. Immutable once built.</summary>
internal sealed record ProposalSetup(
    ProposalProblem Problem,
    BlockSet Blocks,
    ImmutableArray<string> Swallowed,
    string OutputLayer,
    AccountPlacementResult Placement,
    int PinnedCount,
    int PinnedElsewhereCount,
    bool HasCurrent)
{
    /// <summary>Blocks divided before the search (heavier than the split limit), in block order; empty when none was.</summary>
    public ImmutableArray<SplitBlock> Split { get; init; } = [];

    /// <summary>The weight above which a block was divided; 0 when none was.</summary>
    public double SplitLimit { get; init; }

    /// <summary>The smallest territory target the split share is taken of.</summary>
    public double SplitTarget { get; init; }

    /// <summary>Names of the layer territories the blocks were made of, by id (empty for H3 blocks).</summary>
    public IReadOnlyDictionary<string, string> BlockNames { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Builds the blocks, the territories and the accounts from one live map. CPU-bound (seconds for
    /// thousands of county blocks): call it off the request thread.
    /// </summary>
    /// <exception cref="RpcException">INVALID_ARGUMENT or NOT_FOUND naming the problem.</exception>
    public static ProposalSetup Build(ProposalSettings settings, string name, TerritoryMap live, ProposalAccounts accounts, DateTimeOffset now)
    {
        var outputLayer = RequestChecks.Layer(settings.OutputLayer, "settings.output_layer");
        var territories = Territories(settings, name);
        var (blocks, swallowed, names) = BuildBlocks(settings, live, outputLayer);
        if (territories.Count > blocks.Count)
        {
            throw RpcErrors.InvalidArgument($"{territories.Count} territories cannot be drawn from {blocks.Count} blocks: every territory needs at least one block. Ask for fewer territories or finer blocks.");
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var byOwner = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var t = 0; t < territories.Count; t++)
        {
            index[territories[t].Id] = t;
            byOwner.TryAdd(territories[t].OwnerId, t);
            if (live.TryGetTerritory(territories[t].Id, out var existing) && existing.Layer != outputLayer)
            {
                throw RpcErrors.InvalidArgument(
                    $"The proposed territory id \"{RequestChecks.Shorten(territories[t].Id)}\" is taken by a territory of layer \"{existing.Layer}\"; ids are unique across layers. Pick other territory ids.");
            }
        }

        // Heavy blocks are divided before anything refers to block indexes.
        var placement = AccountPlacement.Place(blocks, accounts.Points);
        var (split, splitLimit, splitTarget) = (ImmutableArray<SplitBlock>.Empty, 0.0, 0.0);
        splitTarget = placement.BlockWeight.Sum() * territories.Min(static t => t.Capacity) / territories.Sum(static t => t.Capacity);
        if (Splitting(settings, placement, splitTarget) is { } share)
        {
            var divided = BlockSplit.Split(blocks, accounts.Points, splitTarget, new BlockSplitOptions(share), placement);
            (blocks, placement, split, splitLimit) = (divided.Blocks, divided.Placement, divided.Split, divided.Split.IsEmpty ? 0 : divided.Limit);
        }

        // Today's territory of each block: the owner of output_layer at a point inside it.
        var blockCurrent = new int[blocks.Count];
        var hasCurrent = false;
        for (var b = 0; b < blocks.Count; b++)
        {
            var inside = blocks.Blocks[b].Geometry.InteriorPoint;
            blockCurrent[b] = live.TryResolve(outputLayer, inside.Y, inside.X, out var assignment) && assignment.Territory is { } winner
                && byOwner.TryGetValue(winner.Territory.OwnerId, out var current) ? current : -1;
            hasCurrent |= blockCurrent[b] >= 0;
        }

        var locked = Locks(settings, blocks, split, index, blockCurrent);
        var problemAccounts = new List<ProposalAccount>(accounts.Points.Count);
        var ticks = now.UtcTicks;
        int pinned = 0, pinnedElsewhere = 0;
        for (var a = 0; a < accounts.Points.Count; a++)
        {
            var block = placement.BlockOf[a];
            if (block < 0)
            {
                continue;
            }

            var point = accounts.Points[a];
            string? owner;
            var pin = -1;
            if (live.Overrides.TryGetInForce(accounts.Ids[a], ticks, out var entry))
            {
                // As a lookup with the account id answers today: an override in force decides.
                owner = entry.OwnerId;
                if (entry.Protected)
                {
                    pinned++;
                    if (!byOwner.TryGetValue(owner, out pin))
                    {
                        // Its owner gets no proposed territory: it stays with that owner, outside the figures.
                        pinnedElsewhere++;
                        continue;
                    }
                }
            }
            else
            {
                owner = live.TryResolve(outputLayer, point.Lat, point.Lng, out var assignment) ? assignment.Territory?.Territory.OwnerId : null;
            }

            var currentTerritory = owner is not null && byOwner.TryGetValue(owner, out var c) ? c : -1;
            hasCurrent |= currentTerritory >= 0;
            problemAccounts.Add(new ProposalAccount(block, point.Lat, point.Lng, point.Weight, currentTerritory, pin));
        }

        if (placement.Outside.Length == accounts.Points.Count)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition,
                $"None of the {accounts.Points.Count:N0} accounts lies in a block; check the blocks ({blocks.Count:N0} of them) and the accounts' coordinates (lat, lng)."));
        }

        ProposalProblem problem;
        try
        {
            problem = ProposalProblem.Create(blocks.ToProposalBlocks(blockCurrent, locked), territories, problemAccounts);
        }
        catch (ArgumentException e)
        {
            throw RpcErrors.InvalidArgument(e.Message);
        }

        return new ProposalSetup(problem, blocks, swallowed, outputLayer, placement, pinned, pinnedElsewhere, hasCurrent)
        {
            Split = split,
            SplitLimit = splitLimit,
            SplitTarget = splitTarget,
            BlockNames = names,
        };
    }

    /// <summary>Default share of the target above which blocks are divided.</summary>
    public const double DefaultSplitShare = BlockSplitOptions.DefaultShare;

    // The share to divide at, or null for no dividing: unset means only when a whole block outweighs a target.
    private static double? Splitting(ProposalSettings settings, AccountPlacementResult placement, double target)
    {
        if (!(target > 0) || (settings.HasSplitHeavyBlocks && !settings.SplitHeavyBlocks))
        {
            return null;
        }

        var share = settings.SplitShare == 0 ? DefaultSplitShare : settings.SplitShare;
        return settings.HasSplitHeavyBlocks || placement.BlockWeight.Any(w => w > target) ? share : null;
    }

    private static List<ProposalTerritory> Territories(ProposalSettings settings, string name)
    {
        if ((settings.TerritoryCount == 0) == (settings.Owners.Count == 0))
        {
            throw RpcErrors.InvalidArgument("Give settings.territory_count or settings.owners (one of them): how many territories to draw, or for whom.");
        }

        var result = new List<ProposalTerritory>();
        if (settings.TerritoryCount != 0)
        {
            for (var t = 1; t <= settings.TerritoryCount; t++)
            {
                var id = $"{name}-{t}";
                result.Add(new ProposalTerritory(id, id));
            }

            return result;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < settings.Owners.Count; i++)
        {
            var owner = settings.Owners[i];
            var id = owner.TerritoryId.Length == 0 ? owner.OwnerId : owner.TerritoryId;
            if (owner.OwnerId.Length == 0)
            {
                throw RpcErrors.InvalidArgument($"settings.owners[{i}]: owner_id is empty.");
            }

            if (TerritoryNames.IdProblem(id) is { } problem)
            {
                throw RpcErrors.InvalidArgument($"settings.owners[{i}] (territory id \"{RequestChecks.Shorten(id)}\"): {problem}.");
            }

            if (!seen.Add(id))
            {
                throw RpcErrors.InvalidArgument($"settings.owners[{i}]: territory id \"{RequestChecks.Shorten(id)}\" appears twice; give each owner once or set territory_id.");
            }

            var capacity = owner.Capacity == 0 ? 1 : owner.Capacity;
            if (!double.IsFinite(capacity) || capacity < 0)
            {
                throw RpcErrors.InvalidArgument($"settings.owners[{i}] (\"{RequestChecks.Shorten(owner.OwnerId)}\"): capacity {RequestChecks.Format(capacity)} is not a finite number above 0.");
            }

            if (owner.HasHomeLat != owner.HasHomeLng
                || (owner.HasHomeLat && RequestChecks.PointProblem(owner.HomeLat, owner.HomeLng) is not null))
            {
                throw RpcErrors.InvalidArgument($"settings.owners[{i}] (\"{RequestChecks.Shorten(owner.OwnerId)}\"): the home base needs both home_lat and home_lng, in range.");
            }

            result.Add(new ProposalTerritory(id, owner.OwnerId, capacity, owner.HasHomeLat ? owner.HomeLat : null, owner.HasHomeLng ? owner.HomeLng : null));
        }

        return result;
    }

    private static (BlockSet Blocks, ImmutableArray<string> Swallowed, Dictionary<string, string> Names) BuildBlocks(ProposalSettings settings, TerritoryMap live,
        string outputLayer)
    {
        if (settings.H3Resolution == 0)
        {
            if (settings.BlocksLayer.Length == 0)
            {
                throw RpcErrors.InvalidArgument("Name the blocks: settings.blocks_layer (a layer of the live map) or settings.h3_resolution (H3 cells, 1 to 15).");
            }

            var layer = RequestChecks.Layer(settings.BlocksLayer, "settings.blocks_layer");
            var territories = live.Territories.Values.Select(static t => t.Territory).Where(t => t.Layer == layer).ToList();
            if (territories.Count == 0)
            {
                throw new RpcException(new Status(StatusCode.NotFound, $"The live map (version {live.Version}) has no territory in layer \"{layer}\" to use as blocks."));
            }

            var built = LayerBlocks.Build(territories);
            return (built.Blocks, built.Swallowed, territories.ToDictionary(static t => t.Id, static t => t.Name, StringComparer.Ordinal));
        }

        if (settings.BlocksLayer.Length != 0)
        {
            throw RpcErrors.InvalidArgument("settings.blocks_layer and settings.h3_resolution are both set; blocks are a layer's territories or H3 cells.");
        }

        if (settings.H3Resolution > 15)
        {
            throw RpcErrors.InvalidArgument($"settings.h3_resolution {settings.H3Resolution} does not exist; H3 has resolutions 0 to 15 (1 to 15 here).");
        }

        NtsGeometry coverage;
        if (settings.CoverageTerritoryId.Length != 0)
        {
            coverage = live.TryGetTerritory(settings.CoverageTerritoryId, out var territory) ? territory.Geometry
                : throw new RpcException(new Status(StatusCode.NotFound,
                    $"settings.coverage_territory_id \"{RequestChecks.Shorten(settings.CoverageTerritoryId)}\" is no territory of the live map (version {live.Version})."));
        }
        else
        {
            var layer = settings.CoverageLayer.Length == 0 ? outputLayer : RequestChecks.Layer(settings.CoverageLayer, "settings.coverage_layer");
            var parts = live.Territories.Values.Select(static t => t.Territory).Where(t => t.Layer == layer).Select(static t => t.Geometry).ToList();
            if (parts.Count == 0)
            {
                throw new RpcException(new Status(StatusCode.NotFound,
                    $"The coverage layer \"{layer}\" has no territory in the live map (version {live.Version}); name settings.coverage_territory_id or settings.coverage_layer."));
            }

            coverage = BlockUnion.Union(parts);
        }

        try
        {
            return (H3Blocks.Cover(coverage, (int)settings.H3Resolution), [], []);
        }
        catch (ArgumentException e)
        {
            throw RpcErrors.InvalidArgument(e.Message);
        }
    }

    private static int[] Locks(ProposalSettings settings, BlockSet blocks, ImmutableArray<SplitBlock> split, Dictionary<string, int> territories, int[] blockCurrent)
    {
        var locked = new int[blocks.Count];
        Array.Fill(locked, -1);
        foreach (var id in settings.Locks)
        {
            var block = blocks.IndexOf(id);
            var divided = block >= 0 ? null : split.FirstOrDefault(s => s.Id == id);
            if (block >= 0 || divided is not null)
            {
                // A divided block: each of its sub-blocks stays with its own current territory.
                var (first, count) = divided is null ? (block, 1) : (divided.FirstPart, divided.Parts);
                for (var b = first; b < first + count; b++)
                {
                    locked[b] = blockCurrent[b] >= 0 ? blockCurrent[b]
                        : throw RpcErrors.InvalidArgument($"settings.locks: block \"{RequestChecks.Shorten(blocks.Blocks[b].Id)}\" has no current owner among the proposed territories, so there is nothing to keep it with.");
                }
            }
            else if (territories.TryGetValue(id, out var territory))
            {
                var any = false;
                for (var b = 0; b < blocks.Count; b++)
                {
                    if (blockCurrent[b] == territory)
                    {
                        locked[b] = territory;
                        any = true;
                    }
                }

                if (!any)
                {
                    throw RpcErrors.InvalidArgument($"settings.locks: territory \"{RequestChecks.Shorten(id)}\" holds no block today, so there is nothing to keep.");
                }
            }
            else
            {
                throw RpcErrors.InvalidArgument($"settings.locks: \"{RequestChecks.Shorten(id)}\" is neither a block nor a proposed territory.");
            }
        }

        return locked;
    }
}

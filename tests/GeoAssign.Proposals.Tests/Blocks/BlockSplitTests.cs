// Heavy blocks divided into clipped H3 cells: exact tiling, adjacency and placement recomputed by the test, proposals over them.
using GeoAssign.Index.Analysis;
using GeoAssign.Proposals.Blocks;
using GeoAssign.Testing;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.OverlayNG;
using Xunit;

namespace GeoAssign.Proposals.Tests.Blocks;

public sealed class BlockSplitTests
{
    private const int Territories = 8;

    private static readonly Lazy<Fixture> Shared = new(() => Fixture.Create(seed: 1));

    [Fact]
    public void Heavy_blocks_become_valid_sub_blocks_whose_union_is_exactly_the_block()
    {
        var f = Shared.Value;
        Assert.NotEmpty(f.Result.Split);
        Assert.Contains(f.Result.Split, s => s.Id == "08031");
        var divided = f.Result.Split.Select(static s => s.Index).ToHashSet();
        for (var b = 0; b < f.Blocks.Count; b++)
        {
            // Heavy by the test's own count of the accounts in each county.
            Assert.Equal(f.Weight[b] > f.Result.Limit, divided.Contains(b));
        }

        foreach (var split in f.Result.Split)
        {
            var original = f.Blocks.Blocks[split.Index];
            var parts = Enumerable.Range(split.FirstPart, split.Parts).Select(i => f.Result.Blocks.Blocks[i]).ToList();
            Assert.True(parts.Count >= 2, split.Id);
            Assert.All(parts, p => Assert.StartsWith(split.Id + "#", p.Id, StringComparison.Ordinal));
            Assert.All(parts, p => Assert.True(p.Geometry.IsValid && p.Geometry is Polygon or MultiPolygon && !p.Geometry.IsEmpty, p.Id));
            Assert.All(parts, p => Assert.True(f.Result.Parent[f.Result.Blocks.IndexOf(p.Id)] == split.Index));

            var area = EllipsoidArea.AreaKm2(original.Geometry);
            Assert.Equal(area, parts.Sum(p => EllipsoidArea.AreaKm2(p.Geometry)), area * 1e-9);
            var union = OverlayNGRobust.Union(parts.Select(static p => p.Geometry).ToList(), original.Geometry.Factory);
            Assert.True(EllipsoidArea.AreaKm2(union.SymmetricDifference(original.Geometry)) <= area * 1e-9, $"{split.Id}: the union is not the block");
            for (var i = 0; i < parts.Count; i++)
            {
                for (var j = i + 1; j < parts.Count; j++)
                {
                    if (parts[i].Geometry.EnvelopeInternal.Intersects(parts[j].Geometry.EnvelopeInternal))
                    {
                        Assert.True(EllipsoidArea.AreaKm2(parts[i].Geometry.Intersection(parts[j].Geometry)) <= area * 1e-12, $"{parts[i].Id} overlaps {parts[j].Id}");
                    }
                }
            }

            // Below the limit: the accounts are spread wider than the finest cells.
            Assert.True(split.HeaviestPart <= f.Result.Limit, $"{split.Id}: heaviest part {split.HeaviestPart}, limit {f.Result.Limit}");
            Assert.Equal(f.Weight[split.Index], split.Weight, 9);
        }

        // Undivided blocks are the same blocks: far ones untouched, neighbours with at most the border nodes added.
        var undivided = Enumerable.Range(0, f.Blocks.Count).Where(b => !divided.Contains(b)).ToList();
        Assert.Equal(f.Blocks.Count - divided.Count + f.Result.Split.Sum(static s => s.Parts), f.Result.Blocks.Count);
        var touched = 0;
        foreach (var b in undivided)
        {
            var before = f.Blocks.Blocks[b].Geometry;
            var after = f.Result.Blocks.Blocks[f.Result.Blocks.IndexOf(f.Blocks.Blocks[b].Id)].Geometry;
            if (ReferenceEquals(before, after))
            {
                continue;
            }

            touched++;
            Assert.True(f.Blocks.Blocks[b].Neighbours.Any(divided.Contains), f.Blocks.Blocks[b].Id);
            Assert.True(after.IsValid);
            Assert.True(after.NumPoints > before.NumPoints);
            Assert.All(before.Coordinates, c => Assert.Contains(c, after.Coordinates));
            var area = EllipsoidArea.AreaKm2(before);
            Assert.True(EllipsoidArea.AreaKm2(after.SymmetricDifference(before)) <= area * 1e-12, f.Blocks.Blocks[b].Id);
        }

        Assert.True(touched > 0, "no neighbour shares a border node");
    }

    [Fact]
    public void Sub_block_adjacency_equals_the_test_own_border_rule_over_every_pair()
    {
        var f = Shared.Value;
        var blocks = f.Result.Blocks.Blocks;
        var tolerance = LayerBlocks.DefaultToleranceDegrees;
        var isPart = blocks.Select(b => b.Id.Contains('#', StringComparison.Ordinal)).ToArray();
        var edges = 0;
        for (var i = 0; i < blocks.Length; i++)
        {
            for (var j = i + 1; j < blocks.Length; j++)
            {
                if (!isPart[i] && !isPart[j])
                {
                    continue;
                }

                var a = blocks[i].Geometry;
                var b = blocks[j].Geometry;
                var expected = false;
                if (a.EnvelopeInternal.Distance(b.EnvelopeInternal) <= tolerance)
                {
                    // Independent: a common line, or a near border at least 50 tolerances long (either way round).
                    expected = a.Boundary.Intersection(b.Boundary).Length > 0
                        || (a.Distance(b) <= tolerance && a.Boundary.Intersection(b.Buffer(tolerance)).Length >= 50 * tolerance);
                }

                Assert.True(expected == blocks[i].Neighbours.Contains(j), $"{blocks[i].Id} / {blocks[j].Id}: border {expected}");
                Assert.Equal(expected, blocks[j].Neighbours.Contains(i));
                edges += expected ? 1 : 0;
            }
        }

        Assert.True(edges > f.Result.Split.Sum(static s => s.Parts), $"only {edges} borders of sub-blocks");

        // Undivided pairs keep the border they had.
        for (var i = 0; i < blocks.Length; i++)
        {
            if (isPart[i])
            {
                continue;
            }

            var original = f.Blocks.Blocks[f.Blocks.IndexOf(blocks[i].Id)];
            var kept = blocks[i].Neighbours.Where(j => !isPart[j]).Select(j => blocks[j].Id).Order(StringComparer.Ordinal);
            var before = original.Neighbours.Select(j => f.Blocks.Blocks[j].Id).Where(id => f.Result.Blocks.IndexOf(id) >= 0).Order(StringComparer.Ordinal);
            Assert.Equal(before, kept);
        }
    }

    [Fact]
    public void Every_account_lands_in_exactly_the_sub_block_that_covers_it()
    {
        var f = Shared.Value;
        var blocks = f.Result.Blocks.Blocks;
        var factory = new GeometryFactory();
        var placed = 0;
        for (var a = 0; a < f.Accounts.Count; a++)
        {
            var point = factory.CreatePoint(new Coordinate(f.Accounts[a].Lng, f.Accounts[a].Lat));
            var covering = new List<int>();
            for (var b = 0; b < blocks.Length; b++)
            {
                if (blocks[b].Geometry.EnvelopeInternal.Contains(point.Coordinate) && blocks[b].Geometry.Covers(point))
                {
                    covering.Add(b);
                }
            }

            // On a shared border a point is covered twice: the lower index wins, as for whole blocks.
            var expected = covering.Count == 0 ? -1 : covering.Min();
            Assert.Equal(expected, f.Result.Placement.BlockOf[a]);
            Assert.All(covering.Skip(1), b => Assert.True(blocks[b].Geometry.Boundary.Distance(point) < 1e-9, $"account {a} inside two blocks"));
            if (expected >= 0)
            {
                placed++;

                // The sub-block comes from the county the account was in before dividing.
                Assert.Equal(f.Placement.BlockOf[a], f.Result.Parent[expected]);
            }
            else
            {
                Assert.Equal(-1, f.Placement.BlockOf[a]);
            }
        }

        Assert.Equal(placed, f.Result.Placement.BlockCount.Sum());
        Assert.Equal(f.Placement.Outside.ToArray(), f.Result.Placement.Outside.ToArray());
        foreach (var split in f.Result.Split)
        {
            var weight = Enumerable.Range(split.FirstPart, split.Parts).Sum(i => f.Result.Placement.BlockWeight[i]);
            Assert.Equal(split.Weight, weight, 9);
        }
    }

    [Fact]
    public void A_proposal_over_divided_blocks_is_contiguous_balanced_within_the_lower_bound_and_true_to_its_figures()
    {
        var f = Shared.Value;
        var whole = f.Problem(f.Blocks, f.Placement);
        var divided = f.Problem(f.Result.Blocks, f.Result.Placement);
        Assert.True(ProposalFigures.Compute(whole, new int[whole.Blocks.Count]).MaxDeviationLowerBound > 0.2, "the test needs a county heavier than a target");

        var options = new ProposalOptions(Seed: 4) { IterationBudget = 400_000 };
        var result = ProposalEngine.Propose(divided, options);
        var test = new TestProblem(divided, IndependentBorders(f.Result.Blocks));
        IndependentChecks.AssertHardRules(test, result);
        IndependentChecks.AssertFigures(divided, result);
        Assert.Equal(0, result.Figures.MaxDeviationLowerBound);
        var wholeResult = ProposalEngine.Propose(whole, options);
        Assert.True(result.Figures.MaxDeviation < wholeResult.Figures.MaxDeviationLowerBound,
            $"divided {result.Figures.MaxDeviation:P1}, whole blocks at best {wholeResult.Figures.MaxDeviationLowerBound:P1}");

        // Territory polygons: unions of blocks and sub-blocks that tile the counties' area exactly.
        var polygons = BlockUnion.Territories(f.Result.Blocks, result.BlockTerritory, Territories);
        var area = f.Blocks.Blocks.Sum(static b => EllipsoidArea.AreaKm2(b.Geometry));
        Assert.All(polygons, p => Assert.True(p.IsValid));
        Assert.Equal(area, polygons.Sum(EllipsoidArea.AreaKm2), area * 1e-9);
    }

    [Fact]
    public void Dividing_and_proposing_are_deterministic_for_a_seed()
    {
        var f = Shared.Value;
        var again = Fixture.Create(seed: 1);
        Assert.Equal(f.Result.Blocks.Blocks.Select(static b => b.Id), again.Result.Blocks.Blocks.Select(static b => b.Id));
        for (var i = 0; i < f.Result.Blocks.Count; i++)
        {
            Assert.True(f.Result.Blocks.Blocks[i].Geometry.EqualsExact(again.Result.Blocks.Blocks[i].Geometry), f.Result.Blocks.Blocks[i].Id);
            Assert.Equal(f.Result.Blocks.Blocks[i].Neighbours.ToArray(), again.Result.Blocks.Blocks[i].Neighbours.ToArray());
        }

        var options = new ProposalOptions(Seed: 9) { IterationBudget = 150_000 };
        var one = ProposalEngine.Propose(f.Problem(f.Result.Blocks, f.Result.Placement), options);
        var two = ProposalEngine.Propose(again.Problem(again.Result.Blocks, again.Result.Placement), options);
        Assert.Equal(one.BlockTerritory, two.BlockTerritory);
        Assert.Equal(one.Iterations, two.Iterations);
    }

    [Fact]
    public void A_lower_share_divides_more_and_finer_and_light_blocks_are_left_alone()
    {
        var f = Shared.Value;
        var finer = BlockSplit.Split(f.Blocks, f.Accounts, f.Target, new BlockSplitOptions(0.2));
        Assert.True(finer.Split.Length >= f.Result.Split.Length);
        Assert.True(finer.Split.Sum(static s => s.Parts) > f.Result.Split.Sum(static s => s.Parts));
        Assert.All(finer.Split, s => Assert.True(s.HeaviestPart <= finer.Limit || s.Resolution == 8, s.Id));
        var none = BlockSplit.Split(f.Blocks, f.Accounts, f.Target, new BlockSplitOptions(100));
        Assert.Empty(none.Split);
        Assert.Same(f.Blocks, none.Blocks);
        Assert.Throws<ArgumentException>(() => BlockSplit.Split(f.Blocks, f.Accounts, f.Target, new BlockSplitOptions(0)));
        Assert.Throws<ArgumentException>(() => BlockSplit.Split(f.Blocks, f.Accounts, 0));
    }

    [Fact]
    public void Weight_piled_on_one_point_stops_at_the_finest_cells()
    {
        var blocks = LayerBlocks.Build([LayerBlocksTests.Square("a", 0, 0, 0.2, 0.2), LayerBlocksTests.Square("b", 0.2, 0, 0.4, 0.2)]).Blocks;
        var accounts = Enumerable.Repeat(new AccountPoint(0.1, 0.1, 1), 100).Append(new AccountPoint(0.1, 0.3, 1)).ToList();
        var result = BlockSplit.Split(blocks, accounts, 50, new BlockSplitOptions { MinCellAreaKm2 = 5 });
        var split = Assert.Single(result.Split);
        Assert.Equal("a", split.Id);
        Assert.Equal(7, split.Resolution);
        Assert.Equal(100, split.HeaviestPart);
        Assert.True(split.Parts > 50, $"{split.Parts} parts");
    }

    internal static List<int>[] IndependentBorders(BlockSet set)
    {
        var blocks = set.Blocks;
        var tolerance = LayerBlocks.DefaultToleranceDegrees;
        var result = blocks.Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < blocks.Length; i++)
        {
            for (var j = i + 1; j < blocks.Length; j++)
            {
                var a = blocks[i].Geometry;
                var b = blocks[j].Geometry;
                if (a.EnvelopeInternal.Distance(b.EnvelopeInternal) <= tolerance
                    && (a.Boundary.Intersection(b.Boundary).Length > 0
                        || (a.Distance(b) <= tolerance && a.Boundary.Intersection(b.Buffer(tolerance)).Length >= 50 * tolerance)))
                {
                    result[i].Add(j);
                    result[j].Add(i);
                }
            }
        }

        return result;
    }

    /// <summary>
    /// The counties extract (Alaska, Colorado, Hawaii, Virginia) with 4,000 accounts in a 15 km disc around Denver and
    /// 2,000 spread over random counties, divided with the default share of the target (1/8 of the total).
    /// </summary>
    private sealed record Fixture(BlockSet Blocks, List<AccountPoint> Accounts, AccountPlacementResult Placement, double[] Weight, double Target, BlockSplitResult Result)
    {
        public static Fixture Create(int seed)
        {
            var blocks = LayerBlocks.Build(TestDatasets.UsCountiesExtract()).Blocks;
            var random = new Random(seed);
            var accounts = new List<AccountPoint>();
            for (var i = 0; i < 4000; i++)
            {
                var r = 15 / 111.32 * Math.Sqrt(random.NextDouble());
                var angle = random.NextDouble() * 2 * Math.PI;
                accounts.Add(new AccountPoint(39.74 + (r * Math.Sin(angle)), -104.99 + (r * Math.Cos(angle) / Math.Cos(39.74 * Math.PI / 180)), 1));
            }

            for (var i = 0; i < 2000; i++)
            {
                var envelope = blocks.Blocks[random.Next(blocks.Count)].Geometry.EnvelopeInternal;
                accounts.Add(new AccountPoint(envelope.MinY + (random.NextDouble() * envelope.Height), envelope.MinX + (random.NextDouble() * envelope.Width), 1 + random.Next(3)));
            }

            var placement = AccountPlacement.Place(blocks, accounts);
            var weight = new double[blocks.Count];
            var factory = new GeometryFactory();
            foreach (var account in accounts)
            {
                // The test's own count: the first county covering the account.
                var point = factory.CreatePoint(new Coordinate(account.Lng, account.Lat));
                var b = Enumerable.Range(0, blocks.Count).FirstOrDefault(b => blocks.Blocks[b].Geometry.EnvelopeInternal.Contains(point.Coordinate) && blocks.Blocks[b].Geometry.Covers(point), -1);
                if (b >= 0)
                {
                    weight[b] += account.Weight;
                }
            }

            var target = weight.Sum() / Territories;
            return new Fixture(blocks, accounts, placement, weight, target, BlockSplit.Split(blocks, accounts, target));
        }

        public ProposalProblem Problem(BlockSet set, AccountPlacementResult placed)
        {
            var problemAccounts = new List<ProposalAccount>();
            for (var a = 0; a < Accounts.Count; a++)
            {
                if (placed.BlockOf[a] >= 0)
                {
                    problemAccounts.Add(new ProposalAccount(placed.BlockOf[a], Accounts[a].Lat, Accounts[a].Lng, Accounts[a].Weight));
                }
            }

            var owners = Enumerable.Range(0, Territories).Select(t => new ProposalTerritory($"t{t}", $"o{t}")).ToList();
            return ProposalProblem.Create(set.ToProposalBlocks(), owners, problemAccounts);
        }
    }
}

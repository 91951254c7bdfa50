// Accounts into blocks, and block assignments back into territories that tile the blocks' area.
using GeoAssign.Index.Analysis;
using GeoAssign.Proposals.Blocks;
using GeoAssign.Testing;
using NetTopologySuite.Geometries;
using Xunit;

namespace GeoAssign.Proposals.Tests.Blocks;

public sealed class PlacementAndUnionTests
{
    private static readonly GeometryFactory Factory = new();

    [Fact]
    public void Accounts_land_in_the_block_that_covers_them_and_the_rest_are_reported()
    {
        var blocks = LayerBlocks.Build(TestDatasets.UsCountiesExtract()).Blocks;
        var random = new Random(7);
        var points = new List<AccountPoint>();
        for (var i = 0; i < 3000; i++)
        {
            // Around a random block: inside it, in its neighbours, or off the coast.
            var envelope = blocks.Blocks[random.Next(blocks.Count)].Geometry.EnvelopeInternal.Copy();
            envelope.ExpandBy(envelope.Width * 0.3, envelope.Height * 0.3);
            envelope = envelope.Intersection(new Envelope(-180, 180, -90, 90));
            points.Add(new AccountPoint(envelope.MinY + random.NextDouble() * envelope.Height, envelope.MinX + random.NextDouble() * envelope.Width, i % 3));
        }

        var placed = AccountPlacement.Place(blocks, points);
        var outside = 0;
        for (var a = 0; a < points.Count; a++)
        {
            // Independent: the first block (by index) whose geometry covers the point.
            var point = Factory.CreatePoint(new Coordinate(points[a].Lng, points[a].Lat));
            var expected = -1;
            for (var b = 0; b < blocks.Count && expected < 0; b++)
            {
                if (blocks.Blocks[b].Geometry.Covers(point))
                {
                    expected = b;
                }
            }

            Assert.Equal(expected, placed.BlockOf[a]);
            outside += expected < 0 ? 1 : 0;
        }

        Assert.True(outside > 100 && outside < points.Count - 100, $"{outside} outside");
        Assert.Equal(outside, placed.Outside.Length);
        Assert.All(placed.Outside, a => Assert.Equal(-1, placed.BlockOf[a]));
        Assert.Equal(points.Where((_, a) => placed.BlockOf[a] >= 0).Sum(static p => p.Weight), placed.BlockWeight.Sum(), 9);
        Assert.Equal(points.Count - outside, placed.BlockCount.Sum());
    }

    [Fact]
    public void A_bad_account_is_refused()
    {
        var blocks = LayerBlocks.Build([LayerBlocksTests.Square("a", 0, 0, 1, 1)]).Blocks;
        Assert.Throws<ArgumentException>(() => AccountPlacement.Place(blocks, [new AccountPoint(91, 0, 1)]));
        Assert.Throws<ArgumentException>(() => AccountPlacement.Place(blocks, [new AccountPoint(0.5, 0.5, -1)]));
    }

    public static TheoryData<string> Sets => ["counties", "h3"];

    [Theory]
    [MemberData(nameof(Sets))]
    public void Territory_unions_are_valid_disjoint_and_cover_exactly_their_blocks(string set)
    {
        var blocks = set == "counties" ? LayerBlocks.Build(TestDatasets.UsCountiesExtract()).Blocks : H3Blocks.Cover(H3BlocksTests.Area(), 6);
        const int k = 7;
        var random = new Random(3);
        var assignment = Enumerable.Range(0, blocks.Count).Select(_ => random.Next(k)).ToArray();
        var territories = BlockUnion.Territories(blocks, assignment, k);

        var blocksArea = blocks.Blocks.Sum(static b => EllipsoidArea.AreaKm2(b.Geometry));
        var total = 0.0;
        for (var t = 0; t < k; t++)
        {
            Assert.True(territories[t].IsValid);
            Assert.True(territories[t] is Polygon or MultiPolygon);
            var own = blocks.Blocks.Where((_, b) => assignment[b] == t).Sum(static b => EllipsoidArea.AreaKm2(b.Geometry));
            Assert.Equal(own, EllipsoidArea.AreaKm2(territories[t]), own * 1e-9);
            total += EllipsoidArea.AreaKm2(territories[t]);
            for (var u = t + 1; u < k; u++)
            {
                Assert.True(EllipsoidArea.AreaKm2(territories[t].Intersection(territories[u])) < 1e-6, $"{t} and {u} overlap");
            }
        }

        Assert.Equal(blocksArea, total, blocksArea * 1e-9);

        // Every block lies in its territory: an interior point of it is covered by that territory alone.
        for (var b = 0; b < blocks.Count; b++)
        {
            var inside = blocks.Blocks[b].Geometry.InteriorPoint;
            Assert.True(territories[assignment[b]].Covers(inside), blocks.Blocks[b].Id);
        }
    }
}

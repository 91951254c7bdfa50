// H3 blocks: exactly the cells whose centre lies in the area, H3 neighbours, cell polygons that tile.
using GeoAssign.H3;
using GeoAssign.Proposals.Blocks;
using NetTopologySuite.Geometries;
using Xunit;
using H3Api = GeoAssign.H3.H3;

namespace GeoAssign.Proposals.Tests.Blocks;

public sealed class H3BlocksTests
{
    private static readonly GeometryFactory Factory = new();

    // A concave area (an L with a hole) across a class III resolution.
    internal static Polygon Area() => Factory.CreatePolygon(
        Factory.CreateLinearRing([new(10, 45), new(11.5, 45), new(11.5, 45.5), new(10.6, 45.5), new(10.6, 46.2), new(10, 46.2), new(10, 45)]),
        [Factory.CreateLinearRing([new(10.2, 45.1), new(10.4, 45.1), new(10.4, 45.3), new(10.2, 45.3), new(10.2, 45.1)])]);

    // The area and a small island off it, a few cells wide.
    private static MultiPolygon AreaAndIsland() => Factory.CreateMultiPolygon(
        [Area(), Factory.CreatePolygon([new(11.2, 45.9), new(11.35, 45.9), new(11.35, 46.0), new(11.2, 46.0), new(11.2, 45.9)])]);

    [Theory]
    [InlineData(5, false)]
    [InlineData(6, false)]
    [InlineData(6, true)]
    public void The_blocks_are_the_cells_whose_centre_lies_in_the_area(int resolution, bool island)
    {
        Geometry area = island ? AreaAndIsland() : Area();
        var blocks = H3Blocks.Cover(area, resolution);

        // Independent: every cell of a large disk around the area, tested by its centre.
        var origin = H3Api.LatLngToCell(45.6, 10.75, resolution);
        var expected = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var cell in H3Api.GridDisk(origin, resolution == 5 ? 12 : 30))
        {
            var centre = H3Api.CellToLatLng(cell);
            if (area.Covers(Factory.CreatePoint(new Coordinate(centre.Lng, centre.Lat))))
            {
                expected.Add(cell.ToString());
            }
        }

        Assert.True(expected.Count > 20);
        if (island)
        {
            Assert.Contains(expected, id => { var c = H3Api.CellToLatLng(H3Index.Parse(id)); return c.Lat > 45.9 && c.Lng > 11.2; });
        }

        Assert.Equal(expected, new SortedSet<string>(blocks.Blocks.Select(static b => b.Id), StringComparer.Ordinal));

        for (var i = 0; i < blocks.Count; i++)
        {
            var cell = H3Index.Parse(blocks.Blocks[i].Id);
            for (var j = 0; j < blocks.Count; j++)
            {
                var neighbours = i != j && H3Api.AreNeighborCells(cell, H3Index.Parse(blocks.Blocks[j].Id));
                Assert.Equal(neighbours, blocks.Blocks[i].Neighbours.Contains(j));
            }

            Assert.True(blocks.Blocks[i].Geometry.IsValid);
            Assert.Equal(H3Api.CellAreaKm2(cell), blocks.Blocks[i].AreaKm2, H3Api.CellAreaKm2(cell) * 0.01);
        }
    }

    [Fact]
    public void Neighbouring_cells_share_their_vertices_exactly()
    {
        var blocks = H3Blocks.Cover(Area(), 5);
        for (var i = 0; i < blocks.Count; i++)
        {
            foreach (var j in blocks.Blocks[i].Neighbours)
            {
                var shared = blocks.Blocks[i].Geometry.Boundary.Intersection(blocks.Blocks[j].Geometry.Boundary);
                Assert.True(shared.Length > 0, $"{blocks.Blocks[i].Id} / {blocks.Blocks[j].Id}");
                Assert.Equal(0.0, blocks.Blocks[i].Geometry.Intersection(blocks.Blocks[j].Geometry).Area);
            }
        }
    }

    [Fact]
    public void A_bad_resolution_or_an_area_without_cells_is_refused()
    {
        Assert.Throws<ArgumentException>(() => H3Blocks.Cover(Area(), 16));
        var tiny = Factory.CreatePolygon([new(10, 45), new(10.0001, 45), new(10.0001, 45.0001), new(10, 45)]);
        var error = Assert.Throws<ArgumentException>(() => H3Blocks.Cover(tiny, 2));
        Assert.Contains("finer resolution", error.Message, StringComparison.Ordinal);
    }
}

using GeoAssign.Index.Geometry;
using NetTopologySuite.Geometries;
using Xunit;

namespace GeoAssign.Index.Tests.Geometry;

public sealed class TerritoryShapeTests
{
    // A 10 × 10 square with a 2 × 2 hole at (4, 4).
    private static readonly TerritoryShape SquareWithHole =
        TerritoryShape.Create(Shapes.Polygon([0, 0, 10, 0, 10, 10, 0, 10], [4, 4, 6, 4, 6, 6, 4, 6]));

    [Theory]
    [InlineData(1, 1, Location.Interior)]
    [InlineData(0, 0, Location.Boundary)]
    [InlineData(10, 10, Location.Boundary)]
    [InlineData(5, 0, Location.Boundary)]
    [InlineData(0, 5, Location.Boundary)]
    [InlineData(10, 3.3, Location.Boundary)]
    [InlineData(5, 5, Location.Exterior)]
    [InlineData(4, 5, Location.Boundary)]
    [InlineData(6, 6, Location.Boundary)]
    [InlineData(5, 4, Location.Boundary)]
    [InlineData(3.999999999, 5, Location.Interior)]
    [InlineData(-1e-300, 5, Location.Exterior)]
    [InlineData(11, 5, Location.Exterior)]
    [InlineData(5, 10.000000000000002, Location.Exterior)]
    public void Locate_tells_interior_boundary_and_exterior_exactly(double lng, double lat, Location expected)
    {
        Assert.Equal(expected, SquareWithHole.Locate(lng, lat));
        Assert.Equal(expected != Location.Exterior, SquareWithHole.Covers(lng, lat));
    }

    [Theory]
    [InlineData(double.NaN, 5)]
    [InlineData(5, double.NaN)]
    [InlineData(double.PositiveInfinity, 5)]
    [InlineData(5, double.NegativeInfinity)]
    public void Positions_that_are_not_finite_are_never_covered(double lng, double lat)
    {
        Assert.False(SquareWithHole.Covers(lng, lat));
    }

    [Fact]
    public void The_shape_reports_its_bounds_and_counts()
    {
        Assert.Equal(new LngLatRect(0, 0, 10, 10), SquareWithHole.Bounds);
        Assert.Equal(10, SquareWithHole.VertexCount);
        Assert.Equal(8, SquareWithHole.EdgeCount);
        Assert.Equal(2, SquareWithHole.RingCount);
        Assert.InRange(SquareWithHole.ByteCount, 8 * 40, 4096);
    }

    [Fact]
    public void An_empty_geometry_covers_nothing()
    {
        var shape = TerritoryShape.Create(Shapes.Factory.CreateMultiPolygon());

        Assert.False(shape.Covers(0, 0));
        Assert.True(shape.Bounds.IsEmpty);
        Assert.Equal(double.PositiveInfinity, shape.DistanceToBoundary(0, 0));
        Assert.False(shape.AnyEdgeIntersects(new LngLatRect(-1, -1, 1, 1)));
    }

    [Fact]
    public void Geometries_other_than_polygons_are_refused()
    {
        Assert.Throws<ArgumentException>(() => TerritoryShape.Create(Shapes.Factory.CreatePoint(new Coordinate(1, 1))));
    }

    [Fact]
    public void A_flat_polygon_along_one_latitude_has_one_band_and_still_answers_as_nts()
    {
        var flat = Shapes.Factory.CreatePolygon(Shapes.Ring(true, 0, 1, 2, 1, 1, 1));
        var shape = TerritoryShape.Create(flat);

        Assert.Equal(1, shape.BandCount);
        Assert.Equal(Location.Boundary, shape.Locate(1.5, 1));
        Assert.Equal(Location.Exterior, shape.Locate(3, 1));
    }

    [Fact]
    public void A_comb_of_long_edges_gets_fewer_bands_and_stays_exact()
    {
        // 200 teeth, each spanning the full height: every band would hold every tooth.
        var ring = new List<double>();
        for (var i = 0; i < 200; i++)
        {
            ring.AddRange([i, 0, i + 0.5, 0, i + 0.5, 10, i + 0.75, 10, i + 0.75, 0.5]);
        }

        ring.AddRange([200, 0.5, 200, 11, 0, 11]);
        var polygon = Shapes.Factory.CreatePolygon(Shapes.Ring(true, [.. ring]));
        var shape = TerritoryShape.Create(polygon);
        var locator = new NetTopologySuite.Algorithm.Locate.IndexedPointInAreaLocator(polygon);
        var random = new Random(4);

        Assert.True(shape.BandCount < shape.EdgeCount / 4);
        for (var i = 0; i < 20_000; i++)
        {
            double x = random.NextDouble() * 201 - 0.5, y = random.NextDouble() * 12 - 0.5;
            Assert.Equal(locator.Locate(new Coordinate(x, y)), shape.Locate(x, y));
        }
    }

    [Fact]
    public void Covers_allocates_nothing()
    {
        var shape = TerritoryShape.Create(Shapes.Polygon([0, 0, 10, 0, 10, 10, 0, 10], [4, 4, 6, 4, 6, 6, 4, 6]));
        var random = new Random(1);
        var xs = new double[10_000];
        var ys = new double[10_000];
        for (var i = 0; i < xs.Length; i++)
        {
            xs[i] = random.NextDouble() * 12 - 1;
            ys[i] = random.NextDouble() * 12 - 1;
        }

        // Warm up every method measured below, so that first-call work (type initialisation, tiering)
        // falls before the measured window, not into it.
        var covered = 0;
        for (var i = 0; i < xs.Length; i++)
        {
            covered += shape.Covers(xs[i], ys[i]) ? 1 : 0;
            covered += shape.DistanceToBoundary(xs[i], ys[i]) > 1 ? 1 : 0;
            covered += shape.AnyEdgeIntersects(new LngLatRect(xs[i], ys[i], xs[i] + 0.1, ys[i] + 0.1)) ? 1 : 0;
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var round = 0; round < 10; round++)
        {
            for (var i = 0; i < xs.Length; i++)
            {
                covered += shape.Covers(xs[i], ys[i]) ? 1 : 0;
                covered += shape.DistanceToBoundary(xs[i], ys[i]) > 1 ? 1 : 0;
                covered += shape.AnyEdgeIntersects(new LngLatRect(xs[i], ys[i], xs[i] + 0.1, ys[i] + 0.1)) ? 1 : 0;
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(covered > 0);
    }
}

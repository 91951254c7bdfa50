using GeoAssign.Testing;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Distance;
using Xunit;

namespace GeoAssign.Index.Tests.Testing;

public sealed class PointSamplerTests
{
    [Fact]
    public void Near_border_points_are_within_1_cm_to_10_m_of_a_border_on_both_sides()
    {
        var territory = Shapes.Territory("t", Shapes.Polygon([-100, 40, -99, 40, -99.5, 41]));
        var sampler = new PointSampler([territory], seed: 1);
        var factory = new GeometryFactory();

        var points = sampler.NearBorder(2_000);

        var inside = 0;
        var atLeastOneCentimetre = 0;
        foreach (var point in points)
        {
            // Distances in metres: the border, scaled to metres around the point's latitude.
            var (mLng, mLat) = PointSampler.MetresPerDegree(point.Lat);
            var border = territory.Geometry.Boundary.Copy();
            border.Apply(new Scale(mLng, mLat));
            var metres = DistanceOp.Distance(border, factory.CreatePoint(new Coordinate(point.Lng * mLng, point.Lat * mLat)));
            Assert.True(metres <= 10 * (1 + 1e-6), $"{point} is {metres} m from the border");
            atLeastOneCentimetre += metres >= 0.01 * (1 - 1e-6) ? 1 : 0;
            inside += territory.Geometry.Covers(factory.CreatePoint(new Coordinate(point.Lng, point.Lat))) ? 1 : 0;
        }

        // Near a corner the other edge may be closer than the distance moved.
        Assert.True(atLeastOneCentimetre >= 1_980, $"{atLeastOneCentimetre} of 2,000 at least 1 cm away");
        Assert.Equal(2_000, points.Count);
        Assert.InRange(inside, 800, 1_200);
    }

    private sealed class Scale(double x, double y) : ICoordinateSequenceFilter
    {
        public bool Done => false;

        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq, int i)
        {
            seq.SetX(i, seq.GetX(i) * x);
            seq.SetY(i, seq.GetY(i) * y);
        }
    }

    [Fact]
    public void Metres_per_degree_follow_the_wgs84_ellipsoid()
    {
        var (equatorLng, equatorLat) = PointSampler.MetresPerDegree(0);
        var (lng60, _) = PointSampler.MetresPerDegree(60);

        Assert.Equal(111_319.49, equatorLng, 0.01);
        Assert.Equal(110_574.27, equatorLat, 0.01);
        Assert.Equal(55_799.98, lng60, 0.1);
    }

    [Fact]
    public void Vertices_are_exact_and_hole_points_are_inside_holes()
    {
        var polygon = Shapes.Polygon([0, 0, 10, 0, 10, 10, 0, 10], [4, 4, 6, 4, 6, 6, 4, 6]);
        var sampler = new PointSampler([Shapes.Territory("t", polygon)], seed: 2);
        var vertices = new HashSet<(double, double)> { (0, 0), (10, 0), (10, 10), (0, 10), (4, 4), (6, 4), (6, 6), (4, 6) };

        Assert.All(sampler.Vertices(100), p => Assert.Contains((p.Lng, p.Lat), vertices));
        Assert.All(sampler.InHoles(100), p => Assert.True(p.Lng is > 4 and < 6 && p.Lat is > 4 and < 6, p.ToString()));
    }

    [Fact]
    public void The_same_seed_gives_the_same_points()
    {
        var territories = TestDatasets.UsStatesExtract();

        Assert.Equal(new PointSampler(territories, 7).Mixed(1_000), new PointSampler(territories, 7).Mixed(1_000));
        Assert.NotEqual(new PointSampler(territories, 7).Mixed(1_000), new PointSampler(territories, 8).Mixed(1_000));
    }
}

// The ellipsoid area against closed forms, a high-order numerical integration, and its own pieces.
using GeoAssign.Index.Analysis;
using GeoAssign.Testing;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;
using Xunit;

namespace GeoAssign.Index.Tests.Analysis;

public sealed class EllipsoidAreaTests
{
    // WGS84's total surface (GeographicLib: 510,065,621,724,088.5 m²).
    private const double Wgs84SurfaceKm2 = 510_065_621.7240885;

    private static readonly GeometryFactory Factory = Shapes.Factory;

    [Fact]
    public void The_whole_ellipsoid_has_the_wgs84_surface()
    {
        Assert.Equal(Wgs84SurfaceKm2, EllipsoidArea.EllipsoidSurfaceKm2, 1e-3);
        Assert.Equal(Wgs84SurfaceKm2, EllipsoidArea.RectangleAreaKm2(-180, -90, 180, 90), 1e-3);
        Assert.Equal(Wgs84SurfaceKm2, EllipsoidArea.AreaKm2(Shapes.Rectangle(-180, -90, 180, 90)), 1e-3);
    }

    [Fact]
    public void The_series_error_bound_is_below_double_precision()
    {
        Assert.InRange(EllipsoidArea.MaxRelativeSeriesError, 3e-17, 4e-17);
    }

    [Fact]
    public void Lat_lon_rectangles_match_the_closed_form_anywhere()
    {
        var random = new Random(1);
        for (var i = 0; i < 2000; i++)
        {
            var (minLng, maxLng) = Span(random, -180, 180);
            var (minLat, maxLat) = Span(random, -90, 90);
            var expected = EllipsoidArea.RectangleAreaKm2(minLng, minLat, maxLng, maxLat);

            var actual = EllipsoidArea.AreaKm2(Shapes.Rectangle(minLng, minLat, maxLng, maxLat));

            Assert.True(Math.Abs(actual - expected) <= 1e-12 * expected,
                $"[{minLng}, {minLat}, {maxLng}, {maxLat}]: {actual} km², closed form {expected} km²");
        }
    }

    [Fact]
    public void Polar_caps_bands_and_strips_touching_the_poles_and_the_antimeridian_are_exact()
    {
        foreach (var (minLng, minLat, maxLng, maxLat) in new[]
                 {
                     (-180.0, 80.0, 180.0, 90.0), (-180, -90, 180, -60), (-180, -10, 180, 10), (179, -90, 180, 90),
                     (-180, 89.999, -179.999, 90), (0, -90, 90, 90),
                 })
        {
            var expected = EllipsoidArea.RectangleAreaKm2(minLng, minLat, maxLng, maxLat);
            Assert.Equal(1, EllipsoidArea.AreaKm2(Shapes.Rectangle(minLng, minLat, maxLng, maxLat)) / expected, 12);
        }
    }

    [Fact]
    public void Random_polygons_match_a_high_order_numerical_integration_of_the_closed_form()
    {
        var random = new Random(2);
        for (var i = 0; i < 500; i++)
        {
            var ring = RandomStarRing(random, maxRadius: i % 2 == 0 ? 40 : 2);
            var expected = NumericalRingAreaKm2(ring);

            var actual = EllipsoidArea.SignedRingAreaKm2(Factory.CreateLinearRing(ring).CoordinateSequence);

            Assert.True(Math.Abs(actual - expected) <= 1e-11 * Math.Abs(expected) + 1e-9, $"ring {i}: {actual} km², integrated {expected} km²");
        }
    }

    [Fact]
    public void A_ring_and_its_reverse_give_the_same_area_with_opposite_signs()
    {
        var random = new Random(3);
        var ring = RandomStarRing(random, 20);
        var reversed = ring.Reverse().ToArray();

        var forward = EllipsoidArea.SignedRingAreaKm2(Factory.CreateLinearRing(ring).CoordinateSequence);
        var backward = EllipsoidArea.SignedRingAreaKm2(Factory.CreateLinearRing(reversed).CoordinateSequence);

        Assert.True(forward > 0, "a star ring built counter-clockwise has positive area");
        Assert.Equal(forward, -backward, 1e-6);
        Assert.Equal(forward, EllipsoidArea.AreaKm2(Factory.CreatePolygon(reversed)), 1e-6);
    }

    [Fact]
    public void Holes_are_subtracted_and_the_parts_of_a_multipolygon_added()
    {
        var outer = EllipsoidArea.RectangleAreaKm2(10, 40, 14, 44);
        var hole = EllipsoidArea.RectangleAreaKm2(11, 41, 12, 42);
        var other = EllipsoidArea.RectangleAreaKm2(-70, -30, -69, -29);
        var withHole = Shapes.Polygon([10, 40, 14, 40, 14, 44, 10, 44], [11, 41, 11, 42, 12, 42, 12, 41]);

        Assert.Equal(outer - hole, EllipsoidArea.AreaKm2(withHole), 1e-6);
        Assert.Equal(outer - hole + other, EllipsoidArea.AreaKm2(Shapes.Multi(withHole, Shapes.Rectangle(-70, -30, -69, -29))), 1e-6);
        Assert.Equal(0, EllipsoidArea.AreaKm2(Factory.CreateLineString([new Coordinate(0, 0), new Coordinate(1, 1)])));
        Assert.Equal(0, EllipsoidArea.AreaKm2(Factory.CreatePolygon()));
    }

    [Fact]
    public void A_polygon_across_the_antimeridian_equals_its_two_halves_split_at_180()
    {
        var across = Shapes.Polygon([170, -20, 190, -18, 185, -5, 172, -8]);
        var east = Overlay(across, Shapes.Rectangle(160, -30, 180, 0), SpatialFunction.Intersection);
        var west = Overlay(across, Shapes.Rectangle(180, -30, 200, 0), SpatialFunction.Intersection);
        var westShifted = Shift(west, -360);

        var whole = EllipsoidArea.AreaKm2(across);

        Assert.Equal(whole, EllipsoidArea.AreaKm2(east) + EllipsoidArea.AreaKm2(westShifted), 1e-6);
        Assert.Equal(whole, EllipsoidArea.AreaKm2(Shapes.Multi(Polygons(east).Concat(Polygons(westShifted)).ToArray())), 1e-6);
    }

    [Fact]
    public void A_polygon_with_a_vertex_at_the_pole_matches_the_numerical_integration()
    {
        var ring = Shapes.Ring(true, 0, 70, 120, 75, 60, 90, 0, 70);

        var expected = NumericalRingAreaKm2(ring);

        Assert.Equal(expected, EllipsoidArea.AreaKm2(Factory.CreatePolygon(ring)), 1e-4);
    }

    [Fact]
    public void Random_polygons_and_their_pieces_after_splitting_have_the_same_area()
    {
        var random = new Random(4);
        for (var i = 0; i < 40; i++)
        {
            var polygon = Factory.CreatePolygon(RandomStarRing(random, maxRadius: 10));
            AssertPiecesSumToWhole(polygon, cells: 7, random);
        }
    }

    [Fact]
    public void Real_counties_and_their_pieces_after_splitting_have_the_same_area()
    {
        var random = new Random(5);
        foreach (var county in TestDatasets.UsCountiesExtract().Where((_, i) => i % 10 == 0))
        {
            AssertPiecesSumToWhole(county.Geometry, cells: 5, random);
        }
    }

    [Fact]
    public void Tiny_polygons_keep_their_relative_precision()
    {
        // A 1e-5° square (about a square metre): the area is F′(φ)·Δλ·Δφ up to a relative Δφ²/24.
        foreach (var lat in new[] { -89.5, -45.0, 0.0, 12.34, 60.0, 89.9 })
        {
            const double Side = 1e-5;
            double east = 30 + Side, north = lat + Side;
            var phi = (lat + north) / 2 * Math.PI / 180;
            var e2 = EllipsoidArea.EccentricitySquared;
            var w = 1 - e2 * Math.Sin(phi) * Math.Sin(phi);
            var a = EllipsoidArea.SemiMajorAxisKm;
            var expected = a * a * (1 - e2) * Math.Cos(phi) / (w * w) * ((east - 30) * Math.PI / 180) * ((north - lat) * Math.PI / 180);

            var actual = EllipsoidArea.AreaKm2(Shapes.Rectangle(30, lat, east, north));

            Assert.Equal(1, actual / expected, 12);
        }
    }

    [Fact]
    public void Colorado_has_about_its_census_area()
    {
        // Census 2010: 269,601 km² total area. The 1:10m outline is simplified, so agreement is loose.
        var colorado = TestDatasets.UsStatesExtract().Single(s => s.Id == "08");

        Assert.InRange(EllipsoidArea.AreaKm2(colorado.Geometry), 269_601 * 0.995, 269_601 * 1.005);
    }

    private static void AssertPiecesSumToWhole(NetTopologySuite.Geometries.Geometry geometry, int cells, Random random)
    {
        var envelope = geometry.EnvelopeInternal;
        var xs = Cuts(random, envelope.MinX, envelope.MaxX, cells);
        var ys = Cuts(random, envelope.MinY, envelope.MaxY, cells);
        var sum = 0.0;
        for (var i = 0; i + 1 < xs.Length; i++)
        {
            for (var j = 0; j + 1 < ys.Length; j++)
            {
                sum += EllipsoidArea.AreaKm2(Overlay(geometry, Shapes.Rectangle(xs[i], ys[j], xs[i + 1], ys[j + 1]), SpatialFunction.Intersection));
            }
        }

        var whole = EllipsoidArea.AreaKm2(geometry);
        Assert.True(Math.Abs(sum - whole) <= 1e-9 * whole, $"pieces {sum} km², whole {whole} km²");
    }

    // Grid lines through the envelope at random positions, the outer ones just outside it.
    private static double[] Cuts(Random random, double min, double max, int cells)
    {
        var cuts = new double[cells + 1];
        cuts[0] = min - 1e-3;
        cuts[cells] = max + 1e-3;
        for (var i = 1; i < cells; i++)
        {
            cuts[i] = min + random.NextDouble() * (max - min);
        }

        Array.Sort(cuts);
        return cuts;
    }

    private static NetTopologySuite.Geometries.Geometry Overlay(NetTopologySuite.Geometries.Geometry a, NetTopologySuite.Geometries.Geometry b,
        SpatialFunction function) => OverlayNGRobust.Overlay(a, b, function);

    private static IEnumerable<Polygon> Polygons(NetTopologySuite.Geometries.Geometry geometry) =>
        Enumerable.Range(0, geometry.NumGeometries).Select(geometry.GetGeometryN).OfType<Polygon>();

    private static NetTopologySuite.Geometries.Geometry Shift(NetTopologySuite.Geometries.Geometry geometry, double dx)
    {
        var copy = geometry.Copy();
        copy.Apply(new NetTopologySuite.Geometries.Utilities.AffineTransformation().Translate(dx, 0));
        return copy;
    }

    private static (double, double) Span(Random random, double min, double max)
    {
        // Sizes from a metre to the whole range.
        var size = (max - min) * Math.Pow(10, -7 * random.NextDouble());
        var start = min + random.NextDouble() * (max - min - size);
        return (start, start + size);
    }

    // A star-shaped ring (vertices by increasing angle round a random centre), counter-clockwise.
    private static Coordinate[] RandomStarRing(Random random, double maxRadius)
    {
        // Angles spread round the whole circle, so the centre is inside and the ring is simple
        // (unless a latitude is clamped at a pole).
        var count = random.Next(3, 40);
        var centreLng = -170 + 340 * random.NextDouble();
        var centreLat = -75 + 150 * random.NextDouble();
        var angles = Enumerable.Range(0, count).Select(i => 2 * Math.PI * (i + 0.8 * random.NextDouble()) / count).ToArray();
        var ring = new Coordinate[count + 1];
        for (var i = 0; i < count; i++)
        {
            var radius = maxRadius * (0.1 + 0.9 * random.NextDouble());
            ring[i] = new Coordinate(centreLng + radius * Math.Cos(angles[i]), Math.Clamp(centreLat + radius * Math.Sin(angles[i]), -90, 90));
        }

        ring[count] = ring[0].Copy();
        return ring;
    }

    // −∮ F(φ(λ)) dλ with F in closed form, each edge by composite 10-point Gauss–Legendre on 32 panels.
    private static double NumericalRingAreaKm2(Coordinate[] ring)
    {
        var (nodes, weights) = GaussLegendre(10);
        var sum = 0.0;
        for (var i = 0; i + 1 < ring.Length; i++)
        {
            var dLambda = (ring[i + 1].X - ring[i].X) * Math.PI / 180;
            if (dLambda == 0)
            {
                continue;
            }

            var mean = 0.0;
            const int Panels = 32;
            for (var p = 0; p < Panels; p++)
            {
                for (var k = 0; k < nodes.Length; k++)
                {
                    var t = (p + (nodes[k] + 1) / 2) / Panels;
                    mean += weights[k] / 2 / Panels * EllipsoidArea.ZoneAreaKm2(ring[i].Y + t * (ring[i + 1].Y - ring[i].Y));
                }
            }

            sum += dLambda * mean;
        }

        return -sum;
    }

    private static (double[] Nodes, double[] Weights) GaussLegendre(int n)
    {
        var nodes = new double[n];
        var weights = new double[n];
        for (var i = 0; i < n; i++)
        {
            var x = Math.Cos(Math.PI * (i + 0.75) / (n + 0.5));
            var derivative = 0.0;
            for (var iteration = 0; iteration < 100; iteration++)
            {
                double p0 = 1, p1 = x;
                for (var k = 2; k <= n; k++)
                {
                    (p0, p1) = (p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k);
                }

                derivative = n * (x * p1 - p0) / (x * x - 1);
                var step = p1 / derivative;
                x -= step;
                if (Math.Abs(step) < 1e-15)
                {
                    break;
                }
            }

            nodes[i] = x;
            weights[i] = 2 / ((1 - x * x) * derivative * derivative);
        }

        return (nodes, weights);
    }
}

// What the antimeridian repair makes of the ways real data writes polygons across ±180.
using GeoAssign.Index.Model;
using GeoAssign.Index.Validation;
using NetTopologySuite.Geometries;
using Xunit;
using NtsGeometry = NetTopologySuite.Geometries.Geometry;

namespace GeoAssign.Index.Tests.Validation;

public sealed class AntimeridianRepairTests
{
    private static readonly GeometryFactory Factory = Shapes.Factory;

    private static NtsGeometry Repaired(NtsGeometry geometry, string reasonContains)
    {
        Assert.True(AntimeridianRepair.TryRepair(geometry, out var repaired, out var reason));
        Assert.Contains(reasonContains, reason);
        Assert.True(repaired.IsValid, $"repaired geometry is invalid: {repaired}");
        // What validation says of it as a territory: nothing.
        var check = new TerritoryValidator().ValidateTerritory(Shapes.Territory("t", repaired));
        Assert.True(check.IsValid, check.ToString());
        return repaired;
    }

    private static bool Covers(NtsGeometry geometry, double lng, double lat) => geometry.Covers(Factory.CreatePoint(new Coordinate(lng, lat)));

    [Fact]
    public void An_edge_the_short_way_across_180_is_split_into_one_part_either_side()
    {
        var square = Shapes.Polygon([179, 0, -179, 0, -179, 1, 179, 1]);

        var repaired = Repaired(square, "2 edges crossed");

        Assert.Equal(2, repaired.NumGeometries);
        Assert.Equal(2, repaired.Area, 12);
        Assert.Equal(new Envelope(-180, 180, 0, 1), repaired.EnvelopeInternal);
        Assert.True(Covers(repaired, 179.5, 0.5));
        Assert.True(Covers(repaired, -179.5, 0.5));
        Assert.True(Covers(repaired, 180, 0.5));
        Assert.False(Covers(repaired, 0, 0.5));
    }

    [Fact]
    public void A_vertex_written_as_minus_180_in_a_ring_east_of_it_moves_to_plus_180_and_nothing_else_moves()
    {
        // Natural Earth's quantised Chukotka and Fiji: split at ±180, but one seam vertex has the wrong sign.
        var ring = Shapes.Polygon([170, 60, 180, 60, -180, 70, 170, 70]);

        var repaired = Repaired(ring, "crossed the antimeridian");

        var polygon = Assert.IsType<Polygon>(repaired);
        Assert.Equal(100, polygon.Area, 12);
        var expected = new[] { new Coordinate(170, 60), new Coordinate(180, 60), new Coordinate(180, 70), new Coordinate(170, 70) };
        Assert.All(expected, c => Assert.Contains(polygon.Coordinates, v => v.Equals2D(c)));
        Assert.DoesNotContain(polygon.Coordinates, v => v.X < 0);
    }

    [Fact]
    public void Longitudes_from_0_to_360_are_wrapped_and_split()
    {
        var square = Shapes.Polygon([170, -10, 190, -10, 190, 10, 170, 10]);

        var repaired = Repaired(square, "longitudes lay beyond ±180");

        Assert.Equal(2, repaired.NumGeometries);
        Assert.Equal(400, repaired.Area, 9);
        Assert.True(Covers(repaired, -175, 0));
        Assert.True(Covers(repaired, 175, 0));
        Assert.False(Covers(repaired, -165, 0));
    }

    [Fact]
    public void A_hole_across_180_in_a_shell_across_180_stays_a_hole()
    {
        var square = Shapes.Polygon([170, -10, -170, -10, -170, 10, 170, 10], [178, -2, -178, -2, -178, 2, 178, 2]);

        var repaired = Repaired(square, "crossed");

        Assert.Equal(400 - 16, repaired.Area, 9);
        Assert.False(Covers(repaired, 179.9, 0));
        Assert.False(Covers(repaired, -179.9, 0));
        Assert.True(Covers(repaired, 175, 0));
        Assert.True(Covers(repaired, -175, 0));
    }

    [Fact]
    public void A_ring_once_round_the_south_pole_is_closed_through_it()
    {
        // Antarctica as world-atlas writes it at 1:10m: the coast all the way round, closed by one edge
        // across the whole map.
        var coast = new List<double>();
        for (var lng = -180; lng < 180; lng += 30)
        {
            coast.AddRange([lng, lng % 60 == 0 ? -70 : -75]);
        }

        coast.AddRange([179.5, -72]);
        var ring = Shapes.Polygon([.. coast]);

        var repaired = Repaired(ring, "1 ring round a pole closed through it");

        Assert.True(Covers(repaired, 0, -90));
        Assert.True(Covers(repaired, 123, -89.9));
        Assert.True(Covers(repaired, -180, -80));
        Assert.True(Covers(repaired, 180, -80));
        Assert.False(Covers(repaired, 0, -60));
        Assert.Equal(-90, repaired.EnvelopeInternal.MinY);
    }

    [Fact]
    public void Two_rings_round_the_same_pole_bound_the_band_between_them()
    {
        // world-atlas at 1:50m: a "shell" along -89.999 with the coast as its "hole", both round the pole.
        var shell = new List<double> { -180, -89.999 };
        for (var lng = 179; lng > -180; lng -= 1)
        {
            shell.AddRange([lng, -89.999]);
        }

        var hole = new List<double>();
        for (var lng = -180; lng < 180; lng += 10)
        {
            hole.AddRange([lng, -70]);
        }

        var polygon = Shapes.Polygon([.. shell], [.. hole]);

        var repaired = Repaired(polygon, "2 rings round a pole closed through it");

        Assert.True(Covers(repaired, 0, -80));
        Assert.True(Covers(repaired, 179.99, -80));
        Assert.True(Covers(repaired, -179.99, -80));
        Assert.False(Covers(repaired, 0, -60));
        Assert.False(Covers(repaired, 0, -89.9999));
        Assert.Equal(360 * (89.999 - 70), repaired.Area, 6);
    }

    [Fact]
    public void Valid_polygons_and_ordinary_self_intersections_are_left_alone()
    {
        var valid = Shapes.Rectangle(10, 10, 20, 20);
        var bowtie = Shapes.Polygon([0, 0, 2, 2, 2, 0, 0, 2]);
        // A band round the globe written as the RFC allows: valid as it is.
        var cap = Shapes.Polygon([-180, 80, 180, 80, 180, 90, -180, 90]);

        Assert.False(AntimeridianRepair.TryRepair(valid, out var same, out _));
        Assert.Same(valid, same);
        Assert.False(AntimeridianRepair.TryRepair(bowtie, out _, out _));
        Assert.False(AntimeridianRepair.TryRepair(cap, out _, out _));
    }

    [Fact]
    public void Coordinates_no_repair_can_read_are_left_to_validation()
    {
        var badLatitude = Shapes.Polygon([179, 0, -179, 0, -179, 95, 179, 95]);
        var twice = Shapes.Polygon([0, 10, 120, 10, -120, 10, 0, 10.5, 120, 10.5, -120, 10.5, 0, 11]);

        Assert.False(AntimeridianRepair.TryRepair(badLatitude, out _, out _));
        Assert.False(AntimeridianRepair.TryRepair(twice, out _, out _));
    }
}

/// <summary>
/// Random polygons drawn across ±180 (and round the poles), written the way careless data writes them,
/// against the same polygons on a continuous longitude axis: the repair must enclose exactly the same
/// points of the sphere.
/// </summary>
public sealed class AntimeridianRepairPropertyTests
{
    private static readonly GeometryFactory Factory = Shapes.Factory;

    [Fact]
    public void Repaired_random_polygons_across_the_antimeridian_cover_exactly_the_points_they_meant()
    {
        var random = new Random(180180);
        for (var n = 0; n < 200; n++)
        {
            // A star-shaped ring (with a star-shaped hole half the time) round a centre within 20° of
            // ±180, on a continuous axis (longitudes may pass 180).
            var centreLng = 160 + (40 * random.NextDouble());
            var centreLat = -60 + (120 * random.NextDouble());
            var radius = 1 + (15 * random.NextDouble());
            var shell = Star(random, centreLng, centreLat, radius, 5 + random.Next(40));
            var holes = random.Next(2) == 0 ? [Star(random, centreLng, centreLat, radius * 0.3, 3 + random.Next(10))] : Array.Empty<Coordinate[]>();
            var meant = Factory.CreatePolygon(Factory.CreateLinearRing(shell), [.. holes.Select(h => Factory.CreateLinearRing(h))]);
            Assert.True(meant.IsValid);

            // As files write it: each longitude folded into [-180, 180] (or, one time in four, left beyond 180).
            var fold = random.Next(4) != 0;
            var written = Factory.CreatePolygon(Factory.CreateLinearRing(Written(shell, fold)), [.. holes.Select(h => Factory.CreateLinearRing(Written(h, fold)))]);
            if (!AntimeridianRepair.TryRepair(written, out var repaired, out var reason))
            {
                // Only a polygon wholly on one side of ±180 needs nothing: it is then checked as written.
                Assert.True(meant.EnvelopeInternal.MaxX <= 180 || (fold && meant.EnvelopeInternal.MinX >= 180), $"polygon {n} was not repaired");
                repaired = written;
            }

            Assert.True(repaired.IsValid, $"polygon {n}: {reason}");
            Assert.All(repaired.Coordinates, c => Assert.InRange(c.X, -180, 180));
            var envelope = meant.EnvelopeInternal;
            for (var i = 0; i < 400; i++)
            {
                var lng = envelope.MinX + ((envelope.MaxX - envelope.MinX) * random.NextDouble());
                var lat = envelope.MinY + ((envelope.MaxY - envelope.MinY) * random.NextDouble());
                var expected = meant.Covers(Factory.CreatePoint(new Coordinate(lng, lat)));
                var folded = lng > 180 ? lng - 360 : lng;
                Assert.True(expected == repaired.Covers(Factory.CreatePoint(new Coordinate(folded, lat))),
                    $"polygon {n}, point [{folded:R}, {lat:R}]: meant {expected}; {reason}");
            }
        }
    }

    [Fact]
    public void Repaired_random_rings_round_a_pole_cover_the_cap_they_meant()
    {
        var random = new Random(9090);
        for (var n = 0; n < 100; n++)
        {
            // A wavy ring once round the pole, starting anywhere, written with folded longitudes: the cap
            // beyond it is meant.
            var south = random.Next(2) == 0;
            var start = -180 + (360 * random.NextDouble());
            var count = 8 + random.Next(60);
            var baseLat = 55 + (30 * random.NextDouble());
            var ring = new List<double>();
            var lats = new double[count];
            for (var i = 0; i < count; i++)
            {
                var lng = start + (360.0 * i / count);
                lats[i] = baseLat + (4 * random.NextDouble()) - 2;
                ring.AddRange([lng > 180 ? lng - 360 : lng, south ? -lats[i] : lats[i]]);
            }

            var polygon = Shapes.Polygon([.. ring]);
            Assert.True(AntimeridianRepair.TryRepair(polygon, out var repaired, out var reason), $"ring {n}");
            Assert.True(repaired.IsValid, $"ring {n}: {reason}");
            for (var i = 0; i < 400; i++)
            {
                // The meant boundary between two vertices is the straight lon/lat edge; test well away from it.
                var lng = -180 + (360 * random.NextDouble());
                var lat = random.Next(2) == 0 ? baseLat + 2.5 + ((90 - baseLat - 2.5) * random.NextDouble()) : baseLat - 2.5 - (20 * random.NextDouble());
                var inside = lat > baseLat;
                Assert.True(inside == repaired.Covers(Factory.CreatePoint(new Coordinate(lng, south ? -lat : lat))),
                    $"ring {n}, point [{lng:R}, {(south ? -lat : lat):R}]: meant inside {inside}; {reason}");
            }
        }
    }

    private static Coordinate[] Star(Random random, double lng, double lat, double radius, int corners)
    {
        var ring = new Coordinate[corners + 1];
        for (var i = 0; i < corners; i++)
        {
            var angle = 2 * Math.PI * i / corners;
            var r = radius * (0.5 + (0.5 * random.NextDouble()));
            ring[i] = new Coordinate(lng + (r * Math.Cos(angle)), Math.Clamp(lat + (r * Math.Sin(angle)), -89, 89));
        }

        ring[corners] = ring[0].Copy();
        return ring;
    }

    private static Coordinate[] Written(Coordinate[] ring, bool fold) =>
        [.. ring.Select(c => new Coordinate(fold && c.X > 180 ? c.X - 360 : c.X, c.Y))];
}

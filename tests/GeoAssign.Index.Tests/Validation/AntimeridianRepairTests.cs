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

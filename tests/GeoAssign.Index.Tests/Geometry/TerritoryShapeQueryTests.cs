using GeoAssign.Index.Geometry;
using GeoAssign.Index.Model;
using GeoAssign.Testing;
using NetTopologySuite.Geometries;
using NtsGeometry = NetTopologySuite.Geometries.Geometry;
using NetTopologySuite.Operation.Distance;
using Xunit;

namespace GeoAssign.Index.Tests.Geometry;

/// <summary>The index-building queries: edges in a rectangle and distance to the boundary, against NTS.</summary>
public sealed class TerritoryShapeQueryTests
{
    private static readonly GeometryFactory Factory = new();

    public static TheoryData<string> Datasets() => ["us-counties-extract-as-is", "synthetic-high-vertex", "synthetic-antimeridian"];

    private static IEnumerable<(Territory Territory, TerritoryShape Shape)> Shapes(string dataset) =>
        TerritoryShapeAgreementTests.Load(dataset).Select(t => (t, TerritoryShape.Create(t.Geometry)));

    private static List<LineSegment> AllEdges(NtsGeometry geometry)
    {
        var edges = new List<LineSegment>();
        for (var p = 0; p < geometry.NumGeometries; p++)
        {
            var polygon = (Polygon)geometry.GetGeometryN(p);
            foreach (var ring in new[] { polygon.ExteriorRing }.Concat(polygon.InteriorRings))
            {
                var c = ring.Coordinates;
                for (var i = 1; i < c.Length; i++)
                {
                    edges.Add(new LineSegment(c[i - 1], c[i]));
                }
            }
        }

        return edges;
    }

    [Theory]
    [MemberData(nameof(Datasets))]
    public void Edges_intersecting_a_rectangle_are_exactly_those_nts_finds(string dataset)
    {
        var random = new Random(17);
        var checkedRectangles = 0;
        var touching = 0;
        foreach (var (territory, shape) in Shapes(dataset).Take(60))
        {
            var edges = AllEdges(territory.Geometry);
            var bounds = shape.Bounds;
            for (var r = 0; r < 30; r++)
            {
                // Rectangles of all sizes, some with corners on vertices.
                var size = Math.Pow(10, -6 + 6 * random.NextDouble()) * (bounds.MaxLng - bounds.MinLng + 1e-9);
                var anchor = r % 3 == 0 ? edges[random.Next(edges.Count)].P0 : new Coordinate(
                    bounds.MinLng + random.NextDouble() * (bounds.MaxLng - bounds.MinLng),
                    bounds.MinLat + random.NextDouble() * (bounds.MaxLat - bounds.MinLat));
                var rect = new LngLatRect(anchor.X, anchor.Y, anchor.X + size, anchor.Y + size * random.NextDouble());
                var box = Factory.ToGeometry(new Envelope(rect.MinLng, rect.MaxLng, rect.MinLat, rect.MaxLat));

                var expected = edges.Where(e => box.Intersects(Factory.CreateLineString([e.P0, e.P1])))
                    .Select(e => new ShapeEdge(e.P0.X, e.P0.Y, e.P1.X, e.P1.Y)).ToList();
                var actual = new List<ShapeEdge>();
                var count = shape.CollectEdgesIntersecting(rect, actual);

                Assert.Equal(expected.Count, count);
                Assert.Equal(expected.OrderBy(e => e.Lng0).ThenBy(e => e.Lat0).ThenBy(e => e.Lng1).ThenBy(e => e.Lat1),
                    actual.OrderBy(e => e.Lng0).ThenBy(e => e.Lat0).ThenBy(e => e.Lng1).ThenBy(e => e.Lat1));
                Assert.Equal(expected.Count > 0, shape.AnyEdgeIntersects(rect));
                checkedRectangles++;
                touching += expected.Count > 0 ? 1 : 0;
            }
        }

        Assert.True(touching > checkedRectangles / 10, $"only {touching} of {checkedRectangles} rectangles touched an edge");
    }

    [Theory]
    [MemberData(nameof(Datasets))]
    public void Distance_to_the_boundary_matches_nts_to_the_last_few_bits(string dataset)
    {
        var territories = TerritoryShapeAgreementTests.Load(dataset);
        var sampler = new PointSampler(territories, seed: 5);
        var points = sampler.Mixed(3_000);
        var random = new Random(3);
        var shapes = territories.Select(t => TerritoryShape.Create(t.Geometry)).ToArray();
        foreach (var point in points)
        {
            var which = random.Next(territories.Count);
            var territory = territories[which];
            var shape = shapes[which];
            var expected = DistanceOp.Distance(territory.Geometry.Boundary, Factory.CreatePoint(new Coordinate(point.Lng, point.Lat)));

            var actual = shape.DistanceToBoundary(point.Lng, point.Lat);

            Assert.True(Math.Abs(expected - actual) <= 1e-12 * Math.Max(1, expected),
                $"{territory.Id} at {point}: NTS {expected:R}, shape {actual:R}");
        }
    }
}

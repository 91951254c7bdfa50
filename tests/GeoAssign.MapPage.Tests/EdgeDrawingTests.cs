// A border whose simplification would collapse a neighbour takes a finer level: both territories stay drawn and keep sharing it.
using GeoAssign.Index;
using GeoAssign.Index.Model;
using GeoAssign.Server.MapPage;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging.Abstractions;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Union;

namespace GeoAssign.MapPage.Tests;

public sealed class EdgeDrawingTests
{
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);

    [Fact]
    public void A_thin_wedge_whose_border_would_simplify_to_a_line_is_drawn_from_a_finer_level_and_still_shares_it()
    {
        // A wedge 0.01° wide and 1° deep cut into a square from its top: at zoom 3 its shared border
        // alone would lose the tip (the triangle is under the tolerance) and lie on the wedge's top.
        var wedge = Polygon((0, 0), (0.005, -1), (0.01, 0), (0, 0));
        var square = Polygon((-1, -2), (1, -2), (1, 0), (0.01, 0), (0.005, -1), (0, 0), (-1, 0), (-1, -2));
        var map = new TerritoryMapWriter().Apply(new MapChange(1,
        [
            new Territory { Id = "square", OwnerId = "rep-1", Geometry = square },
            new Territory { Id = "wedge", OwnerId = "rep-2", Geometry = wedge },
        ], []));
        var drawing = new TerritoryDrawing(new MemoryCache(new MemoryCacheOptions()), NullLogger<TerritoryDrawing>.Instance);
        Assert.Empty(drawing.DrawnAlone(map, "", "geo"));

        var shapes = CoverageDrawingTests.Read(drawing.Draw(map, "", "geo", 3)).ToDictionary(s => s.Id, s => s.Shape);
        Assert.True(shapes["wedge"] is { IsEmpty: false, IsValid: true }, shapes["wedge"].ToString());
        Assert.True(shapes["square"] is { IsEmpty: false, IsValid: true }, shapes["square"].ToString());
        Assert.Contains(shapes["wedge"].Coordinates, c => c.Y < -0.9);
        Assert.Contains(shapes["square"].Coordinates, c => c.Y is < -0.9 and > -1.5);

        // Still a coverage: no area drawn twice, no hole between them.
        var union = UnaryUnionOp.Union(Factory.BuildGeometry([shapes["square"], shapes["wedge"]]));
        Assert.Equal(0, ((Polygon)union).NumInteriorRings);
        Assert.True(shapes["square"].Area + shapes["wedge"].Area - union.Area < 1e-12, "The wedge and the square overlap.");
    }

    private static Polygon Polygon(params (double X, double Y)[] points) =>
        Factory.CreatePolygon([.. points.Select(p => new Coordinate(p.X, p.Y))]);
}

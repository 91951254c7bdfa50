// The point sources: uniform boxes, population-weighted cities, points near borders, CSV files.
using GeoAssign.Client;
using GeoAssign.LoadTest.Points;

namespace GeoAssign.LoadTest.Tests;

public sealed class PointSourceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("geoassign-load-points-").FullName;

    private static readonly PointSourceSettings NoExtras = new("none.csv", 10, null);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Uniform_points_stay_in_their_box_fill_it_and_repeat_with_the_seed()
    {
        var source = PointSource.Parse("uniform:-10,20,30,40", NoExtras);

        var points = source.Generate(20_000, seed: 7);

        Assert.All(points, p => Assert.True(p.Lng is >= -10 and < 30 && p.Lat is >= 20 and < 40, $"{p} is outside the box"));
        // Each quarter of the box holds about a quarter of the points.
        var westSouth = points.Count(p => p.Lng < 10 && p.Lat < 30);
        Assert.InRange(westSouth, 4_600, 5_400);
        Assert.Equal(points, source.Generate(20_000, seed: 7));
        Assert.NotEqual(points, source.Generate(20_000, seed: 8));
    }

    [Fact]
    public void The_default_source_is_the_continental_us_box() =>
        Assert.Equal("uniform:-125,24.5,-66.9,49.5", PointSource.Parse(PointSource.DefaultSpec, NoExtras).Description);

    [Theory]
    [InlineData("uniform:1,2,3")]
    [InlineData("uniform:10,0,0,10")]
    [InlineData("uniform:0,0,190,10")]
    [InlineData("uniform:a,b,c,d")]
    [InlineData("gaussian")]
    [InlineData("file:")]
    public void Malformed_sources_are_refused_with_a_message(string spec)
    {
        var error = Assert.Throws<FormatException>(() => PointSource.Parse(spec, NoExtras));
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void Cities_are_drawn_in_proportion_to_population_around_their_centre()
    {
        var file = Path.Combine(_folder, "cities.csv");
        File.WriteAllText(file, "lat,lng,population,country\n40,-100,900000,US\n10,10,100000,XX\n-40,100,0,US\n");
        var source = PointSource.Parse("cities", NoExtras with { CitiesFile = file });

        var points = source.Generate(20_000, seed: 3);

        var nearBig = points.Count(p => Math.Abs(p.Lat - 40) < 1 && Math.Abs(p.Lng + 100) < 1);
        var nearSmall = points.Count(p => Math.Abs(p.Lat - 10) < 1 && Math.Abs(p.Lng - 10) < 1);
        Assert.Equal(points.Length, nearBig + nearSmall);
        Assert.InRange(nearBig / (double)points.Length, 0.88, 0.92);
        // Scattered over a disc of about 0.015 km × √population: 14 km for the big city, not one spot.
        Assert.True(points.Where(p => p.Lat > 30).Select(p => p.Lat).Distinct().Count() > 1000);
        var farthestKm = points.Where(p => p.Lat > 30).Max(p => Math.Sqrt(Math.Pow((p.Lat - 40) * 111.32, 2) + Math.Pow((p.Lng + 100) * 111.32 * Math.Cos(40 * Math.PI / 180), 2)));
        Assert.InRange(farthestKm, 10, CityPoints.RadiusKmPerSqrtPopulation * Math.Sqrt(900_000) * 1.01);
    }

    [Fact]
    public void Cities_can_be_limited_to_countries()
    {
        var file = Path.Combine(_folder, "cities.csv");
        File.WriteAllText(file, "lat,lng,population,country\n40,-100,900000,US\n10,10,100000,XX\n");

        var points = PointSource.Parse("cities:XX", NoExtras with { CitiesFile = file }).Generate(1_000, 1);

        Assert.All(points, p => Assert.True(Math.Abs(p.Lat - 10) < 1));
    }

    [Fact]
    public void A_missing_city_list_says_how_to_make_it()
    {
        var source = PointSource.Parse("cities", NoExtras with { CitiesFile = Path.Combine(_folder, "missing.csv") });

        var error = Assert.Throws<FileNotFoundException>(() => source.Generate(10, 1));

        Assert.Contains("loadtests/cities/export.mjs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Near_border_points_lie_within_the_distance_of_an_edge_on_both_sides()
    {
        // A 1° square at the equator: edges are x = 0, x = 1, y = 0, y = 1.
        var file = Path.Combine(_folder, "square.geojson");
        File.WriteAllText(file, """
            {"type":"FeatureCollection","features":[{"type":"Feature","id":"a","properties":{},
             "geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}}]}
            """);
        var source = PointSource.Parse($"near-borders:{file}", NoExtras with { BorderMetres = 50 });

        var points = source.Generate(10_000, seed: 5);

        const double metresPerDegree = 111_320;
        var inside = 0;
        foreach (var p in points)
        {
            var distance = new[] { Math.Abs(p.Lng), Math.Abs(p.Lng - 1), Math.Abs(p.Lat), Math.Abs(p.Lat - 1) }.Min() * metresPerDegree;
            Assert.True(distance <= 50.5, $"{p} is {distance:0.0} m from the nearest edge");
            inside += p.Lng is > 0 and < 1 && p.Lat is > 0 and < 1 ? 1 : 0;
        }

        Assert.InRange(inside / (double)points.Length, 0.45, 0.55);
    }

    [Fact]
    public void A_points_file_is_read_by_its_header_and_cycled_from_a_seeded_start()
    {
        var file = Path.Combine(_folder, "points.csv");
        File.WriteAllText(file, "id,lon,lat\n1,10.5,20.25\n2,11.5,21.25\n3,12.5,22.25\n");

        var all = PointSource.Parse($"file:{file}", NoExtras).Generate(10, 1);

        Assert.Equal(3, all.Length);
        Assert.Equal(new GeoPoint(20.25, 10.5), all[0]);
        Assert.Equal(new GeoPoint(22.25, 12.5), all[2]);
    }

    [Fact]
    public void A_points_file_without_coordinates_names_the_line()
    {
        var file = Path.Combine(_folder, "bad.csv");
        File.WriteAllText(file, "id,lat,lng\n1,20,10\n2,north,10\n");

        var error = Assert.Throws<FormatException>(() => PointSource.Parse($"file:{file}", NoExtras).Generate(10, 1));

        Assert.Contains("line 3", error.Message, StringComparison.Ordinal);
    }
}

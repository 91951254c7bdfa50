// Points within metres of territory borders: where lookups need the exact geometry test.
using System.Text.Json;
using GeoAssign.Client;

namespace GeoAssign.LoadTest.Points;

/// <summary>
/// Points close to the territories' borders: an edge of any ring is chosen with probability
/// proportional to its length, a position along it uniformly, and the point is moved off the edge,
/// perpendicular to it, by a uniform distance in [-<c>metres</c>, +<c>metres</c>]. These are the
/// lookups that land in boundary cells and run the exact test — the expensive case.
/// </summary>
internal sealed class NearBorderPoints(double metres, Func<Task<string>> readGeoJson, string origin) : PointSource
{
    private const double MetresPerDegree = 111_320;

    public override string Description => FormattableString.Invariant($"near-borders:{origin} (±{metres} m)");

    public override GeoPoint[] Generate(int count, int seed)
    {
        var edges = ReadEdges(readGeoJson().GetAwaiter().GetResult());
        if (edges.Count == 0)
        {
            throw new FormatException($"near-borders: {origin} holds no polygon edge.");
        }

        var cumulative = new double[edges.Count];
        double total = 0;
        for (var i = 0; i < edges.Count; i++)
        {
            total += edges[i].Length;
            cumulative[i] = total;
        }

        var random = new Random(seed);
        var points = new GeoPoint[count];
        for (var i = 0; i < points.Length; i++)
        {
            var index = Array.BinarySearch(cumulative, random.NextDouble() * total);
            var edge = edges[Math.Min(index < 0 ? ~index : index, edges.Count - 1)];
            points[i] = Offset(edge, random.NextDouble(), ((random.NextDouble() * 2) - 1) * metres);
        }

        return points;
    }

    /// <summary>The point at fraction <paramref name="along"/> of the edge, moved <paramref name="offsetMetres"/> to its left (negative: right).</summary>
    internal static GeoPoint Offset(Edge edge, double along, double offsetMetres)
    {
        var lat = edge.Lat1 + ((edge.Lat2 - edge.Lat1) * along);
        var lng = edge.Lng1 + ((edge.Lng2 - edge.Lng1) * along);
        var cosLat = Math.Max(Math.Cos(lat * Math.PI / 180), 0.01);
        // The edge's direction in local metres (east, north), and its left normal (-north, east).
        var east = (edge.Lng2 - edge.Lng1) * cosLat;
        var north = edge.Lat2 - edge.Lat1;
        var norm = Math.Sqrt((east * east) + (north * north));
        if (norm == 0)
        {
            return new GeoPoint(lat, lng);
        }

        var offsetDegrees = offsetMetres / MetresPerDegree;
        var newLat = Math.Clamp(lat + (east / norm * offsetDegrees), -90, 90);
        var newLng = Math.Clamp(lng + (-north / norm * offsetDegrees / cosLat), -180, 180);
        return new GeoPoint(newLat, newLng);
    }

    /// <summary>Every ring edge of every Polygon or MultiPolygon feature of a FeatureCollection.</summary>
    internal static List<Edge> ReadEdges(string featureCollection)
    {
        using var document = JsonDocument.Parse(featureCollection);
        var edges = new List<Edge>();
        if (!document.RootElement.TryGetProperty("features", out var features))
        {
            throw new FormatException("near-borders: the GeoJSON is not a FeatureCollection.");
        }

        foreach (var feature in features.EnumerateArray())
        {
            if (!feature.TryGetProperty("geometry", out var geometry) || geometry.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var type = geometry.GetProperty("type").GetString();
            var coordinates = geometry.GetProperty("coordinates");
            if (type == "Polygon")
            {
                AddPolygon(coordinates, edges);
            }
            else if (type == "MultiPolygon")
            {
                foreach (var polygon in coordinates.EnumerateArray())
                {
                    AddPolygon(polygon, edges);
                }
            }
        }

        return edges;
    }

    private static void AddPolygon(JsonElement rings, List<Edge> edges)
    {
        foreach (var ring in rings.EnumerateArray())
        {
            double previousLng = 0, previousLat = 0;
            var first = true;
            foreach (var position in ring.EnumerateArray())
            {
                var lng = position[0].GetDouble();
                var lat = position[1].GetDouble();
                if (!first)
                {
                    var cosLat = Math.Cos((lat + previousLat) * Math.PI / 360);
                    var dx = (lng - previousLng) * cosLat;
                    var dy = lat - previousLat;
                    var length = Math.Sqrt((dx * dx) + (dy * dy));
                    if (length > 0)
                    {
                        edges.Add(new Edge(previousLat, previousLng, lat, lng, length));
                    }
                }

                previousLng = lng;
                previousLat = lat;
                first = false;
            }
        }
    }

    /// <summary>A ring edge and its approximate length in degrees of latitude.</summary>
    internal readonly record struct Edge(double Lat1, double Lng1, double Lat2, double Lng2, double Length);
}

// Distances and areas on the unit sphere, written for the tests independently of GeoAssign.H3's arithmetic.
namespace GeoAssign.H3.Tests;

/// <summary>
/// Reference geometry for judging the library's answers: great-circle distances (haversine), the
/// distance from a point to a cell's boundary, and spherical-polygon areas (L'Huilier). It shares no
/// code with GeoAssign.H3 and its area formula is not the library's, so a test never checks the
/// library against its own arithmetic. Stateless and thread-safe.
/// </summary>
public static class SphericalGeometry
{
    public const double DegreesPerRadian = 180 / Math.PI;

    /// <summary>The great-circle distance between two points, in degrees of arc; accurate for tiny distances.</summary>
    public static double ArcDegrees(LatLng a, LatLng b)
    {
        // Haversine: differences are taken in degrees first (exact for nearby values), longitudes modulo 360.
        var halfDLat = Radians(b.Lat - a.Lat) / 2;
        var halfDLng = Radians(Math.IEEERemainder(b.Lng - a.Lng, 360)) / 2;
        var sinLat = Math.Sin(halfDLat);
        var sinLng = Math.Sin(halfDLng);
        var h = (sinLat * sinLat) + (CosLatitude(a.Lat) * CosLatitude(b.Lat) * sinLng * sinLng);
        return 2 * Math.Asin(Math.Min(1, Math.Sqrt(h))) * DegreesPerRadian;
    }

    /// <summary>cos(lat) for a latitude in degrees, computed as sin(90° − |lat|) so it keeps its precision next to the poles.</summary>
    public static double CosLatitude(double latDegrees) => Math.Sin(Radians(90 - Math.Abs(latDegrees)));

    /// <summary>
    /// The distance in degrees of arc from <paramref name="point"/> to the nearest edge of the polygon
    /// (its edges are great-circle arcs between consecutive vertices, as H3 cell edges are).
    /// </summary>
    public static double DistanceToBoundaryDegrees(LatLng point, ReadOnlySpan<LatLng> vertices)
    {
        var p = Vector.FromLatLng(point);
        var nearest = double.PositiveInfinity;
        for (var i = 0; i < vertices.Length; i++)
        {
            var a = Vector.FromLatLng(vertices[i]);
            var b = Vector.FromLatLng(vertices[(i + 1) % vertices.Length]);
            nearest = Math.Min(nearest, DistanceToArcRadians(p, a, b));
        }

        return nearest * DegreesPerRadian;
    }

    /// <summary>
    /// The signed area in steradians of a polygon with great-circle edges, as a fan of spherical
    /// triangles from <paramref name="apex"/>, each by L'Huilier's theorem on haversine side lengths
    /// (positive for counter-clockwise vertices). The polygon must be star-shaped around the apex.
    /// </summary>
    public static double PolygonAreaRads2(ReadOnlySpan<LatLng> vertices, LatLng apex)
    {
        var c = Vector.FromLatLng(apex);
        var area = 0.0;
        for (var i = 0; i < vertices.Length; i++)
        {
            var u = vertices[i];
            var v = vertices[(i + 1) % vertices.Length];
            var excess = LHuilierExcess(Radians(ArcDegrees(apex, u)), Radians(ArcDegrees(u, v)), Radians(ArcDegrees(v, apex)));
            var orientation = Vector.Triple(c, Vector.FromLatLng(u), Vector.FromLatLng(v));
            area += orientation < 0 ? -excess : excess;
        }

        return area;
    }

    /// <summary>The normalised sum of the vertices' unit vectors: a point inside a small convex polygon.</summary>
    public static LatLng VertexCentroid(ReadOnlySpan<LatLng> vertices)
    {
        var sum = new Vector(0, 0, 0);
        foreach (var v in vertices)
        {
            sum += Vector.FromLatLng(v);
        }

        return sum.ToLatLng();
    }

    private static double Radians(double degrees) => degrees / DegreesPerRadian;

    /// <summary>Spherical excess of the triangle with sides a, b, c (radians): tan(E/4)² = tan(s/2) tan((s−a)/2) tan((s−b)/2) tan((s−c)/2).</summary>
    private static double LHuilierExcess(double a, double b, double c)
    {
        var s = (a + b + c) / 2;
        var product = Math.Tan(s / 2) * Math.Tan((s - a) / 2) * Math.Tan((s - b) / 2) * Math.Tan((s - c) / 2);
        return 4 * Math.Atan(Math.Sqrt(Math.Max(0, product)));
    }

    /// <summary>Distance (radians) from p to the shorter great-circle arc from a to b.</summary>
    private static double DistanceToArcRadians(Vector p, Vector a, Vector b)
    {
        var normal = Vector.Cross(a, b);
        // p projects inside the arc when it lies on the inner side of the planes through a and b
        // perpendicular to the arc's great circle (a degenerate arc is just its end points).
        if (normal.Length > 0 && Vector.Dot(Vector.Cross(a, p), normal) >= 0 && Vector.Dot(Vector.Cross(p, b), normal) >= 0)
        {
            // p·(a×b) = p·((a−p)×(b−p)): the differences keep the precision that tiny distances need.
            var triple = Vector.Triple(p, a - p, b - p);
            return Math.Asin(Math.Min(1, Math.Abs(triple) / normal.Length));
        }

        return Math.Min(Angle(p, a), Angle(p, b));
    }

    /// <summary>The angle between unit vectors, stable for tiny angles (p×q = p×(q−p)).</summary>
    private static double Angle(Vector p, Vector q) => Math.Atan2(Vector.Cross(p, q - p).Length, Vector.Dot(p, q));

    private readonly record struct Vector(double X, double Y, double Z)
    {
        public double Length => Math.Sqrt((X * X) + (Y * Y) + (Z * Z));

        public static Vector FromLatLng(LatLng p)
        {
            var lat = Radians(p.Lat);
            var lng = Radians(p.Lng);
            return new Vector(Math.Cos(lat) * Math.Cos(lng), Math.Cos(lat) * Math.Sin(lng), Math.Sin(lat));
        }

        public LatLng ToLatLng() => new(Math.Atan2(Z, Math.Sqrt((X * X) + (Y * Y))) * DegreesPerRadian, Math.Atan2(Y, X) * DegreesPerRadian);

        public static Vector operator +(Vector u, Vector v) => new(u.X + v.X, u.Y + v.Y, u.Z + v.Z);

        public static Vector operator -(Vector u, Vector v) => new(u.X - v.X, u.Y - v.Y, u.Z - v.Z);

        public static double Dot(Vector u, Vector v) => (u.X * v.X) + (u.Y * v.Y) + (u.Z * v.Z);

        public static Vector Cross(Vector u, Vector v) => new((u.Y * v.Z) - (u.Z * v.Y), (u.Z * v.X) - (u.X * v.Z), (u.X * v.Y) - (u.Y * v.X));

        public static double Triple(Vector u, Vector v, Vector w) => Dot(u, Cross(v, w));
    }
}

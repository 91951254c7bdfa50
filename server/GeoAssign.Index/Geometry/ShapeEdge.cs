// One straight edge of a territory's boundary.
namespace GeoAssign.Index.Geometry;

/// <summary>
/// One edge of a territory ring, from (<see cref="Lng0"/>, <see cref="Lat0"/>) to
/// (<see cref="Lng1"/>, <see cref="Lat1"/>) in ring order; a straight line in longitude/latitude.
/// Immutable and thread-safe.
/// </summary>
public readonly record struct ShapeEdge(double Lng0, double Lat0, double Lng1, double Lat1);

// How problems name a ring: its GeoJSON coordinates path and its role.
namespace GeoAssign.Index.Validation;

/// <summary>Names rings the same way in every problem message.</summary>
internal static class GeometryPaths
{
    /// <summary>The coordinates path of a ring, e.g. <c>coordinates[2][0]</c> in a MultiPolygon.</summary>
    public static string Ring(bool multi, int polygon, int ring) =>
        multi ? $"coordinates[{polygon}][{ring}]" : $"coordinates[{ring}]";

    /// <summary>A ring's name for messages, e.g. <c>ring coordinates[2][1] (hole 1 of polygon 2)</c>.</summary>
    public static string RingName(bool multi, int polygon, int ring) =>
        $"ring {Ring(multi, polygon, ring)} ({(ring == 0 ? "exterior ring" : $"hole {ring}")}{(multi ? $" of polygon {polygon}" : "")})";
}

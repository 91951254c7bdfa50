// The rule for edges that cross the antimeridian without being split.
namespace GeoAssign.Index.Validation;

/// <summary>Which edges count as crossing the antimeridian unsplit (RFC 7946 §3.1.9).</summary>
internal static class Antimeridian
{
    /// <summary>
    /// Whether the edge spans more than 180° of longitude: as a straight longitude/latitude line it
    /// then runs the long way round, which is almost always a ring meant to cross the antimeridian.
    /// An edge along a parallel from -180 to +180 exactly is not one: it is how a band round the whole
    /// globe, such as a polar cap, is written.
    /// </summary>
    public static bool IsUnsplitCrossing(double lng0, double lat0, double lng1, double lat1) =>
        Math.Abs(lng1 - lng0) > 180 && !(Math.Abs(lng0) == 180 && Math.Abs(lng1) == 180 && lat0 == lat1);
}

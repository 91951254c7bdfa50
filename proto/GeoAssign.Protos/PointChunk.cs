namespace GeoAssign.Protos.V1;

// Builders for the column form of PointChunk, so that callers cannot let the columns drift apart.
public sealed partial class PointChunk
{
    /// <summary>Number of points in the chunk (the length of <see cref="Lat"/>).</summary>
    public int Count => Lat.Count;

    /// <summary>Appends a point without an id. Do not mix with <see cref="Add(string, double, double)"/> in one chunk.</summary>
    /// <param name="lat">Latitude in degrees WGS84, in [-90, 90].</param>
    /// <param name="lng">Longitude in degrees WGS84, in [-180, 180].</param>
    public void Add(double lat, double lng)
    {
        Lat.Add(lat);
        Lng.Add(lng);
    }

    /// <summary>Appends a point with a caller-supplied id, echoed in <see cref="AssignmentChunk.Ids"/>.</summary>
    /// <param name="id">Caller's id for the point.</param>
    /// <param name="lat">Latitude in degrees WGS84, in [-90, 90].</param>
    /// <param name="lng">Longitude in degrees WGS84, in [-180, 180].</param>
    public void Add(string id, double lat, double lng)
    {
        ArgumentNullException.ThrowIfNull(id);
        Ids.Add(id);
        Lat.Add(lat);
        Lng.Add(lng);
    }
}

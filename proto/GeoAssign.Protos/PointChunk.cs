namespace GeoAssign.Protos.V1;

// Builders for the column form of PointChunk, so that callers cannot let the columns drift apart.
public sealed partial class PointChunk
{
    /// <summary>Number of rows in the chunk: the length of its longest column of <see cref="Lat"/> and <see cref="Countries"/>.</summary>
    public int Count => Math.Max(Lat.Count, Countries.Count);

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

    /// <summary>
    /// Appends a row that names a postal code instead of a point. A chunk that mixes points and postal codes keeps
    /// every column one length: this adds the placeholder 0, 0 to <see cref="Lat"/> and <see cref="Lng"/> when the chunk
    /// has points, and the points added later need "" in <see cref="Countries"/> and <see cref="PostalCodes"/>
    /// (<see cref="AddPoint"/> does both).
    /// </summary>
    /// <param name="country">ISO 3166-1 alpha-2, any case; not empty.</param>
    /// <param name="postalCode">The code as written.</param>
    public void AddPostalCode(string country, string postalCode)
    {
        ArgumentException.ThrowIfNullOrEmpty(country);
        ArgumentNullException.ThrowIfNull(postalCode);
        if (Lat.Count != 0 && Countries.Count == 0)
        {
            // The first postal row of a chunk that has points: those rows get "" in the postal columns.
            for (var i = 0; i < Lat.Count; i++)
            {
                Countries.Add("");
                PostalCodes.Add("");
            }
        }

        if (Lat.Count != 0)
        {
            Lat.Add(0);
            Lng.Add(0);
        }

        Countries.Add(country);
        PostalCodes.Add(postalCode);
    }

    /// <summary>Appends a point to a chunk that may also hold postal codes, keeping every column one length.</summary>
    /// <param name="lat">Latitude in degrees WGS84, in [-90, 90].</param>
    /// <param name="lng">Longitude in degrees WGS84, in [-180, 180].</param>
    public void AddPoint(double lat, double lng)
    {
        if (Countries.Count != 0)
        {
            if (Lat.Count == 0)
            {
                // The first point of a chunk of postal codes: those rows get the placeholder 0, 0.
                for (var i = 0; i < Countries.Count; i++)
                {
                    Lat.Add(0);
                    Lng.Add(0);
                }
            }

            Countries.Add("");
            PostalCodes.Add("");
        }

        Lat.Add(lat);
        Lng.Add(lng);
    }
}

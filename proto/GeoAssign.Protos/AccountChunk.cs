namespace GeoAssign.Protos.V1;

// Builder for the column form of AccountChunk, so that callers cannot let the columns drift apart.
public sealed partial class AccountChunk
{
    /// <summary>Number of accounts in the chunk (the length of <see cref="Ids"/>).</summary>
    public int Count => Ids.Count;

    /// <summary>Appends one account.</summary>
    /// <param name="id">Account id; not empty.</param>
    /// <param name="lat">Latitude in degrees WGS84, in [-90, 90].</param>
    /// <param name="lng">Longitude in degrees WGS84, in [-180, 180].</param>
    /// <param name="currentOwnerId">The owner the account has today; empty when it has none.</param>
    public void Add(string id, double lat, double lng, string currentOwnerId)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(currentOwnerId);
        Ids.Add(id);
        Lat.Add(lat);
        Lng.Add(lng);
        CurrentOwnerIds.Add(currentOwnerId);
    }
}

namespace GeoAssign.Protos.V1;

// Builder for the column form of BalanceAccounts, so that callers cannot let the columns drift apart.
public sealed partial class BalanceAccounts
{
    /// <summary>Number of accounts in the chunk (the length of <see cref="Ids"/>).</summary>
    public int Count => Ids.Count;

    /// <summary>
    /// Appends one account. Give a weight for every account of the chunk or for none (each weighs 1),
    /// and likewise a tier; not thread-safe.
    /// </summary>
    /// <param name="id">Account id; not empty.</param>
    /// <param name="lat">Latitude in degrees WGS84, in [-90, 90].</param>
    /// <param name="lng">Longitude in degrees WGS84, in [-180, 180].</param>
    /// <param name="weight">The account's weight (finite, not negative), or null when the chunk carries no weights.</param>
    /// <param name="tier">The account's tier (empty for none), or null when the chunk carries no tiers.</param>
    public void Add(string id, double lat, double lng, double? weight = null, string? tier = null)
    {
        ArgumentNullException.ThrowIfNull(id);
        if ((weight is null) != (Weights.Count == 0) && Ids.Count != 0)
        {
            throw new ArgumentException("Give a weight for every account of the chunk or for none.", nameof(weight));
        }

        if ((tier is null) != (Tiers.Count == 0) && Ids.Count != 0)
        {
            throw new ArgumentException("Give a tier for every account of the chunk or for none.", nameof(tier));
        }

        Ids.Add(id);
        Lat.Add(lat);
        Lng.Add(lng);
        if (weight is { } w)
        {
            Weights.Add(w);
        }

        if (tier is not null)
        {
            Tiers.Add(tier);
        }
    }
}

// Places accounts (latitude, longitude, weight) into blocks, reporting those outside every block.
using System.Collections.Immutable;

namespace GeoAssign.Proposals.Blocks;

/// <summary>An account to place: where it is and what it weighs. Immutable value.</summary>
/// <param name="Lat">Latitude, degrees.</param>
/// <param name="Lng">Longitude, degrees.</param>
/// <param name="Weight">Weight, finite and not negative.</param>
public readonly record struct AccountPoint(double Lat, double Lng, double Weight);

/// <summary>Where each account fell. Immutable.</summary>
/// <param name="BlockOf">Per account (in input order), the block index, or -1 when it lies in no block.</param>
/// <param name="Outside">Input indexes of the accounts in no block, ascending.</param>
/// <param name="BlockWeight">Per block, the summed weight of its accounts.</param>
/// <param name="BlockCount">Per block, the number of its accounts.</param>
public sealed record AccountPlacementResult(ImmutableArray<int> BlockOf, ImmutableArray<int> Outside, ImmutableArray<double> BlockWeight,
    ImmutableArray<int> BlockCount);

/// <summary>
/// Places accounts into blocks by point in polygon (boundary included; on a border between two
/// blocks, the lower block index). Accounts outside every block are reported in
/// <see cref="AccountPlacementResult.Outside"/>, never dropped silently. Stateless and thread-safe.
/// </summary>
public static class AccountPlacement
{
    /// <summary>Places every account.</summary>
    /// <exception cref="ArgumentException">A coordinate is not finite or out of range, or a weight is negative or not finite.</exception>
    public static AccountPlacementResult Place(BlockSet blocks, IReadOnlyList<AccountPoint> accounts)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(accounts);
        var blockOf = new int[accounts.Count];
        var outside = ImmutableArray.CreateBuilder<int>();
        var weight = new double[blocks.Count];
        var count = new int[blocks.Count];
        for (var a = 0; a < accounts.Count; a++)
        {
            var (lat, lng, w) = accounts[a];
            if (!double.IsFinite(lat) || !double.IsFinite(lng) || Math.Abs(lat) > 90 || Math.Abs(lng) > 180)
            {
                throw new ArgumentException($"Account {a} is at ({lat}, {lng}), which is not a latitude/longitude.", nameof(accounts));
            }

            if (!double.IsFinite(w) || w < 0)
            {
                throw new ArgumentException($"Account {a} has weight {w}; a weight is a finite number, not negative.", nameof(accounts));
            }

            var b = blocks.Locate(lat, lng);
            blockOf[a] = b;
            if (b < 0)
            {
                outside.Add(a);
            }
            else
            {
                weight[b] += w;
                count[b]++;
            }
        }

        return new AccountPlacementResult([.. blockOf], outside.ToImmutable(), [.. weight], [.. count]);
    }
}

// Realistic account overrides for the override benchmarks and report: ids, owners, territories, windows.
using GeoAssign.Index.Accounts;

namespace GeoAssign.Benchmarks;

/// <summary>
/// Generates account overrides shaped like a CRM's: ids <c>ACC-00012345</c>, owners from a pool of
/// 500, 30 % counting toward a territory, 20 % with a validity window (of those, three in four in force
/// at <see cref="Now"/>, one in eight expired, one in eight not yet started), 5 % protected, 10 % with a
/// reason. Deterministic for a given seed. Thread-safe (stateless).
/// </summary>
internal static class OverrideSets
{
    /// <summary>How many distinct owners the overrides name.</summary>
    public const int OwnerPool = 500;

    /// <summary>The instant the benchmarks look up at.</summary>
    public static readonly DateTimeOffset Now = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly string[] Reasons = ["won in a competitive deal", "key account", "claimed from the pool", "partner-sourced"];

    /// <summary>The id of account number <paramref name="n"/> (0 ≤ n &lt; 100,000,000).</summary>
    public static string AccountId(int n) => $"ACC-{n:D8}";

    /// <summary>
    /// <paramref name="count"/> overrides for accounts 0 … count−1, shuffled. With
    /// <paramref name="freshStrings"/>, every owner, territory and reason is its own string instance, as
    /// when each row of a CSV import or a protobuf message is parsed; without, they come from shared pools.
    /// </summary>
    public static AccountOverride[] Generate(int count, IReadOnlyList<string> territoryIds, bool freshStrings, int seed = 14)
    {
        var random = new Random(seed);
        var owners = new string[OwnerPool];
        for (var i = 0; i < owners.Length; i++)
        {
            owners[i] = $"rep-{i:D4}";
        }

        var order = new int[count];
        for (var i = 0; i < count; i++)
        {
            order[i] = i;
        }

        random.Shuffle(order);
        var overrides = new AccountOverride[count];
        for (var i = 0; i < count; i++)
        {
            var owner = owners[random.Next(OwnerPool)];
            var territory = random.NextDouble() < 0.30 ? territoryIds[random.Next(territoryIds.Count)] : null;
            var reason = random.NextDouble() < 0.10 ? Reasons[random.Next(Reasons.Length)] : "";
            DateTimeOffset? from = null;
            DateTimeOffset? until = null;
            if (random.NextDouble() < 0.20)
            {
                var kind = random.Next(8);
                (from, until) = kind switch
                {
                    0 => (Now.AddDays(-400), Now.AddDays(-30)),
                    1 => (Now.AddDays(30), Now.AddDays(400)),
                    _ => ((DateTimeOffset?)Now.AddDays(-random.Next(1, 365)), random.Next(2) == 0 ? Now.AddDays(random.Next(1, 365)) : (DateTimeOffset?)null),
                };
            }

            overrides[i] = new AccountOverride
            {
                AccountId = AccountId(order[i]),
                OwnerId = freshStrings ? Copy(owner) : owner,
                TerritoryId = territory is not null && freshStrings ? Copy(territory) : territory,
                ValidFrom = from,
                ValidUntil = until,
                Protected = random.NextDouble() < 0.05,
                Reason = freshStrings && reason.Length != 0 ? Copy(reason) : reason,
                SetBy = "import",
            };
        }

        return overrides;
    }

    /// <summary>A new string instance with the same text, as a parser would produce (never the literal or pooled instance).</summary>
    public static string Copy(string text) => new(text.AsSpan());
}

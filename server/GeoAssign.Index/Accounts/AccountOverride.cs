// A named account's owner set by hand, whatever the map says: the rep who won it, a key account's owner.
namespace GeoAssign.Index.Accounts;

/// <summary>
/// An override: account <see cref="AccountId"/> is owned by <see cref="OwnerId"/> while it is in force,
/// wherever the account lies. Optionally it counts toward a territory, and it may be protected from
/// realignment. Immutable and thread-safe.
/// </summary>
public sealed record AccountOverride
{
    /// <summary>The account's id, as lookups and Reassign name it. 1 to 256 characters, no control characters.</summary>
    public required string AccountId { get; init; }

    /// <summary>The owner while the override is in force.</summary>
    public required string OwnerId { get; init; }

    /// <summary>The territory the account counts toward (balance reports), or null.</summary>
    public string? TerritoryId { get; init; }

    // The window as UTC ticks, open ends as values no instant reaches: 16 bytes instead of two nullable
    // DateTimeOffsets' 48 (millions of overrides are kept), and the in-force test is two comparisons.
    private readonly long _fromTicks = long.MinValue;
    private readonly long _untilTicks = long.MaxValue;

    /// <summary>When it comes into force (inclusive), kept in UTC (as the store and the API keep it); null: always was.</summary>
    public DateTimeOffset? ValidFrom
    {
        get => _fromTicks == long.MinValue ? null : new DateTimeOffset(_fromTicks, TimeSpan.Zero);
        init => _fromTicks = value?.UtcTicks ?? long.MinValue;
    }

    /// <summary>When it stops (exclusive), kept in UTC (as the store and the API keep it); null: open-ended.</summary>
    public DateTimeOffset? ValidUntil
    {
        get => _untilTicks == long.MaxValue ? null : new DateTimeOffset(_untilTicks, TimeSpan.Zero);
        init => _untilTicks = value?.UtcTicks ?? long.MaxValue;
    }

    /// <summary>
    /// Whether the account is protected from realignment: Reassign and plan previews report it as kept
    /// with its owner (every override in force decides the owner, as in lookups; protection marks the
    /// accounts realignment must not move).
    /// </summary>
    public bool Protected { get; init; }

    /// <summary>Why, in the words of whoever set it.</summary>
    public string Reason { get; init; } = "";

    /// <summary>Who set it: the API key's name (empty without keys).</summary>
    public string SetBy { get; init; } = "";

    // The window as the book's table keeps it.
    internal long FromTicks => _fromTicks;

    internal long UntilTicks => _untilTicks;

    /// <summary>Whether it is in force at <paramref name="instant"/>: from <see cref="ValidFrom"/> (inclusive) until <see cref="ValidUntil"/> (exclusive).</summary>
    public bool InForceAt(DateTimeOffset instant) => InForceAt(instant.UtcTicks);

    /// <summary>Whether it is in force at <paramref name="utcTicks"/> (UTC ticks): the allocation-free form for lookups.</summary>
    public bool InForceAt(long utcTicks) => _fromTicks <= utcTicks && utcTicks < _untilTicks;
}

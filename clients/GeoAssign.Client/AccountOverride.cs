// An account's owner set by hand: who owns it while the override is in force, wherever it lies.
namespace GeoAssign.Client;

/// <summary>
/// An account override (the API's <c>AccountOverride</c>): while it is in force, lookups that name the
/// account answer with <see cref="OwnerId"/> instead of the owner of the territory the account lies in,
/// and a <see cref="Protected"/> one is kept through realignment (Reassign, plan previews). Immutable.
/// </summary>
public sealed record AccountOverride
{
    /// <summary>The account's id, as lookups name it: 1 to 256 characters, no control characters.</summary>
    public required string AccountId { get; init; }

    /// <summary>The owner while the override is in force.</summary>
    public required string OwnerId { get; init; }

    /// <summary>The territory the account counts toward (balance reports); <see langword="null"/> for none. Must exist when set.</summary>
    public string? TerritoryId { get; init; }

    /// <summary>In force from this instant (inclusive); <see langword="null"/>: always was.</summary>
    public DateTimeOffset? ValidFrom { get; init; }

    /// <summary>In force until this instant (exclusive); <see langword="null"/>: open-ended.</summary>
    public DateTimeOffset? ValidUntil { get; init; }

    /// <summary>Kept through realignment: Reassign and plan previews keep the account with <see cref="OwnerId"/>.</summary>
    public bool Protected { get; init; }

    /// <summary>Why (up to 1,024 characters); <see langword="null"/> for none.</summary>
    public string? Reason { get; init; }

    /// <summary>Who set it: the name of the API key the edit came with. Set by the server; ignored on upsert.</summary>
    public string? SetBy { get; init; }

    /// <summary>Whether the override is in force at <paramref name="instant"/>: at or after <see cref="ValidFrom"/> and before <see cref="ValidUntil"/>.</summary>
    public bool IsInForceAt(DateTimeOffset instant) => (ValidFrom is not { } from || instant >= from) && (ValidUntil is not { } until || instant < until);
}

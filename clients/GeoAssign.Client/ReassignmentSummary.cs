// The totals of a reassignment, with its owner-to-owner transitions, per-owner counts and the accounts overrides kept.
namespace GeoAssign.Client;

/// <summary>How many changed accounts move from one owner to another. Immutable.</summary>
/// <param name="OldOwnerId">The owner they have today; <see langword="null"/> for none.</param>
/// <param name="NewOwnerId">The owner the map assigns; <see langword="null"/> for none.</param>
/// <param name="Count">How many accounts make this move.</param>
public sealed record OwnerTransition(string? OldOwnerId, string? NewOwnerId, long Count);

/// <summary>The totals of a reassignment. <c>TotalCount = ChangedCount + UnchangedCount</c>. Immutable.</summary>
/// <param name="TotalCount">Accounts processed.</param>
/// <param name="ChangedCount">Accounts whose owner changes.</param>
/// <param name="UnchangedCount">Accounts whose owner stays.</param>
/// <param name="UnassignedCount">Accounts no territory covers, changed or not.</param>
/// <param name="Transitions">Per (old owner, new owner) pair of the changed accounts, by descending count, then old owner, then new owner.</param>
/// <param name="MapVersion">The map version every answer was computed from.</param>
/// <param name="Layer">The layer asked about.</param>
/// <param name="OwnerCounts">Accounts per owner before (their current owner) and after (the owner the map assigns), by owner id (ordinal),
/// the accounts without an owner first; against a plan, a preview of its effect on each owner's book.</param>
public sealed record ReassignmentSummary(
    long TotalCount,
    long ChangedCount,
    long UnchangedCount,
    long UnassignedCount,
    IReadOnlyList<OwnerTransition> Transitions,
    ulong MapVersion,
    string Layer,
    IReadOnlyList<OwnerCount> OwnerCounts)
{
    /// <summary>
    /// Accounts a protected override in force kept with its owner (realignment does not move them), per override
    /// owner, by owner id (ordinal). They count in <see cref="OwnerCounts"/> too; those whose current owner differs
    /// from the override's are also changes (reason <see cref="AssignmentReason.AccountOverride"/>).
    /// </summary>
    public IReadOnlyList<OwnerTally> KeptByOverride { get; init; } = [];

    /// <summary>All accounts protected overrides kept: the sum of <see cref="KeptByOverride"/>.</summary>
    public long KeptByOverrideCount => KeptByOverride.Sum(t => t.Count);
}

// One territory's change between two maps: created, deleted, or which fields changed.
using GeoAssign.Index.Model;

namespace GeoAssign.Index.Analysis;

/// <summary>Whether a territory was created, deleted or changed.</summary>
public enum TerritoryChangeKind
{
    /// <summary>Only the later map has the id.</summary>
    Created,

    /// <summary>Only the earlier map has the id.</summary>
    Deleted,

    /// <summary>Both maps have the id, with different fields.</summary>
    Changed,
}

/// <summary>
/// How one territory differs between two maps: <see cref="Before"/> is null when it was created,
/// <see cref="After"/> null when it was deleted. Immutable and thread-safe.
/// </summary>
public sealed class TerritoryChange
{
    /// <summary>Describes the change from <paramref name="before"/> to <paramref name="after"/> (at most one of them null; both the same id).</summary>
    /// <exception cref="ArgumentException">Both are null, or the ids differ.</exception>
    public TerritoryChange(Territory? before, Territory? after)
    {
        if (before is null && after is null)
        {
            throw new ArgumentException("A change needs a territory before or after it.", nameof(after));
        }

        if (before is not null && after is not null && !string.Equals(before.Id, after.Id, StringComparison.Ordinal))
        {
            throw new ArgumentException($"A change is of one territory, not of '{before.Id}' into '{after.Id}'.", nameof(after));
        }

        Before = before;
        After = after;
        Id = (before ?? after)!.Id;
        Kind = before is null ? TerritoryChangeKind.Created : after is null ? TerritoryChangeKind.Deleted : TerritoryChangeKind.Changed;
        Fields = before is null || after is null ? TerritoryFields.All : Compare(before, after);
    }

    /// <summary>The territory id.</summary>
    public string Id { get; }

    /// <summary>Created, deleted or changed.</summary>
    public TerritoryChangeKind Kind { get; }

    /// <summary>The territory in the earlier map; null when it was created.</summary>
    public Territory? Before { get; }

    /// <summary>The territory in the later map; null when it was deleted.</summary>
    public Territory? After { get; }

    /// <summary>The fields that differ; <see cref="TerritoryFields.All"/> for a created or deleted territory.</summary>
    public TerritoryFields Fields { get; }

    /// <summary>
    /// Whether the change can move the border rule's winner somewhere: a creation, a deletion, or a
    /// change of geometry, layer or priority.
    /// </summary>
    public bool CanMoveWinner => (Fields & TerritoryFields.Precedence) != 0;

    /// <summary>Whether the change can change who owns some point: <see cref="CanMoveWinner"/> or a new owner.</summary>
    public bool CanMoveOwner => (Fields & (TerritoryFields.Precedence | TerritoryFields.Owner)) != 0;

    /// <summary>The fields that differ between two versions of a territory (the ids are not compared).</summary>
    public static TerritoryFields Compare(Territory before, Territory after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        if (ReferenceEquals(before, after))
        {
            return TerritoryFields.None;
        }

        var fields = TerritoryFields.None;
        if (!ReferenceEquals(before.Geometry, after.Geometry) && !before.Geometry.EqualsExact(after.Geometry))
        {
            fields |= TerritoryFields.Geometry;
        }

        if (!string.Equals(before.OwnerId, after.OwnerId, StringComparison.Ordinal))
        {
            fields |= TerritoryFields.Owner;
        }

        if (!string.Equals(before.Name, after.Name, StringComparison.Ordinal))
        {
            fields |= TerritoryFields.Name;
        }

        if (!string.Equals(before.Layer, after.Layer, StringComparison.Ordinal))
        {
            fields |= TerritoryFields.Layer;
        }

        if (before.Priority != after.Priority)
        {
            fields |= TerritoryFields.Priority;
        }

        if (!string.Equals(before.ParentId, after.ParentId, StringComparison.Ordinal))
        {
            fields |= TerritoryFields.Parent;
        }

        if (!before.Attributes.Equals(after.Attributes))
        {
            fields |= TerritoryFields.Attributes;
        }

        return fields;
    }

    /// <inheritdoc/>
    public override string ToString() => Kind == TerritoryChangeKind.Changed ? $"{Id}: changed {Fields}" : $"{Id}: {Kind}";
}

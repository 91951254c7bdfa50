// The one change type: every edit, replicated message and replay applies a MapChange.
namespace GeoAssign.Index.Model;

/// <summary>
/// One change of the territory map: the version it produces, the territories to insert or replace
/// (matched by <see cref="Territory.Id"/>), and the ids to delete. Every path that changes the map —
/// an API call, a replicated message, a replay at start-up — applies this type through the same code.
/// </summary>
/// <remarks>
/// Immutable and thread-safe (given that nobody mutates the territories' geometries). A change is
/// validated against the current map as a whole (see
/// <see cref="Validation.TerritoryValidator.ValidateChange(IReadOnlyDictionary{string, Territory}, MapChange)"/>):
/// an id may not be both upserted and deleted, and a parent may be upserted in the same change.
/// </remarks>
public sealed class MapChange
{
    /// <summary>Creates a change.</summary>
    /// <param name="version">The map version this change produces; strictly greater than the version it applies to.</param>
    /// <param name="upserts">Territories to insert, or to replace the territory with the same id.</param>
    /// <param name="deletes">Ids of territories to delete.</param>
    public MapChange(long version, IEnumerable<Territory> upserts, IEnumerable<string> deletes)
    {
        ArgumentNullException.ThrowIfNull(upserts);
        ArgumentNullException.ThrowIfNull(deletes);
        Version = version;
        Upserts = Array.AsReadOnly(upserts.ToArray());
        Deletes = Array.AsReadOnly(deletes.ToArray());
    }

    /// <summary>The map version this change produces.</summary>
    public long Version { get; }

    /// <summary>Territories to insert, or to replace the territory with the same id.</summary>
    public IReadOnlyList<Territory> Upserts { get; }

    /// <summary>Ids of territories to delete.</summary>
    public IReadOnlyList<string> Deletes { get; }

    /// <summary>Whether the change neither upserts nor deletes anything.</summary>
    public bool IsEmpty => Upserts.Count == 0 && Deletes.Count == 0;

    /// <inheritdoc/>
    public override string ToString() =>
        $"MapChange to version {Version}: {Upserts.Count} upserts, {Deletes.Count} deletes";
}

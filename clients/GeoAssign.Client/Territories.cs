// Territories as the client reads and writes them, and what edits return.
namespace GeoAssign.Client;

/// <summary>
/// A territory: an area of one layer, owned by one owner (see the API's <c>Territory</c> for every
/// rule on ids, layers, priorities and geometry). Immutable.
/// </summary>
public sealed record Territory
{
    /// <summary>Stable id, unique across all layers: 1 to 256 characters, no control characters.</summary>
    public required string Id { get; init; }

    /// <summary>Display name; may be empty.</summary>
    public string Name { get; init; } = "";

    /// <summary>Owner (sales rep) id; <see langword="null"/> when the territory has no owner.</summary>
    public string? OwnerId { get; init; }

    /// <summary>Layer; "geo" by default.</summary>
    public string Layer { get; init; } = "geo";

    /// <summary>Precedence when several territories cover a point: the highest wins, then the ordinal-smallest id.</summary>
    public int Priority { get; init; }

    /// <summary>Parent territory in a hierarchy; <see langword="null"/> when none.</summary>
    public string? ParentId { get; init; }

    /// <summary>Free attributes as a compact JSON object; <see langword="null"/> when there are none.</summary>
    public string? AttributesJson { get; init; }

    /// <summary>
    /// The geometry as GeoJSON geometry text (Polygon or MultiPolygon, [longitude, latitude]); required
    /// on upsert, <see langword="null"/> on reads that leave geometry out.
    /// </summary>
    public string? GeometryGeoJson { get; init; }
}

/// <summary>What an UpsertTerritories edit did. Immutable.</summary>
/// <param name="MapVersion">The map version the edit created.</param>
/// <param name="CreatedCount">Territories that were new.</param>
/// <param name="UpdatedCount">Territories that replaced an existing one.</param>
public sealed record UpsertResult(ulong MapVersion, int CreatedCount, int UpdatedCount);

/// <summary>What a DeleteTerritories edit did. Immutable.</summary>
/// <param name="MapVersion">The map version the edit created (the current version when nothing was deleted).</param>
/// <param name="DeletedCount">Territories deleted.</param>
public sealed record DeleteResult(ulong MapVersion, int DeletedCount);

/// <summary>What a GeoJSON import did. Immutable.</summary>
/// <param name="MapVersion">The map version the import created.</param>
/// <param name="CreatedCount">Features that created a territory.</param>
/// <param name="UpdatedCount">Features that replaced a territory.</param>
/// <param name="DeletedCount">Territories removed because a replace import left them out.</param>
/// <param name="Warnings">Problems that did not stop the import, each naming its feature.</param>
/// <param name="Bytes">Bytes of GeoJSON sent.</param>
public sealed record ImportResult(ulong MapVersion, int CreatedCount, int UpdatedCount, int DeletedCount, IReadOnlyList<string> Warnings, long Bytes);

/// <summary>
/// One new map version seen while watching: the change from <see cref="PreviousVersion"/> to
/// <see cref="MapVersion"/> (several versions merge into one when the watcher lags). Immutable.
/// </summary>
/// <param name="MapVersion">The version now served.</param>
/// <param name="PreviousVersion">The version the change starts from; equal to <paramref name="MapVersion"/> for the initial "you are here" marker.</param>
/// <param name="AppliedTime">When the replica started serving it.</param>
/// <param name="Layers">Layers with a changed territory.</param>
/// <param name="UpsertedCount">Territories created or replaced.</param>
/// <param name="DeletedCount">Territories deleted.</param>
/// <param name="UpsertedIds">Ids created or replaced (at most 1,000).</param>
/// <param name="DeletedIds">Ids deleted (at most 1,000).</param>
/// <param name="IdsTruncated">The id lists were cut at 1,000.</param>
/// <param name="Resync">The server cannot describe the change: re-read the map.</param>
public sealed record MapVersionChange(
    ulong MapVersion,
    ulong PreviousVersion,
    DateTimeOffset AppliedTime,
    IReadOnlyList<string> Layers,
    int UpsertedCount,
    int DeletedCount,
    IReadOnlyList<string> UpsertedIds,
    IReadOnlyList<string> DeletedIds,
    bool IdsTruncated,
    bool Resync);

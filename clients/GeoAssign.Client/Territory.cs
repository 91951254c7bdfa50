// A territory as the client reads and writes it.
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

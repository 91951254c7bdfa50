// A sales territory: who owns which area of one layer.
using NtsGeometry = NetTopologySuite.Geometries.Geometry;

namespace GeoAssign.Index.Model;

/// <summary>
/// A sales territory: a stable id, a name, the owner (sales rep) it assigns leads to, the layer it
/// partitions, its priority at borders, an optional parent in a hierarchy, free attributes, and a
/// Polygon or MultiPolygon (WGS84 longitude/latitude, RFC 7946: edges are straight lines in
/// longitude/latitude).
/// </summary>
/// <remarks>
/// <para>
/// Immutable and thread-safe, on one condition: <see cref="Geometry"/> is an NTS geometry, which NTS
/// lets anyone mutate. A territory does not copy it; once a geometry is given to a territory nobody
/// may change it.
/// </para>
/// <para>
/// Construction does not validate: a <see cref="Validation.TerritoryValidator"/> checks ids, owner,
/// parents and geometry before anything is built from territories.
/// </para>
/// <para>
/// Two territories are equal when every field is equal, the geometries are equal exactly (same
/// type, same coordinates in the same order, see <see cref="NtsGeometry.EqualsExact(NtsGeometry)"/>)
/// and the attributes are equal as JSON.
/// </para>
/// </remarks>
public sealed record Territory
{
    /// <summary>The layer of a territory that names none.</summary>
    public const string DefaultLayer = "geo";

    /// <summary>The stable id, unique across the whole map (all layers).</summary>
    public required string Id { get; init; }

    /// <summary>A display name; empty when the territory has none.</summary>
    public string Name { get; init; } = "";

    /// <summary>The owner (e.g. sales rep id) that leads in this territory are assigned to.</summary>
    public required string OwnerId { get; init; }

    /// <summary>The layer this territory partitions, e.g. <c>geo</c>, <c>enterprise</c>, <c>product:medical</c>.</summary>
    public string Layer { get; init; } = DefaultLayer;

    /// <summary>Priority at borders and overlaps: where territories of one layer overlap, the higher priority wins (see <see cref="TerritoryPrecedence"/>).</summary>
    public int Priority { get; init; }

    /// <summary>The id of the parent territory (any layer), or null for a root.</summary>
    public string? ParentId { get; init; }

    /// <summary>Free attributes, exported as they were imported.</summary>
    public TerritoryAttributes Attributes { get; init; } = TerritoryAttributes.Empty;

    /// <summary>The area: a Polygon or MultiPolygon in longitude/latitude. Never mutate it.</summary>
    public required NtsGeometry Geometry { get; init; }

    /// <inheritdoc/>
    public bool Equals(Territory? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        return other is not null
            && string.Equals(Id, other.Id, StringComparison.Ordinal)
            && string.Equals(Name, other.Name, StringComparison.Ordinal)
            && string.Equals(OwnerId, other.OwnerId, StringComparison.Ordinal)
            && string.Equals(Layer, other.Layer, StringComparison.Ordinal)
            && Priority == other.Priority
            && string.Equals(ParentId, other.ParentId, StringComparison.Ordinal)
            && Attributes.Equals(other.Attributes)
            && (ReferenceEquals(Geometry, other.Geometry) || Geometry.EqualsExact(other.Geometry));
    }

    /// <inheritdoc/>
    public override int GetHashCode() =>
        HashCode.Combine(Id, OwnerId, Layer, Priority, ParentId, Geometry.NumPoints);

    /// <summary>A short description without the coordinates.</summary>
    public override string ToString() =>
        $"Territory '{Id}' ({Name}) owner '{OwnerId}', layer '{Layer}', priority {Priority}"
        + (ParentId is null ? "" : $", parent '{ParentId}'")
        + $", {Geometry.GeometryType} with {Geometry.NumPoints} vertices";
}

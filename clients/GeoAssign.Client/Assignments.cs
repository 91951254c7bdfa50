// What the client sends to resolve and what it gets back.
namespace GeoAssign.Client;

/// <summary>Why a point got its answer (the API's <c>Reason</c>).</summary>
public enum AssignmentReason
{
    /// <summary>Not set: the server is newer than this client.</summary>
    Unspecified = 0,

    /// <summary>The point's cell lies, with a safety margin, inside exactly one territory.</summary>
    InteriorCell = 1,

    /// <summary>The point's cell is near a border, so the exact point-in-polygon test decided.</summary>
    ExactTest = 2,

    /// <summary>An account override decided (a later API version).</summary>
    AccountOverride = 3,

    /// <summary>No territory of the layer covers the point.</summary>
    Unassigned = 4,
}

/// <summary>A point to resolve, with an optional caller id that comes back on its answer. Immutable.</summary>
/// <param name="Lat">Latitude in degrees WGS84, in [-90, 90].</param>
/// <param name="Lng">Longitude in degrees WGS84, in [-180, 180].</param>
/// <param name="Id">The caller's id for the point; not sent to the server, only copied to the answer.</param>
public readonly record struct GeoPoint(double Lat, double Lng, string? Id = null)
{
    /// <summary>A point from a (id, lat, lng) tuple.</summary>
    public static implicit operator GeoPoint((string? Id, double Lat, double Lng) point) => new(point.Lat, point.Lng, point.Id);

    /// <summary>A point without id from a (lat, lng) tuple.</summary>
    public static implicit operator GeoPoint((double Lat, double Lng) point) => new(point.Lat, point.Lng);
}

/// <summary>
/// The answer for one point: the territory of the layer that owns it, that territory's owner, and why.
/// Immutable; answers of one territory within a call share their <see cref="AncestorIds"/> list.
/// </summary>
/// <param name="Id">The id of the point the caller passed, if any.</param>
/// <param name="TerritoryId">The winning territory; <see langword="null"/> when no territory covers the point.</param>
/// <param name="OwnerId">The owner of that territory; <see langword="null"/> when unassigned or the territory has no owner.</param>
/// <param name="Layer">The layer asked about ("geo" by default).</param>
/// <param name="Reason">Why the territory won, or that none did.</param>
/// <param name="AncestorIds">The territory's parent, grandparent and so on, nearest first; empty when none.</param>
/// <param name="MapVersion">The map version the answer was computed from.</param>
public sealed record ResolveResult(
    string? Id,
    string? TerritoryId,
    string? OwnerId,
    string Layer,
    AssignmentReason Reason,
    IReadOnlyList<string> AncestorIds,
    ulong MapVersion)
{
    /// <summary>True when a territory covers the point.</summary>
    public bool IsAssigned => TerritoryId is not null;
}

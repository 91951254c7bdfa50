// A note that the import repaired a feature's geometry.
namespace GeoAssign.Index.GeoJson;

/// <summary>
/// The import repaired a feature's invalid geometry (only with
/// <see cref="GeoJsonReadOptions.RepairInvalidGeometry"/>). Immutable and thread-safe.
/// </summary>
/// <param name="TerritoryId">The feature's id, or null when it has none.</param>
/// <param name="FeatureIndex">The feature's index in the FeatureCollection.</param>
/// <param name="Reason">Why NTS found the geometry invalid, and where.</param>
/// <param name="VerticesBefore">Vertices before the repair.</param>
/// <param name="VerticesAfter">Vertices after the repair.</param>
public sealed record GeometryRepairRecord(string? TerritoryId, int FeatureIndex, string Reason, int VerticesBefore, int VerticesAfter);

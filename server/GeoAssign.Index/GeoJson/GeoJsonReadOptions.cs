// Options of the GeoJSON import, with their defaults.
using GeoAssign.Index.Validation;

namespace GeoAssign.Index.GeoJson;

/// <summary>Options of <see cref="TerritoryGeoJsonReader"/>. Immutable once constructed; thread-safe.</summary>
public sealed class GeoJsonReadOptions
{
    /// <summary>The defaults.</summary>
    public static GeoJsonReadOptions Default { get; } = new();

    /// <summary>
    /// Whether to repair topologically invalid polygons (self-intersections, spikes, overlapping
    /// parts) with NTS <c>GeometryFixer</c>, and to split rings that cross the antimeridian unsplit
    /// (<see cref="Validation.AntimeridianRepair"/>), instead of rejecting them. Default false: a repair moves
    /// borders, so it is the importer's explicit choice; every repair is listed in
    /// <see cref="GeoJsonImportResult.Repairs"/>.
    /// </summary>
    public bool RepairInvalidGeometry { get; init; }

    /// <summary>
    /// Largest single feature, in bytes of JSON. Default 64 MiB (a 250,000-vertex polygon is about
    /// 10 MB). The reader holds at most about twice this in its buffer, whatever the file's size.
    /// </summary>
    public int MaxFeatureBytes { get; init; } = 64 * 1024 * 1024;

    /// <summary>
    /// The layer of features whose properties have no <c>layer</c> (or a null one). Default
    /// <see cref="Model.Territory.DefaultLayer"/>; an import into another layer sets it, so the file
    /// need not be read twice.
    /// </summary>
    public string DefaultLayer { get; init; } = Model.Territory.DefaultLayer;

    /// <summary>The limits of validation, also used to stop reading early (feature count, problem count).</summary>
    public ValidationOptions Validation { get; init; } = ValidationOptions.Default;
}

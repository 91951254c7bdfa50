// How a GeoJSON import combines with the map, which map it changes, and why.
namespace GeoAssign.Client;

/// <summary>
/// Options of a GeoJSON import (<see cref="GeoAssignClient.ImportGeoJsonAsync(string, GeoJsonImportOptions, IProgress{long}?, CancellationToken)"/>).
/// The defaults merge the file into the live map's layer "geo". Immutable and thread-safe.
/// </summary>
public sealed record GeoJsonImportOptions
{
    /// <summary>Layer of features without a <c>layer</c> property; <see langword="null"/> (the default) means "geo". With <see cref="Replace"/>, the layer replaced.</summary>
    public string? Layer { get; init; }

    /// <summary>Make the layer exactly the file's features (deleting the layer's others) instead of merging. Default false.</summary>
    public bool Replace { get; init; }

    /// <summary>When set, the import applies only if the edited map (live map or plan) is at exactly this version, else ABORTED. Default none.</summary>
    public ulong? ExpectedVersion { get; init; }

    /// <summary>Let the server repair invalid polygons (self-intersections and the like) instead of rejecting the file; each repair comes back as a warning. Default false.</summary>
    public bool RepairInvalidGeometry { get; init; }

    /// <summary>With <see cref="RepairInvalidGeometry"/>, leave out features that have no area once repaired (each named in the warnings) instead of rejecting the file. Default false.</summary>
    public bool SkipFeaturesWithoutArea { get; init; }

    /// <summary>The plan to import into; <see langword="null"/> (the default) imports into the live map.</summary>
    public string? Plan { get; init; }

    /// <summary>Why: recorded with the change. Default none.</summary>
    public string? Message { get; init; }
}

// Which map an edit changes, why, and the version it expects.
namespace GeoAssign.Client;

/// <summary>
/// Options of an edit (<see cref="GeoAssignClient.UpsertAsync(IEnumerable{Territory}, EditOptions, CancellationToken)"/>,
/// <see cref="GeoAssignClient.DeleteAsync(IEnumerable{string}, EditOptions, bool, CancellationToken)"/>): the map it
/// changes (the live map or a plan), the message recorded with it, and the version it expects.
/// Immutable and thread-safe.
/// </summary>
public sealed record EditOptions
{
    /// <summary>The plan to edit; <see langword="null"/> (the default) edits the live map. A plan edit leaves the live map and its lookups untouched.</summary>
    public string? Plan { get; init; }

    /// <summary>Why: recorded with the change, shown by the map's history (live map) and by the plan. Default none.</summary>
    public string? Message { get; init; }

    /// <summary>
    /// When set, the edit applies only if the edited map (the live map, or the plan) is at exactly this version,
    /// else ABORTED; it also makes the edit safe to retry. Default none.
    /// </summary>
    public ulong? ExpectedVersion { get; init; }
}

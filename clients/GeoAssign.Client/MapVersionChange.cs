// One new map version that watching the map reports.
namespace GeoAssign.Client;

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

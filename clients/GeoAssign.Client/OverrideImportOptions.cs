// How an override CSV import combines with the overrides there are, and why.
namespace GeoAssign.Client;

/// <summary>
/// Options of an override CSV import (<see cref="GeoAssignClient.ImportOverridesAsync(Stream, OverrideImportOptions?, IProgress{long}?, CancellationToken)"/>).
/// The defaults merge the file's overrides into the live map's. Immutable and thread-safe.
/// </summary>
public sealed record OverrideImportOptions
{
    /// <summary>Make the overrides exactly the file's (accounts not in the file lose theirs) instead of merging. Default false.</summary>
    public bool Replace { get; init; }

    /// <summary>When set, the import applies only if the live map is at exactly this version, else ABORTED; it also makes the import safe to retry. Default none.</summary>
    public ulong? ExpectedVersion { get; init; }

    /// <summary>Why: recorded with the new version. Default none.</summary>
    public string? Message { get; init; }
}

// How a postal-code import combines with the gazetteer, and what it did.
namespace GeoAssign.Client;

/// <summary>
/// Options of a postal-code import (<see cref="GeoAssignClient.ImportGazetteerAsync(Stream, GazetteerImportOptions?, IProgress{long}?, CancellationToken)"/>).
/// The defaults merge the file's codes into the gazetteer. Immutable and thread-safe.
/// </summary>
public sealed record GazetteerImportOptions
{
    /// <summary>Make the codes of every country in the file exactly the file's (other countries keep theirs) instead of merging. Default false.</summary>
    public bool Replace { get; init; }

    /// <summary>When set, the import applies only if the live map is at exactly this version, else ABORTED; it also makes the import safe to retry. Default none.</summary>
    public ulong? ExpectedVersion { get; init; }

    /// <summary>Why: recorded with the new version. Default none.</summary>
    public string? Message { get; init; }
}

/// <summary>What a postal-code import did. Immutable.</summary>
/// <param name="MapVersion">The live map version the import created (the current one when it changed nothing).</param>
/// <param name="RowCount">Rows read.</param>
/// <param name="CreatedCount">Codes new to the gazetteer.</param>
/// <param name="UpdatedCount">Codes whose entry the file replaced.</param>
/// <param name="DeletedCount">Codes removed because a replace import left them out of their country.</param>
/// <param name="Countries">The countries of the file, in ordinal order.</param>
/// <param name="TotalCount">Postal codes in the gazetteer afterwards, all countries.</param>
/// <param name="Bytes">Bytes sent.</param>
public sealed record GazetteerImportResult(ulong MapVersion, long RowCount, long CreatedCount, long UpdatedCount, long DeletedCount,
    IReadOnlyList<string> Countries, long TotalCount, long Bytes);

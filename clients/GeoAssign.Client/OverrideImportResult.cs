// What an override CSV import returns.
namespace GeoAssign.Client;

/// <summary>What an override CSV import did. Immutable.</summary>
/// <param name="MapVersion">The live map version the import created (the current one when it changed nothing).</param>
/// <param name="RowCount">Rows read, without the header.</param>
/// <param name="CreatedCount">Accounts that had no override before.</param>
/// <param name="UpdatedCount">Accounts whose override the file replaced.</param>
/// <param name="DeletedCount">Overrides removed because a replace import left their account out.</param>
/// <param name="Bytes">Bytes of CSV sent.</param>
public sealed record OverrideImportResult(ulong MapVersion, long RowCount, long CreatedCount, long UpdatedCount, long DeletedCount, long Bytes);

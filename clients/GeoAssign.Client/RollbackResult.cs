// What rolling the live map back to a past version did.
namespace GeoAssign.Client;

/// <summary>What <see cref="GeoAssignClient.RollbackAsync"/> did. Immutable.</summary>
/// <param name="MapVersion">The new live version, equal in content to the version rolled back to.</param>
/// <param name="UpsertedCount">Territories it created or replaced.</param>
/// <param name="DeletedCount">Territories it deleted.</param>
public sealed record RollbackResult(ulong MapVersion, int UpsertedCount, int DeletedCount);

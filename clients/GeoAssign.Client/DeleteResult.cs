// What a DeleteTerritories or DeleteOverrides edit returns.
namespace GeoAssign.Client;

/// <summary>What a DeleteTerritories or DeleteOverrides edit did. Immutable.</summary>
/// <param name="MapVersion">The map version the edit created (the current version when nothing was deleted).</param>
/// <param name="DeletedCount">Territories (or overrides) deleted.</param>
public sealed record DeleteResult(ulong MapVersion, int DeletedCount);

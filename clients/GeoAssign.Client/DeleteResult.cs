// What a DeleteTerritories edit returns.
namespace GeoAssign.Client;

/// <summary>What a DeleteTerritories edit did. Immutable.</summary>
/// <param name="MapVersion">The map version the edit created (the current version when nothing was deleted).</param>
/// <param name="DeletedCount">Territories deleted.</param>
public sealed record DeleteResult(ulong MapVersion, int DeletedCount);

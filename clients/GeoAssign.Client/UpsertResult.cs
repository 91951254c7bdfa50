// What an UpsertTerritories edit returns.
namespace GeoAssign.Client;

/// <summary>What an UpsertTerritories edit did. Immutable.</summary>
/// <param name="MapVersion">The map version the edit created.</param>
/// <param name="CreatedCount">Territories that were new.</param>
/// <param name="UpdatedCount">Territories that replaced an existing one.</param>
public sealed record UpsertResult(ulong MapVersion, int CreatedCount, int UpdatedCount);

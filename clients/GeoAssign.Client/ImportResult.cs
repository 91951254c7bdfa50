// What a GeoJSON import returns.
namespace GeoAssign.Client;

/// <summary>What a GeoJSON import did. Immutable.</summary>
/// <param name="MapVersion">The map version the import created.</param>
/// <param name="CreatedCount">Features that created a territory.</param>
/// <param name="UpdatedCount">Features that replaced a territory.</param>
/// <param name="DeletedCount">Territories removed because a replace import left them out.</param>
/// <param name="Warnings">Problems that did not stop the import, each naming its feature.</param>
/// <param name="Bytes">Bytes of GeoJSON sent.</param>
public sealed record ImportResult(ulong MapVersion, int CreatedCount, int UpdatedCount, int DeletedCount, IReadOnlyList<string> Warnings, long Bytes);

// What an UpsertOverrides edit returns.
namespace GeoAssign.Client;

/// <summary>What an UpsertOverrides edit did. Immutable.</summary>
/// <param name="MapVersion">The live map version the edit created.</param>
/// <param name="CreatedCount">Accounts that had no override before.</param>
/// <param name="UpdatedCount">Accounts whose override was replaced.</param>
public sealed record OverrideUpsertResult(ulong MapVersion, int CreatedCount, int UpdatedCount);

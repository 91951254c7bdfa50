// How many accounts of one owner something applies to.
namespace GeoAssign.Client;

/// <summary>How many accounts of one owner something applies to (the API's <c>OwnerTally</c>). Immutable.</summary>
/// <param name="OwnerId">The owner.</param>
/// <param name="Count">How many accounts.</param>
public sealed record OwnerTally(string OwnerId, long Count);

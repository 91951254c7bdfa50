// One account's override as read, with whether it is in force.
namespace GeoAssign.Client;

/// <summary>One account's override as <see cref="GeoAssignClient.GetOverrideAsync"/> read it. Immutable.</summary>
/// <param name="Override">The override.</param>
/// <param name="InForce">Whether it is in force now (by the server's clock).</param>
/// <param name="MapVersion">The live map version it was read at.</param>
public sealed record OverrideStatus(AccountOverride Override, bool InForce, ulong MapVersion);

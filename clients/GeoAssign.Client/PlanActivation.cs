// What activating a plan did: made it live now, or scheduled it.
namespace GeoAssign.Client;

/// <summary>What <see cref="GeoAssignClient.ActivatePlanAsync"/> did. Immutable.</summary>
/// <param name="Scheduled">True when the activation was scheduled for later, false when the plan went live now.</param>
/// <param name="Version">Live now: the new live version; scheduled: the plan's new version.</param>
/// <param name="UpsertedCount">Territories the activation created or replaced in the live map (0 when scheduled).</param>
/// <param name="DeletedCount">Territories it deleted from the live map (0 when scheduled).</param>
/// <param name="NewOverlaps">Overlaps it let through because it was forced or the server's policy allows them.</param>
public sealed record PlanActivation(bool Scheduled, ulong Version, int UpsertedCount, int DeletedCount, IReadOnlyList<TerritoryOverlap> NewOverlaps);

// A plan as a store keeps it: its description, its territories, and the territories it started with.
using GeoAssign.Index.Model;

namespace GeoAssign.Index.Plans;

/// <summary>A plan as a store keeps it, for <see cref="BranchedMapWriter.Restore"/>. Immutable.</summary>
/// <param name="Info">Name, versions, creation and status.</param>
/// <param name="Territories">The plan's territories now.</param>
/// <param name="Base">The territories it started with (<see cref="PlanBranch.Base"/>).</param>
public sealed record StoredPlan(PlanInfo Info, IReadOnlyList<Territory> Territories, IReadOnlyList<Territory> Base);

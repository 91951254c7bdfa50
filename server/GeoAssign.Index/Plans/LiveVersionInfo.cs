// One version of the live map as its history shows it.
using GeoAssign.Index.Model;

namespace GeoAssign.Index.Plans;

/// <summary>One version of the live map: when it took effect, who made it and why, and what it changed. Immutable.</summary>
/// <param name="Version">The version.</param>
/// <param name="Info">Its time (for a scheduled activation, the instant), author and message.</param>
/// <param name="Upserted">Territories it created or replaced.</param>
/// <param name="Deleted">Territories it deleted.</param>
/// <param name="ActivatedPlan">The plan it made live, when it was an activation; else null.</param>
public sealed record LiveVersionInfo(long Version, ChangeInfo Info, int Upserted, int Deleted, string? ActivatedPlan)
{
    /// <summary>The entry of a change of the live map.</summary>
    public static LiveVersionInfo Of(MapChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return new LiveVersionInfo(change.Version, change.Info, change.Upserts.Count, change.Deletes.Count,
            change.Operation is { Kind: PlanOperationKind.Activate } activate ? activate.Plan : null);
    }
}

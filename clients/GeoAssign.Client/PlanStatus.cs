// Where a redistricting plan stands.
namespace GeoAssign.Client;

/// <summary>Where a plan stands (the API's <c>PlanStatus</c>).</summary>
public enum PlanStatus
{
    /// <summary>Not set: the server is newer than this client.</summary>
    Unspecified = 0,

    /// <summary>Being edited.</summary>
    Draft = 1,

    /// <summary>Activation scheduled at <see cref="Plan.EffectiveAt"/>; still editable.</summary>
    Scheduled = 2,

    /// <summary>Made live at <see cref="Plan.ActivatedVersion"/>; read-only.</summary>
    Activated = 3,
}

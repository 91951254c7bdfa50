// How a territory differs between the two sides of a diff.
namespace GeoAssign.Client;

/// <summary>How a territory differs between the two sides of a diff (the API's <c>TerritoryDiff.Kind</c>).</summary>
public enum TerritoryDiffKind
{
    /// <summary>Not set: the server is newer than this client.</summary>
    Unspecified = 0,

    /// <summary>Only on the new side (the plan, or the later version).</summary>
    Created = 1,

    /// <summary>Only on the old side (the live map, or the earlier version).</summary>
    Deleted = 2,

    /// <summary>On both sides, with different fields.</summary>
    Changed = 3,
}

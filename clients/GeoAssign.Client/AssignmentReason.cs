// Why a point is assigned to its territory, or to none.
namespace GeoAssign.Client;

/// <summary>Why a point is assigned as it is (the API's <c>Reason</c>).</summary>
public enum AssignmentReason
{
    /// <summary>Not set: the server is newer than this client.</summary>
    Unspecified = 0,

    /// <summary>The point's cell lies, with a safety margin, inside exactly one territory.</summary>
    InteriorCell = 1,

    /// <summary>The point's cell is near a border, so the exact point-in-polygon test decided.</summary>
    ExactTest = 2,

    /// <summary>An account override decided (a later API version).</summary>
    AccountOverride = 3,

    /// <summary>No territory of the layer covers the point.</summary>
    Unassigned = 4,

    /// <summary>A postal code's point (ResolveAddress, or a postal-code row of a batch) lies in the territory.</summary>
    PostalCode = 5,

    /// <summary>A postal-code row of a batch named a code the server's gazetteer does not know: no territory, no owner.</summary>
    PostalCodeNotFound = 6,
}

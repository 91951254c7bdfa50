// An account that a reassignment checks: its location and the owner it has today.
namespace GeoAssign.Client;

/// <summary>An account with the owner it has today. Immutable.</summary>
/// <param name="Id">Account id; not empty. An override of the account in force decides its new owner, and a protected one keeps it (see <see cref="ReassignmentSummary.KeptByOverride"/>).</param>
/// <param name="Lat">Latitude in degrees WGS84, in [-90, 90].</param>
/// <param name="Lng">Longitude in degrees WGS84, in [-180, 180].</param>
/// <param name="CurrentOwnerId">The owner it has today; <see langword="null"/> or empty when it has none.</param>
public readonly record struct Account(string Id, double Lat, double Lng, string? CurrentOwnerId);

// Area of one layer that passes from one owner to another between the two sides of a diff.
namespace GeoAssign.Client;

/// <summary>Area of one layer that passes from one owner to another between the two sides of a diff. Immutable.</summary>
/// <param name="Layer">The layer.</param>
/// <param name="OldOwnerId">The owner before; <see langword="null"/> when no territory covered the area.</param>
/// <param name="NewOwnerId">The owner after; <see langword="null"/> when no territory covers it any more.</param>
/// <param name="AreaKm2">The area in km² (see <see cref="PlanDiff.AreaMethod"/>).</param>
/// <param name="PieceCount">How many pairs of old and new winning territories make up the area.</param>
public sealed record OwnerTransfer(string Layer, string? OldOwnerId, string? NewOwnerId, double AreaKm2, int PieceCount);

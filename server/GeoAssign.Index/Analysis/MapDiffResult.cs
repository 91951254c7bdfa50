// What a map diff finds: territory changes and, per layer, the area that changes owner.
using System.Collections.Immutable;
using System.Globalization;
using NtsGeometry = NetTopologySuite.Geometries.Geometry;

namespace GeoAssign.Index.Analysis;

/// <summary>
/// One region that changes owner: where the border rule's winner in the earlier map belongs to
/// <see cref="OldOwnerId"/> and in the later map to <see cref="NewOwnerId"/>, with the winning
/// territories on both sides. A null owner (and territory) means unassigned: no territory of the
/// layer covers the region. Immutable and thread-safe (the geometry must not be mutated).
/// </summary>
public sealed class ChangedArea
{
    internal ChangedArea(string layer, string? oldOwnerId, string? newOwnerId, string? oldTerritoryId, string? newTerritoryId,
        NtsGeometry geometry, double areaKm2)
    {
        Layer = layer;
        OldOwnerId = oldOwnerId;
        NewOwnerId = newOwnerId;
        OldTerritoryId = oldTerritoryId;
        NewTerritoryId = newTerritoryId;
        Geometry = geometry;
        AreaKm2 = areaKm2;
    }

    /// <summary>The layer.</summary>
    public string Layer { get; }

    /// <summary>The owner before; null for unassigned.</summary>
    public string? OldOwnerId { get; }

    /// <summary>The owner after; null for unassigned.</summary>
    public string? NewOwnerId { get; }

    /// <summary>The territory that wins the region before; null for unassigned.</summary>
    public string? OldTerritoryId { get; }

    /// <summary>The territory that wins the region after; null for unassigned.</summary>
    public string? NewTerritoryId { get; }

    /// <summary>The region: a Polygon or MultiPolygon in longitude/latitude.</summary>
    public NtsGeometry Geometry { get; }

    /// <summary>The region's area on the WGS84 ellipsoid in km² (<see cref="EllipsoidArea"/>).</summary>
    public double AreaKm2 { get; }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Layer}: {OldOwnerId ?? "(unassigned)"} -> {NewOwnerId ?? "(unassigned)"} ({OldTerritoryId ?? "-"} -> {NewTerritoryId ?? "-"}), {AreaKm2:0.######} km²");
}

/// <summary>
/// One row of a layer's owner-change table: all the area that passes from one owner to another (null
/// for unassigned), in km², and how many <see cref="ChangedArea"/> pieces (pairs of old and new
/// winning territories) make it up. Immutable.
/// </summary>
/// <param name="OldOwnerId">The owner before; null for unassigned.</param>
/// <param name="NewOwnerId">The owner after; null for unassigned.</param>
/// <param name="AreaKm2">The area on the WGS84 ellipsoid, km².</param>
/// <param name="PieceCount">The number of changed-area pieces.</param>
public sealed record OwnerTransfer(string? OldOwnerId, string? NewOwnerId, double AreaKm2, int PieceCount);

/// <summary>
/// The owner changes of one layer: the table of transfers (ordered by old owner, then new owner,
/// ordinal, unassigned first) and the changed areas behind it (ordered by old owner, new owner, old
/// territory, new territory). Immutable and thread-safe.
/// </summary>
public sealed class LayerOwnerChanges
{
    internal LayerOwnerChanges(string layer, ImmutableArray<ChangedArea> areas)
    {
        Layer = layer;
        Areas = areas;
        var transfers = ImmutableArray.CreateBuilder<OwnerTransfer>();
        var total = 0.0;
        for (var i = 0; i < areas.Length;)
        {
            var area = 0.0;
            var start = i;
            for (; i < areas.Length && Same(areas[i], areas[start]); i++)
            {
                area += areas[i].AreaKm2;
            }

            transfers.Add(new OwnerTransfer(areas[start].OldOwnerId, areas[start].NewOwnerId, area, i - start));
            total += area;
        }

        Transfers = transfers.ToImmutable();
        ChangedAreaKm2 = total;

        static bool Same(ChangedArea a, ChangedArea b) =>
            string.Equals(a.OldOwnerId, b.OldOwnerId, StringComparison.Ordinal) && string.Equals(a.NewOwnerId, b.NewOwnerId, StringComparison.Ordinal);
    }

    /// <summary>The layer.</summary>
    public string Layer { get; }

    /// <summary>The owner-change table: one row per (old owner, new owner) pair.</summary>
    public ImmutableArray<OwnerTransfer> Transfers { get; }

    /// <summary>The changed areas, one per (old winning territory, new winning territory) pair.</summary>
    public ImmutableArray<ChangedArea> Areas { get; }

    /// <summary>The total area that changes owner in this layer, km².</summary>
    public double ChangedAreaKm2 { get; }
}

/// <summary>
/// The difference between two territory maps: which territories were created, deleted or changed
/// (ordered by id, ordinal), and per layer which area changes owner (ordered by layer, ordinal; only
/// layers where some area changes owner). Immutable and thread-safe.
/// </summary>
public sealed class MapDiffResult
{
    internal MapDiffResult(ImmutableArray<TerritoryChange> changes, ImmutableArray<LayerOwnerChanges> layers)
    {
        Changes = changes;
        Layers = layers;
    }

    /// <summary>The territories created, deleted or changed, ordered by id.</summary>
    public ImmutableArray<TerritoryChange> Changes { get; }

    /// <summary>The owner changes of each layer where some area changes owner, ordered by layer.</summary>
    public ImmutableArray<LayerOwnerChanges> Layers { get; }

    /// <summary>Every changed area of every layer, in layer order.</summary>
    public IEnumerable<ChangedArea> ChangedAreas => Layers.SelectMany(static l => l.Areas);

    /// <summary>Whether nothing changed at all.</summary>
    public bool IsEmpty => Changes.IsEmpty;
}

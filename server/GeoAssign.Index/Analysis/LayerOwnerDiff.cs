// The exact area of one layer that changes owner between two maps, by overlays of the region that can change.
using System.Collections.Immutable;
using GeoAssign.Index.Model;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using NtsGeometry = NetTopologySuite.Geometries.Geometry;

namespace GeoAssign.Index.Analysis;

/// <summary>
/// Computes where one layer's owner changes between two maps.
/// </summary>
/// <remarks>
/// <para>
/// The layer's changes split into moving ones — creations, deletions, new geometry, layer or priority,
/// which can move the border rule's winner — and owner-only ones. The old and new geometries of the
/// moving territories make up the region R where winners may move; outside R every point has the
/// same covering territories, in the same order, in both maps.
/// </para>
/// <para>
/// Outside R a point changes owner exactly where a territory with a new owner wins: that territory
/// less the territories that beat it and less R. Inside R each map is cut into winner pieces — in
/// precedence order, each territory's part of R less the parts of the territories that beat it — and
/// an unassigned rest, and the pieces of the two maps are intersected where their owners differ.
/// R is never built as a whole: a moving territory's own geometry is its part of R; any other
/// territory is clipped by the few moving geometries it shares area with; and a map's unassigned part
/// of R can only lie in the other map's moving geometries, since its own are covered by definition.
/// Every overlay is local to a territory and its neighbours.
/// </para>
/// <para>Stateless and thread-safe.</para>
/// </remarks>
internal static class LayerOwnerDiff
{
    public static ImmutableArray<ChangedArea> Compute(string layer, ImmutableArray<TerritoryChange> changes,
        LayerTerritories? before, LayerTerritories? after)
    {
        var oldMoving = new Dictionary<string, NtsGeometry>(StringComparer.Ordinal);
        var newMoving = new Dictionary<string, NtsGeometry>(StringComparer.Ordinal);
        var ownerOnly = new List<TerritoryChange>();
        foreach (var change in changes)
        {
            var wasHere = change.Before?.Layer == layer;
            var isHere = change.After?.Layer == layer;
            if (!wasHere && !isHere)
            {
                continue;
            }

            if (!change.CanMoveWinner)
            {
                if ((change.Fields & TerritoryFields.Owner) != 0)
                {
                    ownerOnly.Add(change);
                }

                continue;
            }

            if (wasHere) oldMoving[change.Id] = change.Before!.Geometry;
            if (isHere) newMoving[change.Id] = change.After!.Geometry;
        }

        if (oldMoving.Count == 0 && newMoving.Count == 0 && ownerOnly.Count == 0)
        {
            return [];
        }

        var moving = new STRtree<NtsGeometry>();
        foreach (var geometry in oldMoving.Values.Concat(newMoving.Values))
        {
            moving.Insert(geometry.EnvelopeInternal, geometry);
        }

        moving.Build();

        var pieces = new List<Piece>();
        foreach (var change in ownerOnly)
        {
            var territory = change.Before!;
            var envelope = territory.Geometry.EnvelopeInternal;
            var cutters = new List<NtsGeometry>();
            foreach (var other in before!.Query(envelope))
            {
                if (TerritoryPrecedence.Wins(other, territory))
                {
                    cutters.Add(other.Geometry);
                }
            }

            cutters.AddRange(moving.Query(envelope));
            var won = PolygonOverlay.DifferenceOfAll(territory.Geometry, cutters);
            if (!won.IsEmpty)
            {
                pieces.Add(new Piece(territory, change.After, won));
            }
        }

        if (oldMoving.Count + newMoving.Count > 0)
        {
            var old = WinnerPieces(before, oldMoving, newMoving.Values, moving);
            var now = WinnerPieces(after, newMoving, oldMoving.Values, moving);
            var nowTree = new STRtree<Piece>();
            foreach (var piece in now)
            {
                nowTree.Insert(piece.Geometry.EnvelopeInternal, piece);
            }

            nowTree.Build();
            foreach (var o in old)
            {
                foreach (var n in nowTree.Query(o.Geometry.EnvelopeInternal))
                {
                    if (!string.Equals(o.Old?.OwnerId, n.Old?.OwnerId, StringComparison.Ordinal))
                    {
                        var common = PolygonOverlay.Intersection(o.Geometry, n.Geometry);
                        if (!common.IsEmpty)
                        {
                            pieces.Add(new Piece(o.Old, n.Old, common));
                        }
                    }
                }
            }
        }

        return Merge(layer, pieces);
    }

    // The winner pieces of R in one map, disjoint and covering R: Piece.Old is the winning territory,
    // null for the unassigned rest. ownMoving holds this map's moving geometries by id, otherMoving
    // the other map's.
    private static List<Piece> WinnerPieces(LayerTerritories? territories, Dictionary<string, NtsGeometry> ownMoving,
        IEnumerable<NtsGeometry> otherMoving, STRtree<NtsGeometry> moving)
    {
        var clips = new List<Piece>();
        if (territories is not null)
        {
            var candidates = new List<Territory>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var geometry in ownMoving.Values.Concat(otherMoving))
            {
                foreach (var territory in territories.Query(geometry.EnvelopeInternal))
                {
                    if (seen.Add(territory.Id))
                    {
                        candidates.Add(territory);
                    }
                }
            }

            candidates.Sort(TerritoryPrecedence.Comparer);
            foreach (var territory in candidates)
            {
                var clip = ownMoving.ContainsKey(territory.Id) ? territory.Geometry : ClipToRegion(territory.Geometry, moving);
                if (!clip.IsEmpty)
                {
                    clips.Add(new Piece(territory, null, clip));
                }
            }
        }

        var clipTree = new STRtree<int>();
        for (var i = 0; i < clips.Count; i++)
        {
            clipTree.Insert(clips[i].Geometry.EnvelopeInternal, i);
        }

        clipTree.Build();
        var pieces = new List<Piece>(clips.Count + 1);
        for (var i = 0; i < clips.Count; i++)
        {
            // Clips are in precedence order: every earlier one that shares area beats this one.
            var cutters = new List<NtsGeometry>();
            foreach (var j in clipTree.Query(clips[i].Geometry.EnvelopeInternal))
            {
                if (j < i)
                {
                    cutters.Add(clips[j].Geometry);
                }
            }

            var won = PolygonOverlay.DifferenceOfAll(clips[i].Geometry, cutters);
            if (!won.IsEmpty)
            {
                pieces.Add(clips[i] with { Geometry = won });
            }
        }

        var unassigned = new List<NtsGeometry>();
        foreach (var geometry in otherMoving)
        {
            var covering = territories is null ? [] : territories.Query(geometry.EnvelopeInternal).Select(static t => t.Geometry).ToList();

            // A geometry this map has too (a priority or layer change) leaves nothing uncovered.
            if (covering.Exists(c => ReferenceEquals(c, geometry) || c.EqualsExact(geometry)))
            {
                continue;
            }

            var rest = PolygonOverlay.DifferenceOfAll(geometry, covering);
            if (!rest.IsEmpty)
            {
                unassigned.Add(rest);
            }
        }

        if (unassigned.Count > 0)
        {
            pieces.Add(new Piece(null, null, PolygonOverlay.Union(unassigned, unassigned[0].Factory)));
        }

        return pieces;
    }

    // A territory's part of R: its intersection with the moving geometries it shares area with.
    private static NtsGeometry ClipToRegion(NtsGeometry geometry, STRtree<NtsGeometry> moving)
    {
        var meeting = new List<NtsGeometry>();
        foreach (var candidate in moving.Query(geometry.EnvelopeInternal))
        {
            if (PolygonOverlay.InteriorsIntersect(geometry, candidate))
            {
                meeting.Add(candidate);
            }
        }

        return meeting.Count switch
        {
            0 => geometry.Factory.CreatePolygon(),
            1 => PolygonOverlay.Intersection(geometry, meeting[0]),
            _ => PolygonOverlay.Intersection(geometry, PolygonOverlay.Union(meeting, geometry.Factory)),
        };
    }

    // One changed area per (old winner, new winner) pair, measured and ordered.
    private static ImmutableArray<ChangedArea> Merge(string layer, List<Piece> pieces)
    {
        var byPair = new Dictionary<(string?, string?), List<Piece>>();
        foreach (var piece in pieces)
        {
            var key = (piece.Old?.Id, piece.New?.Id);
            if (!byPair.TryGetValue(key, out var list))
            {
                byPair[key] = list = [];
            }

            list.Add(piece);
        }

        var areas = new List<ChangedArea>(byPair.Count);
        foreach (var list in byPair.Values)
        {
            var first = list[0];
            var geometry = list.Count == 1 ? first.Geometry : PolygonOverlay.Union([.. list.Select(static p => p.Geometry)], first.Geometry.Factory);
            areas.Add(new ChangedArea(layer, first.Old?.OwnerId, first.New?.OwnerId, first.Old?.Id, first.New?.Id, geometry,
                EllipsoidArea.AreaKm2(geometry)));
        }

        areas.Sort(static (a, b) =>
        {
            var c = string.CompareOrdinal(a.OldOwnerId, b.OldOwnerId);
            if (c == 0) c = string.CompareOrdinal(a.NewOwnerId, b.NewOwnerId);
            if (c == 0) c = string.CompareOrdinal(a.OldTerritoryId, b.OldTerritoryId);
            if (c == 0) c = string.CompareOrdinal(a.NewTerritoryId, b.NewTerritoryId);
            return c;
        });
        return [.. areas];
    }

    // A region and the territories winning it: before and after for a changed piece, or the winner
    // alone (in Old) for a winner piece of one map.
    private sealed record Piece(Territory? Old, Territory? New, NtsGeometry Geometry);
}

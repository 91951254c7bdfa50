// Resolves a column chunk of points against one layer of one map version.
using GeoAssign.Index;
using GeoAssign.Index.Cells;
using GeoAssign.Protos.V1;
using GeoAssign.Server.Telemetry;
using Google.Protobuf.Collections;
using Grpc.Core;

namespace GeoAssign.Server.Services;

/// <summary>
/// Answers chunks of points from one layer of one map version, as AssignmentChunks: each territory a
/// chunk hits is listed once and points refer to it by position. The per-point loop allocates
/// nothing (the territories' messages are built once per call and shared by its chunks). One per
/// call; not thread-safe.
/// </summary>
internal sealed class ChunkResolver
{
    private readonly LayerIndex _index;
    private readonly Dictionary<IndexedTerritory, AssignedTerritory> _messages = [];
    private readonly Dictionary<IndexedTerritory, uint> _refs = [];

    private ChunkResolver(TerritoryMap map, string layer, LayerIndex index)
    {
        Map = map;
        Layer = layer;
        _index = index;
    }

    public TerritoryMap Map { get; }

    public string Layer { get; }

    /// <summary>A resolver for the layer; NOT_FOUND (with the map version) when the layer holds no territory.</summary>
    public static ChunkResolver For(TerritoryMap map, string layer) =>
        new(map, layer, IndexOf(map, layer));

    /// <summary>The layer's index; NOT_FOUND (with the map version) when the layer holds no territory.</summary>
    public static LayerIndex IndexOf(TerritoryMap map, string layer) =>
        map.Layers.TryGetValue(layer, out var index)
            ? index
            : throw RpcErrors.WithMapVersion(StatusCode.NotFound,
                $"The layer \"{layer}\" holds no territory at map version {map.Version}.", map.Version);

    /// <summary>
    /// Checks a chunk: at most <paramref name="maxPoints"/> points, columns of one length, every
    /// coordinate valid. The message names the stream-wide index of the first bad point.
    /// </summary>
    public static void Check(PointChunk? points, long firstIndex, int maxPoints)
    {
        if (points is null)
        {
            return;
        }

        var count = points.Lat.Count;
        if (count > maxPoints)
        {
            throw RpcErrors.ResourceExhausted($"The message has {count} points; the limit is {maxPoints} per message (GeoAssign:MaxPointsPerMessage). Send smaller chunks.");
        }

        if (points.Lng.Count != count)
        {
            throw RpcErrors.InvalidArgument($"points has {count} lat values but {points.Lng.Count} lng values; the columns must have one length.");
        }

        if (points.Ids.Count != 0 && points.Ids.Count != count)
        {
            throw RpcErrors.InvalidArgument($"points has {count} coordinates but {points.Ids.Count} ids; give one id per point or none.");
        }

        var lat = points.Lat;
        var lng = points.Lng;
        for (var i = 0; i < count; i++)
        {
            if (RequestChecks.PointProblem(lat[i], lng[i]) is { } problem)
            {
                throw RpcErrors.InvalidArgument($"points[{firstIndex + i}]: {problem}.");
            }
        }
    }

    /// <summary>Answers a checked chunk.</summary>
    public AssignmentChunk Resolve(PointChunk? points, ref ReasonCounts counts)
    {
        var chunk = new AssignmentChunk { MapVersion = (ulong)Map.Version, Layer = Layer };
        if (points is null || points.Lat.Count == 0)
        {
            return chunk;
        }

        var count = points.Lat.Count;
        var lat = points.Lat;
        var lng = points.Lng;
        var refs = chunk.TerritoryRefs;
        var reasons = chunk.Reasons;
        refs.Capacity = count;
        reasons.Capacity = count;
        _refs.Clear();
        for (var i = 0; i < count; i++)
        {
            var assignment = _index.Resolve(lat[i], lng[i]);
            counts.Add(assignment.Reason);
            if (assignment.Territory is not { } territory)
            {
                refs.Add(0);
                reasons.Add(Reason.Unassigned);
                continue;
            }

            if (!_refs.TryGetValue(territory, out var reference))
            {
                chunk.Territories.Add(MessageFor(territory));
                reference = (uint)chunk.Territories.Count;
                _refs.Add(territory, reference);
            }

            refs.Add(reference);
            reasons.Add(ToProto(assignment.Reason));
        }

        if (points.Ids.Count != 0)
        {
            chunk.Ids.AddRange(points.Ids);
        }

        return chunk;
    }

    /// <summary>The owner of a point (no territory: null) with the reason, for Reassign.</summary>
    public LayerAssignment ResolveOne(double lat, double lng) => _index.Resolve(lat, lng);

    public static Reason ToProto(AssignmentReason reason) => reason switch
    {
        AssignmentReason.InteriorCell => Reason.InteriorCell,
        AssignmentReason.ExactTest => Reason.ExactTest,
        _ => Reason.Unassigned,
    };

    private AssignedTerritory MessageFor(IndexedTerritory territory)
    {
        if (!_messages.TryGetValue(territory, out var message))
        {
            message = new AssignedTerritory { TerritoryId = territory.Territory.Id, OwnerId = territory.Territory.OwnerId };
            message.AncestorIds.AddRange(territory.AncestorIds);
            _messages.Add(territory, message);
        }

        return message;
    }

    /// <summary>A single answer, for Resolve.</summary>
    public static Assignment ToAssignment(LayerAssignment answer, string layer, long version)
    {
        var assignment = new Assignment { Layer = layer, MapVersion = (ulong)version, Reason = ToProto(answer.Reason) };
        if (answer.Territory is { } territory)
        {
            assignment.TerritoryId = territory.Territory.Id;
            assignment.OwnerId = territory.Territory.OwnerId;
            assignment.AncestorIds.AddRange(territory.AncestorIds);
        }

        return assignment;
    }
}

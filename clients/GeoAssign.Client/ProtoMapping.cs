// Translates between the API's messages and the client's records.
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using V1 = GeoAssign.Protos.V1;

namespace GeoAssign.Client;

/// <summary>Message ↔ record conversions. Stateless and thread-safe.</summary>
internal static class ProtoMapping
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default);

    public static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    public static AssignmentReason Reason(V1.Reason reason) => reason switch
    {
        V1.Reason.InteriorCell => AssignmentReason.InteriorCell,
        V1.Reason.ExactTest => AssignmentReason.ExactTest,
        V1.Reason.AccountOverride => AssignmentReason.AccountOverride,
        V1.Reason.Unassigned => AssignmentReason.Unassigned,
        _ => AssignmentReason.Unspecified,
    };

    public static Assignment Assignment(V1.Assignment assignment, string? id) => new(
        id,
        NullIfEmpty(assignment.TerritoryId),
        NullIfEmpty(assignment.OwnerId),
        assignment.Layer,
        Reason(assignment.Reason),
        assignment.AncestorIds.Count == 0 ? [] : [.. assignment.AncestorIds],
        assignment.MapVersion);

    public static Territory Territory(V1.Territory message) => new()
    {
        Id = message.Id,
        Name = message.Name,
        OwnerId = NullIfEmpty(message.OwnerId),
        Layer = message.Layer.Length == 0 ? "geo" : message.Layer,
        Priority = message.Priority,
        ParentId = NullIfEmpty(message.ParentId),
        AttributesJson = message.Attributes is { Fields.Count: > 0 } attributes ? Json.Format(attributes) : null,
        GeometryGeoJson = NullIfEmpty(message.GeometryGeojson),
    };

    public static V1.Territory Message(Territory territory)
    {
        ArgumentNullException.ThrowIfNull(territory);
        var message = new V1.Territory
        {
            Id = territory.Id ?? "",
            Name = territory.Name ?? "",
            OwnerId = territory.OwnerId ?? "",
            Layer = territory.Layer ?? "",
            Priority = territory.Priority,
            ParentId = territory.ParentId ?? "",
            GeometryGeojson = territory.GeometryGeoJson ?? "",
        };
        if (!string.IsNullOrWhiteSpace(territory.AttributesJson))
        {
            try
            {
                message.Attributes = JsonParser.Default.Parse<Struct>(territory.AttributesJson);
            }
            catch (InvalidProtocolBufferException e)
            {
                throw new ArgumentException($"Territory \"{territory.Id}\": AttributesJson is not a JSON object ({e.Message}).", nameof(territory), e);
            }
        }

        return message;
    }

    public static MapVersionChange Change(V1.WatchMapResponse message) => new(
        message.MapVersion,
        message.PreviousVersion,
        message.AppliedTime?.ToDateTimeOffset() ?? default,
        [.. message.Layers],
        (int)message.UpsertedCount,
        (int)message.DeletedCount,
        [.. message.UpsertedIds],
        [.. message.DeletedIds],
        message.IdsTruncated,
        message.Resync);

    public static OwnerChange Change(V1.OwnerChange change) => new(
        change.AccountId,
        NullIfEmpty(change.OldOwnerId),
        NullIfEmpty(change.NewOwnerId),
        NullIfEmpty(change.TerritoryId),
        Reason(change.Reason),
        (long)change.AccountIndex);

    public static ReassignmentSummary Summary(V1.ReassignSummary summary) => new(
        (long)summary.TotalCount,
        (long)summary.ChangedCount,
        (long)summary.UnchangedCount,
        (long)summary.UnassignedCount,
        [.. summary.Transitions.Select(t => new OwnerTransition(NullIfEmpty(t.OldOwnerId), NullIfEmpty(t.NewOwnerId), (long)t.Count))],
        summary.MapVersion,
        summary.Layer);

    public static MapInfo Info(V1.GetMapInfoResponse info)
    {
        var replica = info.Replica ?? new V1.ReplicaInfo();
        var limits = info.Limits ?? new V1.ServerLimits();
        return new MapInfo(
            info.MapVersion,
            (int)info.TerritoryCount,
            [.. info.Layers.Select(layer => new LayerInfo(
                layer.Layer,
                (int)layer.TerritoryCount,
                (long)layer.VertexCount,
                (int)layer.FinestResolution,
                layer.BoundaryCellShare,
                (long)layer.IndexBytes,
                layer.BuildDuration?.ToTimeSpan() ?? TimeSpan.Zero,
                layer.BuiltVersion,
                [.. layer.Cells.Select(c => new ResolutionCells((int)c.Resolution, (long)c.InteriorCells, (long)c.BoundaryCells))]))],
            new ReplicaInfo(
                replica.ReplicaId,
                replica.StoreKind switch { V1.StoreKind.Embedded => "embedded", V1.StoreKind.Redis => "redis", _ => "unspecified" },
                replica.State switch
                {
                    V1.ReplicaState.Serving => "serving",
                    V1.ReplicaState.CatchingUp => "catching_up",
                    V1.ReplicaState.Degraded => "degraded",
                    _ => "unspecified",
                },
                replica.StoreVersion,
                replica.LagVersions,
                replica.Lag?.ToTimeSpan() ?? TimeSpan.Zero,
                replica.LastSyncTime is { } time && (time.Seconds != 0 || time.Nanos != 0) ? time.ToDateTimeOffset() : null,
                NullIfEmpty(replica.LastError)),
            new ServerLimits(
                (long)limits.MaxMessageBytes,
                (int)limits.MaxPointsPerMessage,
                (int)limits.MaxTerritoriesPerEdit,
                (int)limits.MaxTerritoriesPerMap,
                (int)limits.MaxVerticesPerTerritory,
                (int)limits.MaxAttributesBytes,
                (long)limits.MaxImportBytes,
                (int)limits.MaxPageSize,
                limits.MinVersionWait?.ToTimeSpan() ?? TimeSpan.Zero));
    }
}

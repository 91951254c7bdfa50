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
        V1.Reason.PostalCode => AssignmentReason.PostalCode,
        V1.Reason.PostalCodeNotFound => AssignmentReason.PostalCodeNotFound,
        _ => AssignmentReason.Unspecified,
    };

    /// <summary>A single answer; <paramref name="accountId"/> is the account the request named, which an override answer is of.</summary>
    public static Assignment Assignment(V1.Assignment assignment, string? id, string? accountId = null)
    {
        var answer = new Assignment(
            id,
            NullIfEmpty(assignment.TerritoryId),
            NullIfEmpty(assignment.OwnerId),
            assignment.Layer,
            Reason(assignment.Reason),
            assignment.AncestorIds.Count == 0 ? [] : [.. assignment.AncestorIds],
            assignment.MapVersion);
        return assignment.Reason == V1.Reason.AccountOverride && !string.IsNullOrEmpty(accountId)
            ? answer with
            {
                Override = new AssignmentOverride(accountId, assignment.OwnerId, NullIfEmpty(assignment.OverrideTerritoryId), assignment.OverrideProtected),
                TerritoryOwnerId = NullIfEmpty(assignment.TerritoryOwnerId),
            }
            : answer;
    }

    public static AccountOverride Override(V1.AccountOverride message) => new()
    {
        AccountId = message.AccountId,
        OwnerId = message.OwnerId,
        TerritoryId = NullIfEmpty(message.TerritoryId),
        // The fields' presence says whether a bound is set (the epoch is a bound like any other).
        ValidFrom = message.ValidFrom?.ToDateTimeOffset(),
        ValidUntil = message.ValidUntil?.ToDateTimeOffset(),
        Protected = message.Protected,
        Reason = NullIfEmpty(message.Reason),
        SetBy = NullIfEmpty(message.SetBy),
    };

    public static V1.AccountOverride Message(AccountOverride entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new V1.AccountOverride
        {
            AccountId = entry.AccountId ?? "",
            OwnerId = entry.OwnerId ?? "",
            TerritoryId = entry.TerritoryId ?? "",
            ValidFrom = ToTimestamp(entry.ValidFrom),
            ValidUntil = ToTimestamp(entry.ValidUntil),
            Protected = entry.Protected,
            Reason = entry.Reason ?? "",
        };
    }

    public static BalanceReport ToBalanceReport(V1.BalanceReport report) => new(
        report.Layer,
        (long)report.AccountCount,
        report.Weighted,
        [.. report.Tiers],
        MapBalance(report.Live ?? new V1.MapBalance()),
        report.Plan is null ? null : MapBalance(report.Plan));

    private static MapBalance MapBalance(V1.MapBalance balance) => new(
        NullIfEmpty(balance.Plan),
        balance.MapVersion,
        [.. balance.Territories.Select(t => new TerritoryBalance(t.TerritoryId, t.OwnerId, Totals(t.Totals), (long)t.OverrideCount))],
        [.. balance.Owners.Select(o => new OwnerBalance(o.OwnerId, Totals(o.Totals), (long)o.OverrideCount, (int)o.TerritoryCount))],
        Totals(balance.Unassigned),
        (long)balance.UncoveredCount,
        (long)balance.OverrideCount,
        Figures(balance.CountFigures),
        Figures(balance.WeightFigures));

    private static BalanceTotals Totals(V1.BalanceTotals? totals) => totals is null
        ? new BalanceTotals(0, 0, [])
        : new BalanceTotals((long)totals.Count, totals.Weight, [.. totals.Tiers.Select(t => new TierTally(t.Tier, (long)t.Count, t.Weight))]);

    private static ImbalanceFigures Figures(V1.ImbalanceFigures? figures) => figures is null
        ? new ImbalanceFigures(0, 0, 0, 0, 0, 0, 0)
        : new ImbalanceFigures((int)figures.OwnerCount, figures.Min, figures.Max, figures.Mean, figures.MaxOverMean, figures.CoefficientOfVariation, figures.Gini);

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
        summary.Layer,
        [.. summary.OwnerCounts.Select(o => new OwnerCount(NullIfEmpty(o.OwnerId), (long)o.Before, (long)o.After))])
    {
        KeptByOverride = summary.KeptByOverride.Count == 0 ? [] : [.. summary.KeptByOverride.Select(t => new OwnerTally(t.OwnerId, (long)t.Count))],
    };

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
                Time(replica.LastSyncTime),
                NullIfEmpty(replica.LastError),
                replica.AppliedVersion),
            new ServerLimits(
                (long)limits.MaxMessageBytes,
                (int)limits.MaxPointsPerMessage,
                (int)limits.MaxTerritoriesPerEdit,
                (int)limits.MaxTerritoriesPerMap,
                (int)limits.MaxVerticesPerTerritory,
                (int)limits.MaxAttributesBytes,
                (long)limits.MaxImportBytes,
                (int)limits.MaxPageSize,
                limits.MinVersionWait?.ToTimeSpan() ?? TimeSpan.Zero))
        {
            Gazetteer = [.. info.Gazetteer.Select(c => new GazetteerCountry(c.Country, (long)c.PostalCodeCount))],
        };
    }

    /// <summary>The message form of an instant; <see langword="null"/> leaves the field unset.</summary>
    public static Timestamp? ToTimestamp(DateTimeOffset? instant) => instant is { } value ? Timestamp.FromDateTimeOffset(value) : null;

    /// <summary>A timestamp, or <see langword="null"/> when it is not set (or the epoch, which proto3 cannot tell from unset).</summary>
    public static DateTimeOffset? Time(Timestamp? time) => time is { } t && (t.Seconds != 0 || t.Nanos != 0) ? t.ToDateTimeOffset() : null;

    public static Plan Plan(V1.Plan plan) => new(
        plan.Name,
        plan.Version,
        plan.BaseVersion,
        plan.Status switch
        {
            V1.PlanStatus.Draft => PlanStatus.Draft,
            V1.PlanStatus.Scheduled => PlanStatus.Scheduled,
            V1.PlanStatus.Activated => PlanStatus.Activated,
            _ => PlanStatus.Unspecified,
        },
        Time(plan.CreatedTime),
        NullIfEmpty(plan.CreatedBy),
        NullIfEmpty(plan.Message),
        Time(plan.EffectiveAt),
        plan.ScheduledRebase,
        plan.ScheduledForce,
        plan.ActivatedVersion == 0 ? null : plan.ActivatedVersion,
        (int)plan.TerritoryCount,
        [.. plan.Layers]);

    public static PlanDiff Diff(V1.DiffPlanResponse diff) => new(
        diff.LiveVersion,
        diff.PlanVersion,
        [.. diff.Territories.Select(t => new TerritoryDiff(
            t.Id,
            t.Kind switch
            {
                V1.TerritoryDiff.Types.Kind.Created => TerritoryDiffKind.Created,
                V1.TerritoryDiff.Types.Kind.Deleted => TerritoryDiffKind.Deleted,
                V1.TerritoryDiff.Types.Kind.Changed => TerritoryDiffKind.Changed,
                _ => TerritoryDiffKind.Unspecified,
            },
            t.Fields.Count == 0 ? [] : [.. t.Fields],
            NullIfEmpty(t.OldOwnerId),
            NullIfEmpty(t.NewOwnerId),
            NullIfEmpty(t.OldLayer),
            NullIfEmpty(t.NewLayer)))],
        [.. diff.Transfers.Select(t => new OwnerTransfer(t.Layer, NullIfEmpty(t.OldOwnerId), NullIfEmpty(t.NewOwnerId), t.AreaKm2, (int)t.PieceCount))],
        diff.AreaMethod,
        diff.ChangedAreasGeojson.IsEmpty ? null : diff.ChangedAreasGeojson.ToStringUtf8());

    public static TerritoryOverlap Overlap(V1.Overlap overlap) =>
        new(overlap.FirstId, overlap.SecondId, overlap.WinnerId, overlap.AreaKm2, overlap.Sliver);

    public static CoverageReport Coverage(V1.CheckCoverageResponse report) => new(
        report.Version,
        [.. report.Layers.Select(layer => new LayerCoverage(
            layer.Layer,
            (int)layer.TerritoryCount,
            [.. layer.Overlaps.Select(Overlap)],
            [.. layer.Gaps.Select(g => new CoverageGap(g.CoverageId, g.AreaKm2, g.Sliver, g.Lat, g.Lng))],
            [.. layer.SmallTerritories.Select(t => new SmallTerritory(t.Id, t.AreaKm2))],
            layer.Clean,
            layer.Geojson.IsEmpty ? null : layer.Geojson.ToStringUtf8()))],
        report.AreaMethod)
    {
        OverrideConflicts = [.. report.OverrideConflicts.Select(c => new OverrideConflict(c.AccountId, c.OwnerId, NullIfEmpty(c.TerritoryId), c.Protected,
            c.Kind == V1.OverrideConflict.Types.Kind.TerritoryRemoved))],
        OverrideConflictCount = (long)report.OverrideConflictCount,
    };

    public static MapVersionInfo Version(V1.MapVersionInfo version) => new(
        version.Version,
        version.Time?.ToDateTimeOffset() ?? default,
        NullIfEmpty(version.Author),
        NullIfEmpty(version.Message),
        (int)version.UpsertedCount,
        (int)version.DeletedCount,
        NullIfEmpty(version.ActivatedPlan));
}

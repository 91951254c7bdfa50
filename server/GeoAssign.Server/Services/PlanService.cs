// PlanService: redistricting plans - create, list, describe, delete, diff, coverage, activation.
using System.Globalization;
using System.Text.Json;
using GeoAssign.Index;
using GeoAssign.Index.Analysis;
using GeoAssign.Index.Model;
using GeoAssign.Index.Plans;
using GeoAssign.Protos.V1;
using GeoAssign.Server.Hosting;
using GeoAssign.Server.Maps;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;
using PlanStatus = GeoAssign.Index.Plans.PlanStatus;
using ProtoPlan = GeoAssign.Protos.V1.Plan;
using ProtoPlanStatus = GeoAssign.Protos.V1.PlanStatus;

namespace GeoAssign.Server.Services;

/// <summary>
/// Translates plan requests and calls the domain: edits go through <see cref="MapEdits"/> (one change
/// each), analyses (diff, coverage) run off the request threads, one at a time per kind, and are
/// cached per map version. See plans.proto for the contract. Thread-safe.
/// </summary>
internal sealed partial class PlanService(MapReader maps, MapEdits edits, IMemoryCache cache, IOptions<GeoAssignServerOptions> options)
    : Protos.V1.PlanService.PlanServiceBase
{
    /// <summary>How the analyses measure areas, for the responses.</summary>
    public const string AreaMethod =
        "Area on the WGS84 ellipsoid of the polygons exactly as the border rule reads them (edges straight in longitude/latitude), "
        + "by Green's theorem over the ellipsoid's zone-area series integrated exactly along each edge; the series is truncated below "
        + "4e-17 of the area, so the error is floating-point rounding, about 2e-15 relative (below 1e-9 km² for a US county). "
        + "Not PostGIS ST_Area(geography), which draws edges as geodesics.";

    // Diffs and coverage checks of a large map take a second of CPU and hundreds of MB: one of each at a time.
    private static readonly SemaphoreSlim AnalysisGate = new(1, 1);
    private static readonly JsonSerializerOptions GeometryJson = CreateGeometryJson();
    private readonly bool _allowNewOverlaps = options.Value.Plans.NewOverlaps == NewOverlapPolicy.Allow;

    public override async Task<CreatePlanResponse> CreatePlan(CreatePlanRequest request, ServerCallContext context)
    {
        const string Rpc = "CreatePlan";
        var name = Name(Rpc, request.Name);
        if (request.Empty && request.FromVersion != 0)
        {
            throw edits.Rejected(Rpc, RpcErrors.InvalidArgument("empty and from_version both set; a plan starts empty or as a copy of a past version."));
        }

        // A past version is rebuilt before the edit (it may take a while) and copied as the plan's territories.
        var past = request.FromVersion == 0 ? null : await maps.TargetAsync(0, context, "", request.FromVersion, null).ConfigureAwait(false);
        var (state, _) = await edits.RunAsync(Rpc, name, null, state =>
        {
            if (state.Plans.ContainsKey(name))
            {
                throw RpcErrors.WithMapVersion(StatusCode.AlreadyExists,
                    $"A plan named \"{name}\" exists already (version {state.Plans[name].Version}); pick another name or delete it first.", state.Position);
            }

            var change = past is not null
                ? new MapChange(state.NextVersion, past.Territories.Values.Select(t => t.Territory).OrderBy(t => t.Id, StringComparer.Ordinal).ToList(), [])
                    { Operation = PlanOperation.CreateFrom(past.Version) }
                : new MapChange(state.NextVersion, [], [])
                    { Operation = request.Empty ? PlanOperation.CreateFrom(state.Live.Version) : PlanOperation.CreateFromLive(state.Live.Version) };
            return ((MapChange?)change.For(name, MapEdits.Info(context, request.Message)), 0);
        }, "plan", null, context).ConfigureAwait(false);
        return new CreatePlanResponse { Plan = ToMessage(state.Plans[name]) };
    }

    public override async Task<ListPlansResponse> ListPlans(ListPlansRequest request, ServerCallContext context)
    {
        await maps.AtLeastAsync(request.MinVersion, context).ConfigureAwait(false);
        var state = maps.Replica.State;
        var response = new ListPlansResponse { Version = (ulong)state.Position };
        response.Plans.AddRange(state.Plans.Values.Select(ToMessage));
        return response;
    }

    public override async Task<GetPlanResponse> GetPlan(GetPlanRequest request, ServerCallContext context)
    {
        var name = RequestChecks.Plan(request.Name, "name");
        await maps.AtLeastAsync(request.MinVersion, context, name).ConfigureAwait(false);
        return new GetPlanResponse { Plan = ToMessage(Branch(maps.Replica.State, name)) };
    }

    public override async Task<DeletePlanResponse> DeletePlan(DeletePlanRequest request, ServerCallContext context)
    {
        const string Rpc = "DeletePlan";
        var name = Name(Rpc, request.Name);
        var (state, _) = await edits.RunAsync(Rpc, name, request.HasExpectedVersion ? request.ExpectedVersion : null, state =>
        {
            Branch(state, name);
            return ((MapChange?)new MapChange(state.NextVersion, [], []) { Plan = name, Operation = PlanOperation.Delete, Info = MapEdits.Info(context) }, 0);
        }, "plan", null, context).ConfigureAwait(false);
        return new DeletePlanResponse { Version = (ulong)state.Position };
    }

    public override async Task<DiffPlanResponse> DiffPlan(DiffPlanRequest request, ServerCallContext context)
    {
        var name = RequestChecks.Plan(request.Plan);
        TerritoryMap from;
        TerritoryMap to;
        ulong toVersion;
        if (name.Length != 0)
        {
            if (request.FromVersion != 0 || request.ToVersion != 0)
            {
                throw RpcErrors.InvalidArgument("plan compares a plan with the live map; from_version and to_version compare two versions of the live map instead. Give one or the other.");
            }

            await maps.AtLeastAsync(request.MinVersion, context, name).ConfigureAwait(false);
            var state = maps.Replica.State;
            var plan = Branch(state, name);
            (from, to, toVersion) = (state.Live, plan.Map, (ulong)plan.Version);
        }
        else
        {
            if (request.FromVersion == 0)
            {
                throw RpcErrors.InvalidArgument("Name a plan to compare with the live map, or from_version (and to_version) to compare two versions of the live map.");
            }

            from = await maps.TargetAsync(request.MinVersion, context, "", request.FromVersion, null).ConfigureAwait(false);
            to = request.ToVersion == 0 ? maps.Replica.State.Live : await maps.TargetAsync(0, context, "", request.ToVersion, null).ConfigureAwait(false);
            toVersion = (ulong)to.Version;
        }

        var (before, after) = (from, to);
        var diff = await AnalyseAsync(("diff", before.Version, after.Version), () => MapDiff.Compare(before, after), context).ConfigureAwait(false);
        var response = new DiffPlanResponse { LiveVersion = (ulong)before.Version, PlanVersion = toVersion, AreaMethod = AreaMethod };
        foreach (var change in diff.Changes)
        {
            var message = new TerritoryDiff
            {
                Id = change.Id,
                Kind = change.Kind switch
                {
                    TerritoryChangeKind.Created => TerritoryDiff.Types.Kind.Created,
                    TerritoryChangeKind.Deleted => TerritoryDiff.Types.Kind.Deleted,
                    _ => TerritoryDiff.Types.Kind.Changed,
                },
                OldOwnerId = change.Before?.OwnerId ?? "",
                NewOwnerId = change.After?.OwnerId ?? "",
                OldLayer = change.Before?.Layer ?? "",
                NewLayer = change.After?.Layer ?? "",
            };
            if (change.Kind == TerritoryChangeKind.Changed)
            {
                message.Fields.AddRange(FieldNames(change.Fields));
            }

            response.Territories.Add(message);
        }

        response.Transfers.AddRange(diff.Layers
            .SelectMany(layer => layer.Transfers.Select(t => new Protos.V1.OwnerTransfer
            {
                Layer = layer.Layer,
                OldOwnerId = t.OldOwnerId ?? "",
                NewOwnerId = t.NewOwnerId ?? "",
                AreaKm2 = t.AreaKm2,
                PieceCount = (uint)t.PieceCount,
            }))
            .OrderByDescending(t => t.AreaKm2).ThenBy(t => t.Layer, StringComparer.Ordinal)
            .ThenBy(t => t.OldOwnerId, StringComparer.Ordinal).ThenBy(t => t.NewOwnerId, StringComparer.Ordinal));
        if (request.IncludeGeojson)
        {
            response.ChangedAreasGeojson = ByteString.CopyFromUtf8(AnalysisGeoJsonWriter.ChangedAreasToString(diff.ChangedAreas));
        }

        return response;
    }

    public override async Task<CheckCoverageResponse> CheckCoverage(CheckCoverageRequest request, ServerCallContext context)
    {
        var name = RequestChecks.Plan(request.Plan);
        var layer = request.Layer.Length == 0 ? null : RequestChecks.Layer(request.Layer);
        if (request.CoverageLayer.Length != 0 && request.CoverageGeojson.Length != 0)
        {
            throw RpcErrors.InvalidArgument("coverage_layer and coverage_geojson both set; give the area to cover one way.");
        }

        if (!double.IsFinite(request.SliverAreaKm2) || request.SliverAreaKm2 < 0)
        {
            throw RpcErrors.InvalidArgument($"sliver_area_km2 {RequestChecks.Format(request.SliverAreaKm2)} must be a finite number of km², 0 or more (0 means 0.01).");
        }

        CoverageArea? area = request.CoverageLayer.Length != 0 ? CoverageArea.Layer(RequestChecks.Layer(request.CoverageLayer, "coverage_layer"))
            : request.CoverageGeojson.Length != 0 ? CoverageArea.Polygon(CoverageGeometry(request.CoverageGeojson))
            : null;
        var coverageOptions = new CoverageOptions { SliverAreaKm2 = request.SliverAreaKm2 == 0 ? new CoverageOptions().SliverAreaKm2 : request.SliverAreaKm2 };
        var map = await maps.AtLeastAsync(request.MinVersion, context, name).ConfigureAwait(false);
        if (layer is not null && !map.Layers.ContainsKey(layer))
        {
            throw RpcErrors.WithMapVersion(StatusCode.NotFound, $"The layer \"{layer}\" has no territory {(name.Length == 0 ? "in the live map" : $"in plan \"{name}\"")} at version {map.Version}.", map.Version);
        }

        var layers = layer is null ? map.Layers.Keys.ToList() : [layer];
        var key = ("coverage", map.Version, layer, request.CoverageLayer, request.CoverageGeojson, coverageOptions.SliverAreaKm2);
        var results = await AnalyseAsync(key, () => layers.Where(l => l != request.CoverageLayer)
            .Select(l => CoverageCheck.CheckLayer(map, l, area, coverageOptions)).ToList(), context).ConfigureAwait(false);
        var response = new CheckCoverageResponse { Version = (ulong)map.Version, AreaMethod = AreaMethod };
        foreach (var result in results)
        {
            var message = new Protos.V1.LayerCoverage { Layer = result.Layer, TerritoryCount = (uint)result.TerritoryCount, Clean = result.IsClean };
            message.Overlaps.AddRange(result.Overlaps.Select(ToMessage));
            message.Gaps.AddRange(result.Gaps.Select(g =>
            {
                var inside = g.Geometry.InteriorPoint;
                return new Protos.V1.Gap { CoverageId = g.CoverageId, AreaKm2 = g.AreaKm2, Sliver = g.IsSliver, Lng = inside.X, Lat = inside.Y };
            }));
            message.SmallTerritories.AddRange(result.SmallTerritories.Select(t => new Protos.V1.SmallTerritory { Id = t.Id, AreaKm2 = t.AreaKm2 }));
            if (request.IncludeGeojson)
            {
                message.Geojson = ByteString.CopyFromUtf8(AnalysisGeoJsonWriter.CoverageToString(result));
            }

            response.Layers.Add(message);
        }

        // Overrides are checked on every call (cheap next to the geometry, and they change between
        // versions of a plan's base): they belong to the live map of now.
        var conflicts = Index.Analysis.OverrideConflicts.Find(maps.Replica.State.Live, map, DateTimeOffset.UtcNow);
        response.OverrideConflictCount = (ulong)conflicts.Count;
        response.OverrideConflicts.AddRange(conflicts.Take(1000).Select(c => new Protos.V1.OverrideConflict
        {
            AccountId = c.Override.AccountId,
            OwnerId = c.Override.OwnerId,
            TerritoryId = c.Override.TerritoryId ?? "",
            Protected = c.Override.Protected,
            Kind = c.Kind == Index.Analysis.OverrideConflictKind.TerritoryRemoved
                ? Protos.V1.OverrideConflict.Types.Kind.TerritoryRemoved
                : Protos.V1.OverrideConflict.Types.Kind.OwnerRemoved,
        }));
        return response;
    }

    public override async Task<ActivatePlanResponse> ActivatePlan(ActivatePlanRequest request, ServerCallContext context)
    {
        const string Rpc = "ActivatePlan";
        var name = Name(Rpc, request.Name);
        if (request.EffectiveAt is { } effective && effective.ToDateTimeOffset() > DateTimeOffset.UtcNow)
        {
            var at = effective.ToDateTimeOffset();
            var (scheduled, _) = await edits.RunAsync(Rpc, name, request.HasExpectedPlanVersion ? request.ExpectedPlanVersion : null, state =>
            {
                var plan = Branch(state, name);
                if (plan.Status == PlanStatus.Activated)
                {
                    throw Closed(plan, state);
                }

                return ((MapChange?)new MapChange(state.NextVersion, [], [])
                {
                    Plan = name,
                    Operation = PlanOperation.ScheduleAt(at, request.Rebase, request.Force),
                    Info = MapEdits.Info(context, request.Message),
                }, 0);
            }, "plan", null, context).ConfigureAwait(false);
            return new ActivatePlanResponse { Scheduled = true, Version = (ulong)scheduled.Plans[name].Version };
        }

        var (state, activation) = await edits.RunAsync(Rpc, "", request.HasExpectedLiveVersion ? request.ExpectedLiveVersion : null, state =>
        {
            var plan = Branch(state, name);
            if (plan.Status == PlanStatus.Activated)
            {
                throw Closed(plan, state);
            }

            if (request.HasExpectedPlanVersion && (long)request.ExpectedPlanVersion != plan.Version)
            {
                throw RpcErrors.WithMapVersion(StatusCode.Aborted,
                    $"The activation expected plan \"{name}\" at version {request.ExpectedPlanVersion} but it is at version {plan.Version}; nothing was changed. Look at the plan again.",
                    plan.Version);
            }

            var activation = PlanActivation.Plan(state, plan, request.Rebase, request.Force || _allowNewOverlaps, MapEdits.Info(context, request.Message));
            return activation.Refusal switch
            {
                ActivationRefusal.None => (activation.Change, activation),
                ActivationRefusal.LiveMoved => throw RpcErrors.WithMapVersion(StatusCode.Aborted,
                    $"The live map moved from version {plan.Info.BaseVersion}, where plan \"{name}\" branched, to version {state.Live.Version}; nothing was changed. "
                    + (activation.BothSides.IsEmpty ? "No territory changed on both sides" : $"Changed on both sides: {Listed(activation.BothSides)}")
                    + ". Set rebase to apply the plan's changes on top of the live map.", state.Live.Version),
                ActivationRefusal.Conflicts => throw RpcErrors.WithMapVersion(StatusCode.Aborted,
                    $"Rebasing plan \"{name}\" onto live version {state.Live.Version} conflicts: {activation.BothSides.Length} territories changed on both sides to different results: "
                    + $"{Listed(activation.BothSides)}. Nothing was changed; edit the plan to agree with the live map for them, then activate again.", state.Live.Version),
                _ => throw RpcErrors.FailedPrecondition(
                    $"Activating plan \"{name}\" would add {activation.NewOverlaps.Length} overlaps (two owners for one place): "
                    + $"{string.Join(", ", activation.NewOverlaps.Take(20).Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.FirstId}/{o.SecondId} ({o.AreaKm2:0.###} km², {o.WinnerId} wins)")))}"
                    + $"{(activation.NewOverlaps.Length > 20 ? ", …" : "")}. Nothing was changed; fix them in the plan (CheckCoverage lists them), or set force."),
            };
        }, "territories", null, context).ConfigureAwait(false);

        var response = new ActivatePlanResponse
        {
            Version = (ulong)state.Live.Version,
            UpsertedCount = (uint)activation.Change!.Upserts.Count,
            DeletedCount = (uint)activation.Change.Deletes.Count,
        };
        response.NewOverlaps.AddRange(activation.NewOverlaps.Select(ToMessage));
        return response;
    }

    public override async Task<CancelActivationResponse> CancelActivation(CancelActivationRequest request, ServerCallContext context)
    {
        const string Rpc = "CancelActivation";
        var name = Name(Rpc, request.Name);
        var (state, _) = await edits.RunAsync(Rpc, name, null, state =>
        {
            var plan = Branch(state, name);
            if (plan.Status != PlanStatus.Scheduled)
            {
                throw RpcErrors.FailedPrecondition($"Plan \"{name}\" has no scheduled activation (it is {StatusName(plan.Status)}).");
            }

            return ((MapChange?)new MapChange(state.NextVersion, [], []) { Plan = name, Operation = PlanOperation.Unschedule, Info = MapEdits.Info(context) }, 0);
        }, "plan", null, context).ConfigureAwait(false);
        return new CancelActivationResponse { Version = (ulong)state.Plans[name].Version };
    }

    private string Name(string rpc, string name)
    {
        try
        {
            return name.Length == 0 ? throw RpcErrors.InvalidArgument("name is required: the plan's name.") : RequestChecks.Plan(name, "name");
        }
        catch (RpcException e)
        {
            throw edits.Rejected(rpc, e);
        }
    }

    private static PlanBranch Branch(MapState state, string name) =>
        state.Plans.TryGetValue(name, out var plan) ? plan
        : throw RpcErrors.WithMapVersion(StatusCode.NotFound,
            $"There is no plan named \"{RequestChecks.Shorten(name)}\" at version {state.Position}; ListPlans shows the plans there are.", state.Position);

    private static RpcException Closed(PlanBranch plan, MapState state) => RpcErrors.WithMapVersion(StatusCode.FailedPrecondition,
        $"Plan \"{plan.Name}\" was activated at live version {plan.Info.ActivatedVersion} and is read-only; create a new plan for further changes.", state.Position);

    // Runs an analysis off the request thread, one at a time, and keeps its result for the versions it compared.
    private async Task<T> AnalyseAsync<T>(object key, Func<T> analyse, ServerCallContext context) where T : class
    {
        if (cache.TryGetValue(key, out T? cached) && cached is not null)
        {
            return cached;
        }

        await AnalysisGate.WaitAsync(context.CancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => cache.GetOrCreate(key, item =>
            {
                // Results hold geometries; they are large, so a few are kept.
                item.Size = 1024;
                item.SlidingExpiration = TimeSpan.FromMinutes(10);
                return analyse();
            })!, context.CancellationToken).ConfigureAwait(false);
        }
        finally
        {
            AnalysisGate.Release();
        }
    }

    private static ProtoPlan ToMessage(PlanBranch plan)
    {
        var info = plan.Info;
        var message = new ProtoPlan
        {
            Name = info.Name,
            Version = (ulong)info.Version,
            BaseVersion = (ulong)info.BaseVersion,
            Status = info.Status switch
            {
                PlanStatus.Draft => ProtoPlanStatus.Draft,
                PlanStatus.Scheduled => ProtoPlanStatus.Scheduled,
                _ => ProtoPlanStatus.Activated,
            },
            CreatedTime = Timestamp.FromDateTimeOffset(info.Created.Time),
            CreatedBy = info.Created.Author,
            Message = info.Created.Message,
            ScheduledRebase = info.ScheduledRebase,
            ScheduledForce = info.ScheduledForce,
            ActivatedVersion = (ulong)(info.ActivatedVersion ?? 0),
            TerritoryCount = (uint)plan.Map.Count,
        };
        if (info.EffectiveAt is { } at)
        {
            message.EffectiveAt = Timestamp.FromDateTimeOffset(at);
        }

        message.Layers.AddRange(plan.Map.Layers.Keys);
        return message;
    }

    private static Overlap ToMessage(TerritoryOverlap overlap) => new()
    {
        FirstId = overlap.FirstId,
        SecondId = overlap.SecondId,
        WinnerId = overlap.WinnerId,
        AreaKm2 = overlap.AreaKm2,
        Sliver = overlap.IsSliver,
    };

    private static IEnumerable<string> FieldNames(TerritoryFields fields)
    {
        if ((fields & TerritoryFields.Geometry) != 0) yield return "geometry";
        if ((fields & TerritoryFields.Owner) != 0) yield return "owner";
        if ((fields & TerritoryFields.Name) != 0) yield return "name";
        if ((fields & TerritoryFields.Layer) != 0) yield return "layer";
        if ((fields & TerritoryFields.Priority) != 0) yield return "priority";
        if ((fields & TerritoryFields.Parent) != 0) yield return "parent";
        if ((fields & TerritoryFields.Attributes) != 0) yield return "attributes";
    }

    private static string StatusName(PlanStatus status) => status.ToString().ToLowerInvariant();

    private static string Listed(IReadOnlyCollection<string> ids) =>
        string.Join(", ", ids.Take(20).Select(id => $"\"{RequestChecks.Shorten(id)}\"")) + (ids.Count > 20 ? ", …" : "");

    // The coverage polygon of a request: a valid GeoJSON Polygon or MultiPolygon, else INVALID_ARGUMENT.
    private static Geometry CoverageGeometry(string geojson)
    {
        Geometry? geometry;
        try
        {
            geometry = JsonSerializer.Deserialize<Geometry>(geojson, GeometryJson);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or FormatException or NotSupportedException or InvalidOperationException)
        {
            throw RpcErrors.InvalidArgument($"coverage_geojson is not a GeoJSON geometry: {e.Message}");
        }

        if (geometry is not (Polygon or MultiPolygon) || geometry.IsEmpty)
        {
            throw RpcErrors.InvalidArgument($"coverage_geojson must be a non-empty Polygon or MultiPolygon, not {geometry?.GeometryType ?? "null"}.");
        }

        if (!geometry.IsValid)
        {
            throw RpcErrors.InvalidArgument("coverage_geojson is not a valid polygon (NetTopologySuite IsValid: self-intersection, hole outside its shell, or similar).");
        }

        return geometry;
    }

    private static JsonSerializerOptions CreateGeometryJson()
    {
        var options = new JsonSerializerOptions
        {
            TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
        };
        options.Converters.Add(new GeoJsonConverterFactory(NetTopologySuite.NtsGeometryServices.Instance.CreateGeometryFactory(4326)));
        options.MakeReadOnly();
        return options;
    }
}

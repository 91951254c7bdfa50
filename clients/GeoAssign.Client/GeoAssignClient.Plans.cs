// The PlanService calls: redistricting plans - create, list, describe, delete, diff, coverage, activation.
using V1 = GeoAssign.Protos.V1;

namespace GeoAssign.Client;

public sealed partial class GeoAssignClient
{
    /// <summary>
    /// Creates a plan: a named draft map beside the live one, as a copy of the live map as it is (the default),
    /// as a copy of a past live version, or empty. Edit it with the territory edits and imports naming it
    /// (<see cref="EditOptions.Plan"/>, <see cref="GeoJsonImportOptions.Plan"/>). Retried only when the first
    /// attempt provably changed nothing (a lost attempt that was applied would make the retry ALREADY_EXISTS).
    /// </summary>
    /// <param name="name">The plan's name: 1 to 64 of A-Z a-z 0-9 _ - . :</param>
    /// <param name="empty">Start empty instead of as a copy of the live map.</param>
    /// <param name="fromVersion">Start as a copy of this past version of the live map (within the history kept); not with <paramref name="empty"/>.</param>
    /// <param name="message">Why: shown with the plan.</param>
    /// <param name="cancellationToken">Cancels the call (a creation already sent may still be applied).</param>
    /// <exception cref="ArgumentException">Both <paramref name="empty"/> and <paramref name="fromVersion"/>, or <paramref name="fromVersion"/> 0.</exception>
    /// <exception cref="GeoAssignException">INVALID_ARGUMENT (a malformed name), ALREADY_EXISTS, FAILED_PRECONDITION (a version older than the history kept), PERMISSION_DENIED, …</exception>
    public async Task<Plan> CreatePlanAsync(string name, bool empty = false, ulong? fromVersion = null, string? message = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (empty && fromVersion is not null)
        {
            throw new ArgumentException("A plan starts empty or from a past version, not both.", nameof(fromVersion));
        }

        if (fromVersion == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(fromVersion), "Version 0 is the map before any edit; start an empty plan with empty: true instead.");
        }

        var request = new V1.CreatePlanRequest { Name = name, Empty = empty, FromVersion = fromVersion ?? 0, Message = message ?? "" };
        var response = await UnaryAsync("CreatePlan", CallSafety.Edit, request,
            (r, options) => _plans.CreatePlanAsync(r, options), cancellationToken).ConfigureAwait(false);
        var plan = ProtoMapping.Plan(response.Plan ?? new V1.Plan());
        RequireVersion(plan.Version);
        return plan;
    }

    /// <summary>Lists the plans (drafts, scheduled and activated ones), by name.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyList<Plan>> ListPlansAsync(CancellationToken cancellationToken = default)
    {
        var response = await UnaryAsync("ListPlans", CallSafety.Read, new V1.ListPlansRequest { MinVersion = MinReadVersion },
            (r, options) => _plans.ListPlansAsync(r, options), cancellationToken).ConfigureAwait(false);
        return [.. response.Plans.Select(ProtoMapping.Plan)];
    }

    /// <summary>Describes one plan.</summary>
    /// <param name="name">The plan's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="GeoAssignException">NOT_FOUND when there is no such plan.</exception>
    public async Task<Plan> GetPlanAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var response = await UnaryAsync("GetPlan", CallSafety.Read, new V1.GetPlanRequest { Name = name, MinVersion = MinReadVersion },
            (r, options) => _plans.GetPlanAsync(r, options), cancellationToken).ConfigureAwait(false);
        return ProtoMapping.Plan(response.Plan ?? new V1.Plan());
    }

    /// <summary>Deletes a plan, and a scheduled activation with it.</summary>
    /// <param name="name">The plan's name.</param>
    /// <param name="expectedVersion">When set, the plan is deleted only if it is at exactly this version, else ABORTED; it also makes the call safe to retry.</param>
    /// <param name="cancellationToken">Cancels the call (a deletion already sent may still be applied).</param>
    /// <returns>The version the deletion took.</returns>
    /// <exception cref="GeoAssignException">NOT_FOUND, ABORTED, PERMISSION_DENIED, …</exception>
    public async Task<ulong> DeletePlanAsync(string name, ulong? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var request = new V1.DeletePlanRequest { Name = name };
        if (expectedVersion is { } expected)
        {
            request.ExpectedVersion = expected;
        }

        var response = await UnaryAsync("DeletePlan", EditSafety(expectedVersion), request,
            (r, options) => _plans.DeletePlanAsync(r, options), cancellationToken).ConfigureAwait(false);
        RequireVersion(response.Version);
        return response.Version;
    }

    /// <summary>
    /// What a plan changes against the live map: territories created, deleted and changed, and per layer the area
    /// that changes owner (km²), optionally with the changed areas as GeoJSON. The server computes it exactly,
    /// which takes seconds for a large map (then it is cached for the pair of versions).
    /// </summary>
    /// <param name="plan">The plan's name.</param>
    /// <param name="includeGeoJson">Also return the changed areas as a FeatureCollection (<see cref="PlanDiff.ChangedAreasGeoJson"/>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="GeoAssignException">NOT_FOUND when there is no such plan.</exception>
    public Task<PlanDiff> DiffPlanAsync(string plan, bool includeGeoJson = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(plan);
        return DiffAsync(new V1.DiffPlanRequest { Plan = plan, IncludeGeojson = includeGeoJson }, cancellationToken);
    }

    /// <summary>
    /// What changed in the live map from one version to another (both within the history kept), in the form of a
    /// plan's diff: <see cref="PlanDiff.FromVersion"/> is the old side, <see cref="PlanDiff.ToVersion"/> the new.
    /// </summary>
    /// <param name="fromVersion">The old side: a version of the live map.</param>
    /// <param name="toVersion">The new side; 0 (the default) is the current version.</param>
    /// <param name="includeGeoJson">Also return the changed areas as a FeatureCollection.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="GeoAssignException">FAILED_PRECONDITION for a version older than the history kept.</exception>
    public Task<PlanDiff> DiffPlanAsync(ulong fromVersion, ulong toVersion = 0, bool includeGeoJson = false, CancellationToken cancellationToken = default) =>
        DiffAsync(new V1.DiffPlanRequest { FromVersion = fromVersion, ToVersion = toVersion, IncludeGeojson = includeGeoJson }, cancellationToken);

    private async Task<PlanDiff> DiffAsync(V1.DiffPlanRequest request, CancellationToken cancellationToken)
    {
        request.MinVersion = MinReadVersion;
        var response = await UnaryAsync("DiffPlan", CallSafety.Read, request,
            (r, options) => _plans.DiffPlanAsync(r, options), cancellationToken).ConfigureAwait(false);
        return ProtoMapping.Diff(response);
    }

    /// <summary>
    /// Overlaps, gaps and slivers of the live map or a plan, per layer. Gaps are looked for only inside a
    /// coverage area: every territory of <paramref name="coverageLayer"/>, or the polygon <paramref name="coverageGeoJson"/>.
    /// </summary>
    /// <param name="plan">The plan to check; <see langword="null"/> checks the live map.</param>
    /// <param name="layer">The layer to check; <see langword="null"/> checks every layer (but the coverage layer).</param>
    /// <param name="coverageLayer">The layer whose territories the checked layers must cover (e.g. "state" for counties).</param>
    /// <param name="coverageGeoJson">Or a GeoJSON Polygon or MultiPolygon geometry they must cover.</param>
    /// <param name="sliverAreaKm2">Overlaps, gaps and territories below this many km² are slivers; 0 means the server's 0.01.</param>
    /// <param name="includeGeoJson">Also return each layer's overlaps and gaps as a FeatureCollection (<see cref="LayerCoverage.GeoJson"/>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException">Both a coverage layer and a coverage polygon.</exception>
    /// <exception cref="GeoAssignException">NOT_FOUND (no such plan or layer), INVALID_ARGUMENT (a malformed coverage polygon or threshold).</exception>
    public async Task<CoverageReport> CheckCoverageAsync(string? plan = null, string? layer = null, string? coverageLayer = null, string? coverageGeoJson = null,
        double sliverAreaKm2 = 0, bool includeGeoJson = false, CancellationToken cancellationToken = default)
    {
        if (!string.IsNullOrEmpty(coverageLayer) && !string.IsNullOrEmpty(coverageGeoJson))
        {
            throw new ArgumentException("Give the area to cover one way: a coverage layer or a coverage polygon.", nameof(coverageGeoJson));
        }

        var request = new V1.CheckCoverageRequest
        {
            Plan = plan ?? "",
            Layer = layer ?? "",
            CoverageLayer = coverageLayer ?? "",
            CoverageGeojson = coverageGeoJson ?? "",
            SliverAreaKm2 = sliverAreaKm2,
            IncludeGeojson = includeGeoJson,
            MinVersion = MinReadVersion,
        };
        var response = await UnaryAsync("CheckCoverage", CallSafety.Read, request,
            (r, options) => _plans.CheckCoverageAsync(r, options), cancellationToken).ConfigureAwait(false);
        return ProtoMapping.Coverage(response);
    }

    /// <summary>
    /// Makes a plan the live map as one new version, now or at <paramref name="at"/>. Now: the live map must
    /// still be at the plan's base version, else ABORTED naming the territories changed on both sides, unless
    /// <paramref name="rebase"/>; new overlaps are FAILED_PRECONDITION unless <paramref name="force"/>. At a future
    /// instant: the activation is recorded with the plan and every replica applies it then, once, with the same checks.
    /// Retried on UNAVAILABLE only when guarded by an expected version, or when it provably was not applied.
    /// </summary>
    /// <param name="name">The plan's name.</param>
    /// <param name="at">When set and in the future, schedule the activation at this instant instead of activating now.</param>
    /// <param name="rebase">When the live map moved since the plan branched, apply the plan's changes on top of it.</param>
    /// <param name="force">Activate despite new overlaps.</param>
    /// <param name="expectedLiveVersion">When set, activate (now) only if the live map is at exactly this version, else ABORTED.</param>
    /// <param name="expectedPlanVersion">When set, activate or schedule only if the plan is at exactly this version, else ABORTED.</param>
    /// <param name="message">Why: recorded with the new live version.</param>
    /// <param name="cancellationToken">Cancels the call (an activation already sent may still be applied).</param>
    /// <exception cref="GeoAssignException">NOT_FOUND, ABORTED (the live map moved, or conflicts on rebase, or an expected version), FAILED_PRECONDITION (new overlaps; an activated plan), PERMISSION_DENIED, …</exception>
    public async Task<PlanActivation> ActivatePlanAsync(string name, DateTimeOffset? at = null, bool rebase = false, bool force = false,
        ulong? expectedLiveVersion = null, ulong? expectedPlanVersion = null, string? message = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var request = new V1.ActivatePlanRequest
        {
            Name = name,
            Rebase = rebase,
            Force = force,
            EffectiveAt = ProtoMapping.ToTimestamp(at),
            Message = message ?? "",
        };
        if (expectedLiveVersion is { } live)
        {
            request.ExpectedLiveVersion = live;
        }

        if (expectedPlanVersion is { } planVersion)
        {
            request.ExpectedPlanVersion = planVersion;
        }

        // The server checks the live version only when activating now; a schedule is guarded by the plan's version alone.
        var guarded = expectedPlanVersion is not null || (at is null && expectedLiveVersion is not null);
        var response = await UnaryAsync("ActivatePlan", guarded ? CallSafety.GuardedEdit : CallSafety.Edit, request,
            (r, options) => _plans.ActivatePlanAsync(r, options), cancellationToken).ConfigureAwait(false);
        RequireVersion(response.Version);
        return new PlanActivation(response.Scheduled, response.Version, (int)response.UpsertedCount, (int)response.DeletedCount,
            [.. response.NewOverlaps.Select(ProtoMapping.Overlap)]);
    }

    /// <summary>Cancels a plan's scheduled activation; the plan stays a draft.</summary>
    /// <param name="name">The plan's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The plan's new version.</returns>
    /// <exception cref="GeoAssignException">NOT_FOUND, FAILED_PRECONDITION (nothing scheduled), PERMISSION_DENIED, …</exception>
    public async Task<ulong> CancelActivationAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var response = await UnaryAsync("CancelActivation", CallSafety.Edit, new V1.CancelActivationRequest { Name = name },
            (r, options) => _plans.CancelActivationAsync(r, options), cancellationToken).ConfigureAwait(false);
        RequireVersion(response.Version);
        return response.Version;
    }
}

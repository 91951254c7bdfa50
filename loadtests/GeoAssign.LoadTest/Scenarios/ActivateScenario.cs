// How long an activated plan takes to be served by every replica, and what making the plan costs.
using System.Diagnostics;
using System.Globalization;
using GeoAssign.LoadTest.Measurement;
using GeoAssign.LoadTest.Reporting;
using GeoAssign.LoadTest.Scheduling;
using GeoAssign.Protos.V1;
using Grpc.Core;
using ProtoTerritory = GeoAssign.Protos.V1.Territory;

namespace GeoAssign.LoadTest.Scenarios;

/// <summary>
/// Watches every target with WatchMap, then, one activation at a time, through one target after
/// another (rotating): creates a plan from the live map, writes one round of
/// <see cref="RedistrictingRounds"/> into it (one UpsertTerritories), waits until every target has
/// applied both, diffs it (DiffPlan twice: computed, then cached) and activates it. The recorded
/// latency of an activation runs from ActivatePlan's acknowledgement (the new live version v) to the
/// moment the last target reports serving v or later — 0 when every target did by then; one that
/// some target does not serve within --converge-timeout counts as DEADLINE_EXCEEDED. Activations
/// are forced: a border moved by polygon overlays can leave a sliver of overlap with a third
/// county, which the server would refuse otherwise; the check runs (and costs) all the same. Creating and
/// editing the plan are timed apart (a plan copied from the live map is indexed on every replica,
/// seconds for US counties), and so are the diff and the activation call. The plan is deleted after
/// its activation, so replicas do not keep an index per plan. --warmup-activations activations run
/// first and are not recorded.
/// </summary>
internal sealed class ActivateScenario : Scenario
{
    /// <summary>How long a target may take to apply a plan's creation or edit (an index build) before the run gives up.</summary>
    internal static readonly TimeSpan ApplyTimeout = TimeSpan.FromMinutes(5);

    private readonly Step _createCall = new("CreatePlan call (copies and indexes the live map on that replica)");
    private readonly Step _createEverywhere = new("CreatePlan sent → plan indexed on every replica");
    private readonly Step _editCall = new("UpsertTerritories into the plan");
    private readonly Step _editEverywhere = new("plan edit sent → applied on every replica");
    private readonly Step _diffFirst = new("DiffPlan, first call (computed)");
    private readonly Step _diffCached = new("DiffPlan, second call (cached)");
    private readonly Step _activateCall = new("ActivatePlan call");
    private readonly Step _activatingServes = new("ActivatePlan acknowledged → the activating replica serving");
    private readonly Step _othersServe = new("ActivatePlan acknowledged → each other replica serving");
    private readonly Step _sentToAllServe = new("ActivatePlan sent → every replica serving");
    private readonly SortedSet<int> _diffCounts = [];
    private readonly SortedSet<uint> _upsertedCounts = [];
    private int _newOverlaps;
    private double _newOverlapKm2;
    private RedistrictingRounds? _rounds;
    private string _layer = "";
    private int _targets;

    public override bool SupportsOpenLoop => false;

    public override bool UsesPoints => false;

    public override bool RunsByCount => true;

    public override async Task PrepareAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        _layer = context.Settings.Layer.Length == 0 ? "geo" : context.Settings.Layer;
        _targets = context.Channels.Targets.Count;
        var territories = await ReadLayerAsync(context, _layer, cancellationToken).ConfigureAwait(false);
        if (territories.Count < 4)
        {
            throw new LoadTestInputException(
                $"activate needs a layer of territories to redistrict; layer {_layer} has {territories.Count}. Import a map first (geoassign-load import FILE --repair).");
        }

        try
        {
            _rounds = RedistrictingRounds.Create(territories, context.Settings.ChangeShare, context.Settings.BorderMoves, context.Settings.Seed);
        }
        catch (FormatException e)
        {
            throw new LoadTestInputException($"activate: {e.Message}");
        }

        context.Log(FormattableString.Invariant(
            $"activate: {context.Settings.WarmupActivations} + {context.Settings.Activations} activations through {_targets} target(s) in turn; each plan changes {_rounds.ReassignCount + (2 * _rounds.BorderMoveCount)} of the {territories.Count} territories of layer {_layer} ({_rounds.ReassignCount} owners, {_rounds.BorderMoveCount} moved borders)"));
    }

    public override async Task<LoadDriverOutcome> RunAsync(ScenarioContext context, LoadMeter meter, CancellationToken cancellationToken)
    {
        var settings = context.Settings;
        var started = Stopwatch.GetTimestamp();
        using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watches = Enumerable.Range(0, _targets)
            .Select(i => new VersionWatch(new TerritoryService.TerritoryServiceClient(context.Channels.ForTarget(i)), context.Channels, stopWatching.Token))
            .ToArray();
        try
        {
            await Task.WhenAll(watches.Select(w => w.Started)).WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
            var run = Guid.NewGuid().ToString("N")[..8];
            var total = settings.WarmupActivations + settings.Activations;
            for (var k = 0; k < total && !cancellationToken.IsCancellationRequested; k++)
            {
                var measured = k >= settings.WarmupActivations;
                var start = Stopwatch.GetTimestamp();
                try
                {
                    var outcome = await ActivateOnceAsync(context, watches, k % _targets, $"geoassign-load-{run}-{k}", measured, cancellationToken).ConfigureAwait(false);
                    if (!measured)
                    {
                        context.Log(FormattableString.Invariant($"activate: warm-up {k + 1}/{settings.WarmupActivations}: {outcome}"));
                        continue;
                    }

                    context.Log(FormattableString.Invariant($"activate: {k + 1 - settings.WarmupActivations}/{settings.Activations}: {outcome}"));
                    if (outcome.ServedAt is { } served)
                    {
                        meter.Succeeded(outcome.Acknowledged, Math.Max(served, outcome.Acknowledged), 1);
                    }
                    else
                    {
                        meter.Failed(outcome.Acknowledged, new RpcException(new Status(StatusCode.DeadlineExceeded,
                            $"live version {outcome.Version} not served by every target within {settings.ConvergeTimeout.TotalSeconds} s")));
                    }
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is RpcException or TimeoutException)
                {
                    context.Log($"activate: activation {k + 1} failed: {e.Message}");
                    if (measured)
                    {
                        meter.Failed(start, e);
                    }
                }
            }
        }
        finally
        {
            await stopWatching.CancelAsync().ConfigureAwait(false);
            foreach (var watch in watches)
            {
                await watch.DisposeAsync().ConfigureAwait(false);
            }
        }

        return new LoadDriverOutcome(0, Stopwatch.GetElapsedTime(started));
    }

    public override void Complete(RunResult result)
    {
        result.Phases = [.. new[]
        {
            _createCall, _createEverywhere, _editCall, _editEverywhere, _diffFirst, _diffCached, _activateCall, _sentToAllServe, _activatingServes, _othersServe,
        }.Select(step => new PhaseLatency(step.Name, LatencySummary.Of(step.Recorder.Snapshot())))];
        var notes = new List<string>();
        if (_rounds is { } rounds)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"layer {_layer}, {rounds.TerritoryCount:N0} territories; each plan changes {rounds.ReassignCount + (2 * rounds.BorderMoveCount):N0} of them ({rounds.ReassignCount:N0} other owners, {rounds.BorderMoveCount} moved borders of two territories each); rounds alternate between redistricting and restoring"));
        }

        notes.Add($"territories the diffs listed: {string.Join(", ", _diffCounts)}; territories the activations upserted: {string.Join(", ", _upsertedCounts)}");
        notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"activations are forced: the measured ones let through {_newOverlaps} new overlaps, {_newOverlapKm2:0.######} km² in all (slivers the moved borders leave; unforced, the server refuses them)"));
        notes.Add($"{_targets} target(s); activations rotate over them; each plan is deleted after its activation");
        result.Notes = notes;
    }

    private async Task<ActivationOutcome> ActivateOnceAsync(ScenarioContext context, VersionWatch[] watches, int target, string name, bool measured,
        CancellationToken cancellationToken)
    {
        var channels = context.Channels;
        var plans = new PlanService.PlanServiceClient(channels.ForTarget(target));
        var territories = new TerritoryService.TerritoryServiceClient(channels.ForTarget(target));
        var change = _rounds!.Current();
        var message = $"geoassign-load activate, round {change.Round}";

        var t0 = Stopwatch.GetTimestamp();
        var created = await plans.CreatePlanAsync(new CreatePlanRequest { Name = name, Message = message }, channels.Unary(cancellationToken)).ConfigureAwait(false);
        var t1 = Stopwatch.GetTimestamp();
        try
        {
            await EveryTargetHasAsync(channels, name, created.Plan.Version, cancellationToken).ConfigureAwait(false);
            var t2 = Stopwatch.GetTimestamp();
            var edit = await territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest { Plan = name, Territories = { change.Territories }, Message = message },
                channels.Unary(cancellationToken)).ConfigureAwait(false);
            var t3 = Stopwatch.GetTimestamp();
            await EveryTargetHasAsync(channels, name, edit.MapVersion, cancellationToken).ConfigureAwait(false);
            var t4 = Stopwatch.GetTimestamp();
            var diff = await plans.DiffPlanAsync(new DiffPlanRequest { Plan = name }, channels.Unary(cancellationToken)).ConfigureAwait(false);
            var t5 = Stopwatch.GetTimestamp();
            await plans.DiffPlanAsync(new DiffPlanRequest { Plan = name }, channels.Unary(cancellationToken)).ConfigureAwait(false);
            var t6 = Stopwatch.GetTimestamp();

            var activated = await plans.ActivatePlanAsync(new ActivatePlanRequest { Name = name, ExpectedPlanVersion = edit.MapVersion, Force = true, Message = message },
                channels.Unary(cancellationToken)).ConfigureAwait(false);
            var acknowledged = Stopwatch.GetTimestamp();
            var served = await VersionWatch.AllServingAsync(watches, activated.Version, context.Settings.ConvergeTimeout, cancellationToken).ConfigureAwait(false);
            _rounds.Advance();

            if (measured)
            {
                _createCall.Record(t0, t1);
                _createEverywhere.Record(t0, t2);
                _editCall.Record(t2, t3);
                _editEverywhere.Record(t2, t4);
                _diffFirst.Record(t4, t5);
                _diffCached.Record(t5, t6);
                _activateCall.Record(t6, acknowledged);
                _diffCounts.Add(diff.Territories.Count);
                _upsertedCounts.Add(activated.UpsertedCount);
                _newOverlaps += activated.NewOverlaps.Count;
                _newOverlapKm2 += activated.NewOverlaps.Sum(o => o.AreaKm2);
                if (served is { } all)
                {
                    _sentToAllServe.Record(t6, Math.Max(all, acknowledged));
                    for (var i = 0; i < watches.Length; i++)
                    {
                        watches[i].TryServedAt(activated.Version, out var at, out _);
                        (i == target ? _activatingServes : _othersServe).Record(acknowledged, Math.Max(at, acknowledged));
                    }
                }
            }

            return new ActivationOutcome(activated.Version, acknowledged, served, change,
                Seconds(t0, t2), Seconds(t2, t4), Seconds(t4, t5), Seconds(t6, acknowledged), served is { } last ? Seconds(acknowledged, Math.Max(last, acknowledged)) : null);
        }
        finally
        {
            // Replicas keep an index per plan, activated ones too: delete it, also after a failure.
            try
            {
                await plans.DeletePlanAsync(new DeletePlanRequest { Name = name }, channels.Unary(CancellationToken.None)).ConfigureAwait(false);
            }
            catch (RpcException e)
            {
                context.Log($"activate: could not delete plan {name}: {e.Status.Detail}");
            }
        }
    }

    /// <summary>Waits until every target has applied <paramref name="version"/> and holds the plan (GetPlan with min_version, asked again while a target is behind).</summary>
    private static async Task EveryTargetHasAsync(TargetChannels channels, string plan, ulong version, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(ApplyTimeout.TotalSeconds * Stopwatch.Frequency);
        for (var i = 0; i < channels.Targets.Count; i++)
        {
            var client = new PlanService.PlanServiceClient(channels.ForTarget(i));
            while (true)
            {
                try
                {
                    await client.GetPlanAsync(new GetPlanRequest { Name = plan, MinVersion = version }, channels.Unary(cancellationToken)).ConfigureAwait(false);
                    break;
                }
                catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded && Stopwatch.GetTimestamp() < deadline)
                {
                    // The target is still applying (building the plan's index): min_version waits only so long.
                }
            }
        }
    }

    /// <summary>The territories of <paramref name="layer"/> with their geometry, from the first target.</summary>
    internal static async Task<List<ProtoTerritory>> ReadLayerAsync(ScenarioContext context, string layer, CancellationToken cancellationToken)
    {
        var client = new TerritoryService.TerritoryServiceClient(context.Channels.ForTarget(0));
        var territories = new List<ProtoTerritory>();
        var token = "";
        do
        {
            var page = await client.ListTerritoriesAsync(new ListTerritoriesRequest { Layer = layer, IncludeGeometry = true, PageSize = 1000, PageToken = token },
                context.Channels.Unary(cancellationToken)).ConfigureAwait(false);
            territories.AddRange(page.Territories);
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        return territories;
    }

    private static double Seconds(long from, long to) => (double)(to - from) / Stopwatch.Frequency;

    /// <summary>One timed step and its latencies.</summary>
    private sealed class Step(string name)
    {
        public string Name { get; } = name;

        public LatencyRecorder Recorder { get; } = new();

        public void Record(long from, long to) => Recorder.RecordMicros(LatencyRecorder.Micros(from, to));
    }

    /// <summary>What one activation did, for the log line and the meter.</summary>
    private sealed record ActivationOutcome(ulong Version, long Acknowledged, long? ServedAt, RoundChange Change,
        double CreateSeconds, double EditSeconds, double DiffSeconds, double ActivateSeconds, double? ServedSeconds)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"version {Version} ({(Change.Restores ? "restores" : "redistricts")} {Change.Territories.Count} territories): plan on every replica {CreateSeconds:0.00} s, edit {EditSeconds:0.00} s, diff {DiffSeconds * 1000:0} ms, ActivatePlan {ActivateSeconds * 1000:0} ms, then every replica serving after {(ServedSeconds is { } s ? $"{s * 1000:0.0} ms" : "(timed out)")}");
    }
}

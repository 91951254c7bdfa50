// Lookups while edits arrive: unary Resolve under load, and a border moving back and forth.
using System.Diagnostics;
using GeoAssign.LoadTest.Measurement;
using GeoAssign.LoadTest.Reporting;
using GeoAssign.LoadTest.Scheduling;
using GeoAssign.Protos.V1;
using Grpc.Core;

namespace GeoAssign.LoadTest.Scenarios;

/// <summary>
/// Unary Resolve as in the resolve scenario (closed or open loop), while an editor sends
/// UpsertTerritories at --edit-rate per second, each moving one territory's border (see
/// <see cref="BorderEdit"/>): the territory covering the first of the run's points that any covers, or
/// --edit-territory. Lookups and edits are measured separately; edits rotate over the targets.
/// </summary>
internal sealed class MixedScenario : Scenario
{
    private readonly LatencyRecorder _editLatency = new();
    private readonly ErrorCounts _editErrors = new();
    private BorderEdit? _edit;
    private long _edits;

    public override async Task PrepareAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        _edit = await EditTargets.ChooseAsync(context, preferRealTerritory: true, cancellationToken).ConfigureAwait(false);
        context.Log($"mixed: editing territory {_edit.TerritoryId} {context.Settings.EditRate:0.##} times a second");
    }

    public override async Task<LoadDriverOutcome> RunAsync(ScenarioContext context, LoadMeter meter, CancellationToken cancellationToken)
    {
        // The editor stops by itself at the window's end; an edit in flight then is waited for and counted.
        var editor = Task.Run(() => EditLoopAsync(context, meter, cancellationToken), CancellationToken.None);
        try
        {
            return await LoadDriver.RunAsync(context.Settings.Shape, worker => new ResolveOperation(context, worker), meter, cancellationToken)
                .ConfigureAwait(false);
        }
        finally
        {
            await editor.ConfigureAwait(false);
        }
    }

    public override void Complete(RunResult result)
    {
        result.Edits = Interlocked.Read(ref _edits);
        result.EditLatency = LatencySummary.Of(_editLatency.Snapshot());
        result.EditErrors = _editErrors.ByStatus();
        result.EditTerritory = _edit?.TerritoryId;
    }

    private async Task EditLoopAsync(ScenarioContext context, LoadMeter meter, CancellationToken cancellationToken)
    {
        var schedule = new OpenLoopSchedule(Stopwatch.GetTimestamp(), context.Settings.EditRate, Stopwatch.Frequency);
        var clients = Enumerable.Range(0, context.Channels.Targets.Count)
            .Select(i => new TerritoryService.TerritoryServiceClient(context.Channels.ForTarget(i))).ToArray();
        for (long k = 0; !cancellationToken.IsCancellationRequested; k++)
        {
            var due = schedule.IntendedTimestamp(k);
            if (due >= meter.MeasureEnd)
            {
                return;
            }

            var wait = TimeSpan.FromSeconds((double)(due - Stopwatch.GetTimestamp()) / Stopwatch.Frequency);
            try
            {
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                }

                var start = Stopwatch.GetTimestamp();
                await clients[k % clients.Length].UpsertTerritoriesAsync(_edit!.Next(), context.Channels.Unary(cancellationToken)).ConfigureAwait(false);
                if (meter.InWindow(start))
                {
                    _editLatency.RecordSince(start);
                    Interlocked.Increment(ref _edits);
                }
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException e)
            {
                _editErrors.Add(e.StatusCode);
            }
        }
    }
}

/// <summary>Chooses the territory the mixed and converge scenarios edit.</summary>
internal static class EditTargets
{
    /// <summary>
    /// --edit-territory when given; else, with <paramref name="preferRealTerritory"/>, the territory
    /// covering the first of the run's points that one covers; else the probe territory (created).
    /// </summary>
    public static async Task<BorderEdit> ChooseAsync(ScenarioContext context, bool preferRealTerritory, CancellationToken cancellationToken)
    {
        var territories = new TerritoryService.TerritoryServiceClient(context.Channels.ForTarget(0));
        var id = context.Settings.EditTerritory;
        if (id is null && preferRealTerritory)
        {
            var assignments = new AssignmentService.AssignmentServiceClient(context.Channels.ForTarget(0));
            for (var i = 0; i < Math.Min(1000, context.Points.Length) && id is null; i++)
            {
                try
                {
                    var answer = await assignments.ResolveAsync(
                        new ResolveRequest { Lat = context.Points[i].Lat, Lng = context.Points[i].Lng, Layer = context.Settings.Layer },
                        context.Channels.Unary(cancellationToken)).ConfigureAwait(false);
                    id = answer.Assignment.TerritoryId is { Length: > 0 } found ? found : null;
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
                {
                    break;
                }
            }
        }

        if (id is not null)
        {
            var response = await territories.GetTerritoryAsync(new GetTerritoryRequest { Id = id }, context.Channels.Unary(cancellationToken))
                .ConfigureAwait(false);
            return new BorderEdit(response.Territory);
        }

        var probe = BorderEdit.ProbeTerritory();
        await territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest { Territories = { probe } }, context.Channels.Unary(cancellationToken))
            .ConfigureAwait(false);
        return new BorderEdit(probe);
    }
}

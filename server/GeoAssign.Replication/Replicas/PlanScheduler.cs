// Makes scheduled plans live at their instant: whichever replica gets there first appends the activation.
using GeoAssign.Index.Model;
using GeoAssign.Index.Plans;
using Microsoft.Extensions.Logging;

namespace GeoAssign.Replication.Replicas;

/// <summary>
/// Watches the plans a replica holds and activates each scheduled one once its instant has come. The
/// schedule lives in the store, not in this timer: every replica runs a scheduler, and each activation
/// is an ordinary edit of the live map that is planned only while the plan is still scheduled at the
/// same version, so the first replica's append wins and the others, catching up, find nothing left to
/// do — it happens exactly once. A replica that was down finds the plan activated when it catches up,
/// or (if none was up) activates it itself when it starts. An activation its checks refuse (the live
/// map moved without rebase, conflicts, new overlaps) is not made; the plan goes back to a draft and the
/// reason is recorded as that change's message and logged.
/// </summary>
/// <remarks>Thread-safe; run one per replica with <see cref="RunAsync"/>.</remarks>
public sealed partial class PlanScheduler(MapReplica replica, TimeProvider time, bool allowNewOverlaps, ILogger<PlanScheduler> logger)
{
    /// <summary>Runs until cancelled, activating plans as their instants come.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var state = replica.State;
            DateTimeOffset? next = null;
            foreach (var plan in state.Plans.Values)
            {
                if (plan.Status != PlanStatus.Scheduled || plan.Info.EffectiveAt is not { } at)
                {
                    continue;
                }

                if (at <= time.GetUtcNow())
                {
                    try
                    {
                        await ActivateAsync(plan.Name, plan.Version, cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        return;
                    }
                    catch (Exception e)
                    {
                        // The store is down or the edit failed: try again shortly; the plan stays scheduled.
                        LogActivationFailed(e, plan.Name);
                        next = time.GetUtcNow().AddSeconds(1);
                    }
                }
                else if (next is null || at < next)
                {
                    next = at;
                }
            }

            // Wake for the next instant, or when any change arrives (a new schedule, a cancellation).
            using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (next is { } due)
            {
                wake.CancelAfter(TimeSpan.FromTicks(Math.Max(0, Math.Min((due - time.GetUtcNow()).Ticks, TimeSpan.FromHours(1).Ticks))));
            }

            try
            {
                await replica.WaitForChangeAsync(replica.State.Position, wake.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The next instant came.
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    // Activates the plan if it is still scheduled at this version; else another replica did, or it was changed.
    private async Task ActivateAsync(string name, long version, CancellationToken cancellationToken)
    {
        var (_, outcome) = await replica.EditAsync(null, null, state =>
        {
            if (!state.Plans.TryGetValue(name, out var plan) || plan.Status != PlanStatus.Scheduled || plan.Version != version
                || plan.Info.EffectiveAt is not { } at)
            {
                return ((MapChange?)null, (ActivationPlan?)null);
            }

            var scheduled = plan.Info.Scheduled ?? plan.Info.Created;
            var info = new ChangeInfo(at, scheduled.Author, scheduled.Message.Length > 0 ? scheduled.Message : $"Scheduled activation of plan {name}");
            var activation = PlanActivation.Plan(state, plan, plan.Info.ScheduledRebase, allowNewOverlaps || plan.Info.ScheduledForce, info);
            return (activation.Change, activation);
        }, cancellationToken).ConfigureAwait(false);

        if (outcome is null)
        {
            return;
        }

        if (outcome.Change is not null)
        {
            LogActivated(name, outcome.Change.Version);
            return;
        }

        var reason = outcome.Refusal switch
        {
            ActivationRefusal.LiveMoved => $"the live map moved since the plan branched and territories changed on both sides: {string.Join(", ", outcome.BothSides.Take(20))}; schedule it with rebase",
            ActivationRefusal.Conflicts => $"territories changed on both sides to different results: {string.Join(", ", outcome.BothSides.Take(20))}",
            _ => $"{outcome.NewOverlaps.Length} new overlaps, e.g. {string.Join(", ", outcome.NewOverlaps.Take(5).Select(o => $"{o.FirstId}/{o.SecondId}"))}; schedule it with force",
        };
        LogRefused(name, reason);
        await replica.EditAsync(name, (ulong)version, state =>
            state.Plans.TryGetValue(name, out var plan) && plan.Status == PlanStatus.Scheduled
                ? ((MapChange?)new MapChange(state.NextVersion, [], []) { Plan = name, Operation = PlanOperation.Unschedule, Info = new ChangeInfo(ChangeInfo.None.Time, "", $"The scheduled activation was refused: {reason}.") }, 0)
                : (null, 0), cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Activated the scheduled plan {Plan} as live version {Version}")]
    private partial void LogActivated(string plan, long version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The scheduled activation of plan {Plan} was refused and the plan is a draft again: {Reason}")]
    private partial void LogRefused(string plan, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The scheduled activation of plan {Plan} failed; retrying shortly")]
    private partial void LogActivationFailed(Exception exception, string plan);
}

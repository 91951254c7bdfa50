// PlanService.ProposePlan: accounts in, progress out, a balanced plan written through the plan machinery.
using System.Diagnostics;
using System.Threading.Channels;
using GeoAssign.Index.Analysis;
using GeoAssign.Index.Model;
using GeoAssign.Index.Plans;
using GeoAssign.Proposals;
using GeoAssign.Proposals.Blocks;
using GeoAssign.Protos.V1;
using GeoAssign.Server.Proposals;
using Grpc.Core;
using ProposalFiguresMessage = GeoAssign.Protos.V1.ProposalFigures;
using ProposalFigures = GeoAssign.Proposals.ProposalFigures;
using ProposalProgress = GeoAssign.Proposals.ProposalProgress;
using Territory = GeoAssign.Index.Model.Territory;

namespace GeoAssign.Server.Services;

internal sealed partial class PlanService
{
    /// <summary>Outside accounts listed by id in the answer.</summary>
    public const int MaxListedOutside = 100;

    // A proposal takes a core for up to its time limit: one at a time per server.
    private static readonly SemaphoreSlim ProposalGate = new(1, 1);

    public override async Task ProposePlan(IAsyncStreamReader<ProposePlanRequest> requestStream, IServerStreamWriter<ProposePlanResponse> responseStream,
        ServerCallContext context)
    {
        const string Rpc = "ProposePlan";
        var cancellationToken = context.CancellationToken;
        var stopwatch = Stopwatch.StartNew();
        ProposalSettings? settings = null;
        string name = "";
        var accounts = new ProposalAccounts();
        long messages = 0;
        try
        {
            while (await requestStream.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                var request = requestStream.Current;
                if (messages == 0)
                {
                    settings = request.Settings ?? throw RpcErrors.InvalidArgument("The first message of ProposePlan carries settings (name, blocks, territories).");
                    name = settings.Name.Length == 0 ? throw RpcErrors.InvalidArgument("settings.name is required: the new plan's name.") : RequestChecks.Plan(settings.Name, "settings.name");
                    CheckSettings(settings);
                    if (maps.Replica.State.Plans.TryGetValue(name, out var existing))
                    {
                        throw RpcErrors.WithMapVersion(StatusCode.AlreadyExists,
                            $"A plan named \"{name}\" exists already (version {existing.Version}); pick another name or delete it first.", maps.Replica.State.Position);
                    }
                }
                else if (request.Settings is not null)
                {
                    throw RpcErrors.InvalidArgument($"Message {messages} of the stream carries settings; only the first message does.");
                }

                if (request.Accounts is { } chunk)
                {
                    CheckAccounts(chunk, accounts.Ids.Count);
                    accounts.Add(chunk);
                }

                messages++;
            }
        }
        catch (RpcException e)
        {
            throw edits.Rejected(Rpc, e);
        }

        if (settings is null)
        {
            throw edits.Rejected(Rpc, RpcErrors.InvalidArgument("The request stream was empty; the first message of ProposePlan carries settings."));
        }

        await ProposalGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ProposeAsync(Rpc, settings, name, accounts, stopwatch, responseStream, context).ConfigureAwait(false);
        }
        finally
        {
            ProposalGate.Release();
        }
    }

    private async Task ProposeAsync(string rpc, ProposalSettings settings, string name, ProposalAccounts accounts, Stopwatch stopwatch,
        IServerStreamWriter<ProposePlanResponse> responseStream, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        var snapshot = maps.Replica.State;
        var live = snapshot.Live;
        await Progress(responseStream, "blocks", 0, stopwatch, 0, 0).ConfigureAwait(false);
        ProposalSetup setup;
        try
        {
            setup = await Task.Run(() => ProposalSetup.Build(settings, name, live, accounts, DateTimeOffset.UtcNow), cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            throw edits.Rejected(rpc, e);
        }

        var limits = options.Value.Plans;
        var engineOptions = new ProposalOptions(
            Seed: settings.Seed,
            TimeLimit: TimeSpan.FromSeconds(settings.TimeLimitSeconds == 0 ? limits.ProposalDefaultSeconds : Math.Min(settings.TimeLimitSeconds, limits.ProposalMaxSeconds)),
            BalanceWeight: settings.Objective?.Balance ?? 1,
            CompactnessWeight: settings.Objective?.Compactness ?? 0.1,
            DisruptionWeight: settings.Objective?.Disruption ?? 0.1,
            MaxMovedShare: settings.HasMaxMovedShare ? settings.MaxMovedShare : null)
        {
            BalanceTolerance = settings.SkipPolish ? null : settings.HasBalanceTolerance ? settings.BalanceTolerance : new ProposalOptions().BalanceTolerance,
            IterationBudget = settings.IterationBudget == 0 ? null : (long)Math.Min(settings.IterationBudget, long.MaxValue),
        };

        ProposalResult? baseline = null;
        if (settings.IncludeBaseline)
        {
            await Progress(responseStream, "baseline", 0, stopwatch, 0, 0).ConfigureAwait(false);
            baseline = await Task.Run(() => KMeansBaseline.Propose(setup.Problem, settings.Seed, cancellationToken), cancellationToken).ConfigureAwait(false);
        }

        // The engine reports on its own thread; the latest report is forwarded, at most a few a second.
        var reports = Channel.CreateBounded<ProposalProgress>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        var run = Task.Run(() =>
        {
            try
            {
                return ProposalEngine.Propose(setup.Problem, engineOptions, new ChannelProgress(reports.Writer), cancellationToken);
            }
            finally
            {
                reports.Writer.TryComplete();
            }
        }, cancellationToken);
        var lastSent = TimeSpan.FromSeconds(-1);
        await foreach (var report in reports.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (stopwatch.Elapsed - lastSent >= TimeSpan.FromMilliseconds(200) || report.Phase == "done")
            {
                lastSent = stopwatch.Elapsed;
                await Progress(responseStream, report.Phase, report.Iteration, stopwatch, report.MaxDeviation, report.Score).ConfigureAwait(false);
            }
        }

        var result = await run.ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        await Progress(responseStream, "writing", result.Iterations, stopwatch, result.Figures.MaxDeviation, 0).ConfigureAwait(false);
        var proposed = await Task.Run(() => ProposedTerritories(setup, result), cancellationToken).ConfigureAwait(false);

        // One change: a copy of the live map of the snapshot, output_layer replaced by the proposal.
        var kept = live.Territories.Values.Select(static t => t.Territory).Where(t => t.Layer != setup.OutputLayer);
        var upserts = kept.Concat(proposed).OrderBy(static t => t.Id, StringComparer.Ordinal).ToList();
        var (state, _) = await edits.RunAsync(rpc, name, null, state =>
        {
            if (state.Plans.ContainsKey(name))
            {
                throw RpcErrors.WithMapVersion(StatusCode.AlreadyExists,
                    $"A plan named \"{name}\" exists already (version {state.Plans[name].Version}); pick another name or delete it first.", state.Position);
            }

            var change = new MapChange(state.NextVersion, upserts, []) { Operation = PlanOperation.CreateFrom(live.Version) };
            return ((MapChange?)change.For(name, MapEdits.Info(context, settings.Message)), 0);
        }, "territories", null, context).ConfigureAwait(false);

        var before = live.Territories.Values.Select(static t => t.Territory).Where(t => t.Layer == setup.OutputLayer).Select(static t => t.Id).ToHashSet(StringComparer.Ordinal);
        var after = proposed.Select(static t => t.Id).ToHashSet(StringComparer.Ordinal);
        var outcome = new ProposalOutcome
        {
            Plan = ToMessage(state.Plans[name]),
            OutputLayer = setup.OutputLayer,
            Figures = Figures(result.Figures, setup.Problem, proposed),
            Baseline = baseline is null ? null : Figures(baseline.Figures, setup.Problem, null),
            Current = setup.HasCurrent ? Figures(ProposalFigures.Compute(setup.Problem, setup.Problem.Blocks.Select(static b => b.CurrentTerritory).ToArray()), setup.Problem, null) : null,
            StopReason = result.StopReason switch
            {
                ProposalStopReason.Converged => "converged",
                ProposalStopReason.IterationBudget => "iteration_budget",
                ProposalStopReason.TimeLimit => "time_limit",
                _ => "cancelled",
            },
            Iterations = (ulong)result.Iterations,
            ElapsedSeconds = stopwatch.Elapsed.TotalSeconds,
            BlockCount = (uint)setup.Blocks.Count,
            AccountCount = (ulong)accounts.Ids.Count,
            PlacedCount = (ulong)(accounts.Ids.Count - setup.Placement.Outside.Length),
            OutsideCount = (ulong)setup.Placement.Outside.Length,
            PinnedCount = (ulong)setup.PinnedCount,
            PinnedElsewhereCount = (ulong)setup.PinnedElsewhereCount,
            CreatedCount = (uint)after.Count(id => !before.Contains(id)),
            ReplacedCount = (uint)after.Count(before.Contains),
            DeletedCount = (uint)before.Count(id => !after.Contains(id)),
        };
        outcome.OutsideAccountIds.AddRange(setup.Placement.Outside.Take(MaxListedOutside).Select(a => accounts.Ids[a]));
        outcome.SwallowedBlockIds.AddRange(setup.Swallowed);
        outcome.SplitLimit = setup.SplitLimit;
        foreach (var split in setup.Split)
        {
            var message = new ProposalSplitBlock
            {
                BlockId = split.Id,
                Name = setup.BlockNames.GetValueOrDefault(split.Id, ""),
                Weight = split.Weight,
                Targets = setup.SplitTarget > 0 ? split.Weight / setup.SplitTarget : 0,
                Parts = (uint)split.Parts,
                Resolution = (uint)split.Resolution,
                HeaviestPartWeight = split.HeaviestPart,
            };
            var holders = new SortedSet<int>();
            for (var b = split.FirstPart; b < split.FirstPart + split.Parts; b++)
            {
                holders.Add(result.BlockTerritory[b]);
            }

            message.TerritoryIds.AddRange(holders.Select(t => setup.Problem.Territories[t].Id));
            outcome.SplitBlocks.Add(message);
        }

        await responseStream.WriteAsync(new ProposePlanResponse { Result = outcome }, cancellationToken).ConfigureAwait(false);
    }

    private static List<Territory> ProposedTerritories(ProposalSetup setup, ProposalResult result)
    {
        var problem = setup.Problem;
        var geometries = BlockUnion.Territories(setup.Blocks, result.BlockTerritory, problem.Territories.Count);
        var territories = new List<Territory>(geometries.Length);
        for (var t = 0; t < geometries.Length; t++)
        {
            if (geometries[t].IsEmpty)
            {
                continue;
            }

            territories.Add(new Territory
            {
                Id = problem.Territories[t].Id,
                Name = problem.Territories[t].Id,
                OwnerId = problem.Territories[t].OwnerId,
                Layer = setup.OutputLayer,
                Geometry = geometries[t],
            });
        }

        return territories;
    }

    private static ProposalFiguresMessage Figures(ProposalFigures figures, ProposalProblem problem, List<Territory>? polygons)
    {
        var message = new ProposalFiguresMessage
        {
            MaxDeviation = figures.MaxDeviation,
            MaxDeviationLowerBound = figures.MaxDeviationLowerBound,
            CoefficientOfVariation = figures.CoefficientOfVariation,
            CompactnessKm = figures.CompactnessKm,
            MovedAccounts = (ulong)figures.MovedAccounts,
            MovedShare = figures.MovedShare,
            MovedWeight = figures.MovedWeight,
            AllContiguous = figures.AllContiguous,
        };
        foreach (var t in figures.Territories)
        {
            var polygon = polygons?.Find(p => p.Id == t.Id);
            message.Territories.Add(new ProposalTerritoryFigures
            {
                TerritoryId = t.Id,
                OwnerId = problem.Territories[t.Index].OwnerId,
                Weight = t.Weight,
                AccountCount = (ulong)t.Accounts,
                Target = t.Target,
                Deviation = t.Deviation,
                BlockCount = (uint)t.Blocks,
                Contiguous = t.Contiguous,
                MeanDistanceKm = t.MeanDistanceKm,
                AreaKm2 = polygon is null ? 0 : EllipsoidArea.AreaKm2(polygon.Geometry),
            });
        }

        return message;
    }

    private void CheckSettings(ProposalSettings settings)
    {
        if (!double.IsFinite(settings.SplitShare) || settings.SplitShare < 0)
        {
            throw RpcErrors.InvalidArgument($"settings.split_share {RequestChecks.Format(settings.SplitShare)} is not a share of the target of 0 or more (0: the default, {ProposalSetup.DefaultSplitShare}).");
        }

        if (settings.HasBalanceTolerance && (!double.IsFinite(settings.BalanceTolerance) || settings.BalanceTolerance < 0))
        {
            throw RpcErrors.InvalidArgument($"settings.balance_tolerance {RequestChecks.Format(settings.BalanceTolerance)} is not a relative deviation of 0 or more (0.05 = 5 %).");
        }

        if (settings.HasMaxMovedShare && !(settings.MaxMovedShare >= 0 && settings.MaxMovedShare <= 1))
        {
            throw RpcErrors.InvalidArgument($"settings.max_moved_share {RequestChecks.Format(settings.MaxMovedShare)} is not a share between 0 and 1.");
        }

        if (!double.IsFinite(settings.TimeLimitSeconds) || settings.TimeLimitSeconds < 0)
        {
            throw RpcErrors.InvalidArgument($"settings.time_limit_seconds {RequestChecks.Format(settings.TimeLimitSeconds)} is not a number of seconds of 0 or more (0: the default, {options.Value.Plans.ProposalDefaultSeconds:F0} s).");
        }

        if (settings.Objective is { } o && (Bad(o.Balance) || Bad(o.Compactness) || Bad(o.Disruption)))
        {
            throw RpcErrors.InvalidArgument("settings.objective: each weight is a finite number of 0 or more.");
        }

        static bool Bad(double weight) => !double.IsFinite(weight) || weight < 0;
    }

    private void CheckAccounts(BalanceAccounts accounts, int firstIndex)
    {
        var count = accounts.Ids.Count;
        if (count > options.Value.MaxPointsPerMessage)
        {
            throw RpcErrors.ResourceExhausted($"The message has {count} accounts; the limit is {options.Value.MaxPointsPerMessage} per message (GeoAssign:MaxPointsPerMessage). Send smaller chunks.");
        }

        if (firstIndex + count > options.Value.Plans.ProposalMaxAccounts)
        {
            throw RpcErrors.ResourceExhausted($"More than {options.Value.Plans.ProposalMaxAccounts:N0} accounts; a proposal takes at most that many (GeoAssign:Plans:ProposalMaxAccounts).");
        }

        if (accounts.Lat.Count != count || accounts.Lng.Count != count || (accounts.Weights.Count != 0 && accounts.Weights.Count != count))
        {
            throw RpcErrors.InvalidArgument(
                $"accounts has columns of different lengths (ids {count}, lat {accounts.Lat.Count}, lng {accounts.Lng.Count}, weights {accounts.Weights.Count}; weights may be empty), at stream index {firstIndex}.");
        }

        for (var i = 0; i < count; i++)
        {
            if (accounts.Ids[i].Length == 0)
            {
                throw RpcErrors.InvalidArgument($"accounts[{firstIndex + i}]: the account id is empty.");
            }

            if (RequestChecks.PointProblem(accounts.Lat[i], accounts.Lng[i]) is { } problem)
            {
                throw RpcErrors.InvalidArgument($"accounts[{firstIndex + i}] (id \"{RequestChecks.Shorten(accounts.Ids[i])}\"): {problem}.");
            }

            if (accounts.Weights.Count != 0 && accounts.Weights[i] is var weight && (!double.IsFinite(weight) || weight < 0))
            {
                throw RpcErrors.InvalidArgument(
                    $"accounts[{firstIndex + i}] (id \"{RequestChecks.Shorten(accounts.Ids[i])}\"): the weight {RequestChecks.Format(weight)} is not a finite number of 0 or more.");
            }
        }
    }

    private static Task Progress(IServerStreamWriter<ProposePlanResponse> stream, string phase, long iteration, Stopwatch stopwatch, double maxDeviation, double score) =>
        stream.WriteAsync(new ProposePlanResponse
        {
            Progress = new ProposalProgressUpdate
            {
                Phase = phase,
                Iteration = (ulong)Math.Max(0, iteration),
                ElapsedSeconds = stopwatch.Elapsed.TotalSeconds,
                MaxDeviation = maxDeviation,
                Score = score,
            },
        });

    // Forwards the engine's reports without blocking it.
    private sealed class ChannelProgress(ChannelWriter<ProposalProgress> writer) : IProgress<ProposalProgress>
    {
        public void Report(ProposalProgress value) => writer.TryWrite(value);
    }
}

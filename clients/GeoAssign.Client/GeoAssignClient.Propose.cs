// The ProposePlan call: streams accounts, follows the progress, returns the plan written and its figures.
using Grpc.Core;
using V1 = GeoAssign.Protos.V1;

namespace GeoAssign.Client;

public sealed partial class GeoAssignClient
{
    /// <summary>
    /// Draws a balanced plan from blocks and <paramref name="accounts"/> and writes it as plan
    /// <see cref="PlanProposalRequest.Name"/> (see docs/proposals.md). The accounts are streamed in chunks
    /// of <see cref="GeoAssignClientOptions.ChunkSize"/> (their tiers are ignored); progress arrives on
    /// <paramref name="progress"/> while the server searches. Never retried: it writes a plan. Thread-safe.
    /// </summary>
    /// <exception cref="GeoAssignException">INVALID_ARGUMENT, NOT_FOUND (blocks layer, coverage), ALREADY_EXISTS (plan), and the other call failures.</exception>
    public async Task<PlanProposal> ProposePlanAsync(PlanProposalRequest request, IAsyncEnumerable<BalanceAccount> accounts,
        IProgress<ProposalProgressReport>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(accounts);
        var source = accounts.GetAsyncEnumerator(cancellationToken);
        await using (source.ConfigureAwait(false))
        {
            var outcome = await Retry.ExecuteAsync("ProposePlan", Options.Address, CallSafety.Once, (client: this, request, source, progress),
                static (args, token) => args.client.ProposeAttemptAsync(args.request, args.source, args.progress, token),
                cancellationToken).ConfigureAwait(false);
            return ToProposal(outcome);
        }
    }

    /// <inheritdoc cref="ProposePlanAsync(PlanProposalRequest, IAsyncEnumerable{BalanceAccount}, IProgress{ProposalProgressReport}?, CancellationToken)"/>
    public Task<PlanProposal> ProposePlanAsync(PlanProposalRequest request, IEnumerable<BalanceAccount> accounts,
        IProgress<ProposalProgressReport>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        return ProposePlanAsync(request, new SyncAsyncEnumerable<BalanceAccount>(accounts), progress, cancellationToken);
    }

    private async Task<V1.ProposalOutcome> ProposeAttemptAsync(PlanProposalRequest request, IAsyncEnumerator<BalanceAccount> source,
        IProgress<ProposalProgressReport>? progress, CancellationToken token)
    {
        using var call = new V1.PlanService.PlanServiceClient(_channel).ProposePlan(StreamingCallOptions(token));
        Exception? writeError = null;
        try
        {
            var first = true;
            var more = true;
            while (more)
            {
                var chunk = new V1.BalanceAccounts();
                more = await FillAsync(source, chunk).ConfigureAwait(false);
                chunk.Tiers.Clear();
                if (first || chunk.Count > 0)
                {
                    await call.RequestStream.WriteAsync(first ? new V1.ProposePlanRequest { Settings = Settings(request), Accounts = chunk }
                        : new V1.ProposePlanRequest { Accounts = chunk }, token).ConfigureAwait(false);
                    first = false;
                }
            }

            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException)
        {
            // The call failed while sending: its status, read below, says why.
            writeError = e;
        }

        V1.ProposalOutcome? outcome = null;
        await foreach (var message in call.ResponseStream.ReadAllAsync(token).ConfigureAwait(false))
        {
            if (message.KindCase == V1.ProposePlanResponse.KindOneofCase.Progress)
            {
                var p = message.Progress;
                progress?.Report(new ProposalProgressReport(p.Phase, (long)p.Iteration, TimeSpan.FromSeconds(p.ElapsedSeconds), p.MaxDeviation, p.Score));
            }
            else if (message.KindCase == V1.ProposePlanResponse.KindOneofCase.Result)
            {
                outcome = message.Result;
            }
        }

        if (writeError is not null)
        {
            throw writeError;
        }

        return outcome ?? throw new RpcException(new Status(StatusCode.Internal, "The server ended ProposePlan without a result."));
    }

    private static V1.ProposalSettings Settings(PlanProposalRequest request)
    {
        var settings = new V1.ProposalSettings
        {
            Name = request.Name,
            Message = request.Message ?? "",
            BlocksLayer = request.BlocksLayer ?? "",
            H3Resolution = (uint)(request.H3Resolution ?? 0),
            CoverageTerritoryId = request.CoverageTerritoryId ?? "",
            CoverageLayer = request.CoverageLayer ?? "",
            TerritoryCount = (uint)(request.TerritoryCount ?? 0),
            TimeLimitSeconds = request.TimeLimit?.TotalSeconds ?? 0,
            Seed = request.Seed,
            OutputLayer = request.OutputLayer ?? "",
            IncludeBaseline = request.IncludeBaseline,
        };
        if (request.MaxMovedShare is { } share)
        {
            settings.MaxMovedShare = share;
        }

        if (request.SplitHeavyBlocks is { } split)
        {
            settings.SplitHeavyBlocks = split;
        }

        settings.SplitShare = request.SplitShare ?? 0;
        if (request.BalanceTolerance is { } tolerance)
        {
            settings.BalanceTolerance = tolerance;
        }

        settings.SkipPolish = request.SkipPolish;
        settings.IterationBudget = (ulong)Math.Max(0, request.IterationBudget ?? 0);

        if (request.Objective is { } objective)
        {
            settings.Objective = new V1.ProposalObjective { Balance = objective.Balance, Compactness = objective.Compactness, Disruption = objective.Disruption };
        }

        settings.Locks.AddRange(request.Locks);
        foreach (var owner in request.Owners)
        {
            var message = new V1.ProposalOwner { OwnerId = owner.OwnerId, TerritoryId = owner.TerritoryId ?? "", Capacity = owner.Capacity };
            if (owner.HomeLat is { } lat && owner.HomeLng is { } lng)
            {
                message.HomeLat = lat;
                message.HomeLng = lng;
            }

            settings.Owners.Add(message);
        }

        return settings;
    }

    private static PlanProposal ToProposal(V1.ProposalOutcome outcome) => new(
        ProtoMapping.Plan(outcome.Plan),
        outcome.OutputLayer,
        ToFigures(outcome.Figures),
        outcome.Baseline is null ? null : ToFigures(outcome.Baseline),
        outcome.Current is null ? null : ToFigures(outcome.Current),
        outcome.StopReason,
        (long)outcome.Iterations,
        TimeSpan.FromSeconds(outcome.ElapsedSeconds),
        (int)outcome.BlockCount,
        (long)outcome.AccountCount,
        (long)outcome.PlacedCount,
        (long)outcome.OutsideCount,
        [.. outcome.OutsideAccountIds],
        (long)outcome.PinnedCount,
        (long)outcome.PinnedElsewhereCount,
        (int)outcome.CreatedCount,
        (int)outcome.ReplacedCount,
        (int)outcome.DeletedCount,
        [.. outcome.SwallowedBlockIds])
    {
        SplitBlocks = [.. outcome.SplitBlocks.Select(static s => new ProposalSplitBlock(s.BlockId, s.Name, s.Weight, s.Targets, (int)s.Parts, (int)s.Resolution,
            s.HeaviestPartWeight, [.. s.TerritoryIds]))],
        SplitLimit = outcome.SplitLimit,
    };

    private static ProposalFigures ToFigures(V1.ProposalFigures figures) => new(
        [.. figures.Territories.Select(t => new ProposalTerritoryFigures(t.TerritoryId, t.OwnerId, t.Weight, (long)t.AccountCount, t.Target, t.Deviation,
            (int)t.BlockCount, t.Contiguous, t.MeanDistanceKm, t.AreaKm2))],
        figures.MaxDeviation, figures.MaxDeviationLowerBound, figures.CoefficientOfVariation, figures.CompactnessKm,
        (long)figures.MovedAccounts, figures.MovedShare, figures.MovedWeight, figures.AllContiguous);
}

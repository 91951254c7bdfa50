// BalanceService: how evenly the live map, and a plan beside it, share streamed accounts among owners.
using System.Diagnostics;
using System.Runtime.InteropServices;
using GeoAssign.Index;
using GeoAssign.Index.Analysis;
using GeoAssign.Index.Cells;
using GeoAssign.Protos.V1;
using GeoAssign.Server.Hosting;
using GeoAssign.Server.Maps;
using GeoAssign.Server.Telemetry;
using Grpc.Core;
using Microsoft.Extensions.Options;
using AccountOverride = GeoAssign.Index.Accounts.AccountOverride;
using ReportMessage = GeoAssign.Protos.V1.BalanceReport;

namespace GeoAssign.Server.Services;

/// <summary>BalanceReport: assigns account chunks and tallies them per territory and owner. See balance.proto for the contract.</summary>
internal sealed class BalanceService(MapReader maps, GeoAssignMetrics metrics, IOptions<GeoAssignServerOptions> options)
    : Protos.V1.BalanceService.BalanceServiceBase
{
    /// <summary>Longest tier value, in characters.</summary>
    public const int MaxTierLength = 64;

    /// <summary>Most distinct tier values in one call: the mix is kept per territory and per owner.</summary>
    public const int MaxTiers = 256;

    private readonly int _maxAccounts = options.Value.MaxPointsPerMessage;

    public override async Task<ReportMessage> BalanceReport(IAsyncStreamReader<BalanceRequest> requestStream, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        Call? call = null;
        long processed = 0;
        long messages = 0;
        while (await requestStream.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            var request = requestStream.Current;
            if (call is null)
            {
                var layer = RequestChecks.Layer(request.Layer);
                var plan = RequestChecks.Plan(request.Plan);
                Check(request.Accounts, processed);
                call = await StartAsync(layer, plan, request.MinVersion, context).ConfigureAwait(false);
            }
            else
            {
                if (request.Layer.Length != 0 && request.Layer != call.Layer)
                {
                    throw RpcErrors.InvalidArgument(
                        $"Message {messages} of the stream names layer \"{RequestChecks.Shorten(request.Layer)}\" but the call reports on layer \"{call.Layer}\"; later messages leave layer empty.");
                }

                if (request.Plan.Length != 0 && request.Plan != call.Plan?.Name)
                {
                    throw RpcErrors.InvalidArgument(
                        $"Message {messages} of the stream names plan \"{RequestChecks.Shorten(request.Plan)}\" but the call reports on {(call.Plan is null ? "the live map only" : $"plan \"{call.Plan.Name}\"")}; later messages leave plan empty.");
                }

                Check(request.Accounts, processed);
            }

            var start = Stopwatch.GetTimestamp();
            var counts = default(ReasonCounts);
            call.Add(request.Accounts, processed, ref counts);
            processed += request.Accounts?.Ids.Count ?? 0;
            messages++;
            metrics.Resolved("BalanceReport", start, counts);
        }

        // No message at all: the report of no accounts on the live map.
        call ??= await StartAsync(Index.Model.Territory.DefaultLayer, "", 0, context).ConfigureAwait(false);
        return call.Report(processed);
    }

    private async Task<Call> StartAsync(string layer, string plan, ulong minVersion, ServerCallContext context)
    {
        await maps.AtLeastAsync(minVersion, context).ConfigureAwait(false);
        // One state for both maps, so the live map and the plan are of one moment; the live map's
        // overrides apply to both, as in lookups against a plan.
        var state = maps.Replica.State;
        var live = new Side("", MapReader.Select(state, ""), layer);
        var planned = plan.Length == 0 ? null : new Side(plan, MapReader.Select(state, plan), layer);
        return new Call(layer, live, planned, state.Live.Overrides, DateTime.UtcNow.Ticks);
    }

    private void Check(BalanceAccounts? accounts, long firstIndex)
    {
        if (accounts is null)
        {
            return;
        }

        var count = accounts.Ids.Count;
        if (count > _maxAccounts)
        {
            throw RpcErrors.ResourceExhausted($"The message has {count} accounts; the limit is {_maxAccounts} per message (GeoAssign:MaxPointsPerMessage). Send smaller chunks.");
        }

        if (accounts.Lat.Count != count || accounts.Lng.Count != count
            || (accounts.Weights.Count != 0 && accounts.Weights.Count != count) || (accounts.Tiers.Count != 0 && accounts.Tiers.Count != count))
        {
            throw RpcErrors.InvalidArgument(
                $"accounts has columns of different lengths (ids {count}, lat {accounts.Lat.Count}, lng {accounts.Lng.Count}, weights {accounts.Weights.Count}, tiers {accounts.Tiers.Count}; "
                + $"weights and tiers may be empty), at stream index {firstIndex}.");
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

            if (accounts.Tiers.Count != 0 && accounts.Tiers[i].Length > MaxTierLength)
            {
                throw RpcErrors.InvalidArgument(
                    $"accounts[{firstIndex + i}] (id \"{RequestChecks.Shorten(accounts.Ids[i])}\"): the tier has {accounts.Tiers[i].Length} characters; the limit is {MaxTierLength}.");
            }
        }
    }

    /// <summary>One map the accounts are tallied under: the live map or the plan.</summary>
    private sealed class Side(string plan, TerritoryMap map, string layer)
    {
        public string Name { get; } = plan;

        public TerritoryMap Map { get; } = map;

        public LayerIndex Index { get; } = ChunkResolver.IndexOf(map, layer);

        public BalanceTally Tally { get; } = new(map.Territories.Values.Select(t => t.Territory).Where(t => t.Layer == layer));

        /// <summary>Tallies one account: its override (when in force) decides the owner, its territory_id (when one of the layer's) the territory.</summary>
        public void Add(double lat, double lng, AccountOverride? overriding, int tier, double weight, ref ReasonCounts counts)
        {
            var assignment = Index.Resolve(lat, lng);
            var territory = assignment.Territory?.Territory;
            if (overriding is null)
            {
                counts.Add(assignment.Reason);
                Tally.Add(territory?.Id, territory?.OwnerId ?? "", tier, weight, overridden: false);
                return;
            }

            counts.AddOverride();
            var counted = overriding.TerritoryId is { } named && Tally.HasTerritory(named) ? named : territory?.Id;
            Tally.Add(counted, overriding.OwnerId, tier, weight, overridden: true);
        }

        public MapBalance Report(IReadOnlyList<string> tierNames)
        {
            var balance = new MapBalance
            {
                Plan = Name,
                MapVersion = (ulong)Map.Version,
                Unassigned = Totals(Tally.UnassignedLoad(), tierNames),
                UncoveredCount = (ulong)Tally.UncoveredCount,
                OverrideCount = (ulong)Tally.OverrideCount,
                CountFigures = Figures(Tally.CountFigures()),
                WeightFigures = Figures(Tally.WeightFigures()),
            };
            foreach (var territory in Tally.Territories())
            {
                balance.Territories.Add(new TerritoryBalance
                {
                    TerritoryId = territory.TerritoryId,
                    OwnerId = territory.OwnerId,
                    Totals = Totals(territory.Load, tierNames),
                    OverrideCount = (ulong)territory.Load.OverrideCount,
                });
            }

            foreach (var owner in Tally.Owners())
            {
                balance.Owners.Add(new OwnerBalance
                {
                    OwnerId = owner.OwnerId,
                    Totals = Totals(owner.Load, tierNames),
                    OverrideCount = (ulong)owner.Load.OverrideCount,
                    TerritoryCount = (uint)owner.TerritoryCount,
                });
            }

            return balance;
        }

        private static BalanceTotals Totals(AccountLoad load, IReadOnlyList<string> tierNames)
        {
            var totals = new BalanceTotals { Count = (ulong)load.Count, Weight = load.Weight };
            foreach (var tier in load.Tiers.OrderBy(t => tierNames[t.Tier], StringComparer.Ordinal))
            {
                totals.Tiers.Add(new TierTally { Tier = tierNames[tier.Tier], Count = (ulong)tier.Count, Weight = tier.Weight });
            }

            return totals;
        }

        private static ImbalanceFigures Figures(BalanceFigures figures) => new()
        {
            OwnerCount = (uint)figures.Count,
            Min = figures.Min,
            Max = figures.Max,
            Mean = figures.Mean,
            MaxOverMean = figures.MaxOverMean,
            CoefficientOfVariation = figures.CoefficientOfVariation,
            Gini = figures.Gini,
        };
    }

    /// <summary>The state of one call: its maps, the overrides and the tier values seen. Not thread-safe.</summary>
    private sealed class Call(string layer, Side live, Side? plan, Index.Accounts.OverrideBook overrides, long atTicks)
    {
        private readonly Dictionary<string, int> _tiers = new(StringComparer.Ordinal);
        private readonly List<string> _tierNames = [];
        private bool _weighted;

        public string Layer { get; } = layer;

        public Side? Plan { get; } = plan;

        /// <summary>Tallies a checked chunk under both maps; allocates nothing per account beyond dictionary growth.</summary>
        public void Add(BalanceAccounts? accounts, long firstIndex, ref ReasonCounts counts)
        {
            var count = accounts?.Ids.Count ?? 0;
            if (count == 0)
            {
                return;
            }

            var ids = accounts!.Ids;
            var lat = accounts.Lat;
            var lng = accounts.Lng;
            var weights = accounts.Weights;
            var tiers = accounts.Tiers;
            _weighted |= weights.Count != 0;
            for (var i = 0; i < count; i++)
            {
                var weight = weights.Count == 0 ? 1.0 : weights[i];
                var tier = tiers.Count == 0 ? -1 : TierOf(tiers[i], firstIndex + i);
                // TryGetInForce hands back an override out of force too; only its answer counts.
                var overriding = overrides.TryGetInForce(ids[i], atTicks, out var entry) ? entry : null;
                live.Add(lat[i], lng[i], overriding, tier, weight, ref counts);
                Plan?.Add(lat[i], lng[i], overriding, tier, weight, ref counts);
            }
        }

        public ReportMessage Report(long accounts)
        {
            var report = new ReportMessage
            {
                Layer = Layer,
                AccountCount = (ulong)accounts,
                Weighted = _weighted,
                Live = live.Report(_tierNames),
                Plan = Plan?.Report(_tierNames),
            };
            report.Tiers.AddRange(_tierNames.Order(StringComparer.Ordinal));
            return report;
        }

        private int TierOf(string tier, long index)
        {
            ref var number = ref CollectionsMarshal.GetValueRefOrAddDefault(_tiers, tier, out var known);
            if (!known)
            {
                if (_tierNames.Count == MaxTiers)
                {
                    _tiers.Remove(tier);
                    throw RpcErrors.InvalidArgument(
                        $"accounts[{index}]: the tier \"{RequestChecks.Shorten(tier)}\" would be distinct tier number {MaxTiers + 1}; the limit is {MaxTiers} per call.");
                }

                number = _tierNames.Count;
                _tierNames.Add(tier);
            }

            return number;
        }
    }
}

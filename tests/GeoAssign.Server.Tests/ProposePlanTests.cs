// ProposePlan through a real server: a balanced plan of Colorado counties, its coverage, pins, progress and refusals.
using GeoAssign.Index.Analysis;
using GeoAssign.Protos.V1;
using GeoAssign.Replication.Replicas;
using GeoAssign.Testing;
using GeoAssign.Testing.Servers;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Union;
using IndexTerritory = GeoAssign.Index.Model.Territory;

namespace GeoAssign.Server.Tests;

public sealed class ProposePlanTests
{
    private static readonly string[] Reps = ["rep-a", "rep-b", "rep-c", "rep-d"];

    // Colorado's 64 counties, owned by four reps in bands west to east.
    private static List<IndexTerritory> Counties()
    {
        var counties = TestDatasets.UsCountiesExtract().Where(static t => t.Id.StartsWith("08", StringComparison.Ordinal)).ToList();
        return counties.Select(t => t with { OwnerId = Reps[Math.Clamp((int)((t.Geometry.Centroid.X + 109.06) / 7.05 * 4), 0, 3)] }).ToList();
    }

    private static List<(string Id, double Lat, double Lng, double Weight)> Accounts(int count, int seed)
    {
        var random = new Random(seed);
        var accounts = new List<(string, double, double, double)>();
        for (var i = 0; i < count; i++)
        {
            // Denser around Denver, as real accounts are.
            var (lat, lng) = random.Next(3) == 0
                ? (39.74 + (random.NextDouble() - 0.5) * 0.6, -104.99 + (random.NextDouble() - 0.5) * 0.6)
                : (37.1 + random.NextDouble() * 3.8, -108.9 + random.NextDouble() * 6.8);
            accounts.Add(($"acc-{i}", lat, lng, 1 + random.Next(5)));
        }

        return accounts;
    }

    private static async Task<(List<ProposalProgressUpdate> Progress, ProposalOutcome? Result)> ProposeAsync(TestServer server, ProposalSettings settings,
        IReadOnlyList<(string Id, double Lat, double Lng, double Weight)> accounts)
    {
        var plans = new PlanService.PlanServiceClient(server.Channel);
        using var call = plans.ProposePlan();
        try
        {
            for (var start = 0; start == 0 || start < accounts.Count; start += 500)
            {
                var chunk = new BalanceAccounts();
                foreach (var (id, lat, lng, weight) in accounts.Skip(start).Take(500))
                {
                    chunk.Add(id, lat, lng, weight);
                }

                await call.RequestStream.WriteAsync(start == 0 ? new ProposePlanRequest { Settings = settings, Accounts = chunk } : new ProposePlanRequest { Accounts = chunk });
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException)
        {
            // The server refused the settings while accounts were still being sent: a write then fails
            // with the call's end, and the response stream below throws the server's own status.
        }
        var progress = new List<ProposalProgressUpdate>();
        ProposalOutcome? result = null;
        await foreach (var message in call.ResponseStream.ReadAllAsync())
        {
            Assert.Null(result);
            if (message.KindCase == ProposePlanResponse.KindOneofCase.Progress)
            {
                progress.Add(message.Progress);
            }
            else
            {
                result = message.Result;
            }
        }

        return (progress, result);
    }

    // The plan's proposed territories cover the counties' area, and the coverage check over the
    // counties' union finds no overlap and no gap.
    private static async Task AssertTilesCountiesAsync(TestServer server, string plan, IEnumerable<IndexTerritory> counties, IReadOnlyList<IndexTerritory> proposed)
    {
        var countiesArea = counties.Sum(static c => EllipsoidArea.AreaKm2(c.Geometry));
        Assert.Equal(countiesArea, proposed.Sum(static t => EllipsoidArea.AreaKm2(t.Geometry)), countiesArea * 1e-6);
        var union = CascadedPolygonUnion.Union(counties.Select(static c => c.Geometry).ToList());
        var coverage = await new PlanService.PlanServiceClient(server.Channel).CheckCoverageAsync(new CheckCoverageRequest
        {
            Plan = plan,
            Layer = "geo",
            CoverageGeojson = GeoJson(union),
        });
        var layer = Assert.Single(coverage.Layers);
        Assert.Empty(layer.Overlaps);
        Assert.Empty(layer.Gaps);
    }

    private static string GeoJson(Geometry geometry)
    {
        var options = new System.Text.Json.JsonSerializerOptions();
        options.Converters.Add(new NetTopologySuite.IO.Converters.GeoJsonConverterFactory());
        return System.Text.Json.JsonSerializer.Serialize(geometry, options);
    }

    private static ProposalSettings Settings(string name) => new()
    {
        Name = name,
        BlocksLayer = "geo",
        Owners = { Reps.Select(r => new ProposalOwner { OwnerId = r }) },
        TimeLimitSeconds = 5,
        Seed = 3,
        IncludeBaseline = true,
    };

    [Fact]
    public async Task A_proposal_is_a_plan_that_tiles_the_blocks_keeps_protected_accounts_and_reports_progress()
    {
        await using var server = await TestServer.StartAsync();
        var counties = Counties();
        await server.ImportAsync(counties);

        // A protected override gives an account in the far east (rep-d today) to rep-a; an unprotected one is not pinned.
        var accountsClient = new AccountService.AccountServiceClient(server.Channel);
        await accountsClient.UpsertOverridesAsync(new UpsertOverridesRequest
        {
            Overrides =
            {
                new AccountOverride { AccountId = "acc-pinned", OwnerId = "rep-a", Protected = true },
                new AccountOverride { AccountId = "acc-loose", OwnerId = "rep-b" },
            },
        });
        var accounts = Accounts(3000, 5);
        accounts.Add(("acc-pinned", 38.5, -102.3, 500));
        accounts.Add(("acc-loose", 38.5, -102.4, 1));
        accounts.Add(("acc-sea", 0.5, -30, 1));

        var (progress, result) = await ProposeAsync(server, Settings("fy27-proposal"), accounts);

        Assert.NotNull(result);
        Assert.NotEmpty(progress);
        Assert.Contains(progress, p => p.Phase == "blocks");
        Assert.Equal("geo", result.OutputLayer);
        Assert.Equal((uint)counties.Count, result.BlockCount);
        Assert.Equal((ulong)accounts.Count, result.AccountCount);
        Assert.Equal(1UL, result.OutsideCount);
        Assert.Equal(["acc-sea"], result.OutsideAccountIds);
        Assert.Equal(1UL, result.PinnedCount);
        Assert.Equal(0UL, result.PinnedElsewhereCount);
        Assert.NotNull(result.Baseline);
        Assert.NotNull(result.Current);
        Assert.Equal(4, result.Figures.Territories.Count);

        // The figures add up to the placed accounts' weight, the pinned one included wherever its block goes.
        var placedWeight = accounts.Where(a => a.Id != "acc-sea").Sum(static a => a.Weight);
        Assert.Equal(placedWeight, result.Figures.Territories.Sum(static t => t.Weight), 6);

        // The plan exists and its layer holds exactly the four proposed territories.
        var replica = server.App.Services.GetRequiredService<MapReplica>();
        var plan = replica.State.Plans["fy27-proposal"].Map;
        var proposed = plan.Territories.Values.Select(static t => t.Territory).Where(static t => t.Layer == "geo").ToList();
        Assert.Equal(Reps, proposed.Select(static t => t.OwnerId).Order(StringComparer.Ordinal));
        Assert.All(proposed, t => Assert.True(t.Geometry.IsValid, t.Id));

        // Every county lies in exactly one proposed territory, the one its figures count it in.
        var blockCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var county in counties)
        {
            var inside = county.Geometry.InteriorPoint;
            var holders = proposed.Where(t => t.Geometry.Covers(inside)).ToList();
            Assert.True(holders.Count == 1, $"county {county.Id} lies in {holders.Count} proposed territories");
            blockCounts[holders[0].Id] = blockCounts.GetValueOrDefault(holders[0].Id) + 1;
        }

        Assert.All(result.Figures.Territories, t => Assert.Equal((int)t.BlockCount, blockCounts[t.TerritoryId]));
        await AssertTilesCountiesAsync(server, "fy27-proposal", counties, proposed);

        // The pinned account keeps rep-a: the territory of rep-a counts its weight even if its block went elsewhere.
        var pinnedBlockOwner = proposed.Single(t => t.Geometry.Covers(new Point(-102.3, 38.5))).OwnerId;
        var repA = result.Figures.Territories.Single(t => t.OwnerId == "rep-a");
        var repAWeightFromBlocks = accounts.Where(a => a.Id is not ("acc-sea" or "acc-pinned"))
            .Where(a => proposed.Single(t => t.OwnerId == "rep-a").Geometry.Covers(new Point(a.Lng, a.Lat))).Sum(static a => a.Weight);
        Assert.Equal(repAWeightFromBlocks + 500, repA.Weight, 6);
        Assert.True(pinnedBlockOwner.Length > 0);
    }

    [Fact]
    public async Task Bad_requests_are_refused_with_a_status_naming_the_problem()
    {
        await using var server = await TestServer.StartAsync();
        await server.ImportAsync(Counties());
        var accounts = Accounts(200, 1);

        async Task<RpcException> Refused(StatusCode code, ProposalSettings settings)
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => ProposeAsync(server, settings, accounts));
            Assert.Equal(code, error.StatusCode);
            return error;
        }

        var unknown = Settings("p1");
        unknown.BlocksLayer = "nowhere";
        Assert.Contains("\"nowhere\"", (await Refused(StatusCode.NotFound, unknown)).Status.Detail, StringComparison.Ordinal);

        var tooMany = Settings("p2");
        tooMany.Owners.Clear();
        tooMany.TerritoryCount = 65;
        Assert.Contains("65 territories cannot be drawn from 64 blocks", (await Refused(StatusCode.InvalidArgument, tooMany)).Status.Detail, StringComparison.Ordinal);

        var badLock = Settings("p3");
        badLock.Locks.Add("no-such-block");
        Assert.Contains("\"no-such-block\" is neither a block nor a proposed territory", (await Refused(StatusCode.InvalidArgument, badLock)).Status.Detail, StringComparison.Ordinal);

        var both = Settings("p4");
        both.TerritoryCount = 3;
        Assert.Contains("territory_count or settings.owners", (await Refused(StatusCode.InvalidArgument, both)).Status.Detail, StringComparison.Ordinal);

        var share = Settings("p5");
        share.MaxMovedShare = 1.5;
        Assert.Contains("max_moved_share", (await Refused(StatusCode.InvalidArgument, share)).Status.Detail, StringComparison.Ordinal);

        await new PlanService.PlanServiceClient(server.Channel).CreatePlanAsync(new CreatePlanRequest { Name = "taken" });
        Assert.Contains("\"taken\" exists already", (await Refused(StatusCode.AlreadyExists, Settings("taken"))).Status.Detail, StringComparison.Ordinal);

        // No settings in the first message.
        var plans = new PlanService.PlanServiceClient(server.Channel);
        using var call = plans.ProposePlan();
        await call.RequestStream.WriteAsync(new ProposePlanRequest { Accounts = new BalanceAccounts() });
        await call.RequestStream.CompleteAsync();
        var error = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);

        // Nothing was written.
        var list = await plans.ListPlansAsync(new ListPlansRequest());
        Assert.Equal(["taken"], list.Plans.Select(static p => p.Name));
    }

    [Fact]
    public async Task H3_blocks_over_a_territory_and_a_count_of_territories_make_a_plan_without_gaps()
    {
        await using var server = await TestServer.StartAsync();
        var counties = Counties();
        await server.ImportAsync(counties.Where(static c => c.Id == "08031"));   // Denver county, layer geo
        var denver = counties.Single(static c => c.Id == "08031");
        var settings = new ProposalSettings
        {
            Name = "denver-h3",
            H3Resolution = 8,
            CoverageTerritoryId = "08031",
            TerritoryCount = 3,
            OutputLayer = "sales",
            TimeLimitSeconds = 5,
        };
        var accounts = Accounts(3000, 9);
        var (progress, result) = await ProposeAsync(server, settings, accounts);
        Assert.NotNull(result);
        Assert.NotEmpty(progress);
        Assert.Equal(3, result.Figures.Territories.Count);
        Assert.Equal(3u, result.CreatedCount);
        Assert.True(result.BlockCount > 50, $"{result.BlockCount} cells");

        var replica = server.App.Services.GetRequiredService<MapReplica>();
        var proposed = replica.State.Plans["denver-h3"].Map.Territories.Values.Select(static t => t.Territory).Where(static t => t.Layer == "sales").ToList();
        Assert.Equal(["denver-h3-1", "denver-h3-2", "denver-h3-3"], proposed.Select(static t => t.Id).Order(StringComparer.Ordinal));
        var union = CascadedPolygonUnion.Union(proposed.Select(static t => t.Geometry).ToList());
        var coverage = await new PlanService.PlanServiceClient(server.Channel).CheckCoverageAsync(new CheckCoverageRequest
        {
            Plan = "denver-h3",
            Layer = "sales",
            CoverageGeojson = GeoJson(union),
        });
        var layer = Assert.Single(coverage.Layers);
        Assert.Empty(layer.Overlaps);
        Assert.Empty(layer.Gaps);
        Assert.True(union.Area > denver.Geometry.Area * 0.8 && union.Area < denver.Geometry.Area * 1.2);
    }

    [Fact]
    public async Task A_county_heavier_than_a_target_is_divided_shared_and_reported_and_the_plan_still_tiles_the_counties()
    {
        await using var server = await TestServer.StartAsync();
        var counties = Counties();
        await server.ImportAsync(counties);

        // Most accounts within 15 km of downtown Denver: Denver county alone outweighs a target of six.
        var random = new Random(21);
        var accounts = Accounts(1500, 8);
        for (var i = 0; i < 6000; i++)
        {
            var r = 15 / 111.32 * Math.Sqrt(random.NextDouble());
            var angle = random.NextDouble() * 2 * Math.PI;
            accounts.Add(($"metro-{i}", 39.74 + (r * Math.Sin(angle)), -104.99 + (r * Math.Cos(angle) / Math.Cos(39.74 * Math.PI / 180)), 1));
        }

        var settings = new ProposalSettings { Name = "metro", BlocksLayer = "geo", TerritoryCount = 6, TimeLimitSeconds = 20, Seed = 2, IterationBudget = 200_000 };
        var whole = settings.Clone();
        whole.Name = "metro-whole";
        whole.SplitHeavyBlocks = false;
        var (_, wholeResult) = await ProposeAsync(server, whole, accounts);
        Assert.NotNull(wholeResult);
        Assert.Empty(wholeResult.SplitBlocks);
        Assert.Equal((uint)counties.Count, wholeResult.BlockCount);
        Assert.True(wholeResult.Figures.MaxDeviationLowerBound > 0.3, $"bound {wholeResult.Figures.MaxDeviationLowerBound:P1}");

        // Unset: divided because a county outweighs a whole target.
        var (_, result) = await ProposeAsync(server, settings, accounts);
        Assert.NotNull(result);
        var denver = Assert.Single(result.SplitBlocks, static s => s.BlockId == "08031");
        Assert.Equal("Denver", denver.Name);
        Assert.True(denver.Targets > 1.3, $"{denver.Targets} targets");
        Assert.True(denver.Parts > 1);
        Assert.True(denver.TerritoryIds.Count > 1, "Denver should be shared");
        Assert.Equal(result.SplitLimit, 0.5 * result.Figures.Territories[0].Target, 6);
        Assert.All(result.SplitBlocks, s => Assert.True(s.Weight > result.SplitLimit && s.HeaviestPartWeight <= result.SplitLimit, s.BlockId));
        Assert.Equal((uint)(counties.Count - result.SplitBlocks.Count + result.SplitBlocks.Sum(static s => (int)s.Parts)), result.BlockCount);
        Assert.True(result.Figures.AllContiguous);
        Assert.Equal(0, result.Figures.MaxDeviationLowerBound);
        Assert.True(result.Figures.MaxDeviation < wholeResult.Figures.MaxDeviationLowerBound,
            $"divided {result.Figures.MaxDeviation:P1}, whole counties at best {wholeResult.Figures.MaxDeviationLowerBound:P1}");

        // The territories holding Denver's parts are the ones whose polygons cover them; they tile the counties.
        var replica = server.App.Services.GetRequiredService<MapReplica>();
        var proposed = replica.State.Plans["metro"].Map.Territories.Values.Select(static t => t.Territory).Where(static t => t.Layer == "geo").ToList();
        Assert.All(proposed, t => Assert.True(t.Geometry.IsValid, t.Id));
        var denverGeometry = counties.Single(static c => c.Id == "08031").Geometry;
        var holding = proposed.Where(t => t.Geometry.Intersection(denverGeometry).Area > denverGeometry.Area * 1e-9).Select(static t => t.Id).Order(StringComparer.Ordinal);
        Assert.Equal(denver.TerritoryIds.Order(StringComparer.Ordinal), holding);
        await AssertTilesCountiesAsync(server, "metro", counties, proposed);

        // The figures count each account once, in the territory whose polygon covers it.
        foreach (var t in result.Figures.Territories)
        {
            var polygon = proposed.Single(p => p.Id == t.TerritoryId).Geometry;
            var inside = accounts.Where(a => polygon.Covers(new Point(a.Lng, a.Lat))).ToList();
            Assert.Equal((ulong)inside.Count, t.AccountCount);
        }

        var bad = settings.Clone();
        bad.Name = "metro-bad";
        bad.SplitShare = -1;
        var error = await Assert.ThrowsAsync<RpcException>(() => ProposeAsync(server, bad, accounts));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("split_share", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_balance_tolerance_reaches_the_compactness_polish()
    {
        await using var server = await TestServer.StartAsync();
        await server.ImportAsync(Counties());
        var accounts = Accounts(3000, 5);
        async Task<ProposalOutcome> Run(string name, double? tolerance, bool skip)
        {
            var settings = Settings(name);
            settings.IterationBudget = 100_000;
            settings.TimeLimitSeconds = 60;
            settings.SkipPolish = skip;
            if (tolerance is { } t)
            {
                settings.BalanceTolerance = t;
            }

            var (_, result) = await ProposeAsync(server, settings, accounts);
            Assert.NotNull(result);
            Assert.NotEqual("time_limit", result.StopReason);
            return result;
        }

        var none = await Run("no-polish", null, skip: true);
        var strict = await Run("strict", 0, skip: false);
        var standard = await Run("standard", null, skip: false);
        var loose = await Run("loose", 0.4, skip: false);

        // Tolerance 0: the polish may not let any deviation grow, so the largest one does not.
        Assert.True(strict.Figures.MaxDeviation <= none.Figures.MaxDeviation + 1e-12, $"strict {strict.Figures.MaxDeviation:P2}, none {none.Figures.MaxDeviation:P2}");

        // 40 %: another plan than the default 5 % (the budget makes both deterministic), and no territory beyond 40 % or
        // the deviation the search left.
        static string Weights(ProposalOutcome o) => string.Join(",", o.Figures.Territories.Select(static t => t.Weight.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.NotEqual(Weights(standard), Weights(loose));
        Assert.True(loose.Figures.MaxDeviation <= Math.Max(0.4, none.Figures.MaxDeviation) + 1e-12, $"loose {loose.Figures.MaxDeviation:P2}");

        var bad = Settings("bad-tolerance");
        bad.BalanceTolerance = double.NaN;
        var error = await Assert.ThrowsAsync<RpcException>(() => ProposeAsync(server, bad, accounts));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("balance_tolerance", error.Status.Detail, StringComparison.Ordinal);
    }
}

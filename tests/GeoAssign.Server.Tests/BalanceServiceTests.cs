// The balance report through a real server: random accounts with overrides and a plan, against a computation in the test.
using GeoAssign.Protos.V1;
using GeoAssign.Testing.Servers;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace GeoAssign.Server.Tests;

public sealed class BalanceServiceTests
{
    private const int Columns = 4;
    private const int Rows = 3;

    private static BalanceService.BalanceServiceClient Balance(TestServer server) => new(server.Channel);

    [Fact]
    public async Task Report_of_random_accounts_with_overrides_and_a_plan_equals_a_straightforward_computation()
    {
        var random = new Random(14);
        await using var server = await TestServer.StartAsync();

        // Live map: a 4 x 3 grid of 1-degree squares, t{column}{row}, each owned by one of four reps.
        var live = new Dictionary<string, Square>(StringComparer.Ordinal);
        for (var c = 0; c < Columns; c++)
        {
            for (var r = 0; r < Rows; r++)
            {
                live[$"t{c}{r}"] = new Square(c, r, $"rep-{"abcd"[random.Next(4)]}");
            }
        }

        // A territory of another layer over the whole grid must not count.
        await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Territories = { live.Select(t => Shapes.Territory(t.Key, Shapes.Square(t.Value.Lng, t.Value.Lat, 1), owner: t.Value.Owner)) },
        });
        await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Territories = { Shapes.Territory("big", Shapes.Square(-1, -1, 8), owner: "rep-z", layer: "regions") },
        });

        // Overrides: in force with and without territory, expired, not yet in force, and one toward a
        // territory the plan deletes.
        var now = DateTimeOffset.UtcNow;
        var overrides = new Dictionary<string, AccountOverride>(StringComparer.Ordinal);
        for (var i = 0; i < 60; i++)
        {
            var entry = new AccountOverride
            {
                AccountId = $"acc-{i * 7}",
                OwnerId = i % 3 == 0 ? "rep-key" : $"rep-{"abcd"[random.Next(4)]}",
                TerritoryId = (i % 4) switch { 0 => "t21", 1 => "t00", _ => "" },
                Protected = i % 2 == 0,
            };
            if (i % 10 == 7)
            {
                entry.ValidUntil = Timestamp.FromDateTimeOffset(now.AddDays(-1));
            }
            else if (i % 10 == 8)
            {
                entry.ValidFrom = Timestamp.FromDateTimeOffset(now.AddDays(1));
            }
            else if (i % 10 == 9)
            {
                entry.ValidFrom = Timestamp.FromDateTimeOffset(now.AddDays(-2));
                entry.ValidUntil = Timestamp.FromDateTimeOffset(now.AddDays(2));
            }

            overrides[entry.AccountId] = entry;
        }

        var accountsClient = new AccountService.AccountServiceClient(server.Channel);
        await accountsClient.UpsertOverridesAsync(new UpsertOverridesRequest { Overrides = { overrides.Values } });

        // The plan: three owners change, t00 goes, t40 (a new owner) comes.
        var plans = new PlanService.PlanServiceClient(server.Channel);
        await plans.CreatePlanAsync(new CreatePlanRequest { Name = "fy27" });
        var plan = new Dictionary<string, Square>(live, StringComparer.Ordinal);
        foreach (var id in new[] { "t11", "t20", "t32" })
        {
            plan[id] = plan[id] with { Owner = "rep-c" };
        }

        plan.Remove("t00");
        plan["t40"] = new Square(4, 0, "rep-e");
        await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Plan = "fy27",
            Territories = { new[] { "t11", "t20", "t32", "t40" }.Select(id => Shapes.Territory(id, Shapes.Square(plan[id].Lng, plan[id].Lat, 1), owner: plan[id].Owner)) },
        });
        var deleted = await server.Territories.DeleteTerritoriesAsync(new DeleteTerritoriesRequest { Plan = "fy27", Ids = { "t00" } });

        // Accounts: inside squares (away from their edges) and outside the grid, some ids repeated.
        var accounts = new List<(string Id, double Lat, double Lng, double Weight, string? Tier)>();
        for (var i = 0; i < 5000; i++)
        {
            var lng = random.Next(-1, 6) + 0.05 + 0.9 * random.NextDouble();
            var lat = random.Next(-1, 4) + 0.05 + 0.9 * random.NextDouble();
            var id = $"acc-{(random.Next(10) == 0 ? random.Next(0, 60) * 7 : i)}";
            accounts.Add((id, lat, lng, Math.Round(random.NextDouble() * 1000, 2), random.Next(10) == 0 ? "" : ((char)('A' + random.Next(3))).ToString()));
        }

        var call = Balance(server).BalanceReport();
        for (var start = 0; start < accounts.Count; start += 700)
        {
            var chunk = new BalanceAccounts();
            foreach (var account in accounts.Skip(start).Take(700))
            {
                chunk.Add(account.Id, account.Lat, account.Lng, account.Weight, account.Tier!);
            }

            await call.RequestStream.WriteAsync(start == 0
                ? new BalanceRequest { Accounts = chunk, Plan = "fy27", MinVersion = deleted.MapVersion }
                : new BalanceRequest { Accounts = chunk });
        }

        await call.RequestStream.CompleteAsync();
        var report = await call;

        Assert.Equal("geo", report.Layer);
        Assert.Equal((ulong)accounts.Count, report.AccountCount);
        Assert.True(report.Weighted);
        Assert.Equal(["", "A", "B", "C"], report.Tiers);
        Assert.Equal("", report.Live.Plan);
        Assert.Equal("fy27", report.Plan.Plan);
        Assert.Equal(deleted.MapVersion, report.Plan.MapVersion);
        Expect(Compute(live, overrides, accounts, now), report.Live);
        Expect(Compute(plan, overrides, accounts, now), report.Plan);
        Assert.True(report.Live.OverrideCount > 100, $"only {report.Live.OverrideCount} accounts had an override in force");
        Assert.True(report.Live.UncoveredCount > 500);

        // Without a plan, only the live map, and without weights every account weighs 1.
        var plain = Balance(server).BalanceReport();
        var unweighted = new BalanceAccounts();
        foreach (var account in accounts.Take(1000))
        {
            unweighted.Add(account.Id, account.Lat, account.Lng);
        }

        await plain.RequestStream.WriteAsync(new BalanceRequest { Accounts = unweighted });
        await plain.RequestStream.CompleteAsync();
        var liveOnly = await plain;
        Assert.Null(liveOnly.Plan);
        Assert.False(liveOnly.Weighted);
        Assert.Empty(liveOnly.Tiers);
        Expect(Compute(live, overrides, [.. accounts.Take(1000).Select(a => (a.Id, a.Lat, a.Lng, 1.0, (string?)null))], now), liveOnly.Live);
    }

    [Fact]
    public async Task Bad_accounts_are_refused_by_their_stream_index_and_big_messages_by_the_limit()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["GeoAssign:MaxPointsPerMessage"] = "100" });
        await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest { Territories = { Shapes.Territory("t", Shapes.Square(0, 0, 1)) } });

        Task<BalanceReport> Send(params BalanceRequest[] requests) => SendAsync(Balance(server), requests);
        BalanceAccounts Chunk(int count, Action<BalanceAccounts>? spoil = null)
        {
            var chunk = new BalanceAccounts();
            for (var i = 0; i < count; i++)
            {
                chunk.Add($"a{i}", 0.5, 0.5, 1, "A");
            }

            spoil?.Invoke(chunk);
            return chunk;
        }

        var weight = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Send(new BalanceRequest { Accounts = Chunk(10) }, new BalanceRequest { Accounts = Chunk(10, c => c.Weights[3] = -1) }));
        Assert.Contains("accounts[13]", weight.Status.Detail);
        Assert.Contains("weight", weight.Status.Detail);
        var nan = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Send(new BalanceRequest { Accounts = Chunk(10, c => c.Weights[9] = double.NaN) }));
        Assert.Contains("accounts[9]", nan.Status.Detail);
        var latitude = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Send(new BalanceRequest { Accounts = Chunk(5, c => c.Lat[2] = 91) }));
        Assert.Contains("accounts[2]", latitude.Status.Detail);
        var id = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Send(new BalanceRequest { Accounts = Chunk(5, c => c.Ids[4] = "") }));
        Assert.Contains("accounts[4]", id.Status.Detail);
        var tier = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Send(new BalanceRequest { Accounts = Chunk(5, c => c.Tiers[1] = new string('x', 65)) }));
        Assert.Contains("accounts[1]", tier.Status.Detail);
        var lengths = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Send(new BalanceRequest { Accounts = Chunk(5, c => c.Tiers.RemoveAt(0)) }));
        Assert.Contains("different lengths", lengths.Status.Detail);
        var tiers = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Send(
            [.. Enumerable.Range(0, 3).Select(m => new BalanceRequest { Accounts = Chunk(100, c => { for (var i = 0; i < 100; i++) c.Tiers[i] = $"tier-{m * 100 + i}"; }) })]));
        Assert.Contains("accounts[256]", tiers.Status.Detail);
        var layer = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Send(new BalanceRequest { Accounts = Chunk(1) }, new BalanceRequest { Accounts = Chunk(1), Layer = "other" }));
        Assert.Contains("layer", layer.Status.Detail);
        var many = await RpcAssert.FailsAsync(StatusCode.ResourceExhausted, () => Send(new BalanceRequest { Accounts = Chunk(101) }));
        Assert.Contains("GeoAssign:MaxPointsPerMessage", many.Status.Detail);
        var plan = await RpcAssert.FailsAsync(StatusCode.NotFound, () => Send(new BalanceRequest { Accounts = Chunk(1), Plan = "nope" }));
        Assert.Contains("nope", plan.Status.Detail);
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => Send(new BalanceRequest { Accounts = Chunk(1), Layer = "empty" }));

        // The same accounts without a fault are answered.
        var good = await Send(new BalanceRequest { Accounts = Chunk(100) }, new BalanceRequest { Accounts = Chunk(100) });
        Assert.Equal(200u, good.Live.Owners.Single().Totals.Count);
    }

    [Fact]
    public async Task A_reader_key_may_ask_for_a_report_and_a_missing_key_may_not()
    {
        await using var server = await TestServer.StartAsync(TestServer.WithKeys);
        await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest { Territories = { Shapes.Territory("t", Shapes.Square(0, 0, 1), owner: "rep") } },
            Shapes.Key(TestServer.EditorKey));
        var chunk = new BalanceAccounts();
        chunk.Add("a", 0.5, 0.5);

        var report = await SendAsync(Balance(server), [new BalanceRequest { Accounts = chunk }], Shapes.Key(TestServer.ReaderKey));
        Assert.Equal(1u, report.Live.Owners.Single(o => o.OwnerId == "rep").Totals.Count);
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, () => SendAsync(Balance(server), [new BalanceRequest { Accounts = chunk }]));
    }

    private static async Task<BalanceReport> SendAsync(BalanceService.BalanceServiceClient client, BalanceRequest[] requests, Metadata? headers = null)
    {
        using var call = client.BalanceReport(headers);
        try
        {
            foreach (var request in requests)
            {
                await call.RequestStream.WriteAsync(request);
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
            // The server ended the call early; awaiting the response reports why.
        }
        catch (InvalidOperationException)
        {
            // Writing after the call ended; awaiting the response reports why.
        }

        return await call.ResponseAsync;
    }

    private sealed record Square(int Lng, int Lat, string Owner)
    {
        public bool Contains(double lat, double lng) => lng > Lng && lng < Lng + 1 && lat > Lat && lat < Lat + 1;
    }

    private sealed class Totals
    {
        public ulong Count;
        public double Weight;
        public ulong Overrides;
        public SortedDictionary<string, (ulong Count, double Weight)> Tiers { get; } = new(StringComparer.Ordinal);

        public void Add(double weight, string? tier, bool overridden)
        {
            Count++;
            Weight += weight;
            Overrides += overridden ? 1u : 0u;
            if (tier is not null)
            {
                var (count, sum) = Tiers.GetValueOrDefault(tier);
                Tiers[tier] = (count + 1, sum + weight);
            }
        }
    }

    private sealed record Expected(SortedDictionary<string, (string Owner, Totals Totals)> Territories, SortedDictionary<string, (int Territories, Totals Totals)> Owners,
        Totals Unassigned, ulong Uncovered);

    // The report computed the plain way: a scan of the squares per account, overrides checked by their window.
    private static Expected Compute(Dictionary<string, Square> map, Dictionary<string, AccountOverride> overrides,
        List<(string Id, double Lat, double Lng, double Weight, string? Tier)> accounts, DateTimeOffset now)
    {
        var territories = new SortedDictionary<string, (string Owner, Totals Totals)>(StringComparer.Ordinal);
        var owners = new SortedDictionary<string, (int Territories, Totals Totals)>(StringComparer.Ordinal);
        foreach (var (id, square) in map)
        {
            territories[id] = (square.Owner, new Totals());
            var (count, totals) = owners.GetValueOrDefault(square.Owner, (0, new Totals()));
            owners[square.Owner] = (count + 1, totals);
        }

        var unassigned = new Totals();
        ulong uncovered = 0;
        foreach (var (id, lat, lng, weight, tier) in accounts)
        {
            var inside = map.Where(t => t.Value.Contains(lat, lng)).Select(t => t.Key).SingleOrDefault();
            var entry = overrides.GetValueOrDefault(id);
            var inForce = entry is not null
                && (entry.ValidFrom is null || entry.ValidFrom.ToDateTimeOffset() <= now)
                && (entry.ValidUntil is null || now < entry.ValidUntil.ToDateTimeOffset());
            var owner = inForce ? entry!.OwnerId : inside is null ? "" : map[inside].Owner;
            var territory = inForce && map.ContainsKey(entry!.TerritoryId) ? entry.TerritoryId : inside;
            if (territory is not null)
            {
                territories[territory].Totals.Add(weight, tier, inForce);
            }

            if (owner.Length == 0)
            {
                unassigned.Add(weight, tier, inForce);
                uncovered += territory is null ? 1u : 0u;
                continue;
            }

            if (!owners.ContainsKey(owner))
            {
                owners[owner] = (0, new Totals());
            }

            owners[owner].Totals.Add(weight, tier, inForce);
        }

        return new Expected(territories, owners, unassigned, uncovered);
    }

    private static void Expect(Expected expected, MapBalance actual)
    {
        Assert.Equal(expected.Territories.Keys, actual.Territories.Select(t => t.TerritoryId));
        foreach (var territory in actual.Territories)
        {
            Assert.Equal(expected.Territories[territory.TerritoryId].Owner, territory.OwnerId);
            ExpectTotals(expected.Territories[territory.TerritoryId].Totals, territory.Totals, territory.OverrideCount);
        }

        Assert.Equal(expected.Owners.Keys, actual.Owners.Select(o => o.OwnerId));
        foreach (var owner in actual.Owners)
        {
            Assert.Equal((uint)expected.Owners[owner.OwnerId].Territories, owner.TerritoryCount);
            ExpectTotals(expected.Owners[owner.OwnerId].Totals, owner.Totals, owner.OverrideCount);
        }

        ExpectTotals(expected.Unassigned, actual.Unassigned, null);
        Assert.Equal(expected.Uncovered, actual.UncoveredCount);
        Assert.Equal(expected.Owners.Values.Aggregate(0ul, (sum, o) => sum + o.Totals.Overrides), actual.OverrideCount);
        ExpectFigures([.. expected.Owners.Values.Select(o => (double)o.Totals.Count)], actual.CountFigures);
        ExpectFigures([.. expected.Owners.Values.Select(o => o.Totals.Weight)], actual.WeightFigures);
    }

    private static void ExpectTotals(Totals expected, BalanceTotals actual, ulong? overrides)
    {
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.Weight, actual.Weight, 1e-6);
        if (overrides is { } count)
        {
            Assert.Equal(expected.Overrides, count);
        }

        Assert.Equal(expected.Tiers.Keys, actual.Tiers.Select(t => t.Tier));
        foreach (var tier in actual.Tiers)
        {
            Assert.Equal(expected.Tiers[tier.Tier].Count, tier.Count);
            Assert.Equal(expected.Tiers[tier.Tier].Weight, tier.Weight, 1e-6);
        }
    }

    private static void ExpectFigures(double[] values, ImbalanceFigures actual)
    {
        var n = values.Length;
        var mean = values.Average();
        var sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / n);
        var gini = values.Sum(a => values.Sum(b => Math.Abs(a - b))) / (2.0 * n * n * mean);
        Assert.Equal((uint)n, actual.OwnerCount);
        Assert.Equal(values.Min(), actual.Min, 1e-6);
        Assert.Equal(values.Max(), actual.Max, 1e-6);
        Assert.Equal(mean, actual.Mean, 1e-6);
        Assert.Equal(values.Max() / mean, actual.MaxOverMean, 1e-9);
        Assert.Equal(sd / mean, actual.CoefficientOfVariation, 1e-9);
        Assert.Equal(gini, actual.Gini, 1e-9);
    }
}

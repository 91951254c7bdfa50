// A realignment preview with account overrides, checked account by account against an independent computation.
using System.Text.Json;
using GeoAssign.Protos.V1;
using GeoAssign.Testing;
using GeoAssign.Testing.Servers;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using IndexTerritory = GeoAssign.Index.Model.Territory;
using ProtoTerritory = GeoAssign.Protos.V1.Territory;

namespace GeoAssign.Server.Tests;

public sealed class RealignmentPreviewTests
{
    private const int AccountCount = 100_000;
    private const int OverrideCount = 5_000;
    private const int ProtectedCount = 2_000;
    private const string PlanName = "fy27";

    /// <summary>An override as the test sets it, and so as the expectation reads it.</summary>
    private sealed record Expected(string Owner, string Territory, DateTimeOffset? From, DateTimeOffset? Until, bool Protected)
    {
        public bool InForce(DateTimeOffset now) => (From is not { } from || from <= now) && (Until is not { } until || now < until);
    }

    [Fact]
    public async Task A_plan_preview_with_100k_accounts_and_5k_overrides_equals_an_independent_computation()
    {
        var counties = TestDatasets.UsCountiesExtract();
        // 10 % of the 230 counties change: 11 get another owner, 6 borders move (12 counties).
        var redistricted = RedistrictingPlans.Redistrict(counties, reassign: 11, borderMoves: 6, seed: 27);
        Assert.Equal(23, redistricted.ChangedIds.Count);
        var plan = redistricted.Plan;

        await using var server = await TestServer.StartAsync();
        await server.ImportAsync(counties);
        var plans = new PlanService.PlanServiceClient(server.Channel);
        await plans.CreatePlanAsync(new CreatePlanRequest { Name = PlanName, Message = "realignment" });
        var planEdit = await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Plan = PlanName,
            Territories = { Messages(plan.Where(t => redistricted.ChangedIds.Contains(t.Id))) },
            Message = "move 10 % of the counties",
        });

        // Accounts on and near the plan's borders, on its vertices and edges, and uniform over the
        // extract's box (much of it sea: unassigned accounts).
        var random = new Random(2027);
        var points = new PointSampler(plan, seed: 2027).Mixed(AccountCount);
        Shuffle(points, random);
        var ids = Enumerable.Range(0, AccountCount).Select(i => $"acct-{i:D6}").ToArray();
        var liveOracle = new BruteForceResolver(counties);
        var planOracle = new BruteForceResolver(plan);
        var owners = counties.Select(t => t.OwnerId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();

        // Today's owners: the live map's for most, a stale owner for some, none for a few.
        var current = new string[AccountCount];
        for (var i = 0; i < AccountCount; i++)
        {
            var roll = random.Next(100);
            current[i] = roll < 85 ? liveOracle.Resolve("geo", points[i].Lng, points[i].Lat)?.OwnerId ?? ""
                : roll < 97 ? owners[random.Next(owners.Length)]
                : "";
        }

        // 5k overrides, 2k of them protected; in both groups about a fifth is not in force (a window
        // that ended days ago or starts in days), and some go to owners the map does not know.
        var now = DateTimeOffset.UtcNow;
        var overrides = new Dictionary<string, Expected>(StringComparer.Ordinal);
        var request = new UpsertOverridesRequest { Message = "key accounts and protection" };
        foreach (var (index, n) in Enumerable.Range(0, AccountCount).OrderBy(_ => random.Next()).Take(OverrideCount).Select((index, n) => (index, n)))
        {
            var isProtected = n < ProtectedCount;
            var owner = random.Next(4) switch
            {
                0 => $"key-rep-{random.Next(12):D2}",
                1 => current[index].Length > 0 ? current[index] : owners[0],
                _ => owners[random.Next(owners.Length)],
            };
            var territory = random.Next(3) == 0 ? counties[random.Next(counties.Count)].Id : "";
            var (from, until) = random.Next(10) switch
            {
                0 => (now.AddDays(-30), now.AddDays(-2)),
                1 => (now.AddDays(2), null),
                2 => (now.AddDays(-1), now.AddDays(30)),
                3 => (null, now.AddDays(5)),
                4 => (now.AddDays(-5), null),
                _ => ((DateTimeOffset?)null, (DateTimeOffset?)null),
            };
            var expected = new Expected(owner, territory, from, until, isProtected);
            overrides[ids[index]] = expected;
            request.Overrides.Add(new AccountOverride
            {
                AccountId = ids[index],
                OwnerId = owner,
                TerritoryId = territory,
                ValidFrom = from is { } f ? Timestamp.FromDateTimeOffset(f) : null,
                ValidUntil = until is { } u ? Timestamp.FromDateTimeOffset(u) : null,
                Protected = isProtected,
                Reason = isProtected ? "won" : "key account",
            });
        }

        var accounts = new Protos.V1.AccountService.AccountServiceClient(server.Channel);
        var set = await accounts.UpsertOverridesAsync(request);
        Assert.Equal((uint)OverrideCount, set.CreatedCount);
        Assert.InRange(overrides.Values.Count(o => o.Protected && !o.InForce(now)), 200, 700);

        var (changes, summary) = await PreviewAsync(server, ids, points, current);

        // The independent computation: the plan's geography by brute force, the override in force
        // (its owner, the territory still the one the point lies in), and the tallies of the summary.
        var expectedChanges = new List<(ulong Index, string Id, string Old, string New, string Territory, Reason Reason)>();
        var ownerCounts = new SortedDictionary<string, (ulong Before, ulong After)>(StringComparer.Ordinal);
        var transitions = new Dictionary<(string Old, string New), ulong>();
        var kept = new SortedDictionary<string, ulong>(StringComparer.Ordinal);
        ulong unassigned = 0;
        for (var i = 0; i < AccountCount; i++)
        {
            var winner = planOracle.Resolve("geo", points[i].Lng, points[i].Lat);
            string owner;
            Reason reason;
            if (overrides.TryGetValue(ids[i], out var overriding) && overriding.InForce(now))
            {
                owner = overriding.Owner;
                reason = Reason.AccountOverride;
                if (overriding.Protected)
                {
                    kept[owner] = kept.GetValueOrDefault(owner) + 1;
                }
            }
            else
            {
                owner = winner?.OwnerId ?? "";
                // Interior cell or exact test: which one is the index's business, checked below.
                reason = winner is null ? Reason.Unassigned : Reason.ExactTest;
            }

            unassigned += winner is null ? 1ul : 0;
            var before = ownerCounts.GetValueOrDefault(current[i]);
            ownerCounts[current[i]] = (before.Before + 1, before.After);
            var after = ownerCounts.GetValueOrDefault(owner);
            ownerCounts[owner] = (after.Before, after.After + 1);
            if (current[i] != owner)
            {
                expectedChanges.Add(((ulong)i, ids[i], current[i], owner, winner?.Id ?? "", reason));
                transitions[(current[i], owner)] = transitions.GetValueOrDefault((current[i], owner)) + 1;
            }
        }

        var actualChanges = changes.Select(c => (c.AccountIndex, c.AccountId, c.OldOwnerId, c.NewOwnerId, c.TerritoryId,
            c.Reason == Reason.InteriorCell ? Reason.ExactTest : c.Reason)).ToList();
        var missing = expectedChanges.Except(actualChanges).Take(5).ToList();
        var extra = actualChanges.Except(expectedChanges).Take(5).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"{actualChanges.Count} changes, {expectedChanges.Count} expected; expected but not sent: {string.Join("; ", missing)}; sent but not expected: {string.Join("; ", extra)}");
        Assert.Equal(expectedChanges, actualChanges);
        Assert.All(changes, c => Assert.NotEqual(Reason.Unspecified, c.Reason));

        Assert.Equal(planEdit.MapVersion, summary.MapVersion);
        Assert.Equal("geo", summary.Layer);
        Assert.Equal((ulong)AccountCount, summary.TotalCount);
        Assert.Equal((ulong)expectedChanges.Count, summary.ChangedCount);
        Assert.Equal((ulong)(AccountCount - expectedChanges.Count), summary.UnchangedCount);
        Assert.Equal(unassigned, summary.UnassignedCount);
        Assert.Equal(ownerCounts.Select(o => (o.Key, o.Value.Before, o.Value.After)), summary.OwnerCounts.Select(o => (o.OwnerId, o.Before, o.After)));
        Assert.Equal(kept.Select(k => (k.Key, k.Value)), summary.KeptByOverride.Select(k => (k.OwnerId, k.Count)));
        var expectedTransitions = transitions
            .OrderByDescending(t => t.Value)
            .ThenBy(t => t.Key.Old, StringComparer.Ordinal)
            .ThenBy(t => t.Key.New, StringComparer.Ordinal)
            .Select(t => (t.Key.Old, t.Key.New, t.Value));
        Assert.Equal(expectedTransitions, summary.Transitions.Select(t => (t.OldOwnerId, t.NewOwnerId, t.Count)));

        // The test means something: the plan moves accounts, overrides decide and keep some, some are
        // unassigned, and protected accounts whose owner differs from today's are changes too.
        Assert.InRange(kept.Values.Sum(v => (long)v), 1_200, ProtectedCount);
        Assert.True(unassigned > 1_000, $"only {unassigned} unassigned accounts");
        Assert.Contains(expectedChanges, c => c.Reason == Reason.AccountOverride && overrides[c.Id].Protected);
        Assert.Contains(expectedChanges, c => c.Reason == Reason.ExactTest && redistricted.Reassigned.Contains(c.Territory));
        Assert.Contains(expectedChanges, c => c.Reason == Reason.ExactTest && redistricted.BorderMoves.Any(m => m.Gainer == c.Territory));
        var geographic = changes.Where(c => c.Reason is Reason.InteriorCell or Reason.ExactTest).ToList();
        Assert.Contains(geographic, c => c.Reason == Reason.InteriorCell);
    }

    // Streams the accounts in chunks of 10,000 while reading the answers, as a client must.
    private static async Task<(List<OwnerChange> Changes, ReassignSummary Summary)> PreviewAsync(TestServer server, string[] ids,
        List<SamplePoint> points, string[] current)
    {
        using var call = server.Reassignments.Reassign();
        var writing = Task.Run(async () =>
        {
            for (var start = 0; start < ids.Length; start += 10_000)
            {
                var chunk = new AccountChunk();
                for (var i = start; i < Math.Min(ids.Length, start + 10_000); i++)
                {
                    chunk.Ids.Add(ids[i]);
                    chunk.Lat.Add(points[i].Lat);
                    chunk.Lng.Add(points[i].Lng);
                    chunk.CurrentOwnerIds.Add(current[i]);
                }

                await call.RequestStream.WriteAsync(new ReassignRequest { Accounts = chunk, Plan = start == 0 ? PlanName : "" });
            }

            await call.RequestStream.CompleteAsync();
        });

        var changes = new List<OwnerChange>();
        ReassignSummary? summary = null;
        ulong? version = null;
        await foreach (var response in call.ResponseStream.ReadAllAsync())
        {
            if (response.Changes is { } part)
            {
                Assert.Equal(version ??= part.MapVersion, part.MapVersion);
                changes.AddRange(part.Changes);
            }
            else
            {
                summary = response.Summary;
            }
        }

        await writing;
        Assert.NotNull(summary);
        Assert.Equal(version, summary.MapVersion);
        return (changes, summary);
    }

    // The territories as upsert messages, each geometry exactly as the GeoJSON writer gives it (the
    // shortest round-trip form of every coordinate, so the server holds what the oracle holds).
    private static IEnumerable<ProtoTerritory> Messages(IEnumerable<IndexTerritory> territories)
    {
        var list = territories.ToList();
        using var collection = JsonDocument.Parse(Index.GeoJson.TerritoryGeoJsonWriter.WriteToString(list));
        var features = collection.RootElement.GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(list.Count, features.Count);
        return list.Select((t, i) => new ProtoTerritory
        {
            Id = t.Id,
            Name = t.Name,
            OwnerId = t.OwnerId,
            Layer = t.Layer,
            Priority = t.Priority,
            ParentId = t.ParentId ?? "",
            GeometryGeojson = features[i].GetProperty("geometry").GetRawText(),
        }).ToList();
    }

    private static void Shuffle<T>(List<T> items, Random random)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}

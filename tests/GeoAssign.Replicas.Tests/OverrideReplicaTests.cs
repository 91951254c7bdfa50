// Account overrides across three replicas and one Redis: a storm of edits and a restart, then agreement and nothing lost.
using GeoAssign.Protos.V1;
using GeoAssign.Testing;
using GeoAssign.Testing.Servers;
using Xunit.Abstractions;
using Outcome = GeoAssign.Replicas.Tests.OverrideStorm.Outcome;

namespace GeoAssign.Replicas.Tests;

[Collection(ReplicaCollection.Name)]
public sealed class OverrideReplicaTests(ITestOutputHelper output)
{
    private const int PointCount = 4_000;

    [Fact]
    public async Task Three_replicas_agree_on_overrides_and_answers_after_a_storm_of_override_edits_and_a_replica_restart()
    {
        await using var cluster = await ReplicaCluster.StartAsync();
        var states = await cluster.ImportStatesAsync();

        // A first set of overrides, so that the states' version is stale for every edit of the storm.
        var random = new Random(14);
        var storm = new OverrideStorm(cluster, staleVersion: states);
        var seed = new Dictionary<string, OverrideStorm.Entry>(StringComparer.Ordinal);
        var seedRequest = new UpsertOverridesRequest { Message = "seed", ExpectedVersion = states };
        foreach (var id in OverrideStorm.Accounts.Where((_, i) => i % 2 == 0))
        {
            seed[id] = storm.RandomEntry(random);
            seedRequest.Overrides.Add(OverrideStorm.Message(id, seed[id]));
        }

        var seeded = (await Accounts(cluster, 2).UpsertOverridesAsync(seedRequest)).MapVersion;
        Assert.Equal(states + 1, seeded);

        // The storm, with replica 1 killed and started again in the middle of it.
        storm.Start();
        await storm.AcknowledgedAsync(40);
        storm.Phase = 1;
        cluster.KillReplica(1);
        await storm.AcknowledgedAsync(30);
        await cluster.StartReplicaAsync(1);
        storm.Phase = 2;
        await storm.AcknowledgedAsync(40);
        await Eventually.UntilAsync(() => storm.Edits.Any(e => e is { Phase: 2, Replica: 1, Outcome: Outcome.Acknowledged }), TimeSpan.FromSeconds(60),
            "the restarted replica acknowledges an edit");
        await storm.StopAsync();

        var edits = storm.Edits.ToList();
        var acknowledged = edits.Where(e => e.Outcome == Outcome.Acknowledged).ToList();
        output.WriteLine($"{edits.Count} edits: {acknowledged.Count} acknowledged ({acknowledged.Count(e => e.NoOp)} deletes that found nothing), "
            + $"{edits.Count(e => e.Outcome == Outcome.Aborted)} aborted ({edits.Count(e => e.Stale)} stale), {edits.Count(e => e.Outcome == Outcome.Unknown)} broke off; "
            + string.Join(", ", acknowledged.GroupBy(e => e.Kind).Select(g => $"{g.Key} {g.Count()}")));
        var version = await ClusterAssert.ConvergedAsync(cluster, acknowledged.Max(e => e.Version), TimeSpan.FromSeconds(60));

        // Which edits took effect, from the history: every version after the seed is an edit of the
        // storm, every acknowledged edit is there at the version it returned, no aborted edit is.
        var history = await HistoryAsync(cluster, 0, after: seeded);
        foreach (var replica in cluster.Running.Skip(1))
        {
            Assert.Equal(history, await HistoryAsync(cluster, replica, after: seeded));
        }

        Assert.Equal(Enumerable.Range(1, (int)(version - seeded)).Select(i => seeded + (ulong)i), history.Keys.Order());
        var byMessage = edits.ToDictionary(e => e.Message, StringComparer.Ordinal);
        var applied = history.Select(h => (h.Key, Edit: byMessage.TryGetValue(h.Value, out var edit) ? edit : null)).ToList();
        Assert.All(applied, a => Assert.True(a.Edit is not null, $"version {a.Key} is no edit of the storm: \"{history[a.Key]}\""));
        var appliedMessages = history.Values.ToHashSet(StringComparer.Ordinal);
        Assert.Equal(history.Count, appliedMessages.Count);
        foreach (var edit in acknowledged)
        {
            if (edit.NoOp)
            {
                Assert.DoesNotContain(edit.Message, appliedMessages);
            }
            else
            {
                Assert.True(history.TryGetValue(edit.Version, out var message) && message == edit.Message, $"acknowledged {edit} is not in the history at its version");
            }
        }

        Assert.All(edits.Where(e => e.Outcome == Outcome.Aborted || e.Stale), e => Assert.DoesNotContain(e.Message, appliedMessages));
        Assert.DoesNotContain(edits, e => e.Stale && e.Outcome == Outcome.Acknowledged);
        Assert.Contains(edits, e => e.Stale && e.Outcome == Outcome.Aborted);
        Assert.Contains(acknowledged, e => e.Kind == "import-replace");
        Assert.Contains(acknowledged, e => e.Kind == "import-merge");
        Assert.Contains(acknowledged, e => e is { Kind: "delete", NoOp: false });
        var expected = OverrideStorm.Replay(seed, applied.Select(a => (a.Key, a.Edit!)));

        // Every replica lists the same pages, and they hold exactly the overrides the edits leave.
        var pages = new Dictionary<int, List<ListOverridesResponse>>();
        foreach (var replica in cluster.Running)
        {
            pages[replica] = await PagesAsync(cluster, replica, version);
        }

        foreach (var replica in cluster.Running.Skip(1))
        {
            Assert.Equal(pages[0], pages[replica]);
        }

        var listed = pages[0].SelectMany(p => p.Overrides).ToList();
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), listed.Select(o => o.AccountId));
        Assert.All(listed, o => Assert.Equal(expected[o.AccountId], OverrideStorm.Entry.Of(o)));
        Assert.All(pages[0], p => Assert.Equal((ulong)expected.Count, p.TotalCount));

        // Lookups with account ids answer alike everywhere, and as the overrides and the geography say.
        var (request, accountIds) = Points(new Random(41), version);
        var oracle = new BruteForceResolver(TestDatasets.UsStatesExtract());
        var now = DateTimeOffset.UtcNow;
        var answers = new Dictionary<int, List<string>>();
        foreach (var replica in cluster.Running)
        {
            var chunk = (await cluster.Assignments(replica).ResolveBatchAsync(request)).Assignments;
            Assert.Equal(version, chunk.MapVersion);
            answers[replica] = Enumerable.Range(0, PointCount).Select(i => Describe(chunk, i, exactReason: true)).ToList();
            if (replica == 0)
            {
                var wrong = new List<string>();
                for (var i = 0; i < PointCount; i++)
                {
                    var winner = oracle.Resolve("geo", request.Points.Lng[i], request.Points.Lat[i]);
                    var overriding = expected.TryGetValue(accountIds[i], out var entry) && entry.InForce(now) ? entry : null;
                    var should = $"{winner?.Id ?? "-"}/{winner?.OwnerId ?? "-"}/"
                        + (overriding is not null ? $"{Reason.AccountOverride}/{accountIds[i]}/{overriding.Owner}/{overriding.Territory}/{overriding.Protected}"
                            : winner is null ? $"{Reason.Unassigned}" : "geography");
                    var actual = Describe(chunk, i, exactReason: false);
                    if (actual != should)
                    {
                        wrong.Add($"point {i} ({request.Points.Lat[i]}, {request.Points.Lng[i]}, account \"{accountIds[i]}\"): {actual}, expected {should}");
                    }
                }

                Assert.True(wrong.Count == 0, $"{wrong.Count} answers differ from the oracle, e.g. {string.Join("; ", wrong.Take(5))}");
                Assert.InRange(Enumerable.Range(0, PointCount).Count(i => chunk.Reasons[i] == Reason.AccountOverride), 200, PointCount);
            }
        }

        foreach (var replica in cluster.Running.Skip(1))
        {
            var differ = Enumerable.Range(0, PointCount).Where(i => answers[0][i] != answers[replica][i]).ToList();
            Assert.True(differ.Count == 0, $"replica {replica} answers {differ.Count} points differently, e.g. point {differ.FirstOrDefault()}: "
                + $"{answers[0][differ.FirstOrDefault()]} vs {answers[replica][differ.FirstOrDefault()]}");
        }
    }

    private static Protos.V1.AccountService.AccountServiceClient Accounts(ReplicaCluster cluster, int replica) => new(cluster[replica].Channel);

    // The live versions after `after`, with their messages, as one replica's history has them.
    private static async Task<SortedDictionary<ulong, string>> HistoryAsync(ReplicaCluster cluster, int replica, ulong after)
    {
        var versions = new SortedDictionary<ulong, string>();
        ulong before = 0;
        while (true)
        {
            var page = await cluster.Territories(replica).ListVersionsAsync(new ListVersionsRequest { PageSize = 1000, BeforeVersion = before });
            foreach (var info in page.Versions.Where(v => v.Version > after))
            {
                versions.Add(info.Version, info.Message);
            }

            if (page.NextBeforeVersion == 0 || page.Versions.Any(v => v.Version <= after))
            {
                return versions;
            }

            before = page.NextBeforeVersion;
        }
    }

    private static async Task<List<ListOverridesResponse>> PagesAsync(ReplicaCluster cluster, int replica, ulong version)
    {
        var pages = new List<ListOverridesResponse>();
        var request = new ListOverridesRequest { PageSize = 37, MinVersion = version };
        while (true)
        {
            var page = await Accounts(cluster, replica).ListOverridesAsync(request);
            Assert.Equal(version, page.MapVersion);
            pages.Add(page);
            if (page.NextPageToken.Length == 0)
            {
                return pages;
            }

            request = request.Clone();
            request.PageToken = page.NextPageToken;
        }
    }

    // Points in and around the four states, most with an account of the storm's pool, some with an
    // account that never had an override, some without account.
    private static (ResolveBatchRequest Request, string[] AccountIds) Points(Random random, ulong version)
    {
        (double MinLng, double MinLat, double MaxLng, double MaxLat)[] boxes =
        [
            (-109.5, 36.5, -101.5, 41.5),
            (-84, 36, -75, 40),
            (-161, 18.5, -154.5, 22.5),
            (-170, 52, -130, 71.5),
        ];
        var request = new ResolveBatchRequest { MinVersion = version, Points = new PointChunk() };
        var accounts = new string[PointCount];
        for (var i = 0; i < PointCount; i++)
        {
            var box = boxes[i % boxes.Length];
            request.Points.Lat.Add(box.MinLat + random.NextDouble() * (box.MaxLat - box.MinLat));
            request.Points.Lng.Add(box.MinLng + random.NextDouble() * (box.MaxLng - box.MinLng));
            accounts[i] = (i % 10) switch
            {
                0 => "",
                1 => $"never-{i}",
                _ => OverrideStorm.Accounts[random.Next(OverrideStorm.Accounts.Length)],
            };
            request.Points.AccountIds.Add(accounts[i]);
        }

        return (request, accounts);
    }

    // One point's answer as text: territory and its owner, then the override that decided, if any.
    private static string Describe(AssignmentChunk chunk, int i, bool exactReason)
    {
        var reference = chunk.TerritoryRefs[i];
        var territory = reference == 0 ? "-/-" : $"{chunk.Territories[(int)reference - 1].TerritoryId}/{chunk.Territories[(int)reference - 1].OwnerId}";
        var overrideRef = chunk.OverrideRefs.Count == 0 ? 0 : chunk.OverrideRefs[i];
        if (overrideRef != 0)
        {
            var o = chunk.Overrides[(int)overrideRef - 1];
            return $"{territory}/{chunk.Reasons[i]}/{o.AccountId}/{o.OwnerId}/{o.TerritoryId}/{o.Protected}";
        }

        return chunk.Reasons[i] switch
        {
            Reason.InteriorCell or Reason.ExactTest when !exactReason => $"{territory}/geography",
            var reason => $"{territory}/{reason}",
        };
    }
}

// The live map's history through a real server: versions listed, as-of answers, rollback, plans and diffs from the past.
using GeoAssign.Index;
using GeoAssign.Index.Model;
using GeoAssign.Protos.V1;
using GeoAssign.Testing;
using GeoAssign.Testing.Servers;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using DomainTerritory = GeoAssign.Index.Model.Territory;

namespace GeoAssign.Server.Tests;

public sealed class HistoryTests
{
    private static PlanService.PlanServiceClient Plans(TestServer server) => new(server.Channel);

    // Edits random squares on a 10°×10° grid (overlapping, with priorities) for `versions` versions,
    // and returns the territories after each version.
    private static async Task<List<(ulong Version, Dictionary<string, DomainTerritory> Territories)>> EditAsync(TestServer server, int versions, int seed)
    {
        var random = new Random(seed);
        var current = new Dictionary<string, DomainTerritory>(StringComparer.Ordinal);
        var result = new List<(ulong, Dictionary<string, DomainTerritory>)>();
        for (var v = 0; v < versions; v++)
        {
            ulong version;
            if (current.Count > 5 && random.Next(5) == 0)
            {
                var victim = current.Keys.OrderBy(id => id, StringComparer.Ordinal).ElementAt(random.Next(current.Count));
                version = (await server.Territories.DeleteTerritoriesAsync(new DeleteTerritoriesRequest { Ids = { victim } })).MapVersion;
                current.Remove(victim);
            }
            else
            {
                var batch = Enumerable.Range(0, 1 + random.Next(4)).Select(_ => ChangeHistories.Square($"t-{random.Next(40)}",
                    random.Next(10) + random.NextDouble() * 0.5, random.Next(10) + random.NextDouble() * 0.5, 0.5 + random.NextDouble() * 1.5,
                    owner: $"rep-{random.Next(12)}", priority: random.Next(3))).GroupBy(t => t.Id).Select(g => g.Last()).ToList();
                version = await server.ImportAsync(batch);
                foreach (var territory in batch)
                {
                    current[territory.Id] = territory;
                }
            }

            result.Add((version, new Dictionary<string, DomainTerritory>(current, StringComparer.Ordinal)));
        }

        return result;
    }

    [Fact]
    public async Task Answers_as_of_every_past_version_equal_those_of_a_map_freshly_built_from_that_version()
    {
        await using var server = await TestServer.StartAsync();
        var versions = await EditAsync(server, 50, seed: 11);
        var random = new Random(5);
        var points = new PointChunk();
        for (var i = 0; i < 100_000; i++)
        {
            points.Lat.Add(-0.5 + random.NextDouble() * 12);
            points.Lng.Add(-0.5 + random.NextDouble() * 12);
        }

        foreach (var (version, territories) in versions)
        {
            var fresh = new TerritoryMapWriter().Apply(new MapChange((long)version, territories.Values, []));
            for (var start = 0; start < points.Lat.Count; start += 10_000)
            {
                var chunk = new PointChunk();
                chunk.Lat.AddRange(points.Lat.Skip(start).Take(10_000));
                chunk.Lng.AddRange(points.Lng.Skip(start).Take(10_000));
                var answers = (await server.Assignments.ResolveBatchAsync(new ResolveBatchRequest { Points = chunk, Version = version })).Assignments;
                Assert.Equal(version, answers.MapVersion);
                for (var i = 0; i < chunk.Lat.Count; i++)
                {
                    fresh.TryResolve(DomainTerritory.DefaultLayer, chunk.Lat[i], chunk.Lng[i], out var expected);
                    var reference = answers.TerritoryRefs[i];
                    var actual = reference == 0 ? null : answers.Territories[(int)reference - 1].TerritoryId;
                    Assert.True(expected.Territory?.Territory.Id == actual,
                        $"version {version}, point ({chunk.Lat[i]}, {chunk.Lng[i]}): expected {expected.Territory?.Territory.Id ?? "(none)"}, got {actual ?? "(none)"}");
                }
            }
        }
    }

    [Fact]
    public async Task ListVersions_pages_newest_first_with_time_author_and_message_and_as_of_takes_the_version_at_an_instant()
    {
        await using var server = await TestServer.StartAsync();
        var first = await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Territories = { Shapes.Territory("a", Shapes.Square(0, 0, 1), owner: "rep-1") },
            Message = "first",
        });
        var second = await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Territories = { Shapes.Territory("a", Shapes.Square(0, 0, 1), owner: "rep-2") },
            Message = "second",
        });
        var third = await server.Territories.DeleteTerritoriesAsync(new DeleteTerritoriesRequest { Ids = { "a" }, Message = "third" });

        var page = await server.Territories.ListVersionsAsync(new ListVersionsRequest { PageSize = 2 });
        Assert.Equal([third.MapVersion, second.MapVersion], page.Versions.Select(v => v.Version));
        Assert.Equal(["third", "second"], page.Versions.Select(v => v.Message));
        Assert.Equal((0u, 1u), (page.Versions[0].UpsertedCount, page.Versions[0].DeletedCount));
        Assert.Equal(second.MapVersion, page.NextBeforeVersion);
        var rest = await server.Territories.ListVersionsAsync(new ListVersionsRequest { PageSize = 2, BeforeVersion = page.NextBeforeVersion });
        Assert.Equal([first.MapVersion], rest.Versions.Select(v => v.Version));
        Assert.Equal(0ul, rest.NextBeforeVersion);
        Assert.Equal(first.MapVersion, rest.OldestVersion);

        // A version takes effect at its time, inclusive: at that instant it answers; a tick before, the one before it.
        var secondTime = page.Versions[1].Time;
        var atSecond = await server.Assignments.ResolveAsync(new ResolveRequest { Lat = 0.5, Lng = 0.5, AsOf = secondTime });
        Assert.Equal(("rep-2", second.MapVersion), (atSecond.Assignment.OwnerId, atSecond.Assignment.MapVersion));
        var justBefore = Timestamp.FromDateTimeOffset(secondTime.ToDateTimeOffset().AddTicks(-10));
        var beforeSecond = await server.Assignments.ResolveAsync(new ResolveRequest { Lat = 0.5, Lng = 0.5, AsOf = justBefore });
        Assert.Equal(("rep-1", first.MapVersion), (beforeSecond.Assignment.OwnerId, beforeSecond.Assignment.MapVersion));
        // Before the first version the map was empty: the layer held no territory then (NOT_FOUND, as for the live map now).
        var beforeAll = await RpcAssert.FailsAsync(StatusCode.NotFound, () => server.Assignments.ResolveAsync(new ResolveRequest
        {
            Lat = 0.5, Lng = 0.5, AsOf = Timestamp.FromDateTimeOffset(rest.Versions[0].Time.ToDateTimeOffset().AddSeconds(-1)),
        }));
        Assert.Contains("at map version 0", beforeAll.Status.Detail);
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => server.Assignments.ResolveAsync(new ResolveRequest { Lat = 0.5, Lng = 0.5 }));

        var both = await RpcAssert.FailsAsync(StatusCode.InvalidArgument,
            () => server.Assignments.ResolveAsync(new ResolveRequest { Lat = 0.5, Lng = 0.5, Version = first.MapVersion, AsOf = secondTime }));
        Assert.Contains("at most one", both.Status.Detail);
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition,
            () => server.Assignments.ResolveAsync(new ResolveRequest { Lat = 0.5, Lng = 0.5, Version = third.MapVersion + 10 }));
    }

    [Fact]
    public async Task A_rollback_makes_a_past_version_live_as_a_new_version_and_plans_and_diffs_reach_into_the_past()
    {
        await using var server = await TestServer.StartAsync();
        var versions = await EditAsync(server, 12, seed: 3);
        var (past, territories) = versions[4];
        var before = versions[^1].Version;

        var rollback = await server.Territories.RollbackMapAsync(new RollbackMapRequest { Version = past, ExpectedVersion = before, Message = "undo" });

        Assert.Equal(before + 1, rollback.MapVersion);
        var listed = (await server.Territories.ListTerritoriesAsync(new ListTerritoriesRequest { PageSize = 1000, MinVersion = rollback.MapVersion })).Territories;
        Assert.Equal(territories.Keys.Order(StringComparer.Ordinal), listed.Select(t => t.Id));
        Assert.Equal(territories.Values.OrderBy(t => t.Id, StringComparer.Ordinal).Select(t => t.OwnerId), listed.Select(t => t.OwnerId));
        var latest = (await server.Territories.ListVersionsAsync(new ListVersionsRequest { PageSize = 1 })).Versions.Single();
        Assert.Equal($"Rollback to version {past}: undo", latest.Message);

        // A plan copied from the past holds that version's territories; a diff of two versions lists what changed between them.
        var plan = await Plans(server).CreatePlanAsync(new CreatePlanRequest { Name = "old", FromVersion = versions[2].Version });
        Assert.Equal(versions[2].Version, plan.Plan.BaseVersion);
        Assert.Equal((uint)versions[2].Territories.Count, plan.Plan.TerritoryCount);
        var diff = await Plans(server).DiffPlanAsync(new DiffPlanRequest { FromVersion = versions[2].Version, ToVersion = past });
        var changed = versions[2].Territories.Keys.Union(territories.Keys)
            .Where(id => !versions[2].Territories.TryGetValue(id, out var a) || !territories.TryGetValue(id, out var b) || !a.Equals(b))
            .Order(StringComparer.Ordinal);
        Assert.Equal(changed, diff.Territories.Select(t => t.Id));
        Assert.Equal((versions[2].Version, past), (diff.LiveVersion, diff.PlanVersion));
    }

    [Fact]
    public async Task History_and_as_of_answers_survive_a_restart()
    {
        var folder = Path.Combine(Path.GetTempPath(), "geoassign-history-tests", Guid.NewGuid().ToString("N"));
        try
        {
            List<(ulong Version, Dictionary<string, DomainTerritory> Territories)> versions;
            await using (var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["GeoAssign:SnapshotEveryChanges"] = "4" }, dataDirectory: folder))
            {
                versions = await EditAsync(server, 15, seed: 8);
            }

            await using var restarted = await TestServer.StartAsync(dataDirectory: folder);
            var listed = await restarted.Territories.ListVersionsAsync(new ListVersionsRequest { PageSize = 100 });
            Assert.Equal(versions.Select(v => v.Version).Reverse(), listed.Versions.Select(v => v.Version));
            var (version, territories) = versions[1];
            var square = territories.Values.First();
            var centre = square.Geometry.InteriorPoint;
            var answer = await restarted.Assignments.ResolveAsync(new ResolveRequest { Lat = centre.Y, Lng = centre.X, Version = version });
            Assert.Equal(version, answer.Assignment.MapVersion);
            var fresh = new TerritoryMapWriter().Apply(new MapChange((long)version, territories.Values, []));
            fresh.TryResolve(DomainTerritory.DefaultLayer, centre.Y, centre.X, out var expected);
            Assert.Equal(expected.Territory!.Territory.Id, answer.Assignment.TerritoryId);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

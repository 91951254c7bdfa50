// Three replicas and one Redis: edits through any replica reach every replica, and they agree.
using GeoAssign.Protos.V1;
using GeoAssign.Testing.Servers;
using Grpc.Core;

namespace GeoAssign.Replicas.Tests;

[Collection(ReplicaCollection.Name)]
public sealed class ReplicaTests
{
    [Fact]
    public async Task Edits_through_any_replica_are_seen_by_every_replica_with_the_returned_min_version()
    {
        await using var cluster = await ReplicaCluster.StartAsync();
        var imported = await cluster.ImportStatesAsync();
        Assert.True(imported > 0);

        for (var i = 0; i < 30; i++)
        {
            var writer = i % cluster.Count;
            var (lng, lat) = (-150 + i * 9.5, -40 + i % 7 * 11.0);
            var response = await cluster.Territories(writer).UpsertTerritoriesAsync(new UpsertTerritoriesRequest
            {
                Territories = { Shapes.Territory($"edit-{i}", Shapes.Square(lng, lat, 2), owner: $"rep-{i}", layer: "storm") },
            });

            // Read-your-writes on every replica, right after the acknowledgement: the replica waits
            // for the version (bounded), so the answer always includes the edit.
            foreach (var reader in Enumerable.Range(0, cluster.Count))
            {
                var answer = await cluster.Assignments(reader).ResolveAsync(new ResolveRequest
                {
                    Lat = lat + 1, Lng = lng + 1, Layer = "storm", MinVersion = response.MapVersion,
                });
                Assert.Equal($"edit-{i}", answer.Assignment.TerritoryId);
                Assert.Equal($"rep-{i}", answer.Assignment.OwnerId);
                Assert.True(answer.Assignment.MapVersion >= response.MapVersion);
            }
        }

        // A delete and a moved border through different replicas.
        var moved = await cluster.Territories(1).UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Territories = { Shapes.Territory("edit-0", Shapes.Square(100, 10, 2), owner: "rep-moved", layer: "storm") },
        });
        var deleted = await cluster.Territories(2).DeleteTerritoriesAsync(new DeleteTerritoriesRequest { Ids = { "edit-1" }, ExpectedVersion = moved.MapVersion });
        Assert.Equal(moved.MapVersion + 1, deleted.MapVersion);
        var atOldPlace = await cluster.Assignments(0).ResolveAsync(new ResolveRequest { Lat = -39, Lng = -149, Layer = "storm", MinVersion = deleted.MapVersion });
        Assert.Equal("", atOldPlace.Assignment.TerritoryId);
        var atNewPlace = await cluster.Assignments(0).ResolveAsync(new ResolveRequest { Lat = 11, Lng = 101, Layer = "storm", MinVersion = deleted.MapVersion });
        Assert.Equal("rep-moved", atNewPlace.Assignment.OwnerId);

        var version = await ClusterAssert.ConvergedAsync(cluster, deleted.MapVersion);
        Assert.Equal(deleted.MapVersion, version);
        await ClusterAssert.IdenticalAsync(cluster, version);
    }

    [Fact]
    public async Task A_replica_that_cannot_catch_up_in_time_says_so_with_its_version()
    {
        await using var cluster = await ReplicaCluster.StartAsync(replicas: 1);
        var response = await cluster.Territories(0).UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Territories = { Shapes.Territory("one", Shapes.Square(0, 0, 1), layer: "storm") },
        });

        var error = await RpcAssert.FailsAsync(StatusCode.Unavailable, () => cluster.Assignments(0).ResolveAsync(new ResolveRequest
        {
            Lat = 0.5, Lng = 0.5, Layer = "storm", MinVersion = response.MapVersion + 5,
        }));
        Assert.Contains($"is at version {response.MapVersion}", error.Status.Detail);
        Assert.Equal(response.MapVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Trailers.GetValue("geoassign-map-version"));
    }

    [Fact]
    public async Task Concurrent_writers_with_expected_versions_never_both_win_and_losers_change_nothing()
    {
        await using var cluster = await ReplicaCluster.StartAsync();
        var acknowledged = new System.Collections.Concurrent.ConcurrentDictionary<string, ulong>(StringComparer.Ordinal);
        var rejected = new System.Collections.Concurrent.ConcurrentBag<string>();
        var writers = Enumerable.Range(0, cluster.Count).Select(writer => Task.Run(async () =>
        {
            for (var n = 0; n < 25; n++)
            {
                var id = $"w{writer}-{n:D2}";
                var client = cluster.Territories(writer);
                var info = await client.GetMapInfoAsync(new GetMapInfoRequest());
                try
                {
                    var response = await client.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
                    {
                        Territories = { Shapes.Territory(id, Shapes.Square(-170 + writer * 100 + n * 3, 0, 2), owner: $"rep-{writer}", layer: "storm") },
                        ExpectedVersion = info.MapVersion,
                    });
                    Assert.Equal(info.MapVersion + 1, response.MapVersion);
                    acknowledged[id] = response.MapVersion;
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Aborted)
                {
                    Assert.Contains("expected map version", e.Status.Detail);
                    rejected.Add(id);
                }
            }
        })).ToArray();
        await Task.WhenAll(writers);

        // Each acknowledged edit got its own version; together they are every version there is.
        Assert.Equal(acknowledged.Count, acknowledged.Values.Distinct().Count());
        var version = await ClusterAssert.ConvergedAsync(cluster, acknowledged.Values.DefaultIfEmpty(0ul).Max());
        Assert.Equal((ulong)acknowledged.Count, version);
        Assert.Equal(3 * 25, acknowledged.Count + rejected.Count);
        Assert.NotEmpty(acknowledged);

        await ClusterAssert.AllPresentAsync(cluster, acknowledged.Keys, "storm");
        foreach (var id in rejected)
        {
            await RpcAssert.FailsAsync(StatusCode.NotFound, () => cluster.Territories(0).GetTerritoryAsync(new GetTerritoryRequest { Id = id, MinVersion = version }));
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReplicaCollection
{
    public const string Name = "replicas";
}

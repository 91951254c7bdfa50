// Checks that replicas agree: same version, same territories, same answers, same index checksum.
using GeoAssign.Protos.V1;
using GeoAssign.Testing.Servers;
using Grpc.Core;

namespace GeoAssign.Replicas.Tests;

internal static class ClusterAssert
{
    /// <summary>The layers the tests compare, with the box their random points come from.</summary>
    public static readonly (string Layer, double MinLng, double MinLat, double MaxLng, double MaxLat)[] Areas =
    [
        ("geo", -180, 15, -60, 72),
        ("storm", -172, -82, 172, 82),
    ];

    /// <summary>How often a wait asks every replica for its state: seldom enough to leave the two cores to the servers.</summary>
    public static readonly TimeSpan InfoPollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Waits until every running replica serves the same version, that version is at least
    /// <paramref name="atLeast"/>, each reports itself up to date with Redis, and (when given)
    /// <paramref name="condition"/> holds for each; returns it.
    /// </summary>
    public static async Task<ulong> ConvergedAsync(ReplicaCluster cluster, ulong atLeast = 0, TimeSpan? timeout = null,
        Func<GetMapInfoResponse, bool>? condition = null)
    {
        var last = "";
        ulong converged = 0;
        await Eventually.UntilAsync(async () =>
        {
            var infos = new List<GetMapInfoResponse>();
            try
            {
                foreach (var replica in cluster.Running)
                {
                    infos.Add(await cluster.Territories(replica).GetMapInfoAsync(new GetMapInfoRequest(), deadline: DateTime.UtcNow.AddSeconds(5)));
                }
            }
            catch (RpcException e)
            {
                last = $"GetMapInfo failed: {e.Status}";
                return false;
            }

            if (infos.Count == 0)
            {
                return false;
            }

            var version = infos[0].MapVersion;
            last = string.Join("; ", infos.Select(i => $"{i.Replica.ReplicaId}: v{i.MapVersion} applied v{i.Replica.AppliedVersion} store v{i.Replica.StoreVersion} {i.Replica.State} {i.Replica.LastError}"));
            var applied = infos[0].Replica.AppliedVersion;
            if (version >= atLeast && infos.All(i => i.MapVersion == version && i.Replica.AppliedVersion == applied && i.Replica.StoreVersion == applied
                && i.Replica.State == ReplicaState.Serving && (condition is null || condition(i))))
            {
                converged = version;
                return true;
            }

            return false;
        }, timeout ?? TimeSpan.FromSeconds(30), () => $"the replicas converge (at least v{atLeast}): {last}\n{cluster.Logs()}", InfoPollInterval);
        return converged;
    }

    /// <summary>
    /// Every running replica gives identical answers on <paramref name="points"/> random points per
    /// layer (same seed for all) at the same version, and reports the same index checksum per layer.
    /// </summary>
    public static async Task IdenticalAsync(ReplicaCluster cluster, ulong version, int points = 100_000, int seed = 1234)
    {
        const int chunk = 10_000;
        foreach (var (layer, minLng, minLat, maxLng, maxLat) in Areas)
        {
            var random = new Random(seed);
            var answers = new Dictionary<int, List<string>>();
            for (var done = 0; done < points; done += chunk)
            {
                var request = new ResolveBatchRequest { Layer = layer, MinVersion = version, Points = new PointChunk() };
                for (var i = 0; i < Math.Min(chunk, points - done); i++)
                {
                    request.Points.Lat.Add(minLat + random.NextDouble() * (maxLat - minLat));
                    request.Points.Lng.Add(minLng + random.NextDouble() * (maxLng - minLng));
                }

                foreach (var replica in cluster.Running)
                {
                    var response = await cluster.Assignments(replica).ResolveBatchAsync(request);
                    var chunkAnswers = response.Assignments;
                    Assert.Equal(version, chunkAnswers.MapVersion);
                    var list = answers.TryGetValue(replica, out var existing) ? existing : answers[replica] = [];
                    for (var i = 0; i < chunkAnswers.TerritoryRefs.Count; i++)
                    {
                        var reference = chunkAnswers.TerritoryRefs[i];
                        var territory = reference == 0 ? "-" : chunkAnswers.Territories[(int)reference - 1].TerritoryId + "/" + chunkAnswers.Territories[(int)reference - 1].OwnerId;
                        list.Add(territory + "/" + chunkAnswers.Reasons[i]);
                    }
                }
            }

            var first = cluster.Running.First();
            Assert.Equal(points, answers[first].Count);
            Assert.True(answers[first].Count(a => a[0] != '-') > points / 1000, $"Too few points of layer {layer} hit a territory to compare anything.");
            foreach (var replica in cluster.Running.Skip(1))
            {
                var differ = Enumerable.Range(0, points).Where(i => answers[first][i] != answers[replica][i]).ToList();
                Assert.True(differ.Count == 0,
                    $"Replica {replica} answers {differ.Count} of {points} points of layer {layer} differently from replica {first}, e.g. point {differ.FirstOrDefault()}: {answers[first][differ.FirstOrDefault()]} vs {answers[replica][differ.FirstOrDefault()]}");
            }
        }

        var checksums = new List<string>();
        foreach (var replica in cluster.Running)
        {
            var info = await cluster.Territories(replica).GetMapInfoAsync(new GetMapInfoRequest());
            Assert.Equal(version, info.MapVersion);
            checksums.Add(string.Join(",", info.Layers.Select(l => $"{l.Layer}={l.IndexChecksum}")));
        }

        Assert.All(checksums, c => Assert.Equal(checksums[0], c));
        Assert.DoesNotContain("=,", checksums[0] + ",");
    }

    /// <summary>Every id in <paramref name="ids"/> is in layer <paramref name="layer"/> of every running replica.</summary>
    public static async Task AllPresentAsync(ReplicaCluster cluster, IEnumerable<string> ids, string layer)
    {
        var expected = ids.ToHashSet(StringComparer.Ordinal);
        foreach (var replica in cluster.Running)
        {
            var present = new HashSet<string>(StringComparer.Ordinal);
            var token = "";
            do
            {
                var page = await cluster.Territories(replica).ListTerritoriesAsync(new ListTerritoriesRequest { Layer = layer, PageSize = 1000, PageToken = token });
                present.UnionWith(page.Territories.Select(t => t.Id));
                token = page.NextPageToken;
            }
            while (token.Length > 0);

            var lost = expected.Where(id => !present.Contains(id)).Order(StringComparer.Ordinal).ToList();
            Assert.True(lost.Count == 0, $"Replica {replica} misses {lost.Count} acknowledged territories, e.g. {string.Join(", ", lost.Take(5))}");
        }
    }
}

// A server killed in the middle of an edit storm restarts with every acknowledged edit.
using System.Collections.Concurrent;
using GeoAssign.Protos.V1;
using GeoAssign.Testing.Servers;
using Grpc.Core;

namespace GeoAssign.Server.Tests;

public sealed class KillAndRestartTests : IDisposable
{
    private const int Writers = 4;
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "geoassign-kill-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Every_acknowledged_edit_survives_a_kill_in_the_middle_of_an_edit_storm()
    {
        // Small snapshot interval, so kills also land while snapshots are being written.
        var environment = new Dictionary<string, string> { ["GeoAssign__SnapshotEveryChanges"] = "25" };
        var acknowledged = new ConcurrentDictionary<string, ulong>();
        var next = 0;
        for (var round = 0; round < 3; round++)
        {
            using var server = await ServerProcess.StartAsync(_dataDirectory, environment);
            var client = new TerritoryService.TerritoryServiceClient(server.Channel);
            await AssertAllPresentAsync(client, acknowledged);

            var target = acknowledged.Count + 120;
            var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var stop = new CancellationTokenSource();
            var storm = Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var n = Interlocked.Increment(ref next);
                    var id = $"storm-{n:D6}";
                    try
                    {
                        var response = await client.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
                        {
                            Territories = { Shapes.Territory(id, Shapes.Square(-170 + n % 340, -80 + n / 340 % 160, 0.5), owner: $"rep-{n % 7}", layer: "storm") },
                        });
                        acknowledged[id] = response.MapVersion;
                        if (acknowledged.Count >= target)
                        {
                            enough.TrySetResult();
                        }
                    }
                    catch (RpcException)
                    {
                        // The server died under this call: it was never acknowledged.
                        return;
                    }
                }
            })).ToArray();

            await enough.Task.WaitAsync(TimeSpan.FromSeconds(60));
            server.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(storm).WaitAsync(TimeSpan.FromSeconds(30));
        }

        using var final = await ServerProcess.StartAsync(_dataDirectory, environment);
        var info = await AssertAllPresentAsync(new TerritoryService.TerritoryServiceClient(final.Channel), acknowledged);
        Assert.Contains("Loaded map version", final.Output);
        Assert.True(acknowledged.Count >= 360);
        Assert.True(info.MapVersion >= acknowledged.Values.Max());
    }

    // Every acknowledged id is there, and the map holds exactly one territory per version (each edit
    // created one): no change was lost, half applied or applied twice.
    private static async Task<GetMapInfoResponse> AssertAllPresentAsync(TerritoryService.TerritoryServiceClient client,
        ConcurrentDictionary<string, ulong> acknowledged)
    {
        var info = await client.GetMapInfoAsync(new GetMapInfoRequest());
        Assert.Equal(info.MapVersion, (ulong)info.TerritoryCount);
        var present = new HashSet<string>(StringComparer.Ordinal);
        var token = "";
        do
        {
            var page = await client.ListTerritoriesAsync(new ListTerritoriesRequest { Layer = "storm", PageSize = 1000, PageToken = token });
            present.UnionWith(page.Territories.Select(t => t.Id));
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        var lost = acknowledged.Keys.Where(id => !present.Contains(id)).Order(StringComparer.Ordinal).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} acknowledged edits are missing after the restart, e.g. {string.Join(", ", lost.Take(5))}");
        if (!acknowledged.IsEmpty)
        {
            Assert.True(info.MapVersion >= acknowledged.Values.Max());
        }

        return info;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind harms nothing.
        }
    }
}

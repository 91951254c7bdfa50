// Retries on UNAVAILABLE with backoff, only when sending again is safe; deadlines on every call.
using System.Net.Http;
using System.Net.Sockets;
using GeoAssign.Testing.Servers;
using Grpc.Core;

namespace GeoAssign.Client.Tests;

public sealed class RetryTests
{
    [Fact]
    public async Task A_call_to_a_server_that_starts_late_succeeds_within_the_retry_budget()
    {
        var port = TestServer.FreePort();
        var firstFailure = new TaskCompletionSource<GeoAssignRetry>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var client = new GeoAssignClient(new GeoAssignClientOptions
        {
            Address = new Uri($"http://127.0.0.1:{port}"),
            // About 25 s of retrying: a loaded CI machine may take seconds to start a server.
            MaxRetries = 100,
            RetryBaseDelay = TimeSpan.FromMilliseconds(50),
            RetryMaxDelay = TimeSpan.FromMilliseconds(250),
            OnRetry = retry => firstFailure.TrySetResult(retry),
        });

        // Nothing listens yet: the first attempt fails, and the server starts once it has.
        var info = client.GetMapInfoAsync();
        var retry = await firstFailure.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(("GetMapInfo", 1), (retry.Method, retry.Attempt));
        Assert.Equal(StatusCode.Unavailable, Assert.IsType<RpcException>(retry.Error).StatusCode);
        await using var server = await TestServer.StartAsync(port: port);

        Assert.Equal(0UL, (await info.WaitAsync(TimeSpan.FromSeconds(60))).MapVersion);
    }

    [Fact]
    public async Task An_edit_to_a_server_that_starts_late_is_retried_because_it_never_reached_it()
    {
        var port = TestServer.FreePort();
        var retries = 0;
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var client = new GeoAssignClient(new GeoAssignClientOptions
        {
            Address = new Uri($"http://127.0.0.1:{port}"),
            // About 25 s of retrying: a loaded CI machine may take seconds to start a server.
            MaxRetries = 100,
            RetryBaseDelay = TimeSpan.FromMilliseconds(50),
            RetryMaxDelay = TimeSpan.FromMilliseconds(250),
            OnRetry = _ =>
            {
                Interlocked.Increment(ref retries);
                failed.TrySetResult();
            },
        });

        var import = client.ImportGeoJsonAsync(TestData.SamplePath);
        await failed.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await using var server = await TestServer.StartAsync(port: port);
        var imported = await import.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(56, imported.CreatedCount);
        Assert.True(retries >= 1);
    }

    [Fact]
    public async Task Streams_to_a_server_that_starts_late_resend_their_first_chunk()
    {
        // A data folder that already holds the sample, for the server that starts late.
        var data = Path.Combine(Path.GetTempPath(), "geoassign-client-tests", Guid.NewGuid().ToString("N"));
        await using (var seed = await TestServer.StartAsync(dataDirectory: data))
        {
            await seed.Client().ImportGeoJsonAsync(TestData.SamplePath);
        }

        try
        {
            foreach (var method in new[] { "ResolveStream", "Reassign" })
            {
                var port = TestServer.FreePort();
                var failed = new TaskCompletionSource<GeoAssignRetry>(TaskCreationOptions.RunContinuationsAsynchronously);
                using var client = new GeoAssignClient(new GeoAssignClientOptions
                {
                    Address = new Uri($"http://127.0.0.1:{port}"),
                    MaxRetries = 100,
                    RetryBaseDelay = TimeSpan.FromMilliseconds(50),
                    RetryMaxDelay = TimeSpan.FromMilliseconds(250),
                    BatchThreshold = 10,
                    ChunkSize = 1_000,
                    OnRetry = retry => failed.TrySetResult(retry),
                });

                var points = Enumerable.Range(0, 5_000).Select(i => new GeoPoint(TestData.DenverLat, TestData.DenverLng, $"p-{i}"));
                Task<long> run = method == "Reassign"
                    ? client.ReassignAsync(points.Select(p => new Account(p.Id!, p.Lat, p.Lng, "someone"))).GetSummaryAsync().ContinueWith(t => t.Result.ChangedCount, TaskScheduler.Default)
                    : CountColoradoAsync(client.ResolveManyAsync(points));
                Assert.Equal(method, (await failed.Task.WaitAsync(TimeSpan.FromSeconds(60))).Method);
                await using var server = await TestServer.StartAsync(port: port, dataDirectory: data);
                Assert.Equal(5_000, await run.WaitAsync(TimeSpan.FromSeconds(60)));
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }

        static async Task<long> CountColoradoAsync(IAsyncEnumerable<Assignment> answers)
        {
            long count = 0;
            await foreach (var answer in answers)
            {
                count += answer.TerritoryId == "08" ? 1 : 0;
            }

            return count;
        }
    }

    [Fact]
    public async Task When_the_budget_runs_out_the_error_says_the_server_cannot_be_reached()
    {
        var retries = 0;
        using var client = new GeoAssignClient(new GeoAssignClientOptions
        {
            Address = new Uri($"http://127.0.0.1:{TestServer.FreePort()}"),
            MaxRetries = 2,
            RetryBaseDelay = TimeSpan.FromMilliseconds(10),
            OnRetry = _ => Interlocked.Increment(ref retries),
        });

        var error = await Assert.ThrowsAsync<GeoAssignException>(() => client.ResolveAsync(1, 2));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.True(error.IsConnectionFailure);
        Assert.NotNull(error.TransportError);
        Assert.StartsWith("Cannot reach the GeoAssign server at http://127.0.0.1:", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, retries);
        Assert.False(error.MayHaveBeenApplied);
    }

    [Fact]
    public async Task Retries_can_be_turned_off()
    {
        var retries = 0;
        using var client = new GeoAssignClient(new GeoAssignClientOptions
        {
            Address = new Uri($"http://127.0.0.1:{TestServer.FreePort()}"),
            MaxRetries = 0,
            OnRetry = _ => retries++,
        });
        Assert.Equal(StatusCode.Unavailable, (await Assert.ThrowsAsync<GeoAssignException>(() => client.GetMapInfoAsync())).StatusCode);
        Assert.Equal(0, retries);
    }

    // The decision itself, for the failures a test cannot produce on demand (a connection that drops
    // after the request was sent).
    private static RpcException Unavailable(Exception? transport) => new(new Status(StatusCode.Unavailable, "unavailable", transport));

    [Fact]
    public void Reads_and_guarded_edits_retry_any_unavailable_but_an_unguarded_edit_only_one_that_cannot_have_been_applied()
    {
        var fromServer = Unavailable(null);
        var refused = Unavailable(new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused)));
        var droppedAfterSending = Unavailable(new IOException("The response ended prematurely."));

        foreach (var error in new[] { fromServer, refused, droppedAfterSending })
        {
            Assert.True(CallRetry.ShouldRetry(error, CallSafety.Read));
            Assert.True(CallRetry.ShouldRetry(error, CallSafety.GuardedEdit));
            Assert.False(CallRetry.ShouldRetry(error, CallSafety.Once));
        }

        Assert.True(CallRetry.ShouldRetry(fromServer, CallSafety.Edit));
        Assert.True(CallRetry.ShouldRetry(refused, CallSafety.Edit));
        Assert.False(CallRetry.ShouldRetry(droppedAfterSending, CallSafety.Edit));

        foreach (var code in new[] { StatusCode.InvalidArgument, StatusCode.DeadlineExceeded, StatusCode.Aborted, StatusCode.Internal, StatusCode.ResourceExhausted })
        {
            Assert.False(CallRetry.ShouldRetry(new RpcException(new Status(code, "no")), CallSafety.Read));
        }
    }
}

public sealed class ReadYourWritesAndDeadlineTests(SampleServer fixture) : IClassFixture<SampleServer>
{
    [Fact]
    public async Task Lookups_carry_the_version_of_the_clients_last_edit_as_min_version()
    {
        using var client = fixture.Server.Client(configure: o => o.MaxRetries = 1);
        Assert.Equal(0UL, client.MinReadVersion);
        var edit = await client.UpsertAsync([new Territory { Id = "ryw-1", OwnerId = "rep-ryw", Layer = "ryw", GeometryGeoJson = Shapes.Square(5, 5, 1) }]);
        Assert.Equal(edit.MapVersion, client.MinReadVersion);
        Assert.Equal(("ryw-1", edit.MapVersion), ((await client.ResolveAsync(5.5, 5.5, "ryw")).TerritoryId, edit.MapVersion));

        // A version the server does not have yet: every lookup waits for it (200 ms here), then is
        // UNAVAILABLE with the server's own version; that proves min_version travels with each call.
        client.RequireVersion(edit.MapVersion + 1_000);
        client.RequireVersion(1);
        Assert.Equal(edit.MapVersion + 1_000, client.MinReadVersion);
        var behind = await Assert.ThrowsAsync<GeoAssignException>(() => client.ResolveAsync(5.5, 5.5, "ryw"));
        Assert.Equal(StatusCode.Unavailable, behind.StatusCode);
        Assert.True(behind.ServerMapVersion >= edit.MapVersion);
        Assert.Equal(StatusCode.Unavailable, (await Assert.ThrowsAsync<GeoAssignException>(() => client.GetTerritoryAsync("ryw-1"))).StatusCode);
        Assert.Equal(StatusCode.Unavailable, (await Assert.ThrowsAsync<GeoAssignException>(async () =>
        {
            await foreach (var _ in client.ListTerritoriesAsync())
            {
            }
        })).StatusCode);
        Assert.Equal(StatusCode.Unavailable, (await Assert.ThrowsAsync<GeoAssignException>(() =>
            client.ReassignAsync([new Account("a", 5.5, 5.5, null)], "ryw").GetSummaryAsync())).StatusCode);

        // Without read-your-writes nothing is carried.
        using var plain = fixture.Server.Client(configure: o => o.ReadYourWrites = false);
        plain.RequireVersion(edit.MapVersion + 1_000);
        Assert.Equal(0UL, plain.MinReadVersion);
        Assert.Equal("ryw-1", (await plain.ResolveAsync(5.5, 5.5, "ryw")).TerritoryId);
    }

    [Fact]
    public async Task Every_call_has_a_deadline()
    {
        // The server would wait 5 s for a version it never reaches; the client's 300 ms deadline ends it first.
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["GeoAssign:MinVersionWait"] = "00:00:05" });
        using var client = server.Client(configure: o => o.DefaultDeadline = TimeSpan.FromMilliseconds(300));
        client.RequireVersion(99);
        var started = DateTime.UtcNow;
        var error = await Assert.ThrowsAsync<GeoAssignException>(() => client.GetTerritoryAsync("x"));
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(4), "the deadline, not the server's wait, ended the call");
    }
}

public sealed class OptionsTests
{
    [Theory]
    [InlineData("Address")]
    [InlineData("DefaultDeadline")]
    [InlineData("MaxRetries")]
    [InlineData("ChunkSize")]
    [InlineData("MaxChunksInFlight")]
    [InlineData("ApiKey")]
    public void Options_out_of_range_are_rejected_naming_the_setting(string setting)
    {
        var options = new GeoAssignClientOptions();
        switch (setting)
        {
            case "Address": options.Address = new Uri("ftp://example.invalid/"); break;
            case "DefaultDeadline": options.DefaultDeadline = TimeSpan.Zero; break;
            case "MaxRetries": options.MaxRetries = -1; break;
            case "ChunkSize": options.ChunkSize = 0; break;
            case "MaxChunksInFlight": options.MaxChunksInFlight = 0; break;
            case "ApiKey": options.ApiKey = ""; break;
        }

        var error = Assert.Throws<ArgumentException>(() => new GeoAssignClient(options));
        Assert.Equal(setting, error.ParamName);
    }

    [Fact]
    public async Task The_defaults_are_valid_and_a_client_disposes_either_way()
    {
        new GeoAssignClientOptions().Validate();
        Assert.Equal(new Uri("http://127.0.0.1:5080"), new GeoAssignClient(new Uri("http://127.0.0.1:5080")).Address);
        await using var client = new GeoAssignClient(new GeoAssignClientOptions());
        client.Dispose();
    }
}

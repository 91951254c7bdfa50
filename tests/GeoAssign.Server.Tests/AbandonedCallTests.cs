// Cancelled and abandoned streams and min_version waits release their server-side state.
using System.Collections.Concurrent;
using System.Net.Sockets;
using GeoAssign.Protos.V1;
using GeoAssign.Testing.Servers;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace GeoAssign.Server.Tests;

[CollectionDefinition(nameof(AbandonedCallTests), DisableParallelization = true)]
public sealed class AbandonedCallCollection;

// Alone in the test run: it measures the process's managed memory.
[Collection(nameof(AbandonedCallTests))]
public sealed class AbandonedCallTests
{
    private static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(10);

    private readonly LogCapture _log = new();

    private Task<TestServer> StartAsync() => TestServer.StartAsync(new Dictionary<string, string?>
    {
        // A wait for min_version that only cancellation can end in the time of the test.
        ["GeoAssign:MinVersionWait"] = "00:05:00",
    }, configure: builder => _log.AttachTo(builder.Logging));

    [Fact]
    public async Task Cancelled_and_dropped_streams_leave_no_call_and_no_memory_behind()
    {
        await using var server = await StartAsync();
        await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest { Territories = { Shapes.Territory("t", Shapes.Square(0, 0, 1)) } });
        using var active = new ActiveRequests(server);

        // The first round warms up what is pooled or compiled once (connections, buffers, code).
        await AbandonAsync(server, rounds: 50);
        await active.UntilAsync(count => count == 0, ReleaseTimeout, "the calls of the warm-up are released");
        var before = SettledMemory();

        await AbandonAsync(server, rounds: 200);

        await active.UntilAsync(count => count == 0, ReleaseTimeout, "the server releases the abandoned calls");
        var growth = SettledMemory() - before;
        // 200 rounds abandon 1,600 calls: a kilobyte kept by each would be 1.6 MB.
        Assert.True(growth < 1_000_000, $"Managed memory grew by {growth:N0} bytes over 1,600 abandoned calls.");

        // The server still answers, and a caller that went away is not reported as a failure.
        var answer = await server.Assignments.ResolveAsync(new ResolveRequest { Lat = 0.5, Lng = 0.5 });
        Assert.Equal("t", answer.Assignment.TerritoryId);
        Assert.Empty(_log.AtLeast(LogLevel.Error));
    }

    [Fact]
    public async Task A_min_version_wait_ends_as_soon_as_its_call_is_cancelled_or_its_connection_drops()
    {
        await using var server = await StartAsync();
        using var active = new ActiveRequests(server);
        var ahead = new ResolveRequest { Lat = 0.5, Lng = 0.5, MinVersion = 1_000 };

        using (var cancel = new CancellationTokenSource())
        {
            var call = server.Assignments.ResolveAsync(ahead, cancellationToken: cancel.Token);
            await active.UntilAsync(count => count == 1, ReleaseTimeout, "the call reaches the server");
            await cancel.CancelAsync();
            var error = await Assert.ThrowsAsync<RpcException>(async () => await call);
            Assert.Equal(StatusCode.Cancelled, error.StatusCode);
            await active.UntilAsync(count => count == 0, ReleaseTimeout, "the server ends the min_version wait of the cancelled call");
        }

        using (var dropping = new DroppableChannel(server.Address))
        {
            var call = new AssignmentService.AssignmentServiceClient(dropping.Channel).ResolveAsync(ahead);
            await active.UntilAsync(count => count == 1, ReleaseTimeout, "the call reaches the server");
            dropping.Drop();
            await Assert.ThrowsAsync<RpcException>(async () => await call);
            await active.UntilAsync(count => count == 0, ReleaseTimeout, "the server ends the min_version wait of the call whose connection dropped");
        }

        // Several waits on one connection hold one stream each, and all end with their deadline.
        var waits = Enumerable.Range(0, 20).Select(_ => server.Assignments.ResolveAsync(ahead, deadline: DateTime.UtcNow.AddMilliseconds(300)).ResponseAsync).ToList();
        foreach (var wait in waits)
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => wait);
            Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        }

        await active.UntilAsync(count => count == 0, ReleaseTimeout, "every min_version wait ends with its deadline");
    }

    // Each round opens ResolveStream, Reassign, WatchMap and a min_version wait; cancels them on one
    // connection and drops the connection under them on another.
    private static async Task AbandonAsync(TestServer server, int rounds)
    {
        for (var round = 0; round < rounds; round++)
        {
            using (var cancel = new CancellationTokenSource())
            {
                var calls = await OpenCallsAsync(server.Channel, cancel.Token);
                await cancel.CancelAsync();
                await EndAsync(calls);
            }

            using var dropping = new DroppableChannel(server.Address);
            var dropped = await OpenCallsAsync(dropping.Channel, CancellationToken.None);
            dropping.Drop();
            await EndAsync(dropped);
        }
    }

    // Opens the calls and waits until each stream has answered once (so the server is inside its handler).
    private static async Task<List<IDisposable>> OpenCallsAsync(GrpcChannel channel, CancellationToken cancellationToken)
    {
        var resolve = new AssignmentService.AssignmentServiceClient(channel).ResolveStream(cancellationToken: cancellationToken);
        var points = new PointChunk();
        points.Add(0.5, 0.5);
        await resolve.RequestStream.WriteAsync(new ResolveStreamRequest { Points = points }, CancellationToken.None);
        Assert.True(await resolve.ResponseStream.MoveNext(CancellationToken.None));

        var reassign = new ReassignmentService.ReassignmentServiceClient(channel).Reassign(cancellationToken: cancellationToken);
        await reassign.RequestStream.WriteAsync(new ReassignRequest
        {
            Accounts = new AccountChunk { Ids = { "a" }, Lat = { 0.5 }, Lng = { 0.5 }, CurrentOwnerIds = { "nobody" } },
        }, CancellationToken.None);
        Assert.True(await reassign.ResponseStream.MoveNext(CancellationToken.None));

        var watch = new TerritoryService.TerritoryServiceClient(channel).WatchMap(new WatchMapRequest(), cancellationToken: cancellationToken);
        Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None));

        var wait = new AssignmentService.AssignmentServiceClient(channel).ResolveAsync(new ResolveRequest { Lat = 0.5, Lng = 0.5, MinVersion = 1_000_000 },
            cancellationToken: cancellationToken);
        return [resolve, reassign, watch, wait];
    }

    // Lets the client side of each call see its end, so that nothing is left unobserved.
    private static async Task EndAsync(List<IDisposable> calls)
    {
        foreach (var call in calls)
        {
            var ending = call switch
            {
                AsyncDuplexStreamingCall<ResolveStreamRequest, ResolveStreamResponse> resolve => Drain(resolve.ResponseStream),
                AsyncDuplexStreamingCall<ReassignRequest, ReassignResponse> reassign => Drain(reassign.ResponseStream),
                AsyncServerStreamingCall<WatchMapResponse> watch => Drain(watch.ResponseStream),
                AsyncUnaryCall<ResolveResponse> wait => wait.ResponseAsync,
                _ => throw new InvalidOperationException(call.GetType().Name),
            };
            await Assert.ThrowsAsync<RpcException>(() => ending);
            call.Dispose();
        }

        static async Task Drain<T>(IAsyncStreamReader<T> stream)
        {
            while (await stream.MoveNext(CancellationToken.None))
            {
            }
        }
    }

    private static long SettledMemory()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>A channel whose TCP connections the test can reset, as a crashed client or a cut network would.</summary>
    private sealed class DroppableChannel : IDisposable
    {
        private readonly ConcurrentQueue<Socket> _sockets = new();

        public DroppableChannel(Uri address) =>
            Channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
            {
                HttpHandler = new SocketsHttpHandler
                {
                    ConnectCallback = async (context, cancellationToken) =>
                    {
                        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                        _sockets.Enqueue(socket);
                        await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                        return new NetworkStream(socket, ownsSocket: true);
                    },
                },
            });

        public GrpcChannel Channel { get; }

        /// <summary>Resets every connection: no GOAWAY, no FIN, the calls on it just end.</summary>
        public void Drop()
        {
            foreach (var socket in _sockets)
            {
                socket.LingerState = new LingerOption(true, 0);
                socket.Close();
            }
        }

        public void Dispose() => Channel.Dispose();
    }
}

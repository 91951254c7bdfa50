// GeoAssign:Connections: idle and dribbling connections are closed in time, and the limits have defaults.
using System.Diagnostics;
using System.Net.Sockets;
using GeoAssign.Protos.V1;
using GeoAssign.Testing.Servers;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GeoAssign.Server.Tests;

public sealed class ConnectionLimitTests
{
    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();
    private static readonly byte[] EmptySettings = [0, 0, 0, 0x4, 0, 0, 0, 0, 0];

    // A HEADERS frame of stream 1 without END_HEADERS (one header block byte: ":method: GET"), then
    // CONTINUATION frames that never end the block either.
    private static readonly byte[] OpenHeaders = [0, 0, 1, 0x1, 0, 0, 0, 0, 1, 0x82];
    private static readonly byte[] OpenContinuation = [0, 0, 1, 0x9, 0, 0, 0, 0, 1, 0x86];

    // Kestrel checks its timeouts on a heartbeat of about a second, and a machine loaded by other test
    // runs adds seconds more. Without the limits, Kestrel keeps such connections for minutes (130 s for
    // an idle one), so a bound well under that still proves them.
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(12);

    [Fact]
    public async Task Idle_and_dribbling_connections_are_closed_within_the_configured_timeouts()
    {
        var timeout = TimeSpan.FromSeconds(2);
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["GeoAssign:Connections:KeepAliveTimeout"] = "00:00:02",
            ["GeoAssign:Connections:RequestHeadersTimeout"] = "00:00:02",
        });
        var kinds = new Dictionary<string, Func<Socket, CancellationToken, Task>>
        {
            // Connects and sends nothing.
            ["silent"] = (_, _) => Task.CompletedTask,
            // Opens HTTP/2 and starts no call.
            ["idle HTTP/2"] = async (socket, cancellationToken) => await socket.SendAsync(Preface.Concat(EmptySettings).ToArray(), cancellationToken),
            // Sends the preface a byte at a time, slower than anyone would.
            ["dribbled preface"] = (socket, cancellationToken) => DribbleAsync(socket, Preface.Concat(EmptySettings), cancellationToken),
            // Starts a frame and never finishes it.
            ["half a frame"] = async (socket, cancellationToken) =>
            {
                await socket.SendAsync(Preface.Concat(EmptySettings).ToArray(), cancellationToken);
                await socket.SendAsync(new byte[] { 0, 0, 8, 0x6 }, cancellationToken);
            },
            // Starts a call's headers and dribbles continuations that never end them.
            ["dribbled headers"] = async (socket, cancellationToken) =>
            {
                await socket.SendAsync(Preface.Concat(EmptySettings).Concat(OpenHeaders).ToArray(), cancellationToken);
                await DribbleAsync(socket, Enumerable.Repeat(OpenContinuation, 1_000).SelectMany(frame => frame), cancellationToken);
            },
        };

        var connections = kinds.SelectMany(kind => Enumerable.Range(0, 10).Select(_ => OpenAsync(server, kind.Key, kind.Value, timeout + Slack))).ToList();
        var closed = await Task.WhenAll(connections);

        foreach (var (kind, after) in closed)
        {
            Assert.True(after is { } elapsed && elapsed <= timeout + Slack,
                $"A {kind} connection was {(after is null ? "still open" : $"closed only after {after.Value.TotalSeconds:F1} s")}; the timeout is {timeout.TotalSeconds} s.");
        }

        // The server itself is fine.
        Assert.Equal(0ul, (await server.Territories.GetMapInfoAsync(new GetMapInfoRequest())).MapVersion);
    }

    [Fact]
    public async Task A_connection_past_the_limit_is_closed_at_once_and_the_next_is_served_once_one_leaves()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["GeoAssign:Connections:MaxConnections"] = "3" });
        var held = new List<Socket>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                held.Add(await ConnectAsync(server));
                await held[i].SendAsync(Preface.Concat(EmptySettings).ToArray());
                // The server's SETTINGS: the connection is accepted and counted.
                Assert.True(await held[i].ReceiveAsync(new byte[64]) > 0);
            }

            var (_, refused) = await OpenAsync(server, "fourth", (socket, cancellationToken) => socket.SendAsync(Preface.Concat(EmptySettings).ToArray(), cancellationToken).AsTask(), Slack);
            Assert.NotNull(refused);

            held[0].Dispose();
            held.RemoveAt(0);
            await Eventually.UntilAsync(async () =>
            {
                using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(server.Address);
                try
                {
                    await new TerritoryService.TerritoryServiceClient(channel).GetMapInfoAsync(new GetMapInfoRequest());
                    return true;
                }
                catch (Grpc.Core.RpcException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(10), "a new connection is served in the place of the one that left", pollInterval: TimeSpan.FromMilliseconds(50));
        }
        finally
        {
            held.ForEach(socket => socket.Dispose());
        }
    }

    [Fact]
    public async Task The_limits_have_defaults_when_nothing_is_configured_and_take_configured_values()
    {
        await using (var server = await TestServer.StartAsync())
        {
            var limits = server.App.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;
            Assert.Equal(TimeSpan.FromSeconds(60), limits.KeepAliveTimeout);
            Assert.Equal(TimeSpan.FromSeconds(10), limits.RequestHeadersTimeout);
            Assert.Equal(TimeSpan.FromSeconds(30), limits.Http2.KeepAlivePingDelay);
            Assert.Equal(TimeSpan.FromSeconds(20), limits.Http2.KeepAlivePingTimeout);
            Assert.Equal(10_000, limits.MaxConcurrentConnections);
            Assert.Equal(100, limits.Http2.MaxStreamsPerConnection);
        }

        await using (var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["GeoAssign:Connections:KeepAliveTimeout"] = "00:05:00",
            ["GeoAssign:Connections:RequestHeadersTimeout"] = "00:00:03",
            ["GeoAssign:Connections:KeepAlivePingDelay"] = "00:00:15",
            ["GeoAssign:Connections:KeepAlivePingTimeout"] = "00:00:05",
            ["GeoAssign:Connections:MaxConnections"] = "250",
            ["GeoAssign:Connections:MaxStreamsPerConnection"] = "20",
        }))
        {
            var limits = server.App.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;
            Assert.Equal(TimeSpan.FromMinutes(5), limits.KeepAliveTimeout);
            Assert.Equal(TimeSpan.FromSeconds(3), limits.RequestHeadersTimeout);
            Assert.Equal(TimeSpan.FromSeconds(15), limits.Http2.KeepAlivePingDelay);
            Assert.Equal(TimeSpan.FromSeconds(5), limits.Http2.KeepAlivePingTimeout);
            Assert.Equal(250, limits.MaxConcurrentConnections);
            Assert.Equal(20, limits.Http2.MaxStreamsPerConnection);
        }
    }

    [Fact]
    public async Task Bad_connection_settings_stop_the_start_naming_each()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["GeoAssign:Connections:KeepAliveTimeout"] = "00:00:00",
            ["GeoAssign:Connections:KeepAlivePingDelay"] = "00:00:00.500",
            ["GeoAssign:Connections:MaxConnections"] = "0",
            ["GeoAssign:Connections:MaxStreamsPerConnection"] = "-1",
        }));

        Assert.Contains("GeoAssign:Connections:KeepAliveTimeout must be at least 1 s", error.Message);
        Assert.Contains("GeoAssign:Connections:KeepAlivePingDelay must be at least 1 s", error.Message);
        Assert.Contains("GeoAssign:Connections:MaxConnections must be positive", error.Message);
        Assert.Contains("GeoAssign:Connections:MaxStreamsPerConnection must be positive", error.Message);
    }

    private static async Task<Socket> ConnectAsync(TestServer server)
    {
        var address = server.Address;
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(address.Host, address.Port);
        return socket;
    }

    // Opens a raw connection, lets it behave, and returns how long the server kept it (null: still open at the deadline).
    private static async Task<(string Kind, TimeSpan? ClosedAfter)> OpenAsync(TestServer server, string kind,
        Func<Socket, CancellationToken, Task> behave, TimeSpan deadline)
    {
        using var socket = await ConnectAsync(server);
        var open = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(deadline);
        var behaving = Task.Run(async () =>
        {
            try
            {
                await behave(socket, stop.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The server closed the connection, or the test is over.
            }
        });
        TimeSpan? closedAfter;
        try
        {
            var buffer = new byte[4096];
            while (await socket.ReceiveAsync(buffer, stop.Token) > 0)
            {
                // The server's SETTINGS, PING or GOAWAY: the connection is not closed yet.
            }

            closedAfter = open.Elapsed;
        }
        catch (SocketException)
        {
            closedAfter = open.Elapsed;
        }
        catch (OperationCanceledException)
        {
            closedAfter = null;
        }

        await stop.CancelAsync();
        await behaving;
        return (kind, closedAfter);
    }

    private static async Task DribbleAsync(Socket socket, IEnumerable<byte> bytes, CancellationToken cancellationToken)
    {
        foreach (var b in bytes)
        {
            await socket.SendAsync(new[] { b }, cancellationToken);
            // The deliberately slow client under test: a byte every quarter second, until the server closes the connection.
            await Task.Delay(250, cancellationToken);
        }
    }
}

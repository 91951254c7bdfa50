// The HTTP/2 connections of a run: one GrpcChannel per connection, spread over the targets.
using System.Net.Http;
using Grpc.Core;
using Grpc.Net.Client;

namespace GeoAssign.LoadTest.Scenarios;

/// <summary>
/// <see cref="LoadSettings.Connections"/> channels, channel <c>i</c> talking to target
/// <c>i mod targets</c>; each channel holds exactly one HTTP/2 connection (so the count is the real
/// number of connections), and worker <c>w</c> uses channel <c>w mod channels</c>. Thread-safe.
/// </summary>
internal sealed class TargetChannels : IDisposable
{
    private readonly GrpcChannel[] _channels;
    private readonly Metadata? _headers;
    private readonly TimeSpan? _timeout;

    public TargetChannels(LoadSettings settings)
    {
        var count = Math.Max(settings.Connections, settings.Targets.Count);
        _channels = new GrpcChannel[count];
        for (var i = 0; i < count; i++)
        {
            _channels[i] = Create(settings.Targets[i % settings.Targets.Count]);
        }

        _headers = settings.ApiKey is { Length: > 0 } key ? new Metadata { { "x-api-key", key } } : null;
        _timeout = settings.CallTimeout;
        Targets = settings.Targets;
    }

    public IReadOnlyList<Uri> Targets { get; }

    public int Count => _channels.Length;

    /// <summary>The channel worker <paramref name="worker"/> uses.</summary>
    public GrpcChannel ForWorker(int worker) => _channels[worker % _channels.Length];

    /// <summary>The first channel to <paramref name="target"/>.</summary>
    public GrpcChannel ForTarget(int target) => _channels[target % Targets.Count];

    /// <summary>Options for one unary call: the API key and the deadline.</summary>
    public CallOptions Unary(CancellationToken cancellationToken) =>
        new(_headers, _timeout is { } timeout ? DateTime.UtcNow + timeout : null, cancellationToken);

    /// <summary>Options for a stream that lives for the whole run: the API key, no deadline.</summary>
    public CallOptions Streaming(CancellationToken cancellationToken) => new(_headers, null, cancellationToken);

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
    }

    private static GrpcChannel Create(Uri target) => GrpcChannel.ForAddress(target, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler
        {
            // One connection per channel: --connections is the number of connections.
            EnableMultipleHttp2Connections = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        },
        DisposeHttpClient = true,
        MaxReceiveMessageSize = 64 * 1024 * 1024,
        MaxSendMessageSize = null,
    });
}

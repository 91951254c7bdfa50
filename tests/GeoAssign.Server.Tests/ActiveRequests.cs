// The server's count of requests in flight (ASP.NET Core's http.server.active_requests), for tests of released calls.
using System.Diagnostics.Metrics;
using GeoAssign.Testing.Servers;
using Microsoft.Extensions.DependencyInjection;

namespace GeoAssign.Server.Tests;

/// <summary>
/// Follows the <c>http.server.active_requests</c> up-down counter of one in-process server (its own
/// meter factory, so other servers of the test run do not count). A gRPC call is one request from
/// its headers until its handler has returned and its trailers are sent. Counts only requests that
/// start after it is created. Thread-safe.
/// </summary>
internal sealed class ActiveRequests : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _count;

    public ActiveRequests(TestServer server)
    {
        var meters = server.App.Services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument is { Name: "http.server.active_requests", Meter.Name: "Microsoft.AspNetCore.Hosting" } && ReferenceEquals(instrument.Meter.Scope, meters))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, change, _, _) => Interlocked.Add(ref _count, change));
        _listener.Start();
    }

    public long Count => Interlocked.Read(ref _count);

    /// <summary>Waits (<see cref="Eventually"/>) until <paramref name="condition"/> holds for the count; fails naming <paramref name="what"/> and the count then.</summary>
    public Task UntilAsync(Func<long, bool> condition, TimeSpan timeout, string what) =>
        Eventually.UntilAsync(() => condition(Count), timeout, () => $"{what} ({Count} requests in flight)");

    public void Dispose() => _listener.Dispose();
}

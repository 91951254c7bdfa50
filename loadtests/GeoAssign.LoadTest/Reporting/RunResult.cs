// The result of one run, as written to --json and summarised in tables.
using GeoAssign.LoadTest.Measurement;

namespace GeoAssign.LoadTest.Reporting;

/// <summary>Everything one run measured. Latencies are microseconds.</summary>
internal sealed class RunResult
{
    public required string Scenario { get; init; }

    public required string Label { get; init; }

    /// <summary>"closed" (N callers back to back) or "open" (fixed rate, latency from the intended send time).</summary>
    public required string Mode { get; init; }

    public required IReadOnlyList<string> Targets { get; init; }

    public int Connections { get; init; }

    public int Concurrency { get; init; }

    /// <summary>Open loop: the requested rate per second.</summary>
    public double? Rate { get; init; }

    public double WarmupSeconds { get; init; }

    public double DurationSeconds { get; init; }

    public required string Points { get; init; }

    public int? BatchSize { get; init; }

    public string Layer { get; init; } = "";

    /// <summary>Successful requests (messages, for streams; edits, for converge) in the window.</summary>
    public long Requests { get; set; }

    /// <summary>Points (or accounts) those requests carried.</summary>
    public long Items { get; set; }

    public double RequestsPerSecond { get; set; }

    public double ItemsPerSecond { get; set; }

    public required LatencySummary Latency { get; set; }

    /// <summary>Open loop: how late requests left after their intended time (the generator's own lag).</summary>
    public LatencySummary? DispatchLag { get; set; }

    /// <summary>Open loop: due requests never sent before the drain timeout (overload).</summary>
    public long Unsent { get; set; }

    public long ErrorCount { get; set; }

    public IDictionary<string, long> Errors { get; set; } = new SortedDictionary<string, long>();

    /// <summary>mixed, converge: how long UpsertTerritories took to be acknowledged.</summary>
    public LatencySummary? EditLatency { get; set; }

    public long? Edits { get; set; }

    public IDictionary<string, long>? EditErrors { get; set; }

    public string? EditTerritory { get; set; }

    /// <summary>converge --redis: Redis publish→receive round trips.</summary>
    public LatencySummary? RedisRoundTrip { get; set; }

    public string? RedisError { get; set; }

    /// <summary>
    /// activate, history: the steps they time besides the main latency (creating a plan, its diff,
    /// the activation call, lookups on a past version, ...), by name, in the order measured.
    /// </summary>
    public IList<PhaseLatency>? Phases { get; set; }

    /// <summary>activate, history: what the run worked on (counts, versions), one sentence each.</summary>
    public IList<string>? Notes { get; set; }

    public required MachineInfo Machine { get; init; }

    public DateTimeOffset StartedAt { get; init; }
}

/// <summary>The latencies of one step a scenario times besides its main latency. Immutable.</summary>
/// <param name="Name">What was timed, e.g. "ActivatePlan call".</param>
/// <param name="Latency">Its percentiles, in microseconds.</param>
internal sealed record PhaseLatency(string Name, LatencySummary Latency);

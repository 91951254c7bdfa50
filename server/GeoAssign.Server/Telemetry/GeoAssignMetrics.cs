// The server's metrics (Meter "GeoAssign"), exported through OpenTelemetry when configured.
using System.Diagnostics;
using System.Diagnostics.Metrics;
using GeoAssign.Index.Cells;

namespace GeoAssign.Server.Telemetry;

/// <summary>
/// The metrics of the <c>GeoAssign</c> meter:
/// <list type="bullet">
/// <item><c>geoassign.lookups</c> (counter, points): points resolved, by <c>rpc</c> and <c>reason</c> (interior_cell, exact_test, unassigned, account_override, postal_code_not_found).</item>
/// <item><c>geoassign.lookup.duration</c> (histogram, seconds): time to resolve one request message (one point for Resolve, one chunk otherwise), by <c>rpc</c>.</item>
/// <item><c>geoassign.edits</c> (counter): edits by <c>rpc</c> and <c>outcome</c> (applied, rejected, conflict, failed, unknown).</item>
/// <item><c>geoassign.map.version</c> (gauge): the map version served.</item>
/// <item><c>geoassign.map.territories</c> (gauge): territories in the served map.</item>
/// <item><c>geoassign.replica.store_version</c> (gauge): the latest version this replica knows the store holds.</item>
/// <item><c>geoassign.replica.lag_versions</c> (gauge): versions the replica is behind the store.</item>
/// <item><c>geoassign.replica.lag</c> (gauge, seconds): how long the replica has known of a version it has not applied.</item>
/// <item><c>geoassign.replica.since_last_sync</c> (gauge, seconds): time since the replica last confirmed it was up to date.</item>
/// <item><c>geoassign.replica.state</c> (gauge): 1 for the replica's current state (<c>state</c> = serving, catching_up, degraded), 0 for the others.</item>
/// </list>
/// Thread-safe. Counts are added once per message, not per point, so the hot loops stay free of them.
/// </summary>
internal sealed class GeoAssignMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "GeoAssign";

    private readonly Meter _meter;
    private readonly Counter<long> _resolvedPoints;
    private readonly Histogram<double> _resolveDuration;
    private readonly Counter<long> _edits;

    public GeoAssignMetrics(IMeterFactory meterFactory, Replication.Replicas.MapReplica maps)
    {
        _meter = meterFactory.Create(MeterName);
        _resolvedPoints = _meter.CreateCounter<long>("geoassign.lookups", "{point}", "Points resolved, by RPC and reason.");
        _resolveDuration = _meter.CreateHistogram<double>("geoassign.lookup.duration", "s",
            "Time to resolve one request message (one point for Resolve, one chunk for batches and streams).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1e-6, 5e-6, 1e-5, 5e-5, 1e-4, 5e-4, 1e-3, 5e-3, 0.01, 0.05, 0.1, 0.5, 1] });
        _edits = _meter.CreateCounter<long>("geoassign.edits", "{edit}", "Edits, by RPC and outcome.");
        _meter.CreateObservableGauge("geoassign.map.version", () => maps.Current.Version, "{version}", "The map version served.");
        _meter.CreateObservableGauge("geoassign.map.territories", () => maps.Current.Count, "{territory}", "Territories in the served map.");
        _meter.CreateObservableGauge("geoassign.replica.store_version", () => maps.Status.StoreVersion, "{version}", "The latest map version this replica knows the store holds.");
        _meter.CreateObservableGauge("geoassign.replica.lag_versions", () => maps.Status.LagVersions, "{version}", "Versions this replica is behind its store.");
        _meter.CreateObservableGauge("geoassign.replica.lag", () => maps.Status.Lag.TotalSeconds, "s", "How long this replica has known of a version it has not applied.");
        _meter.CreateObservableGauge("geoassign.replica.since_last_sync", () => (DateTimeOffset.UtcNow - maps.Status.LastSyncTime).TotalSeconds, "s",
            "Time since this replica last confirmed it was up to date with its store.");
        _meter.CreateObservableGauge("geoassign.replica.state", () => StateMeasurements(maps.Status.State), "{state}",
            "1 for the replica's state (serving, catching_up, degraded), 0 for the others.");
    }

    private static Measurement<int>[] StateMeasurements(Replication.Replicas.ReplicaState state) =>
    [
        new(state == Replication.Replicas.ReplicaState.Serving ? 1 : 0, new KeyValuePair<string, object?>("state", "serving")),
        new(state == Replication.Replicas.ReplicaState.CatchingUp ? 1 : 0, new KeyValuePair<string, object?>("state", "catching_up")),
        new(state == Replication.Replicas.ReplicaState.Degraded ? 1 : 0, new KeyValuePair<string, object?>("state", "degraded")),
    ];

    /// <summary>Records one resolved message: its duration and its points by reason.</summary>
    public void Resolved(string rpc, long startTimestamp, in ReasonCounts counts)
    {
        var rpcTag = new KeyValuePair<string, object?>("rpc", rpc);
        // Without a listener (no exporter, no dotnet-counters) a unary call skips the clock and the tags.
        if (_resolveDuration.Enabled)
        {
            _resolveDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, rpcTag);
        }

        if (!_resolvedPoints.Enabled)
        {
            return;
        }

        Add(rpcTag, "interior_cell", counts.Interior);
        Add(rpcTag, "exact_test", counts.Exact);
        Add(rpcTag, "unassigned", counts.Unassigned);
        Add(rpcTag, "account_override", counts.Override);
        Add(rpcTag, "postal_code_not_found", counts.PostalCodeNotFound);
    }

    private void Add(KeyValuePair<string, object?> rpcTag, string reason, long count)
    {
        if (count > 0)
        {
            _resolvedPoints.Add(count, rpcTag, new KeyValuePair<string, object?>("reason", reason));
        }
    }

    public void Edit(string rpc, string outcome) =>
        _edits.Add(1, new KeyValuePair<string, object?>("rpc", rpc), new KeyValuePair<string, object?>("outcome", outcome));

    public void Dispose() => _meter.Dispose();
}

/// <summary>Points of one message by reason.</summary>
internal struct ReasonCounts
{
    public long Interior;
    public long Exact;
    public long Unassigned;
    public long Override;
    public long PostalCodeNotFound;

    /// <summary>A point whose owner an account override decided.</summary>
    public void AddOverride() => Override++;

    /// <summary>A row whose postal code the gazetteer does not know.</summary>
    public void AddPostalCodeNotFound() => PostalCodeNotFound++;

    public void Add(AssignmentReason reason)
    {
        switch (reason)
        {
            case AssignmentReason.InteriorCell:
                Interior++;
                break;
            case AssignmentReason.ExactTest:
                Exact++;
                break;
            default:
                Unassigned++;
                break;
        }
    }
}

// The server's metrics (Meter "GeoAssign"), exported through OpenTelemetry when configured.
using System.Diagnostics;
using System.Diagnostics.Metrics;
using GeoAssign.Index.Cells;

namespace GeoAssign.Server.Telemetry;

/// <summary>
/// The metrics of the <c>GeoAssign</c> meter:
/// <list type="bullet">
/// <item><c>geoassign.lookups</c> (counter, points): points resolved, by <c>rpc</c> and <c>reason</c> (interior_cell, exact_test, unassigned).</item>
/// <item><c>geoassign.lookup.duration</c> (histogram, seconds): time to resolve one request message (one point for Resolve, one chunk otherwise), by <c>rpc</c>.</item>
/// <item><c>geoassign.edits</c> (counter): edits by <c>rpc</c> and <c>outcome</c> (applied, rejected, conflict, failed).</item>
/// <item><c>geoassign.map.version</c> (gauge): the map version served.</item>
/// <item><c>geoassign.map.territories</c> (gauge): territories in the served map.</item>
/// </list>
/// Thread-safe. Counts are added once per message, not per point, so the hot loops stay free of them.
/// </summary>
internal sealed class GeoAssignMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "GeoAssign";

    private readonly Meter _meter;
    private readonly Counter<long> _lookups;
    private readonly Histogram<double> _lookupDuration;
    private readonly Counter<long> _edits;

    public GeoAssignMetrics(IMeterFactory meterFactory, Maps.MapHost maps)
    {
        _meter = meterFactory.Create(MeterName);
        _lookups = _meter.CreateCounter<long>("geoassign.lookups", "{point}", "Points resolved, by RPC and reason.");
        _lookupDuration = _meter.CreateHistogram<double>("geoassign.lookup.duration", "s",
            "Time to resolve one request message (one point for Resolve, one chunk for batches and streams).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1e-6, 5e-6, 1e-5, 5e-5, 1e-4, 5e-4, 1e-3, 5e-3, 0.01, 0.05, 0.1, 0.5, 1] });
        _edits = _meter.CreateCounter<long>("geoassign.edits", "{edit}", "Edits, by RPC and outcome.");
        _meter.CreateObservableGauge("geoassign.map.version", () => maps.Current.Version, "{version}", "The map version served.");
        _meter.CreateObservableGauge("geoassign.map.territories", () => maps.Current.Count, "{territory}", "Territories in the served map.");
    }

    /// <summary>Records one resolved message: its duration and its points by reason.</summary>
    public void Lookups(string rpc, long startTimestamp, in ReasonCounts counts)
    {
        var rpcTag = new KeyValuePair<string, object?>("rpc", rpc);
        _lookupDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, rpcTag);
        if (!_lookups.Enabled)
        {
            return;
        }

        Add(rpcTag, "interior_cell", counts.Interior);
        Add(rpcTag, "exact_test", counts.Exact);
        Add(rpcTag, "unassigned", counts.Unassigned);
    }

    private void Add(KeyValuePair<string, object?> rpcTag, string reason, long count)
    {
        if (count > 0)
        {
            _lookups.Add(count, rpcTag, new KeyValuePair<string, object?>("reason", reason));
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

    public void Add(LookupReason reason)
    {
        switch (reason)
        {
            case LookupReason.InteriorCell:
                Interior++;
                break;
            case LookupReason.ExactTest:
                Exact++;
                break;
            default:
                Unassigned++;
                break;
        }
    }
}

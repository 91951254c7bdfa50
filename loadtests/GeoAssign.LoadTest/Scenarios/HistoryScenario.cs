// Lookups on past versions of the live map: the first one builds the version's index, later ones are cached.
using System.Diagnostics;
using System.Globalization;
using GeoAssign.LoadTest.Measurement;
using GeoAssign.LoadTest.Reporting;
using GeoAssign.LoadTest.Scheduling;
using GeoAssign.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace GeoAssign.LoadTest.Scenarios;

/// <summary>
/// Before the load: reads the history (ListVersions) of the first target, picks a past version V
/// (--map-version, or the newest past one) and times, on the first target, the first unary Resolve on
/// V and on the --first-lookups − 1 past versions before it (each builds that version's index, unless
/// someone asked for it before) and the second Resolve on each (cached); V is then warmed on every
/// other target. The load itself is unary Resolve as in the resolve scenario, each caller cycling
/// through three requests — the live map, <c>version</c> = V, and <c>as_of</c> = V's time — so the
/// three are measured side by side under the same conditions; each has its own percentiles. The
/// main latency is all three together.
/// </summary>
internal sealed class HistoryScenario : Scenario
{
    private readonly LatencyRecorder _first = new();
    private readonly LatencyRecorder _second = new();
    private readonly LatencyRecorder[] _kinds = [new(), new(), new()];
    private readonly List<string> _notes = [];
    private ulong _version;
    private Timestamp? _versionTime;

    public override async Task PrepareAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var channels = context.Channels;
        var history = new TerritoryService.TerritoryServiceClient(channels.ForTarget(0));
        var versions = new List<MapVersionInfo>();
        ulong before = 0;
        ulong oldest;
        do
        {
            var page = await history.ListVersionsAsync(new ListVersionsRequest { PageSize = 1000, BeforeVersion = before }, channels.Unary(cancellationToken))
                .ConfigureAwait(false);
            versions.AddRange(page.Versions);
            before = page.NextBeforeVersion;
            oldest = page.OldestVersion;
        }
        while (before != 0);

        if (versions.Count < 2)
        {
            throw new LoadTestInputException("history needs a live map with at least one past version; edit or activate something first (the activate scenario makes many).");
        }

        var live = versions[0].Version;
        var past = versions.Skip(1).ToList();
        var chosen = context.Settings.MapVersion is { } asked
            ? past.Find(v => v.Version == asked) ?? throw new LoadTestInputException(
                $"--map-version {asked} is not a past version of the live map the first target keeps (live {live}; past ones {past[^1].Version}–{past[0].Version}).")
            : past[0];
        _version = chosen.Version;
        _versionTime = chosen.Time;
        _notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"history of {versions.Count:N0} live versions (oldest kept {oldest}); live version {live}; compared version {_version} ({chosen.Time.ToDateTimeOffset():O}), {chosen.UpsertedCount:N0} territories upserted by it"));

        // The first lookups: V, then older past versions, each asked for the first time (if nobody did before).
        var measured = new List<ulong> { _version };
        measured.AddRange(past.Where(v => v.Version < _version).Take(Math.Max(0, context.Settings.FirstLookups - 1)).Select(v => v.Version));
        var lookups = new AssignmentService.AssignmentServiceClient(channels.ForTarget(0));
        var point = context.Points[0];
        var firsts = new List<string>();
        foreach (var version in measured.Take(Math.Max(1, context.Settings.FirstLookups)))
        {
            var request = new ResolveRequest { Lat = point.Lat, Lng = point.Lng, Layer = context.Settings.Layer, Version = version };
            var t0 = Stopwatch.GetTimestamp();
            var first = await lookups.ResolveAsync(request, channels.Unary(cancellationToken)).ConfigureAwait(false);
            var t1 = Stopwatch.GetTimestamp();
            await lookups.ResolveAsync(request, channels.Unary(cancellationToken)).ConfigureAwait(false);
            var t2 = Stopwatch.GetTimestamp();
            if (first.Assignment.MapVersion != version)
            {
                throw new InvalidDataException($"Resolve with version {version} answered from version {first.Assignment.MapVersion}.");
            }

            if (context.Settings.FirstLookups > 0)
            {
                _first.RecordMicros(LatencyRecorder.Micros(t0, t1));
                _second.RecordMicros(LatencyRecorder.Micros(t1, t2));
                firsts.Add(string.Create(CultureInfo.InvariantCulture, $"{version}: {(t1 - t0) * 1000.0 / Stopwatch.Frequency:0} ms"));
            }
        }

        if (firsts.Count > 0)
        {
            _notes.Add($"first lookup on each version, first target: {string.Join(", ", firsts)}");
            context.Log($"history: first lookups (one index build each) {string.Join(", ", firsts)}");
        }

        // Every other target builds V now, not inside the measured window.
        for (var i = 1; i < channels.Targets.Count; i++)
        {
            var client = new AssignmentService.AssignmentServiceClient(channels.ForTarget(i));
            await client.ResolveAsync(new ResolveRequest { Lat = point.Lat, Lng = point.Lng, Layer = context.Settings.Layer, Version = _version },
                channels.Unary(cancellationToken)).ConfigureAwait(false);
        }

        var asOf = await lookups.ResolveAsync(new ResolveRequest { Lat = point.Lat, Lng = point.Lng, Layer = context.Settings.Layer, AsOf = _versionTime },
            channels.Unary(cancellationToken)).ConfigureAwait(false);
        if (asOf.Assignment.MapVersion != _version)
        {
            throw new InvalidDataException($"Resolve as_of {_versionTime} (the time of version {_version}) answered from version {asOf.Assignment.MapVersion}.");
        }

        context.Log($"history: Resolve on the live map, on version {_version} and as_of {_versionTime}, in turn");
    }

    public override Task<LoadDriverOutcome> RunAsync(ScenarioContext context, LoadMeter meter, CancellationToken cancellationToken) =>
        LoadDriver.RunAsync(context.Settings.Shape, worker => new HistoryOperation(context, worker, meter, _version, _versionTime!, _kinds), meter, cancellationToken);

    public override void Complete(RunResult result)
    {
        result.Phases =
        [
            new PhaseLatency("Resolve, live map", LatencySummary.Of(_kinds[0].Snapshot())),
            new PhaseLatency($"Resolve, version {_version} (cached)", LatencySummary.Of(_kinds[1].Snapshot())),
            new PhaseLatency($"Resolve, as_of the time of version {_version} (cached)", LatencySummary.Of(_kinds[2].Snapshot())),
            new PhaseLatency("Resolve, first call on a past version (builds its index)", LatencySummary.Of(_first.Snapshot())),
            new PhaseLatency("Resolve, second call on that version", LatencySummary.Of(_second.Snapshot())),
        ];
        result.Notes = _notes;
    }

    /// <summary>
    /// Unary Resolve, cycling through the live map, a past version and an instant; each request is
    /// reused, and each kind's latency recorded apart when it started in the window. Not thread-safe:
    /// one per worker.
    /// </summary>
    private sealed class HistoryOperation : ILoadOperation
    {
        private readonly ScenarioContext _context;
        private readonly AssignmentService.AssignmentServiceClient _client;
        private readonly LoadMeter _meter;
        private readonly ResolveRequest[] _requests;
        private readonly LatencyRecorder[] _recorders;
        private int _next;
        private int _kind;

        public HistoryOperation(ScenarioContext context, int worker, LoadMeter meter, ulong version, Timestamp versionTime, LatencyRecorder[] recorders)
        {
            _context = context;
            _client = new AssignmentService.AssignmentServiceClient(context.Channels.ForWorker(worker));
            _meter = meter;
            var layer = context.Settings.Layer;
            _requests =
            [
                new ResolveRequest { Layer = layer },
                new ResolveRequest { Layer = layer, Version = version },
                new ResolveRequest { Layer = layer, AsOf = versionTime },
            ];
            _recorders = recorders;
            _next = context.StartIndex(worker);
            _kind = worker % _requests.Length;
        }

        public async ValueTask<int> ExecuteAsync(CancellationToken cancellationToken)
        {
            var points = _context.Points;
            var point = points[_next];
            _next = _next + 1 == points.Length ? 0 : _next + 1;
            var kind = _kind;
            _kind = kind + 1 == _requests.Length ? 0 : kind + 1;
            var request = _requests[kind];
            request.Lat = point.Lat;
            request.Lng = point.Lng;
            var start = Stopwatch.GetTimestamp();
            using var call = _client.ResolveAsync(request, _context.Channels.Unary(cancellationToken));
            await call.ResponseAsync.ConfigureAwait(false);
            if (_meter.InWindow(start))
            {
                _recorders[kind].RecordSince(start);
            }

            return 1;
        }
    }
}

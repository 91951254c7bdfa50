// The request/response scenarios: resolve, batch, reassign and echo.
using GeoAssign.Client;
using GeoAssign.LoadTest.Measurement;
using GeoAssign.LoadTest.Points;
using GeoAssign.LoadTest.Scheduling;
using GeoAssign.Protos.V1;
using Google.Protobuf;

namespace GeoAssign.LoadTest.Scenarios;

/// <summary>Unary Resolve, one point per call.</summary>
internal sealed class ResolveScenario : Scenario
{
    public override Task<LoadDriverOutcome> RunAsync(ScenarioContext context, LoadMeter meter, CancellationToken cancellationToken) =>
        LoadDriver.RunAsync(context.Settings.Shape, worker => new ResolveOperation(context, worker), meter, cancellationToken);
}

/// <summary>
/// One Resolve call. The request message is reused (a finished call no longer reads it), so the
/// loop allocates only what gRPC itself allocates per call. Not thread-safe: one per worker.
/// </summary>
internal sealed class ResolveOperation(ScenarioContext context, int worker) : ILoadOperation
{
    private readonly AssignmentService.AssignmentServiceClient _client = new(context.Channels.ForWorker(worker));
    private readonly ResolveRequest _request = new() { Layer = context.Settings.Layer };
    private readonly GeoPoint[] _points = context.Points;
    private int _next = context.StartIndex(worker);

    public async ValueTask<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        var point = _points[_next];
        _next = _next + 1 == _points.Length ? 0 : _next + 1;
        _request.Lat = point.Lat;
        _request.Lng = point.Lng;
        using var call = _client.ResolveAsync(_request, context.Channels.Unary(cancellationToken));
        await call.ResponseAsync.ConfigureAwait(false);
        return 1;
    }
}

/// <summary>ResolveBatch with --batch-size points per call.</summary>
internal sealed class BatchScenario : Scenario
{
    public override Task<LoadDriverOutcome> RunAsync(ScenarioContext context, LoadMeter meter, CancellationToken cancellationToken) =>
        LoadDriver.RunAsync(context.Settings.Shape, worker => new BatchOperation(context, worker), meter, cancellationToken);

    private sealed class BatchOperation(ScenarioContext context, int worker) : ILoadOperation
    {
        private readonly AssignmentService.AssignmentServiceClient _client = new(context.Channels.ForWorker(worker));
        private readonly ResolveBatchRequest _request = new() { Layer = context.Settings.Layer, Points = new PointChunk() };
        private int _next = context.StartIndex(worker);

        public async ValueTask<int> ExecuteAsync(CancellationToken cancellationToken)
        {
            _next = PointChunks.Fill(_request.Points, context.Points, _next, context.Settings.BatchSize);
            using var call = _client.ResolveBatchAsync(_request, context.Channels.Unary(cancellationToken));
            var response = await call.ResponseAsync.ConfigureAwait(false);
            return response.Assignments.Count;
        }
    }
}

/// <summary>Reassign: one call per operation, one chunk of --batch-size accounts, read to the summary.</summary>
internal sealed class ReassignScenario : Scenario
{
    public override Task<LoadDriverOutcome> RunAsync(ScenarioContext context, LoadMeter meter, CancellationToken cancellationToken) =>
        LoadDriver.RunAsync(context.Settings.Shape, worker => new ReassignOperation(context, worker), meter, cancellationToken);

    private sealed class ReassignOperation : ILoadOperation
    {
        private readonly ScenarioContext _context;
        private readonly ReassignmentService.ReassignmentServiceClient _client;
        private readonly ReassignRequest _request;
        private int _next;

        public ReassignOperation(ScenarioContext context, int worker)
        {
            _context = context;
            _client = new ReassignmentService.ReassignmentServiceClient(context.Channels.ForWorker(worker));
            _next = context.StartIndex(worker);
            var accounts = new AccountChunk();
            for (var i = 0; i < context.Settings.BatchSize; i++)
            {
                accounts.Ids.Add($"acct-{worker}-{i}");
                // A made-up current owner: most accounts "change", the expensive path.
                accounts.CurrentOwnerIds.Add("rep-000");
                accounts.Lat.Add(0);
                accounts.Lng.Add(0);
            }

            _request = new ReassignRequest { Layer = context.Settings.Layer, Accounts = accounts };
        }

        public async ValueTask<int> ExecuteAsync(CancellationToken cancellationToken)
        {
            var accounts = _request.Accounts;
            var points = _context.Points;
            for (var i = 0; i < accounts.Lat.Count; i++)
            {
                var point = points[_next];
                _next = _next + 1 == points.Length ? 0 : _next + 1;
                accounts.Lat[i] = point.Lat;
                accounts.Lng[i] = point.Lng;
            }

            using var call = _client.Reassign(_context.Channels.Unary(cancellationToken));
            await call.RequestStream.WriteAsync(_request, cancellationToken).ConfigureAwait(false);
            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            var summarised = false;
            while (await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                summarised |= call.ResponseStream.Current.KindCase == ReassignResponse.KindOneofCase.Summary;
            }

            return summarised ? accounts.Lat.Count : throw new InvalidDataException("Reassign ended without a summary.");
        }
    }
}

/// <summary>
/// Echo with a request as large as a serialized ResolveRequest and a response as large as the
/// ResolveResponse the server gives for the run's first point: the cost of a call without the lookup.
/// </summary>
internal sealed class EchoScenario : Scenario
{
    private EchoRequest? _template;

    public override async Task PrepareAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        // The average sizes over the first points: unassigned answers are shorter than assigned ones.
        var client = new AssignmentService.AssignmentServiceClient(context.Channels.ForWorker(0));
        var samples = Math.Min(200, context.Points.Length);
        long requestBytes = 0, responseBytes = 0;
        for (var i = 0; i < samples; i++)
        {
            var request = new ResolveRequest { Lat = context.Points[i].Lat, Lng = context.Points[i].Lng, Layer = context.Settings.Layer };
            var response = await client.ResolveAsync(request, context.Channels.Unary(cancellationToken)).ConfigureAwait(false);
            requestBytes += request.CalculateSize();
            responseBytes += response.CalculateSize();
        }

        var requestSize = (int)Math.Round((double)requestBytes / samples);
        var responseSize = (int)Math.Round((double)responseBytes / samples);
        _template = EchoSizes.Request(requestSize, responseSize);
        context.Log($"echo: {_template.CalculateSize()}-byte requests, {responseSize}-byte responses (Resolve's average over {samples} points: {requestSize} and {responseSize})");
    }

    public override Task<LoadDriverOutcome> RunAsync(ScenarioContext context, LoadMeter meter, CancellationToken cancellationToken) =>
        LoadDriver.RunAsync(context.Settings.Shape, worker => new EchoOperation(context, worker, _template!), meter, cancellationToken);

    private sealed class EchoOperation(ScenarioContext context, int worker, EchoRequest request) : ILoadOperation
    {
        private readonly DiagnosticsService.DiagnosticsServiceClient _client = new(context.Channels.ForWorker(worker));

        public async ValueTask<int> ExecuteAsync(CancellationToken cancellationToken)
        {
            using var call = _client.EchoAsync(request, context.Channels.Unary(cancellationToken));
            await call.ResponseAsync.ConfigureAwait(false);
            return 1;
        }
    }
}

/// <summary>Echo messages sized like the messages they stand in for.</summary>
internal static class EchoSizes
{
    /// <summary>
    /// An EchoRequest whose serialized size is <paramref name="requestBytes"/> (as far as the
    /// payload's own length prefix allows) and that asks for a payload making the response
    /// <paramref name="responseBytes"/> long.
    /// </summary>
    public static EchoRequest Request(int requestBytes, int responseBytes)
    {
        var responsePayload = PayloadFor(responseBytes, 0);
        var request = new EchoRequest { ResponseSize = (uint)responsePayload };
        var overhead = request.CalculateSize();
        request.Payload = ByteString.CopyFrom(new byte[PayloadFor(requestBytes, overhead)]);
        return request;
    }

    // Bytes field: 1 tag byte + varint length + payload; find the payload that lands on the total.
    internal static int PayloadFor(int totalBytes, int otherBytes)
    {
        var payload = Math.Max(0, totalBytes - otherBytes - 2);
        while (payload > 0 && 1 + CodedOutputStream.ComputeLengthSize(payload) + payload + otherBytes > totalBytes)
        {
            payload--;
        }

        return payload;
    }
}

/// <summary>Fills a PointChunk from the run's points.</summary>
internal static class PointChunks
{
    /// <summary>Replaces the chunk's points with <paramref name="count"/> points from <paramref name="start"/> (cycling); returns the next start.</summary>
    public static int Fill(PointChunk chunk, GeoPoint[] points, int start, int count)
    {
        chunk.Lat.Clear();
        chunk.Lng.Clear();
        var next = start;
        for (var i = 0; i < count; i++)
        {
            var point = points[next];
            next = next + 1 == points.Length ? 0 : next + 1;
            chunk.Lat.Add(point.Lat);
            chunk.Lng.Add(point.Lng);
        }

        return next;
    }
}

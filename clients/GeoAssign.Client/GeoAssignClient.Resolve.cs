// The AssignmentService calls: Resolve, and ResolveBatch or ResolveStream behind ResolveManyAsync, against any map view.
using System.Runtime.CompilerServices;
using Grpc.Core;
using V1 = GeoAssign.Protos.V1;

namespace GeoAssign.Client;

public sealed partial class GeoAssignClient
{
    /// <summary>Resolves one point to its assignment: which territory of the layer owns it, who owns that, and why.</summary>
    /// <param name="lat">Latitude in degrees WGS84, in [-90, 90].</param>
    /// <param name="lng">Longitude in degrees WGS84, in [-180, 180].</param>
    /// <param name="layer">The layer to look in; <see langword="null"/> means "geo".</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="GeoAssignException">INVALID_ARGUMENT for a coordinate that is NaN, infinite or out of range; NOT_FOUND when the layer holds no territory; others as the API lists.</exception>
    public Task<Assignment> ResolveAsync(double lat, double lng, string? layer = null, CancellationToken cancellationToken = default) =>
        ResolveAsync(lat, lng, layer, MapView.Live, cancellationToken);

    /// <summary>
    /// Resolves one point against the map <paramref name="view"/> names: the live map, a plan (to test it), or
    /// the live map as it was at a past version or instant.
    /// </summary>
    /// <param name="lat">Latitude in degrees WGS84, in [-90, 90].</param>
    /// <param name="lng">Longitude in degrees WGS84, in [-180, 180].</param>
    /// <param name="layer">The layer to look in; <see langword="null"/> means "geo".</param>
    /// <param name="view">The map to answer from; the answer's <see cref="Assignment.MapVersion"/> is that map's version.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="GeoAssignException">As <see cref="ResolveAsync(double, double, string?, CancellationToken)"/>, plus NOT_FOUND for
    /// an unknown plan and FAILED_PRECONDITION for a version older than the history the server keeps.</exception>
    public async Task<Assignment> ResolveAsync(double lat, double lng, string? layer, MapView view, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(view);
        var request = new V1.ResolveRequest
        {
            Lat = lat,
            Lng = lng,
            Layer = layer ?? "",
            MinVersion = MinReadVersion,
            Plan = view.Plan ?? "",
            Version = view.Version ?? 0,
            AsOf = ProtoMapping.ToTimestamp(view.AsOf),
        };
        var response = await UnaryAsync("Resolve", CallSafety.Read, request,
            (r, options) => _assignments.ResolveAsync(r, options), cancellationToken).ConfigureAwait(false);
        return ProtoMapping.Assignment(response.Assignment ?? new V1.Assignment(), null);
    }

    /// <summary>
    /// Resolves many points and yields their assignments in input order, each with the point's id. Up to
    /// <see cref="GeoAssignClientOptions.BatchThreshold"/> points go in one ResolveBatch call; more
    /// go over one ResolveStream, written and read at once in chunks of
    /// <see cref="GeoAssignClientOptions.ChunkSize"/> with at most
    /// <see cref="GeoAssignClientOptions.MaxChunksInFlight"/> unanswered, so memory stays bounded
    /// however many points there are. Every assignment of one call comes from one map version.
    /// </summary>
    /// <param name="points">The points; enumerated once, on a background task when streamed. An exception it throws ends the call and is rethrown as it is.</param>
    /// <param name="layer">The layer to look in; <see langword="null"/> means "geo".</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="GeoAssignException">As <see cref="ResolveAsync(double, double, string?, CancellationToken)"/>; the message of INVALID_ARGUMENT names the index of the first bad point.</exception>
    public IAsyncEnumerable<Assignment> ResolveManyAsync(IEnumerable<GeoPoint> points, string? layer = null, CancellationToken cancellationToken = default) =>
        ResolveManyAsync(points, layer, MapView.Live, cancellationToken);

    /// <inheritdoc cref="ResolveManyAsync(IEnumerable{GeoPoint}, string?, CancellationToken)"/>
    public IAsyncEnumerable<Assignment> ResolveManyAsync(IAsyncEnumerable<GeoPoint> points, string? layer = null, CancellationToken cancellationToken = default) =>
        ResolveManyAsync(points, layer, MapView.Live, cancellationToken);

    /// <summary>
    /// Resolves many points as <see cref="ResolveManyAsync(IEnumerable{GeoPoint}, string?, CancellationToken)"/> does, against
    /// the map <paramref name="view"/> names: the live map, a plan, or the live map as it was at a past version or instant.
    /// </summary>
    /// <param name="points">The points; enumerated once, on a background task when streamed. An exception it throws ends the call and is rethrown as it is.</param>
    /// <param name="layer">The layer to look in; <see langword="null"/> means "geo".</param>
    /// <param name="view">The map to answer from.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="GeoAssignException">As <see cref="ResolveAsync(double, double, string?, MapView, CancellationToken)"/>; the message of INVALID_ARGUMENT names the index of the first bad point.</exception>
    public IAsyncEnumerable<Assignment> ResolveManyAsync(IEnumerable<GeoPoint> points, string? layer, MapView view, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(points);
        return ResolveManyAsync(new SyncAsyncEnumerable<GeoPoint>(points), layer, view, cancellationToken);
    }

    /// <inheritdoc cref="ResolveManyAsync(IEnumerable{GeoPoint}, string?, MapView, CancellationToken)"/>
    public async IAsyncEnumerable<Assignment> ResolveManyAsync(IAsyncEnumerable<GeoPoint> points, string? layer, MapView view,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(view);
        var source = points.GetAsyncEnumerator(cancellationToken);
        var head = new List<GeoPoint>();
        var more = true;
        try
        {
            // Look ahead one point past the threshold to choose between one batch and a stream.
            while (head.Count <= Options.BatchThreshold && (more = await source.MoveNextAsync().ConfigureAwait(false)))
            {
                head.Add(source.Current);
            }
        }
        catch
        {
            await source.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        if (!more)
        {
            await source.DisposeAsync().ConfigureAwait(false);
            if (head.Count > 0)
            {
                foreach (var assignment in await ResolveBatchAsync(head, layer ?? "", view, cancellationToken).ConfigureAwait(false))
                {
                    yield return assignment;
                }
            }

            yield break;
        }

        var protocol = new ResolveStreamProtocol(this, _assignments, layer ?? "", view);
        var answered = 0UL;
        await foreach (var (chunk, response) in ChunkedDuplexCall.RunAsync(protocol, new PrefixedEnumerator<GeoPoint>(head, source), this, cancellationToken)
            .ConfigureAwait(false))
        {
            if (response.FirstIndex != answered)
            {
                throw ProtocolError("ResolveStream", $"an answer chunk starts at point {response.FirstIndex:N0} but {answered:N0} were answered before it");
            }

            var assignments = Assignments(response.Assignments, chunk!, "ResolveStream");
            answered += (ulong)assignments.Length;
            foreach (var assignment in assignments)
            {
                yield return assignment;
            }
        }
    }

    private async Task<Assignment[]> ResolveBatchAsync(List<GeoPoint> points, string layer, MapView view, CancellationToken cancellationToken)
    {
        var batch = new PointBatch();
        foreach (var point in points)
        {
            batch.Add(point);
        }

        var request = new V1.ResolveBatchRequest
        {
            Points = batch.Points,
            Layer = layer,
            MinVersion = MinReadVersion,
            Plan = view.Plan ?? "",
            Version = view.Version ?? 0,
            AsOf = ProtoMapping.ToTimestamp(view.AsOf),
        };
        var response = await UnaryAsync("ResolveBatch", CallSafety.Read, request,
            (r, options) => _assignments.ResolveBatchAsync(r, options), cancellationToken).ConfigureAwait(false);
        return Assignments(response.Assignments ?? new V1.AssignmentChunk(), batch, "ResolveBatch");
    }

    /// <summary>Turns a chunk of answers into assignments, sharing one ancestor list per territory.</summary>
    private Assignment[] Assignments(V1.AssignmentChunk answers, PointBatch batch, string method)
    {
        if (answers.Count != batch.Count || answers.Reasons.Count != answers.Count)
        {
            throw ProtocolError(method, $"{answers.Count:N0} answers (and {answers.Reasons.Count:N0} reasons) came for {batch.Count:N0} points");
        }

        var territories = new (string Id, string? Owner, IReadOnlyList<string> Ancestors)[answers.Territories.Count];
        for (var t = 0; t < territories.Length; t++)
        {
            var territory = answers.Territories[t];
            territories[t] = (territory.TerritoryId, ProtoMapping.NullIfEmpty(territory.OwnerId),
                territory.AncestorIds.Count == 0 ? [] : [.. territory.AncestorIds]);
        }

        var assignments = new Assignment[answers.Count];
        var layer = answers.Layer;
        var version = answers.MapVersion;
        for (var i = 0; i < assignments.Length; i++)
        {
            var reference = answers.TerritoryRefs[i];
            var reason = ProtoMapping.Reason(answers.Reasons[i]);
            var id = batch.IdAt(i);
            if (reference == 0)
            {
                assignments[i] = new Assignment(id, null, null, layer, reason, [], version);
            }
            else if (reference <= (uint)territories.Length)
            {
                var (territoryId, owner, ancestors) = territories[reference - 1];
                assignments[i] = new Assignment(id, territoryId, owner, layer, reason, ancestors, version);
            }
            else
            {
                throw ProtocolError(method, $"answer {i} refers to territory {reference} but the chunk lists {territories.Length}");
            }
        }

        return assignments;
    }

    private GeoAssignException ProtocolError(string method, string problem) =>
        new(method, Options.Address, new RpcException(new Status(StatusCode.Internal, $"Protocol error: {problem}.")));

    /// <summary>Points of one request message, with the callers' ids kept here (they are not sent).</summary>
    private sealed class PointBatch
    {
        private List<string?>? _ids;

        public V1.PointChunk Points { get; } = new();

        public int Count => Points.Count;

        public void Add(GeoPoint point)
        {
            if (point.Id is not null && _ids is null)
            {
                _ids = new List<string?>(Math.Max(16, Points.Count + 1));
                for (var i = 0; i < Points.Count; i++)
                {
                    _ids.Add(null);
                }
            }

            _ids?.Add(point.Id);
            Points.Add(point.Lat, point.Lng);
        }

        public string? IdAt(int index) => _ids?[index];
    }

    private sealed class ResolveStreamProtocol(GeoAssignClient client, V1.AssignmentService.AssignmentServiceClient stub, string layer, MapView view)
        : IChunkProtocol<GeoPoint, PointBatch, V1.ResolveStreamRequest, V1.ResolveStreamResponse>
    {
        public string Method => "ResolveStream";

        public PointBatch NewChunk() => new();

        public void Add(PointBatch chunk, GeoPoint item) => chunk.Add(item);

        public int Count(PointBatch chunk) => chunk.Count;

        public V1.ResolveStreamRequest Request(PointBatch chunk, bool first) => first
            ? new V1.ResolveStreamRequest
            {
                Points = chunk.Points,
                Layer = layer,
                MinVersion = client.MinReadVersion,
                Plan = view.Plan ?? "",
                Version = view.Version ?? 0,
                AsOf = ProtoMapping.ToTimestamp(view.AsOf),
            }
            : new V1.ResolveStreamRequest { Points = chunk.Points };

        public AsyncDuplexStreamingCall<V1.ResolveStreamRequest, V1.ResolveStreamResponse> Start(CallOptions options) => stub.ResolveStream(options);

        public bool IsAnswer(V1.ResolveStreamResponse response) => true;
    }
}

// The AssignmentService calls: Resolve, and ResolveBatch or ResolveStream behind ResolveManyAsync, against any map view, with account ids.
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
    public Task<Assignment> ResolveAsync(double lat, double lng, string? layer, MapView view, CancellationToken cancellationToken = default) =>
        ResolveAsync(new GeoPoint(lat, lng), layer, view, cancellationToken);

    /// <summary>
    /// Resolves one point, with the account at it when <see cref="GeoPoint.AccountId"/> is set: an override of
    /// the account in force decides the owner (<see cref="Assignment.Override"/>, reason
    /// <see cref="AssignmentReason.AccountOverride"/>), and the answer still names the territory the point lies in
    /// and that territory's owner (<see cref="Assignment.TerritoryOwnerId"/>). The point's <see cref="GeoPoint.Id"/>
    /// comes back on the answer.
    /// </summary>
    /// <param name="point">The point, with the optional account at it.</param>
    /// <param name="layer">The layer to look in; <see langword="null"/> means "geo".</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="GeoAssignException">As <see cref="ResolveAsync(double, double, string?, CancellationToken)"/>.</exception>
    public Task<Assignment> ResolveAsync(GeoPoint point, string? layer = null, CancellationToken cancellationToken = default) =>
        ResolveAsync(point, layer, MapView.Live, cancellationToken);

    /// <summary>
    /// Resolves one point, with the account at it, as <see cref="ResolveAsync(GeoPoint, string?, CancellationToken)"/> does,
    /// against the map <paramref name="view"/> names. Against a past version or instant the overrides of that time apply;
    /// against a plan, the live map's.
    /// </summary>
    /// <param name="point">The point, with the optional account at it.</param>
    /// <param name="layer">The layer to look in; <see langword="null"/> means "geo".</param>
    /// <param name="view">The map to answer from.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="GeoAssignException">As <see cref="ResolveAsync(double, double, string?, MapView, CancellationToken)"/>.</exception>
    public async Task<Assignment> ResolveAsync(GeoPoint point, string? layer, MapView view, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(view);
        var request = new V1.ResolveRequest
        {
            Lat = point.Lat,
            Lng = point.Lng,
            Layer = layer ?? "",
            MinVersion = MinReadVersion,
            Plan = view.Plan ?? "",
            Version = view.Version ?? 0,
            AsOf = ProtoMapping.ToTimestamp(view.AsOf),
            AccountId = point.AccountId ?? "",
        };
        var response = await UnaryAsync("Resolve", CallSafety.Read, request,
            (r, options) => _assignments.ResolveAsync(r, options), cancellationToken).ConfigureAwait(false);
        return ProtoMapping.Assignment(response.Assignment ?? new V1.Assignment(), point.Id, point.AccountId);
    }

    /// <summary>
    /// Resolves many points and yields their assignments in input order, each with the point's id. A point with
    /// an <see cref="GeoPoint.AccountId"/> gets the owner of the account's override when one is in force
    /// (<see cref="Assignment.Override"/>). A row made by <see cref="GeoPoint.ForPostalCode"/> is resolved at its
    /// code's point (<see cref="Assignment.Location"/>), or answered <see cref="AssignmentReason.PostalCodeNotFound"/>
    /// when the server's gazetteer does not know the code. Up to
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

    /// <summary>Turns a chunk of answers into assignments, sharing one ancestor list per territory and one record per override.</summary>
    private Assignment[] Assignments(V1.AssignmentChunk answers, PointBatch batch, string method)
    {
        if (answers.Count != batch.Count || answers.Reasons.Count != answers.Count)
        {
            throw ProtocolError(method, $"{answers.Count:N0} answers (and {answers.Reasons.Count:N0} reasons) came for {batch.Count:N0} points");
        }

        var overrideRefs = answers.OverrideRefs;
        if (overrideRefs.Count != 0 && overrideRefs.Count != answers.Count)
        {
            throw ProtocolError(method, $"{overrideRefs.Count:N0} override references came for {answers.Count:N0} answers");
        }

        var overrides = new AssignmentOverride[answers.Overrides.Count];
        for (var o = 0; o < overrides.Length; o++)
        {
            var entry = answers.Overrides[o];
            overrides[o] = new AssignmentOverride(entry.AccountId, entry.OwnerId, ProtoMapping.NullIfEmpty(entry.TerritoryId), entry.Protected);
        }

        var locationRefs = answers.LocationRefs;
        if (locationRefs.Count != 0 && locationRefs.Count != answers.Count)
        {
            throw ProtocolError(method, $"{locationRefs.Count:N0} location references came for {answers.Count:N0} answers");
        }

        var locations = new PostalCodeLocation[answers.Locations.Count];
        for (var l = 0; l < locations.Length; l++)
        {
            locations[l] = Location(answers.Locations[l]);
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
            Assignment assignment;
            if (reference == 0)
            {
                assignment = new Assignment(id, null, null, layer, reason, [], version);
            }
            else if (reference <= (uint)territories.Length)
            {
                var (territoryId, owner, ancestors) = territories[reference - 1];
                assignment = new Assignment(id, territoryId, owner, layer, reason, ancestors, version);
            }
            else
            {
                throw ProtocolError(method, $"answer {i} refers to territory {reference} but the chunk lists {territories.Length}");
            }

            var overrideRef = overrideRefs.Count == 0 ? 0 : overrideRefs[i];
            if (overrideRef > (uint)overrides.Length)
            {
                throw ProtocolError(method, $"answer {i} refers to override {overrideRef} but the chunk lists {overrides.Length}");
            }

            var locationRef = locationRefs.Count == 0 ? 0 : locationRefs[i];
            if (locationRef > (uint)locations.Length)
            {
                throw ProtocolError(method, $"answer {i} refers to location {locationRef} but the chunk lists {locations.Length}");
            }

            if (locationRef != 0)
            {
                assignment = assignment with { Location = locations[locationRef - 1] };
            }

            // The territory's owner stays on the answer beside the override's, so callers can see both.
            assignments[i] = overrideRef == 0
                ? assignment
                : assignment with { OwnerId = overrides[overrideRef - 1].OwnerId, Override = overrides[overrideRef - 1], TerritoryOwnerId = assignment.OwnerId };
        }

        return assignments;
    }

    private GeoAssignException ProtocolError(string method, string problem) =>
        new(method, Options.Address, new RpcException(new Status(StatusCode.Internal, $"Protocol error: {problem}.")));

    /// <summary>
    /// Points of one request message, with the callers' ids kept here (they are not sent); account ids are sent,
    /// as a column that starts with the first point that has one (the points before it get "", no account);
    /// postal codes likewise (PointChunk.AddPostalCode keeps the columns one length).
    /// </summary>
    private sealed class PointBatch
    {
        private List<string?>? _ids;
        private bool _accounts;

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

            if (!_accounts && !string.IsNullOrEmpty(point.AccountId))
            {
                _accounts = true;
                for (var i = 0; i < Points.Count; i++)
                {
                    Points.AccountIds.Add("");
                }
            }

            _ids?.Add(point.Id);
            if (_accounts)
            {
                Points.AccountIds.Add(point.AccountId ?? "");
            }

            if (point.IsPostalCode)
            {
                Points.AddPostalCode(point.Country!, point.PostalCode ?? "");
            }
            else
            {
                Points.AddPoint(point.Lat, point.Lng);
            }
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

// AssignmentService: Resolve, ResolveAddress, ResolveBatch and ResolveStream over the current map.
using System.Diagnostics;
using GeoAssign.Index.Gazetteer;
using GeoAssign.Protos.V1;
using GeoAssign.Server.Hosting;
using GeoAssign.Server.Maps;
using GeoAssign.Server.Telemetry;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace GeoAssign.Server.Services;

/// <summary>Resolving points: translates messages and calls the map. See assignment.proto for the contract.</summary>
internal sealed class AssignmentService(MapReader maps, GeoAssignMetrics metrics, IOptions<GeoAssignServerOptions> options)
    : Protos.V1.AssignmentService.AssignmentServiceBase
{
    private readonly int _maxPoints = options.Value.MaxPointsPerMessage;

    public override async Task<ResolveResponse> Resolve(ResolveRequest request, ServerCallContext context)
    {
        var layer = RequestChecks.Layer(request.Layer);
        if (!request.HasLat || !request.HasLng)
        {
            throw RpcErrors.InvalidArgument(request.HasLat ? "lng is required." : request.HasLng ? "lat is required." : "lat and lng are required.");
        }

        if (RequestChecks.PointProblem(request.Lat, request.Lng) is { } problem)
        {
            throw RpcErrors.InvalidArgument($"The point: {problem}.");
        }

        var target = await maps.LookupAsync(request.MinVersion, context, request.Plan, request.Version, request.AsOf).ConfigureAwait(false);
        var resolver = ChunkResolver.For(target, layer);
        var start = Stopwatch.GetTimestamp();
        var assignment = resolver.ResolveOne(request.Lat, request.Lng);
        var counts = default(ReasonCounts);
        // The out value is set for an override that is not in force too: only the result says it applies.
        var overriding = resolver.TryGetOverride(request.AccountId, out var entry) ? entry : null;
        if (overriding is null)
        {
            counts.Add(assignment.Reason);
        }
        else
        {
            counts.AddOverride();
        }

        metrics.Resolved("Resolve", start, counts);
        return new ResolveResponse { Assignment = ChunkResolver.ToAssignment(assignment, layer, target.Map.Version, overriding) };
    }

    public override async Task<ResolveAddressResponse> ResolveAddress(ResolveAddressRequest request, ServerCallContext context)
    {
        var layer = RequestChecks.Layer(request.Layer);
        var country = PostalCodeMessages.Country(request.Country);
        var code = PostalCodeMessages.Code(country, request.PostalCode);
        var target = await maps.LookupAsync(request.MinVersion, context, request.Plan, request.Version, request.AsOf).ConfigureAwait(false);
        var gazetteer = target.Gazetteer;
        if (!gazetteer.TryGet(country, code, out var entry))
        {
            throw PostalCodeMessages.NotFound(gazetteer, country, code, target.Map.Version);
        }

        var resolver = ChunkResolver.For(target, layer);
        var start = Stopwatch.GetTimestamp();
        var assignment = resolver.ResolveOne(entry.Lat, entry.Lng);
        var counts = default(ReasonCounts);
        var overriding = resolver.TryGetOverride(request.AccountId, out var found) ? found : null;
        if (overriding is null)
        {
            counts.Add(assignment.Reason);
        }
        else
        {
            counts.AddOverride();
        }

        metrics.Resolved("ResolveAddress", start, counts);
        var answer = ChunkResolver.ToAssignment(assignment, layer, target.Map.Version, overriding);
        if (answer.Reason is Reason.InteriorCell or Reason.ExactTest)
        {
            answer.Reason = Reason.PostalCode;
        }

        return new ResolveAddressResponse
        {
            Assignment = answer,
            Location = PostalCodeMessages.ToMessage(entry),
        };
    }

    public override async Task<ResolveBatchResponse> ResolveBatch(ResolveBatchRequest request, ServerCallContext context)
    {
        var layer = RequestChecks.Layer(request.Layer);
        var postal = ChunkResolver.Check(request.Points, 0, _maxPoints);
        var target = await maps.LookupAsync(request.MinVersion, context, request.Plan, request.Version, request.AsOf).ConfigureAwait(false);
        var resolver = ChunkResolver.For(target, layer);
        var start = Stopwatch.GetTimestamp();
        var counts = default(ReasonCounts);
        var chunk = resolver.Resolve(request.Points, postal, ref counts);
        metrics.Resolved("ResolveBatch", start, counts);
        return new ResolveBatchResponse { Assignments = chunk };
    }

    public override async Task ResolveStream(IAsyncStreamReader<ResolveStreamRequest> requestStream,
        IServerStreamWriter<ResolveStreamResponse> responseStream, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        ChunkResolver? resolver = null;
        long answered = 0;
        long messages = 0;
        // Reads the next message only once the answer to the previous one is written: HTTP/2 flow
        // control then bounds the memory of both sides.
        while (await requestStream.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            var request = requestStream.Current;
            PostalKey[]? postal;
            if (resolver is null)
            {
                var layer = RequestChecks.Layer(request.Layer);
                postal = ChunkResolver.Check(request.Points, answered, _maxPoints);
                var target = await maps.LookupAsync(request.MinVersion, context, request.Plan, request.Version, request.AsOf).ConfigureAwait(false);
                resolver = ChunkResolver.For(target, layer);
            }
            else
            {
                if (request.Layer.Length != 0 && request.Layer != resolver.Layer)
                {
                    throw RpcErrors.InvalidArgument(
                        $"Message {messages} of the stream names layer \"{RequestChecks.Shorten(request.Layer)}\" but the stream resolves layer \"{resolver.Layer}\"; later messages leave layer empty.");
                }

                postal = ChunkResolver.Check(request.Points, answered, _maxPoints);
            }

            var start = Stopwatch.GetTimestamp();
            var counts = default(ReasonCounts);
            var chunk = resolver.Resolve(request.Points, postal, ref counts);
            metrics.Resolved("ResolveStream", start, counts);
            await responseStream.WriteAsync(new ResolveStreamResponse { FirstIndex = (ulong)answered, Assignments = chunk }, cancellationToken)
                .ConfigureAwait(false);
            answered += chunk.Count;
            messages++;
        }
    }
}

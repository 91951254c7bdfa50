// ReassignmentService: which accounts change owner under the current map, or under a plan (a preview).
using System.Diagnostics;
using System.Runtime.InteropServices;
using GeoAssign.Protos.V1;
using GeoAssign.Server.Hosting;
using GeoAssign.Server.Maps;
using GeoAssign.Server.Telemetry;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace GeoAssign.Server.Services;

/// <summary>Reassign: translates account chunks and compares owners. See reassignment.proto for the contract.</summary>
internal sealed class ReassignmentService(MapReader maps, GeoAssignMetrics metrics, IOptions<GeoAssignServerOptions> options)
    : Protos.V1.ReassignmentService.ReassignmentServiceBase
{
    private readonly int _maxAccounts = options.Value.MaxPointsPerMessage;

    public override async Task Reassign(IAsyncStreamReader<ReassignRequest> requestStream, IServerStreamWriter<ReassignResponse> responseStream,
        ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        ChunkResolver? resolver = null;
        long processed = 0;
        long messages = 0;
        ulong unassigned = 0;
        ulong changed = 0;
        var transitions = new Dictionary<(string Old, string New), ulong>();
        var owners = new Dictionary<string, (ulong Before, ulong After)>(StringComparer.Ordinal);
        var kept = new Dictionary<string, ulong>(StringComparer.Ordinal);
        // Flow control as ResolveStream: the next message is read once this one's answer is written.
        while (await requestStream.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            var request = requestStream.Current;
            if (resolver is null)
            {
                var layer = RequestChecks.Layer(request.Layer);
                Check(request.Accounts, processed);
                var target = await maps.LookupAsync(request.MinVersion, context, request.Plan, request.Version, request.AsOf).ConfigureAwait(false);
                resolver = ChunkResolver.For(target, layer);
            }
            else
            {
                if (request.Layer.Length != 0 && request.Layer != resolver.Layer)
                {
                    throw RpcErrors.InvalidArgument(
                        $"Message {messages} of the stream names layer \"{RequestChecks.Shorten(request.Layer)}\" but the call assigns from layer \"{resolver.Layer}\"; later messages leave layer empty.");
                }

                Check(request.Accounts, processed);
            }

            var start = Stopwatch.GetTimestamp();
            var counts = default(ReasonCounts);
            var answer = new ReassignChanges { MapVersion = (ulong)resolver.Map.Version };
            var accounts = request.Accounts;
            var count = accounts?.Ids.Count ?? 0;
            for (var i = 0; i < count; i++)
            {
                var assignment = resolver.ResolveOne(accounts!.Lat[i], accounts.Lng[i]);
                var territory = assignment.Territory?.Territory;
                string newOwner;
                Reason reason;
                if (resolver.TryGetOverride(accounts.Ids[i], out var overriding))
                {
                    // An override in force decides, as in lookups; a protected one is the account
                    // realignment keeps, reported per owner.
                    counts.AddOverride();
                    newOwner = overriding.OwnerId;
                    reason = Reason.AccountOverride;
                    if (overriding.Protected)
                    {
                        ref var keptCount = ref CollectionsMarshal.GetValueRefOrAddDefault(kept, newOwner, out _);
                        keptCount++;
                    }
                }
                else
                {
                    counts.Add(assignment.Reason);
                    newOwner = territory?.OwnerId ?? "";
                    reason = ChunkResolver.ToProto(assignment.Reason);
                }

                if (territory is null)
                {
                    unassigned++;
                }

                var oldOwner = accounts.CurrentOwnerIds[i];
                ref var before = ref CollectionsMarshal.GetValueRefOrAddDefault(owners, oldOwner, out _);
                before.Before++;
                ref var after = ref CollectionsMarshal.GetValueRefOrAddDefault(owners, newOwner, out _);
                after.After++;
                if (string.Equals(oldOwner, newOwner, StringComparison.Ordinal))
                {
                    continue;
                }

                changed++;
                var key = (oldOwner, newOwner);
                transitions[key] = transitions.GetValueOrDefault(key) + 1;
                answer.Changes.Add(new OwnerChange
                {
                    AccountId = accounts.Ids[i],
                    OldOwnerId = oldOwner,
                    NewOwnerId = newOwner,
                    TerritoryId = territory?.Id ?? "",
                    Reason = reason,
                    AccountIndex = (ulong)(processed + i),
                });
            }

            processed += count;
            messages++;
            answer.ProcessedCount = (ulong)processed;
            metrics.Resolved("Reassign", start, counts);
            await responseStream.WriteAsync(new ReassignResponse { Changes = answer }, cancellationToken).ConfigureAwait(false);
        }

        var answered = resolver?.Map ?? maps.Replica.Current;
        var summary = new ReassignSummary
        {
            TotalCount = (ulong)processed,
            ChangedCount = changed,
            UnchangedCount = (ulong)processed - changed,
            UnassignedCount = unassigned,
            MapVersion = (ulong)answered.Version,
            Layer = resolver?.Layer ?? Index.Model.Territory.DefaultLayer,
        };
        var ordered = transitions.ToList();
        ordered.Sort(static (a, b) =>
        {
            var byCount = b.Value.CompareTo(a.Value);
            if (byCount != 0)
            {
                return byCount;
            }

            var byOld = string.CompareOrdinal(a.Key.Old, b.Key.Old);
            return byOld != 0 ? byOld : string.CompareOrdinal(a.Key.New, b.Key.New);
        });
        foreach (var ((oldOwner, newOwner), count) in ordered)
        {
            summary.Transitions.Add(new OwnerTransition { OldOwnerId = oldOwner, NewOwnerId = newOwner, Count = count });
        }

        foreach (var (owner, (before, after)) in owners.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            summary.OwnerCounts.Add(new OwnerCount { OwnerId = owner, Before = before, After = after });
        }

        foreach (var (owner, count) in kept.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            summary.KeptByOverride.Add(new OwnerTally { OwnerId = owner, Count = count });
        }

        await responseStream.WriteAsync(new ReassignResponse { Summary = summary }, cancellationToken).ConfigureAwait(false);
    }

    private void Check(AccountChunk? accounts, long firstIndex)
    {
        if (accounts is null)
        {
            return;
        }

        var count = accounts.Ids.Count;
        if (count > _maxAccounts)
        {
            throw RpcErrors.ResourceExhausted($"The message has {count} accounts; the limit is {_maxAccounts} per message (GeoAssign:MaxPointsPerMessage). Send smaller chunks.");
        }

        if (accounts.Lat.Count != count || accounts.Lng.Count != count || accounts.CurrentOwnerIds.Count != count)
        {
            throw RpcErrors.InvalidArgument(
                $"accounts has columns of different lengths (ids {count}, lat {accounts.Lat.Count}, lng {accounts.Lng.Count}, current_owner_ids {accounts.CurrentOwnerIds.Count}), at stream index {firstIndex}.");
        }

        for (var i = 0; i < count; i++)
        {
            if (accounts.Ids[i].Length == 0)
            {
                throw RpcErrors.InvalidArgument($"accounts[{firstIndex + i}]: the account id is empty.");
            }

            if (RequestChecks.PointProblem(accounts.Lat[i], accounts.Lng[i]) is { } problem)
            {
                throw RpcErrors.InvalidArgument($"accounts[{firstIndex + i}] (id \"{RequestChecks.Shorten(accounts.Ids[i])}\"): {problem}.");
            }
        }
    }
}

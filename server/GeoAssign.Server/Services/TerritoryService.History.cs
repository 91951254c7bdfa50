// TerritoryService history: the live map's versions, and rolling back to one of them.
using GeoAssign.Index.Analysis;
using GeoAssign.Index.Model;
using GeoAssign.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace GeoAssign.Server.Services;

internal sealed partial class TerritoryService
{
    public override Task<ListVersionsResponse> ListVersions(ListVersionsRequest request, ServerCallContext context)
    {
        if (request.PageSize < 0)
        {
            throw RpcErrors.InvalidArgument($"page_size {request.PageSize} is negative.");
        }

        var pageSize = request.PageSize == 0 ? _options.DefaultPageSize : Math.Min(request.PageSize, _options.MaxPageSize);
        var history = Replica.State.History;
        var response = new ListVersionsResponse { OldestVersion = history.IsEmpty ? 0 : (ulong)history[0].Version };
        var i = history.Count - 1;
        if (request.BeforeVersion != 0)
        {
            while (i >= 0 && (ulong)history[i].Version >= request.BeforeVersion)
            {
                i--;
            }
        }

        for (; i >= 0 && response.Versions.Count < pageSize; i--)
        {
            var entry = history[i];
            response.Versions.Add(new MapVersionInfo
            {
                Version = (ulong)entry.Version,
                Time = Timestamp.FromDateTimeOffset(entry.Info.Time),
                Author = entry.Info.Author,
                Message = entry.Info.Message,
                UpsertedCount = (uint)entry.Upserted,
                DeletedCount = (uint)entry.Deleted,
                ActivatedPlan = entry.ActivatedPlan ?? "",
            });
        }

        if (i >= 0 && response.Versions.Count > 0)
        {
            response.NextBeforeVersion = response.Versions[^1].Version;
        }

        return Task.FromResult(response);
    }

    public override async Task<RollbackMapResponse> RollbackMap(RollbackMapRequest request, ServerCallContext context)
    {
        const string Rpc = "RollbackMap";
        if (request.Version == 0)
        {
            throw edits.Rejected(Rpc, RpcErrors.InvalidArgument("version is required: the version of the live map to make live again."));
        }

        var target = await maps.TargetAsync(0, context, "", request.Version, null).ConfigureAwait(false);
        var (state, change) = await edits.RunAsync(Rpc, "", request.HasExpectedVersion ? request.ExpectedVersion : null, state =>
        {
            var changes = MapDiff.CompareTerritories(state.Live, target);
            var message = $"Rollback to version {target.Version}" + (request.Message.Length == 0 ? "" : $": {request.Message}");
            var rollback = changes.IsEmpty ? null : new MapChange(state.NextVersion,
                [.. changes.Where(c => c.After is not null).Select(c => c.After!)],
                [.. changes.Where(c => c.After is null).Select(c => c.Id)]) { Info = MapEdits.Info(context, message) };
            return (rollback, rollback);
        }, "territories", null, context).ConfigureAwait(false);

        return new RollbackMapResponse
        {
            MapVersion = (ulong)state.Live.Version,
            UpsertedCount = (uint)(change?.Upserts.Count ?? 0),
            DeletedCount = (uint)(change?.Deletes.Count ?? 0),
        };
    }
}

// AccountService: named-account overrides - upsert, delete, get, list and the CSV import.
using GeoAssign.Index.Model;
using GeoAssign.Index.Plans;
using GeoAssign.Protos.V1;
using GeoAssign.Server.Accounts;
using GeoAssign.Server.Hosting;
using GeoAssign.Server.Maps;
using Grpc.Core;
using Microsoft.Extensions.Options;
using DomainOverride = GeoAssign.Index.Accounts.AccountOverride;

namespace GeoAssign.Server.Services;

/// <summary>
/// Translates override requests: every edit is one change of the live map through
/// <see cref="MapEdits"/>, so overrides are versioned, stored and replicated with the territories.
/// See accounts.proto for the contract. Thread-safe.
/// </summary>
internal sealed class AccountService(MapReader maps, MapEdits edits, IOptions<GeoAssignServerOptions> options)
    : Protos.V1.AccountService.AccountServiceBase
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;
    private readonly GeoAssignServerOptions _options = options.Value;

    public override async Task<UpsertOverridesResponse> UpsertOverrides(UpsertOverridesRequest request, ServerCallContext context)
    {
        const string Rpc = "UpsertOverrides";
        var count = request.Overrides.Count;
        if (count == 0)
        {
            throw edits.Rejected(Rpc, RpcErrors.InvalidArgument($"overrides is empty; send 1 to {_options.MaxOverridesPerEdit:N0} overrides."));
        }

        if (count > _options.MaxOverridesPerEdit)
        {
            throw edits.Rejected(Rpc, RpcErrors.ResourceExhausted(
                $"The request has {count:N0} overrides; the limit is {_options.MaxOverridesPerEdit:N0} per call (GeoAssign:MaxOverridesPerEdit). Split it, or use ImportOverrides."));
        }

        var setBy = Security.ApiKeyInterceptor.KeyNameOf(context);
        var upserts = new List<DomainOverride>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                upserts.Add(OverrideMessages.FromMessage(request.Overrides[i], i, setBy));
            }
        }
        catch (RpcException e)
        {
            throw edits.Rejected(Rpc, e);
        }

        var (state, created) = await edits.RunAsync(Rpc, "", request.HasExpectedVersion ? request.ExpectedVersion : null, state =>
        {
            var created = upserts.Count(o => !state.Live.Overrides.TryGet(o.AccountId, out _));
            var change = new MapChange(state.NextVersion, [], []) { OverrideUpserts = upserts, Info = MapEdits.Info(context, request.Message) };
            return ((MapChange?)change, created);
        }, "overrides", null, context).ConfigureAwait(false);
        return new UpsertOverridesResponse { MapVersion = (ulong)state.Live.Version, CreatedCount = (uint)created, UpdatedCount = (uint)(count - created) };
    }

    public override async Task<DeleteOverridesResponse> DeleteOverrides(DeleteOverridesRequest request, ServerCallContext context)
    {
        const string Rpc = "DeleteOverrides";
        var ids = request.AccountIds;
        if (ids.Count == 0)
        {
            throw edits.Rejected(Rpc, RpcErrors.InvalidArgument($"account_ids is empty; name 1 to {_options.MaxOverridesPerEdit:N0} accounts."));
        }

        if (ids.Count > _options.MaxOverridesPerEdit)
        {
            throw edits.Rejected(Rpc, RpcErrors.ResourceExhausted(
                $"The request has {ids.Count:N0} account ids; the limit is {_options.MaxOverridesPerEdit:N0} per call (GeoAssign:MaxOverridesPerEdit)."));
        }

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < ids.Count; i++)
        {
            if (ids[i].Length == 0)
            {
                throw edits.Rejected(Rpc, RpcErrors.InvalidArgument($"account_ids[{i}] is empty."));
            }

            if (!seen.TryAdd(ids[i], i))
            {
                throw edits.Rejected(Rpc, RpcErrors.InvalidArgument(
                    $"account_ids[{i}] (\"{RequestChecks.Shorten(ids[i])}\") repeats account_ids[{seen[ids[i]]}]; name each account once."));
            }
        }

        var (state, deleted) = await edits.RunAsync(Rpc, "", request.HasExpectedVersion ? request.ExpectedVersion : null, state =>
        {
            var present = new List<string>(ids.Count);
            for (var i = 0; i < ids.Count; i++)
            {
                if (state.Live.Overrides.TryGet(ids[i], out _))
                {
                    present.Add(ids[i]);
                }
                else if (!request.AllowMissing)
                {
                    throw RpcErrors.WithMapVersion(StatusCode.NotFound,
                        $"account_ids[{i}] (\"{RequestChecks.Shorten(ids[i])}\") has no override at version {state.Live.Version}; nothing was changed. Set allow_missing to skip such accounts.",
                        state.Live.Version);
                }
            }

            var change = present.Count == 0 ? null : new MapChange(state.NextVersion, [], []) { OverrideDeletes = present, Info = MapEdits.Info(context, request.Message) };
            return (change, present.Count);
        }, "account_ids", null, context).ConfigureAwait(false);
        return new DeleteOverridesResponse { MapVersion = (ulong)state.Live.Version, DeletedCount = (uint)deleted };
    }

    public override async Task<GetOverrideResponse> GetOverride(GetOverrideRequest request, ServerCallContext context)
    {
        if (request.AccountId.Length == 0)
        {
            throw RpcErrors.InvalidArgument("account_id is required.");
        }

        var map = await maps.AtLeastAsync(request.MinVersion, context).ConfigureAwait(false);
        if (!map.Overrides.TryGet(request.AccountId, out var entry))
        {
            throw RpcErrors.WithMapVersion(StatusCode.NotFound,
                $"Account \"{RequestChecks.Shorten(request.AccountId)}\" has no override at map version {map.Version}.", map.Version);
        }

        return new GetOverrideResponse
        {
            Override = OverrideMessages.ToMessage(entry),
            MapVersion = (ulong)map.Version,
            InForce = entry.InForceAt(DateTime.UtcNow.Ticks),
        };
    }

    public override async Task<ListOverridesResponse> ListOverrides(ListOverridesRequest request, ServerCallContext context)
    {
        if (request.PageSize < 0)
        {
            throw RpcErrors.InvalidArgument($"page_size {request.PageSize} is negative; give 1 to {MaxPageSize}, or 0 for {DefaultPageSize}.");
        }

        TimeSpan? expiring = null;
        if (request.ExpiringWithin is { } window)
        {
            if (window.Seconds < 0 || window.Nanos < 0 || window.Seconds > 100L * 366 * 86400)
            {
                throw RpcErrors.InvalidArgument("expiring_within must be a duration from 0 to 100 years.");
            }

            expiring = window.ToTimeSpan();
        }

        var pageSize = request.PageSize == 0 ? DefaultPageSize : Math.Min(request.PageSize, MaxPageSize);
        var filters = expiring is { } span ? $"overrides expiring {span.Ticks}" : "overrides";
        var after = request.PageToken.Length == 0 ? null : PageToken.Parse(request.PageToken, filters, request.OwnerId);
        var map = await maps.AtLeastAsync(request.MinVersion, context).ConfigureAwait(false);
        var book = map.Overrides;
        var ids = book.SortedIds();
        var start = 0;
        if (after is not null)
        {
            var found = ((string[])ids).AsSpan().BinarySearch(after, StringComparer.Ordinal);
            start = found >= 0 ? found + 1 : ~found;
        }

        var now = DateTime.UtcNow.Ticks;
        var horizon = expiring is { } within ? now + within.Ticks : 0;
        var response = new ListOverridesResponse { MapVersion = (ulong)map.Version, TotalCount = (ulong)book.Count };
        var i = start;
        for (; i < ids.Count && response.Overrides.Count < pageSize; i++)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (!book.TryGet(ids[i], out var entry)
                || (request.OwnerId.Length != 0 && !string.Equals(entry.OwnerId, request.OwnerId, StringComparison.Ordinal))
                || (expiring is not null && !(entry.InForceAt(now) && entry.ValidUntil is { } until && until.UtcTicks <= horizon)))
            {
                continue;
            }

            response.Overrides.Add(OverrideMessages.ToMessage(entry));
        }

        if (i < ids.Count && response.Overrides.Count == pageSize)
        {
            response.NextPageToken = PageToken.Create(ids[i - 1], filters, request.OwnerId);
        }

        return response;
    }

    public override async Task<ImportOverridesResponse> ImportOverrides(IAsyncStreamReader<ImportOverridesRequest> requestStream, ServerCallContext context)
    {
        const string Rpc = "ImportOverrides";
        if (!await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
        {
            throw edits.Rejected(Rpc, RpcErrors.InvalidArgument("The stream is empty: send the options and the CSV text."));
        }

        var first = requestStream.Current;
        var importOptions = first.Options ?? new ImportOverridesOptions();
        OverrideCsv csv;
        try
        {
            csv = await ReadCsvAsync(first, requestStream, Security.ApiKeyInterceptor.KeyNameOf(context), context).ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            throw edits.Rejected(Rpc, e);
        }

        if (csv.ProblemCount > 0)
        {
            throw edits.Rejected(Rpc, RowErrors(csv.Problems, csv.ProblemCount));
        }

        var (state, counts) = await edits.RunAsync(Rpc, "", importOptions.HasExpectedVersion ? importOptions.ExpectedVersion : null, state =>
        {
            var live = state.Live;
            // Territories are checked here, against the map the change applies to, so that a bad row
            // is named by its line (the validator would name it by position).
            var problems = new List<CsvRowProblem>();
            long problemCount = 0;
            for (var i = 0; i < csv.Overrides.Count; i++)
            {
                if (csv.Overrides[i].TerritoryId is { } territory && !live.Territories.ContainsKey(territory))
                {
                    problemCount++;
                    if (problems.Count < OverrideCsvReader.MaxProblems)
                    {
                        problems.Add(new CsvRowProblem(csv.Lines[i],
                            $"territory_id \"{RequestChecks.Shorten(territory)}\" names no territory of the live map (version {live.Version}); leave it empty or create the territory first"));
                    }
                }
            }

            if (problemCount > 0)
            {
                throw RowErrors(problems, problemCount, StatusCode.FailedPrecondition);
            }

            long created = 0;
            foreach (var entry in csv.Overrides)
            {
                created += live.Overrides.TryGet(entry.AccountId, out _) ? 0 : 1;
            }

            var inFile = importOptions.Replace ? csv.Overrides.Select(o => o.AccountId).ToHashSet(StringComparer.Ordinal) : null;
            var deleted = inFile is null ? 0 : live.Overrides.Count - (csv.Overrides.Count - created);
            var change = new MapChange(state.NextVersion, [], [])
            {
                OverrideUpserts = csv.Overrides,
                ClearOverrides = importOptions.Replace,
                Info = MapEdits.Info(context, importOptions.Message),
            };
            return (csv.Overrides.Count == 0 && (!importOptions.Replace || live.Overrides.Count == 0) ? null : change, (Created: created, Deleted: deleted));
        }, "rows", null, context).ConfigureAwait(false);

        return new ImportOverridesResponse
        {
            MapVersion = (ulong)state.Live.Version,
            RowCount = (ulong)csv.RowCount,
            CreatedCount = (ulong)counts.Created,
            UpdatedCount = (ulong)(csv.Overrides.Count - counts.Created),
            DeletedCount = (ulong)counts.Deleted,
        };
    }

    // Reads the CSV while it arrives.
    private Task<OverrideCsv> ReadCsvAsync(ImportOverridesRequest first, IAsyncStreamReader<ImportOverridesRequest> requestStream, string setBy,
        ServerCallContext context) =>
        StreamedText.ReadAsync(first, requestStream, m => m.Chunk, m => m.Options is not null, _options.MaxImportBytes, "The CSV",
            "Split it and import the parts with merge.",
            (stream, cancellationToken) => Task.FromResult(OverrideCsvReader.Read(stream, setBy, _options.MaxOverridesPerImport, cancellationToken)),
            context.CancellationToken);

    // "N rows have problems, nothing was changed:" with each problem on a line.
    private static RpcException RowErrors(IReadOnlyList<CsvRowProblem> problems, long total, StatusCode code = StatusCode.InvalidArgument)
    {
        var text = new System.Text.StringBuilder();
        text.Append(total == 1 ? "1 problem" : $"{total:N0} problems").Append(" in the CSV, nothing was changed:");
        foreach (var problem in problems.Take(50))
        {
            text.Append('\n').Append(problem.ToString()).Append('.');
        }

        if (total > Math.Min(50, problems.Count))
        {
            text.Append("\n… and ").Append(total - Math.Min(50, problems.Count)).Append(" more.");
        }

        return new RpcException(new Status(code, text.ToString()));
    }
}

// TerritoryService gazetteer RPCs: importing postal codes (all rows or none), reading one, listing a country's.
using System.Runtime.InteropServices;
using System.Text;
using GeoAssign.Index;
using GeoAssign.Index.Gazetteer;
using GeoAssign.Index.Model;
using GeoAssign.Protos.V1;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Caching.Memory;

namespace GeoAssign.Server.Services;

internal sealed partial class TerritoryService
{
    public override async Task<ImportGazetteerResponse> ImportGazetteer(IAsyncStreamReader<ImportGazetteerRequest> requestStream, ServerCallContext context)
    {
        const string Rpc = "ImportGazetteer";
        if (!await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
        {
            throw edits.Rejected(Rpc, RpcErrors.InvalidArgument("The stream is empty: send the options and the postal-code text."));
        }

        var first = requestStream.Current;
        var importOptions = first.Options ?? new ImportGazetteerOptions();
        PostalCodeFile file;
        try
        {
            file = await ReadPostalCodesAsync(first, requestStream, context).ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            throw edits.Rejected(Rpc, e);
        }

        return await ApplyGazetteerAsync(Rpc, importOptions, file, context).ConfigureAwait(false);
    }

    public override async Task<ImportGazetteerResponse> ImportGazetteerBody(ImportGazetteerBodyRequest request, ServerCallContext context)
    {
        var importOptions = new ImportGazetteerOptions { Replace = request.Replace, Message = request.Message };
        if (request.HasExpectedVersion)
        {
            importOptions.ExpectedVersion = request.ExpectedVersion;
        }

        var bytes = (request.Body?.Data ?? ByteString.Empty).Memory;
        var file = await Task.Run(() =>
        {
            using var stream = MemoryMarshal.TryGetArray(bytes, out var segment)
                ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
                : new MemoryStream(bytes.ToArray(), writable: false);
            using var text = new StreamReader(stream, Encoding.UTF8);
            return GeoNamesPostalReader.Read(text, context.CancellationToken);
        }, context.CancellationToken).ConfigureAwait(false);
        return await ApplyGazetteerAsync("ImportGazetteerBody", importOptions, file, context).ConfigureAwait(false);
    }

    public override async Task<GetPostalCodeResponse> GetPostalCode(GetPostalCodeRequest request, ServerCallContext context)
    {
        var country = PostalCodeMessages.Country(request.Country);
        var code = PostalCodeMessages.Code(country, request.PostalCode);
        var map = await GazetteerMapAsync(request.MinVersion, context, request.Plan, request.Version, request.AsOf).ConfigureAwait(false);
        if (!map.Gazetteer.TryGet(country, code, out var entry))
        {
            throw PostalCodeMessages.NotFound(map.Gazetteer, country, code, map.Version);
        }

        return new GetPostalCodeResponse { PostalCode = PostalCodeMessages.ToMessage(entry), MapVersion = (ulong)map.Version };
    }

    public override async Task<ListPostalCodesResponse> ListPostalCodes(ListPostalCodesRequest request, ServerCallContext context)
    {
        var country = PostalCodeMessages.Country(request.Country);
        if (request.PageSize < 0)
        {
            throw RpcErrors.InvalidArgument($"page_size {request.PageSize} is negative.");
        }

        var prefix = PostalCodeMessages.Prefix(request.Prefix);
        var after = request.PageToken.Length == 0 ? null : PostalCodeMessages.ParseToken(request.PageToken, country, prefix);
        var pageSize = request.PageSize == 0 ? _options.DefaultPageSize : Math.Min(request.PageSize, _options.MaxPageSize);
        var map = await GazetteerMapAsync(request.MinVersion, context, request.Plan, request.Version, request.AsOf).ConfigureAwait(false);
        var codes = SortedPostalCodes(map, country);

        // The first code after the token's, at or after the prefix: codes with a prefix are contiguous in ordinal order.
        var start = LowerBound(codes, prefix);
        if (after is not null)
        {
            start = Math.Max(start, LowerBound(codes, after));
            start += start < codes.Length && codes[start].Code == after ? 1 : 0;
        }

        var response = new ListPostalCodesResponse { MapVersion = (ulong)map.Version, CountryCount = (ulong)codes.Length };
        var i = start;
        for (; i < codes.Length && response.PostalCodes.Count < pageSize && codes[i].Code.StartsWith(prefix, StringComparison.Ordinal); i++)
        {
            response.PostalCodes.Add(PostalCodeMessages.ToMessage(codes[i]));
        }

        if (i < codes.Length && codes[i].Code.StartsWith(prefix, StringComparison.Ordinal))
        {
            response.NextPageToken = PostalCodeMessages.CreateToken(codes[i - 1].Code, country, prefix);
        }

        return response;
    }

    // The map whose gazetteer a read answers from: the live map, a past version of it, or for a plan (which has no
    // gazetteer of its own) the live map once the plan is known to exist.
    private async ValueTask<TerritoryMap> GazetteerMapAsync(ulong minVersion, ServerCallContext context, string plan, ulong version,
        Google.Protobuf.WellKnownTypes.Timestamp? asOf)
    {
        var map = await maps.TargetAsync(minVersion, context, plan, version, asOf).ConfigureAwait(false);
        return plan.Length == 0 ? map : maps.Replica.State.Live;
    }

    // The index of the first code not ordinally less than the key.
    private static int LowerBound(PostalCodeEntry[] codes, string key)
    {
        int low = 0, high = codes.Length;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (string.CompareOrdinal(codes[middle].Code, key) < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private PostalCodeEntry[] SortedPostalCodes(TerritoryMap map, string country) =>
        cache.GetOrCreate(("postal-codes", map.Version, country), item =>
        {
            var codes = map.Gazetteer.AllOf(country).ToArray();
            Array.Sort(codes, (a, b) => string.CompareOrdinal(a.Code, b.Code));
            item.Size = 1 + codes.Length / 1024;
            item.SlidingExpiration = TimeSpan.FromMinutes(5);
            return codes;
        })!;

    // Refuses a file with bad rows; else applies it as one change of the live map.
    private async Task<ImportGazetteerResponse> ApplyGazetteerAsync(string rpc, ImportGazetteerOptions importOptions, PostalCodeFile file, ServerCallContext context)
    {
        if (file.ProblemCount > 0)
        {
            throw edits.Rejected(rpc, RowErrors(file.Problems, file.ProblemCount));
        }

        var countries = file.Countries;
        var (state, counts) = await edits.RunAsync(rpc, "", importOptions.HasExpectedVersion ? importOptions.ExpectedVersion : null, state =>
        {
            var before = state.Live.Gazetteer;
            var replace = importOptions.Replace;
            long created = 0;
            foreach (var entry in file.Entries)
            {
                created += before.TryGet(entry.Country, entry.Code, out _) ? 0 : 1;
            }

            var deleted = replace ? countries.Sum(c => (long)before.CountOf(c)) - (file.Entries.Count - created) : 0;
            var change = file.Entries.Count == 0 ? null : new MapChange(state.NextVersion, [], [])
            {
                GazetteerUpserts = file.Entries,
                GazetteerClearCountries = replace ? countries : [],
                Info = MapEdits.Info(context, importOptions.Message),
            };
            return (change, (Created: created, Deleted: deleted));
        }, "rows", null, context).ConfigureAwait(false);

        var response = new ImportGazetteerResponse
        {
            MapVersion = (ulong)state.Live.Version,
            RowCount = (ulong)file.RowCount,
            CreatedCount = (ulong)counts.Created,
            UpdatedCount = (ulong)(file.Entries.Count - counts.Created),
            DeletedCount = (ulong)counts.Deleted,
            TotalCount = (ulong)state.Live.Gazetteer.Count,
        };
        response.Countries.AddRange(countries);
        return response;
    }

    // Reads the text while it arrives.
    private Task<PostalCodeFile> ReadPostalCodesAsync(ImportGazetteerRequest first, IAsyncStreamReader<ImportGazetteerRequest> requestStream,
        ServerCallContext context) =>
        StreamedText.ReadAsync(first, requestStream, m => m.Chunk, m => m.Options is not null, _options.MaxImportBytes, "The text",
            "Import one country at a time, or split it and import the parts with merge.",
            (stream, cancellationToken) =>
            {
                using var text = new StreamReader(stream, Encoding.UTF8);
                return Task.FromResult(GeoNamesPostalReader.Read(text, cancellationToken));
            },
            context.CancellationToken);

    // "N problems in the file, nothing was changed:" with each problem on a line.
    private static RpcException RowErrors(IReadOnlyList<PostalRowProblem> problems, long total)
    {
        var text = new StringBuilder();
        text.Append(total == 1 ? "1 problem" : $"{total:N0} problems").Append(" in the postal-code file, nothing was changed:");
        foreach (var problem in problems.Take(50))
        {
            text.Append('\n').Append(problem.ToString()).Append('.');
        }

        if (total > Math.Min(50, problems.Count))
        {
            text.Append("\n… and ").Append(total - Math.Min(50, problems.Count)).Append(" more.");
        }

        return new RpcException(new Status(StatusCode.InvalidArgument, text.ToString()));
    }
}

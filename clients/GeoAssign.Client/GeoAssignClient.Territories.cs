// The TerritoryService calls: edits, imports, reads, listings, map info and watching.
using System.Runtime.CompilerServices;
using Google.Protobuf;
using Grpc.Core;
using V1 = GeoAssign.Protos.V1;

namespace GeoAssign.Client;

public sealed partial class GeoAssignClient
{
    /// <summary>
    /// Creates or replaces territories by id, atomically, as one new map version (which later lookups
    /// through this client then wait for; see <see cref="MinReadVersion"/>).
    /// </summary>
    /// <param name="territories">1 to 10,000 territories (server default), ids distinct, each with a geometry.</param>
    /// <param name="expectedVersion">When set, the edit applies only if the map is at exactly this version, else ABORTED; it also makes the edit safe to retry.</param>
    /// <param name="cancellationToken">Cancels the call (an edit already sent may still be applied).</param>
    /// <exception cref="GeoAssignException">INVALID_ARGUMENT, FAILED_PRECONDITION, ABORTED, RESOURCE_EXHAUSTED, PERMISSION_DENIED, … as the API lists.</exception>
    public async Task<UpsertResult> UpsertAsync(IEnumerable<Territory> territories, ulong? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(territories);
        var request = new V1.UpsertTerritoriesRequest();
        foreach (var territory in territories)
        {
            request.Territories.Add(ProtoMapping.Message(territory));
        }

        if (expectedVersion is { } expected)
        {
            request.ExpectedVersion = expected;
        }

        var response = await UnaryAsync("UpsertTerritories", expectedVersion is null ? CallSafety.Edit : CallSafety.GuardedEdit, request,
            (r, options) => _territories.UpsertTerritoriesAsync(r, options), cancellationToken).ConfigureAwait(false);
        RequireVersion(response.MapVersion);
        return new UpsertResult(response.MapVersion, (int)response.CreatedCount, (int)response.UpdatedCount);
    }

    /// <summary>Deletes territories by id, atomically, as one new map version.</summary>
    /// <param name="ids">1 to 10,000 distinct ids (server default).</param>
    /// <param name="expectedVersion">When set, the edit applies only if the map is at exactly this version, else ABORTED.</param>
    /// <param name="allowMissing">Skip ids that name no territory instead of failing with NOT_FOUND.</param>
    /// <param name="cancellationToken">Cancels the call (an edit already sent may still be applied).</param>
    /// <exception cref="GeoAssignException">NOT_FOUND, FAILED_PRECONDITION (a remaining territory has a deleted parent), ABORTED, … as the API lists.</exception>
    public async Task<DeleteResult> DeleteAsync(IEnumerable<string> ids, ulong? expectedVersion = null, bool allowMissing = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var request = new V1.DeleteTerritoriesRequest { Ids = { ids }, AllowMissing = allowMissing };
        if (expectedVersion is { } expected)
        {
            request.ExpectedVersion = expected;
        }

        var response = await UnaryAsync("DeleteTerritories", expectedVersion is null ? CallSafety.Edit : CallSafety.GuardedEdit, request,
            (r, options) => _territories.DeleteTerritoriesAsync(r, options), cancellationToken).ConfigureAwait(false);
        RequireVersion(response.MapVersion);
        return new DeleteResult(response.MapVersion, (int)response.DeletedCount);
    }

    /// <summary>Imports a GeoJSON FeatureCollection file; see <see cref="ImportGeoJsonAsync(Stream, string?, bool, ulong?, bool, IProgress{long}?, bool, CancellationToken)"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="layer">Layer of features without a <c>layer</c> property; <see langword="null"/> means "geo". With <paramref name="replace"/>, the layer replaced.</param>
    /// <param name="replace">Make the layer exactly the file's features (deleting the others of that layer) instead of merging.</param>
    /// <param name="expectedVersion">When set, the import applies only if the map is at exactly this version, else ABORTED.</param>
    /// <param name="repairInvalidGeometry">Let the server repair invalid polygons (self-intersections and the like) instead of rejecting the file; each repair comes back as a warning.</param>
    /// <param name="progress">Receives the bytes sent so far.</param>
    /// <param name="skipFeaturesWithoutArea">With <paramref name="repairInvalidGeometry"/>, leave out features that have no area once repaired (each named in the warnings) instead of rejecting the file.</param>
    /// <param name="cancellationToken">Cancels the import; a streamed import that is cancelled changes nothing.</param>
    public async Task<ImportResult> ImportGeoJsonAsync(string path, string? layer = null, bool replace = false, ulong? expectedVersion = null,
        bool repairInvalidGeometry = false, IProgress<long>? progress = null, bool skipFeaturesWithoutArea = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16,
            FileOptions.Asynchronous | FileOptions.SequentialScan);
        return await ImportGeoJsonAsync(file, layer, replace, expectedVersion, repairInvalidGeometry, progress, skipFeaturesWithoutArea, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Imports a GeoJSON FeatureCollection (UTF-8), atomically, as one new map version. Up to
    /// <see cref="GeoAssignClientOptions.ImportStreamThreshold"/> bytes go in one ImportGeoJson
    /// message; larger input streams over ImportGeoJsonStream in
    /// <see cref="GeoAssignClientOptions.ImportChunkBytes"/> pieces without being held in memory.
    /// The stream is read from its current position to its end and not disposed. A large import from a
    /// stream that cannot seek is never retried, as it cannot be sent again.
    /// </summary>
    /// <param name="geoJson">The GeoJSON text.</param>
    /// <param name="layer">Layer of features without a <c>layer</c> property; <see langword="null"/> means "geo". With <paramref name="replace"/>, the layer replaced.</param>
    /// <param name="replace">Make the layer exactly the file's features (deleting the others of that layer) instead of merging.</param>
    /// <param name="expectedVersion">When set, the import applies only if the map is at exactly this version, else ABORTED.</param>
    /// <param name="repairInvalidGeometry">Let the server repair invalid polygons (self-intersections and the like) instead of rejecting the file; each repair comes back as a warning.</param>
    /// <param name="progress">Receives the bytes sent so far.</param>
    /// <param name="skipFeaturesWithoutArea">With <paramref name="repairInvalidGeometry"/>, leave out features that have no area once repaired (each named in the warnings) instead of rejecting the file.</param>
    /// <param name="cancellationToken">Cancels the import; a streamed import that is cancelled changes nothing.</param>
    /// <exception cref="GeoAssignException">INVALID_ARGUMENT naming the feature and the problem, FAILED_PRECONDITION, ABORTED, RESOURCE_EXHAUSTED, PERMISSION_DENIED, …</exception>
    public async Task<ImportResult> ImportGeoJsonAsync(Stream geoJson, string? layer = null, bool replace = false, ulong? expectedVersion = null,
        bool repairInvalidGeometry = false, IProgress<long>? progress = null, bool skipFeaturesWithoutArea = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(geoJson);
        var options = new V1.ImportGeoJsonOptions
        {
            Layer = layer ?? "",
            Mode = replace ? V1.ImportMode.Replace : V1.ImportMode.Merge,
            RepairInvalidGeometry = repairInvalidGeometry,
            SkipFeaturesWithoutArea = skipFeaturesWithoutArea,
        };
        if (expectedVersion is { } expected)
        {
            options.ExpectedVersion = expected;
        }

        var safety = expectedVersion is null ? CallSafety.Edit : CallSafety.GuardedEdit;
        var threshold = Options.ImportStreamThreshold;
        V1.ImportSummary summary;
        long bytes;
        if (geoJson.CanSeek && geoJson.Length - geoJson.Position <= threshold)
        {
            var text = new byte[geoJson.Length - geoJson.Position];
            await geoJson.ReadExactlyAsync(text, cancellationToken).ConfigureAwait(false);
            summary = await ImportOneMessageAsync(options, text, safety, cancellationToken).ConfigureAwait(false);
            bytes = text.Length;
        }
        else if (geoJson.CanSeek)
        {
            var start = geoJson.Position;
            bytes = geoJson.Length - start;
            summary = await Retry.ExecuteAsync("ImportGeoJsonStream", Options.Address, safety, (client: this, options, geoJson, start, progress),
                static async (args, token) =>
                {
                    args.geoJson.Position = args.start;
                    return await args.client.ImportStreamAttemptAsync(args.options, ReadOnlyMemory<byte>.Empty, args.geoJson, args.progress, token)
                        .ConfigureAwait(false);
                }, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // Read one byte past the threshold to learn whether one message is enough.
            var head = new byte[threshold + 1];
            var read = await geoJson.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (read <= threshold)
            {
                summary = await ImportOneMessageAsync(options, head.AsMemory(0, read), safety, cancellationToken).ConfigureAwait(false);
                bytes = read;
            }
            else
            {
                var counter = new CountingProgress(progress);
                summary = await Retry.ExecuteAsync("ImportGeoJsonStream", Options.Address, CallSafety.Once, (client: this, options, geoJson, head, counter),
                    static (args, token) => args.client.ImportStreamAttemptAsync(args.options, args.head, args.geoJson, args.counter, token),
                    cancellationToken).ConfigureAwait(false);
                bytes = counter.Last;
            }
        }

        RequireVersion(summary.MapVersion);
        progress?.Report(bytes);
        return new ImportResult(summary.MapVersion, (int)summary.CreatedCount, (int)summary.UpdatedCount, (int)summary.DeletedCount,
            [.. summary.Warnings], bytes);
    }

    private async Task<V1.ImportSummary> ImportOneMessageAsync(V1.ImportGeoJsonOptions options, ReadOnlyMemory<byte> text, CallSafety safety,
        CancellationToken cancellationToken)
    {
        var request = new V1.ImportGeoJsonRequest { Options = options, FeatureCollection = UnsafeByteOperations.UnsafeWrap(text) };
        var response = await UnaryAsync("ImportGeoJson", safety, request,
            (r, callOptions) => _territories.ImportGeoJsonAsync(r, callOptions), cancellationToken).ConfigureAwait(false);
        return response.Summary ?? new V1.ImportSummary();
    }

    private async Task<V1.ImportSummary> ImportStreamAttemptAsync(V1.ImportGeoJsonOptions options, ReadOnlyMemory<byte> head, Stream rest,
        IProgress<long>? progress, CancellationToken token)
    {
        using var call = _territories.ImportGeoJsonStream(StreamingCallOptions(token));
        Exception? writeError = null;
        try
        {
            var first = true;
            long sent = 0;
            async Task SendAsync(ReadOnlyMemory<byte> bytes)
            {
                var message = new V1.ImportGeoJsonStreamRequest { Chunk = ByteString.CopyFrom(bytes.Span) };
                if (first)
                {
                    message.Options = options;
                    first = false;
                }

                await call.RequestStream.WriteAsync(message, token).ConfigureAwait(false);
                sent += bytes.Length;
                progress?.Report(sent);
            }

            for (var offset = 0; offset < head.Length; offset += Options.ImportChunkBytes)
            {
                await SendAsync(head.Slice(offset, Math.Min(Options.ImportChunkBytes, head.Length - offset))).ConfigureAwait(false);
            }

            var buffer = new byte[Options.ImportChunkBytes];
            while (true)
            {
                var read = await rest.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, token).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                await SendAsync(buffer.AsMemory(0, read)).ConfigureAwait(false);
            }

            if (first)
            {
                await SendAsync(ReadOnlyMemory<byte>.Empty).ConfigureAwait(false);
            }

            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException)
        {
            // The call failed while sending: its status, read below, says why.
            writeError = e;
        }

        var response = await call.ResponseAsync.ConfigureAwait(false);
        if (writeError is not null)
        {
            throw writeError;
        }

        return response.Summary ?? new V1.ImportSummary();
    }

    /// <summary>Reads one territory, with its geometry.</summary>
    /// <param name="id">The territory's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="GeoAssignException">NOT_FOUND when no territory has this id; INVALID_ARGUMENT for an empty id.</exception>
    public async Task<Territory> GetTerritoryAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var request = new V1.GetTerritoryRequest { Id = id, MinVersion = MinReadVersion };
        var response = await UnaryAsync("GetTerritory", CallSafety.Read, request,
            (r, options) => _territories.GetTerritoryAsync(r, options), cancellationToken).ConfigureAwait(false);
        return ProtoMapping.Territory(response.Territory ?? new V1.Territory());
    }

    /// <summary>
    /// Lists territories in ordinal id order, fetching pages of <see cref="GeoAssignClientOptions.PageSize"/>
    /// as the enumeration needs them (each page retried on its own). Each page reflects the map current
    /// when it is served; a listing that spans edits never repeats an id.
    /// </summary>
    /// <param name="layer">Only this layer; <see langword="null"/> lists every layer.</param>
    /// <param name="ownerId">Only this owner's territories; <see langword="null"/> applies no owner filter.</param>
    /// <param name="includeGeometry">Fill <see cref="Territory.GeometryGeoJson"/> (off by default: geometries can be large).</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    public async IAsyncEnumerable<Territory> ListTerritoriesAsync(string? layer = null, string? ownerId = null, bool includeGeometry = false,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var token = "";
        do
        {
            var request = new V1.ListTerritoriesRequest
            {
                PageSize = Options.PageSize,
                PageToken = token,
                Layer = layer ?? "",
                OwnerId = ownerId ?? "",
                IncludeGeometry = includeGeometry,
                MinVersion = MinReadVersion,
            };
            var page = await UnaryAsync("ListTerritories", CallSafety.Read, request,
                (r, options) => _territories.ListTerritoriesAsync(r, options), cancellationToken).ConfigureAwait(false);
            foreach (var territory in page.Territories)
            {
                yield return ProtoMapping.Territory(territory);
            }

            token = page.NextPageToken;
        }
        while (token.Length > 0);
    }

    /// <summary>Describes the map the server serves: version, per-layer statistics, replication state and limits.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<MapInfo> GetMapInfoAsync(CancellationToken cancellationToken = default)
    {
        var response = await UnaryAsync("GetMapInfo", CallSafety.Read, new V1.GetMapInfoRequest(),
            (r, options) => _territories.GetMapInfoAsync(r, options), cancellationToken).ConfigureAwait(false);
        return ProtoMapping.Info(response);
    }

    /// <summary>
    /// Yields one <see cref="MapVersionChange"/> per new map version the server applies, until
    /// cancelled. With <paramref name="afterVersion"/> 0 the first is a "you are here" marker for the
    /// current version. The call has no deadline; when the server goes away (UNAVAILABLE, such as a
    /// replica shutting down) the client reconnects with backoff, resuming after the last version it
    /// yielded, so no version is missed (versions that pass while it reconnects arrive merged).
    /// </summary>
    /// <param name="afterVersion">Report versions after this one; 0 starts with the current version.</param>
    /// <param name="cancellationToken">Ends the watch.</param>
    public async IAsyncEnumerable<MapVersionChange> WatchAsync(ulong afterVersion = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var watch = new WatchState(this, afterVersion, cancellationToken);
        try
        {
            while (true)
            {
                var next = await Retry.ExecuteAsync("WatchMap", Options.Address, CallSafety.Read, watch,
                    static (state, token) => state.NextAsync(token), cancellationToken).ConfigureAwait(false);
                if (next is null)
                {
                    yield break;
                }

                watch.Last = next.MapVersion;
                yield return ProtoMapping.Change(next);
            }
        }
        finally
        {
            watch.Dispose();
        }
    }

    /// <summary>The watch call in use, reopened after the last version seen when it fails.</summary>
    private sealed class WatchState(GeoAssignClient client, ulong afterVersion, CancellationToken cancellationToken) : IDisposable
    {
        private AsyncServerStreamingCall<V1.WatchMapResponse>? _call;

        public ulong Last { get; set; } = afterVersion;

        public async Task<V1.WatchMapResponse?> NextAsync(CancellationToken token)
        {
            _call ??= client._territories.WatchMap(new V1.WatchMapRequest { AfterVersion = Last }, client.WatchCallOptions(cancellationToken));
            try
            {
                return await _call.ResponseStream.MoveNext(token).ConfigureAwait(false) ? _call.ResponseStream.Current : null;
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        public void Dispose()
        {
            _call?.Dispose();
            _call = null;
        }
    }

    /// <summary>Passes progress on and remembers the last value.</summary>
    private sealed class CountingProgress(IProgress<long>? inner) : IProgress<long>
    {
        public long Last { get; private set; }

        public void Report(long value)
        {
            Last = value;
            inner?.Report(value);
        }
    }
}

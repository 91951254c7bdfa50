// The TerritoryService calls: edits and imports (live map or plan), reads, listings, map info, history, rollback and watching.
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
    public Task<UpsertResult> UpsertAsync(IEnumerable<Territory> territories, ulong? expectedVersion = null, CancellationToken cancellationToken = default) =>
        UpsertAsync(territories, new EditOptions { ExpectedVersion = expectedVersion }, cancellationToken);

    /// <summary>
    /// Creates or replaces territories by id, atomically, as one new version of the live map or of the plan
    /// <see cref="EditOptions.Plan"/> names (which later lookups and reads through this client then wait for;
    /// see <see cref="MinReadVersion"/>).
    /// </summary>
    /// <param name="territories">1 to 10,000 territories (server default), ids distinct, each with a geometry.</param>
    /// <param name="options">The map edited, the message recorded and the version expected.</param>
    /// <param name="cancellationToken">Cancels the call (an edit already sent may still be applied).</param>
    /// <exception cref="GeoAssignException">As <see cref="UpsertAsync(IEnumerable{Territory}, ulong?, CancellationToken)"/>, plus NOT_FOUND for an
    /// unknown plan and FAILED_PRECONDITION for an activated (read-only) one.</exception>
    public async Task<UpsertResult> UpsertAsync(IEnumerable<Territory> territories, EditOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(territories);
        ArgumentNullException.ThrowIfNull(options);
        var request = new V1.UpsertTerritoriesRequest { Plan = options.Plan ?? "", Message = options.Message ?? "" };
        foreach (var territory in territories)
        {
            request.Territories.Add(ProtoMapping.Message(territory));
        }

        if (options.ExpectedVersion is { } expected)
        {
            request.ExpectedVersion = expected;
        }

        var response = await UnaryAsync("UpsertTerritories", EditSafety(options.ExpectedVersion), request,
            (r, callOptions) => _territories.UpsertTerritoriesAsync(r, callOptions), cancellationToken).ConfigureAwait(false);
        RequireVersion(response.MapVersion);
        return new UpsertResult(response.MapVersion, (int)response.CreatedCount, (int)response.UpdatedCount);
    }

    /// <summary>Deletes territories by id, atomically, as one new map version.</summary>
    /// <param name="ids">1 to 10,000 distinct ids (server default).</param>
    /// <param name="expectedVersion">When set, the edit applies only if the map is at exactly this version, else ABORTED.</param>
    /// <param name="allowMissing">Skip ids that name no territory instead of failing with NOT_FOUND.</param>
    /// <param name="cancellationToken">Cancels the call (an edit already sent may still be applied).</param>
    /// <exception cref="GeoAssignException">NOT_FOUND, FAILED_PRECONDITION (a remaining territory has a deleted parent), ABORTED, … as the API lists.</exception>
    public Task<DeleteResult> DeleteAsync(IEnumerable<string> ids, ulong? expectedVersion = null, bool allowMissing = false,
        CancellationToken cancellationToken = default) =>
        DeleteAsync(ids, new EditOptions { ExpectedVersion = expectedVersion }, allowMissing, cancellationToken);

    /// <summary>Deletes territories by id, atomically, as one new version of the live map or of the plan <see cref="EditOptions.Plan"/> names.</summary>
    /// <param name="ids">1 to 10,000 distinct ids (server default).</param>
    /// <param name="options">The map edited, the message recorded and the version expected.</param>
    /// <param name="allowMissing">Skip ids that name no territory instead of failing with NOT_FOUND.</param>
    /// <param name="cancellationToken">Cancels the call (an edit already sent may still be applied).</param>
    /// <exception cref="GeoAssignException">As <see cref="DeleteAsync(IEnumerable{string}, ulong?, bool, CancellationToken)"/>, plus NOT_FOUND for an
    /// unknown plan and FAILED_PRECONDITION for an activated one.</exception>
    public async Task<DeleteResult> DeleteAsync(IEnumerable<string> ids, EditOptions options, bool allowMissing = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(options);
        var request = new V1.DeleteTerritoriesRequest { Ids = { ids }, AllowMissing = allowMissing, Plan = options.Plan ?? "", Message = options.Message ?? "" };
        if (options.ExpectedVersion is { } expected)
        {
            request.ExpectedVersion = expected;
        }

        var response = await UnaryAsync("DeleteTerritories", EditSafety(options.ExpectedVersion), request,
            (r, callOptions) => _territories.DeleteTerritoriesAsync(r, callOptions), cancellationToken).ConfigureAwait(false);
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
    public Task<ImportResult> ImportGeoJsonAsync(string path, string? layer = null, bool replace = false, ulong? expectedVersion = null,
        bool repairInvalidGeometry = false, IProgress<long>? progress = null, bool skipFeaturesWithoutArea = false, CancellationToken cancellationToken = default) =>
        ImportGeoJsonAsync(path, ImportOptions(layer, replace, expectedVersion, repairInvalidGeometry, skipFeaturesWithoutArea), progress, cancellationToken);

    /// <summary>
    /// Imports a GeoJSON FeatureCollection file into the live map or a plan; see
    /// <see cref="ImportGeoJsonAsync(Stream, GeoJsonImportOptions, IProgress{long}?, CancellationToken)"/>.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="options">How the file combines with the map, which map it changes (<see cref="GeoJsonImportOptions.Plan"/>), and why.</param>
    /// <param name="progress">Receives the bytes sent so far.</param>
    /// <param name="cancellationToken">Cancels the import; a streamed import that is cancelled changes nothing.</param>
    public async Task<ImportResult> ImportGeoJsonAsync(string path, GeoJsonImportOptions options, IProgress<long>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16,
            FileOptions.Asynchronous | FileOptions.SequentialScan);
        return await ImportGeoJsonAsync(file, options, progress, cancellationToken).ConfigureAwait(false);
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
    public Task<ImportResult> ImportGeoJsonAsync(Stream geoJson, string? layer = null, bool replace = false, ulong? expectedVersion = null,
        bool repairInvalidGeometry = false, IProgress<long>? progress = null, bool skipFeaturesWithoutArea = false, CancellationToken cancellationToken = default) =>
        ImportGeoJsonAsync(geoJson, ImportOptions(layer, replace, expectedVersion, repairInvalidGeometry, skipFeaturesWithoutArea), progress, cancellationToken);

    /// <summary>
    /// Imports a GeoJSON FeatureCollection (UTF-8), atomically, as one new version of the live map or of the plan
    /// <see cref="GeoJsonImportOptions.Plan"/> names; sent as
    /// <see cref="ImportGeoJsonAsync(Stream, string?, bool, ulong?, bool, IProgress{long}?, bool, CancellationToken)"/> describes.
    /// </summary>
    /// <param name="geoJson">The GeoJSON text.</param>
    /// <param name="options">How the file combines with the map, which map it changes, and why.</param>
    /// <param name="progress">Receives the bytes sent so far.</param>
    /// <param name="cancellationToken">Cancels the import; a streamed import that is cancelled changes nothing.</param>
    /// <exception cref="GeoAssignException">As the other overload, plus NOT_FOUND for an unknown plan and FAILED_PRECONDITION for an activated one.</exception>
    public async Task<ImportResult> ImportGeoJsonAsync(Stream geoJson, GeoJsonImportOptions options, IProgress<long>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(geoJson);
        ArgumentNullException.ThrowIfNull(options);
        var message = new V1.ImportGeoJsonOptions
        {
            Layer = options.Layer ?? "",
            Mode = options.Replace ? V1.ImportMode.Replace : V1.ImportMode.Merge,
            RepairInvalidGeometry = options.RepairInvalidGeometry,
            SkipFeaturesWithoutArea = options.SkipFeaturesWithoutArea,
            Plan = options.Plan ?? "",
            Message = options.Message ?? "",
        };
        if (options.ExpectedVersion is { } expected)
        {
            message.ExpectedVersion = expected;
        }

        return await ImportAsync(geoJson, message, EditSafety(options.ExpectedVersion), progress, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ImportResult> ImportAsync(Stream geoJson, V1.ImportGeoJsonOptions options, CallSafety safety, IProgress<long>? progress,
        CancellationToken cancellationToken)
    {
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

    private static GeoJsonImportOptions ImportOptions(string? layer, bool replace, ulong? expectedVersion, bool repairInvalidGeometry,
        bool skipFeaturesWithoutArea) => new()
        {
            Layer = layer,
            Replace = replace,
            ExpectedVersion = expectedVersion,
            RepairInvalidGeometry = repairInvalidGeometry,
            SkipFeaturesWithoutArea = skipFeaturesWithoutArea,
        };

    /// <summary>An edit with an expected version cannot be applied twice, so it may be retried whatever happened.</summary>
    private static CallSafety EditSafety(ulong? expectedVersion) => expectedVersion is null ? CallSafety.Edit : CallSafety.GuardedEdit;

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
    public Task<Territory> GetTerritoryAsync(string id, CancellationToken cancellationToken = default) => GetTerritoryAsync(id, null, cancellationToken);

    /// <summary>Reads one territory, with its geometry, from the live map or a plan.</summary>
    /// <param name="id">The territory's id.</param>
    /// <param name="plan">The plan to read from; <see langword="null"/> reads the live map.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="GeoAssignException">NOT_FOUND when no territory has this id or there is no such plan; INVALID_ARGUMENT for an empty id.</exception>
    public async Task<Territory> GetTerritoryAsync(string id, string? plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var request = new V1.GetTerritoryRequest { Id = id, MinVersion = MinReadVersion, Plan = plan ?? "" };
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
    public IAsyncEnumerable<Territory> ListTerritoriesAsync(string? layer = null, string? ownerId = null, bool includeGeometry = false,
        CancellationToken cancellationToken = default) =>
        ListTerritoriesAsync(layer, ownerId, includeGeometry, null, cancellationToken);

    /// <summary>
    /// Lists the territories of the live map or of a plan, as
    /// <see cref="ListTerritoriesAsync(string?, string?, bool, CancellationToken)"/> does.
    /// </summary>
    /// <param name="layer">Only this layer; <see langword="null"/> lists every layer.</param>
    /// <param name="ownerId">Only this owner's territories; <see langword="null"/> applies no owner filter.</param>
    /// <param name="includeGeometry">Fill <see cref="Territory.GeometryGeoJson"/>.</param>
    /// <param name="plan">The plan to list; <see langword="null"/> lists the live map. NOT_FOUND when there is no such plan.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    public async IAsyncEnumerable<Territory> ListTerritoriesAsync(string? layer, string? ownerId, bool includeGeometry, string? plan,
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
                Plan = plan ?? "",
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
    /// The history of the live map, newest first, as far back as the server keeps it: each version's time,
    /// author, message and counts. Pages of <see cref="GeoAssignClientOptions.PageSize"/> (at most 1,000, the
    /// server's cap) are fetched as the enumeration needs them, each retried on its own; stop enumerating to
    /// stop fetching.
    /// </summary>
    /// <param name="beforeVersion">Start below this version; 0 (the default) starts at the newest.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    public async IAsyncEnumerable<MapVersionInfo> ListVersionsAsync(ulong beforeVersion = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var before = beforeVersion;
        do
        {
            var request = new V1.ListVersionsRequest { PageSize = Math.Min(Options.PageSize, 1_000), BeforeVersion = before };
            var page = await UnaryAsync("ListVersions", CallSafety.Read, request,
                (r, options) => _territories.ListVersionsAsync(r, options), cancellationToken).ConfigureAwait(false);
            foreach (var version in page.Versions)
            {
                yield return ProtoMapping.Version(version);
            }

            // A token that does not move down would repeat the page forever.
            if (page.NextBeforeVersion != 0 && before != 0 && page.NextBeforeVersion >= before)
            {
                throw ProtocolError("ListVersions", $"the next page starts below version {page.NextBeforeVersion}, not below {before}");
            }

            before = page.NextBeforeVersion;
        }
        while (before != 0);
    }

    /// <summary>
    /// Makes a past version the live map again, as one new version (the versions in between stay in the history).
    /// Safe to retry with <paramref name="expectedVersion"/>; without it, retried only when it provably was not applied.
    /// </summary>
    /// <param name="version">The version of the live map to make live again (within the history kept).</param>
    /// <param name="expectedVersion">When set, the rollback applies only if the live map is at exactly this version, else ABORTED.</param>
    /// <param name="message">Why: recorded with the new version.</param>
    /// <param name="cancellationToken">Cancels the call (a rollback already sent may still be applied).</param>
    /// <exception cref="GeoAssignException">FAILED_PRECONDITION (older than the history kept, or not a version of the live map), ABORTED, PERMISSION_DENIED, …</exception>
    public async Task<RollbackResult> RollbackAsync(ulong version, ulong? expectedVersion = null, string? message = null, CancellationToken cancellationToken = default)
    {
        var request = new V1.RollbackMapRequest { Version = version, Message = message ?? "" };
        if (expectedVersion is { } expected)
        {
            request.ExpectedVersion = expected;
        }

        var response = await UnaryAsync("RollbackMap", EditSafety(expectedVersion), request,
            (r, options) => _territories.RollbackMapAsync(r, options), cancellationToken).ConfigureAwait(false);
        RequireVersion(response.MapVersion);
        return new RollbackResult(response.MapVersion, (int)response.UpsertedCount, (int)response.DeletedCount);
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

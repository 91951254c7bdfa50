// GeoAssignClient: postal-code imports into the live map's gazetteer, reading and listing them, and resolving by postal code.
using System.Runtime.CompilerServices;
using V1 = GeoAssign.Protos.V1;

namespace GeoAssign.Client;

public sealed partial class GeoAssignClient
{
    /// <summary>Imports postal codes from a file; see <see cref="ImportGazetteerAsync(Stream, GazetteerImportOptions?, IProgress{long}?, CancellationToken)"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Merge or replace, the version expected, and why; <see langword="null"/> merges.</param>
    /// <param name="progress">Receives the bytes sent so far.</param>
    /// <param name="cancellationToken">Cancels the import; an import that is cancelled before the server answers changes nothing.</param>
    public async Task<GazetteerImportResult> ImportGazetteerAsync(string path, GazetteerImportOptions? options = null, IProgress<long>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16,
            FileOptions.Asynchronous | FileOptions.SequentialScan);
        return await ImportGazetteerAsync(file, options, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Imports postal codes in the GeoNames postal-code layout (UTF-8, tab-separated, no header: country code, postal
    /// code, place name, admin name1, admin code1, admin name2, admin code2, admin name3, admin code3, latitude,
    /// longitude, accuracy) into the live map's gazetteer, atomically: every row or none, as one new version. The text
    /// streams over ImportGazetteer in <see cref="GeoAssignClientOptions.ImportChunkBytes"/> pieces; the stream is read
    /// from its current position to its end and not disposed. An import from a stream that cannot seek is never retried.
    /// Thread-safe.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="options">Merge or replace, the version expected, and why; <see langword="null"/> merges.</param>
    /// <param name="progress">Receives the bytes sent so far.</param>
    /// <param name="cancellationToken">Cancels the import; an import that is cancelled before the server answers changes nothing.</param>
    /// <exception cref="GeoAssignException">INVALID_ARGUMENT listing every bad row as "line N: problem", ABORTED,
    /// RESOURCE_EXHAUSTED, PERMISSION_DENIED, …</exception>
    public async Task<GazetteerImportResult> ImportGazetteerAsync(Stream text, GazetteerImportOptions? options = null, IProgress<long>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        options ??= new GazetteerImportOptions();
        var message = new V1.ImportGazetteerOptions { Replace = options.Replace, Message = options.Message ?? "" };
        if (options.ExpectedVersion is { } expected)
        {
            message.ExpectedVersion = expected;
        }

        var counter = new CountingProgress(progress);
        var response = await ImportTextAsync("ImportGazetteer", options.ExpectedVersion, text, counter, _territories.ImportGazetteer,
            (chunk, first) => new V1.ImportGazetteerRequest { Chunk = chunk, Options = first ? message : null }, cancellationToken).ConfigureAwait(false);

        RequireVersion(response.MapVersion);
        return new GazetteerImportResult(response.MapVersion, (long)response.RowCount, (long)response.CreatedCount, (long)response.UpdatedCount,
            (long)response.DeletedCount, [.. response.Countries], (long)response.TotalCount, counter.Last);
    }

    /// <summary>
    /// Resolves a postal code: the server normalises it for its country (spaces, case, ZIP+4), finds its point in the
    /// gazetteer of the map <paramref name="view"/> names (a plan uses the live map's) and resolves that point. Thread-safe.
    /// </summary>
    /// <param name="country">ISO 3166-1 alpha-2, any case.</param>
    /// <param name="postalCode">The code as written.</param>
    /// <param name="layer">The layer to look in; <see langword="null"/> means "geo".</param>
    /// <param name="view">The map to answer from; <see langword="null"/> is the live map.</param>
    /// <param name="accountId">The account at the address, whose override in force decides the owner; or null.</param>
    /// <param name="id">An id to carry on the answer, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="GeoAssignException">NOT_FOUND naming the code in its normal form when the gazetteer has no such
    /// code (or the layer holds no territory, or the plan does not exist), INVALID_ARGUMENT, …</exception>
    public async Task<AddressAssignment> ResolveAddressAsync(string country, string postalCode, string? layer = null, MapView? view = null,
        string? accountId = null, string? id = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(country);
        ArgumentNullException.ThrowIfNull(postalCode);
        view ??= MapView.Live;
        var request = new V1.ResolveAddressRequest
        {
            Country = country,
            PostalCode = postalCode,
            Layer = layer ?? "",
            MinVersion = MinReadVersion,
            Plan = view.Plan ?? "",
            Version = view.Version ?? 0,
            AsOf = ProtoMapping.ToTimestamp(view.AsOf),
            AccountId = accountId ?? "",
        };
        var response = await UnaryAsync("ResolveAddress", CallSafety.Read, request,
            (r, options) => _assignments.ResolveAddressAsync(r, options), cancellationToken).ConfigureAwait(false);
        return new AddressAssignment(ProtoMapping.Assignment(response.Assignment ?? new V1.Assignment(), id, accountId), Location(response.Location));
    }

    /// <summary>Reads one postal code of the live map's gazetteer, normalised for the country as by <see cref="ResolveAddressAsync"/>.</summary>
    /// <param name="country">ISO 3166-1 alpha-2, any case.</param>
    /// <param name="postalCode">The code as written.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="GeoAssignException">NOT_FOUND naming the code when the gazetteer has no such code, INVALID_ARGUMENT, …</exception>
    public Task<PostalCodeLocation> GetPostalCodeAsync(string country, string postalCode, CancellationToken cancellationToken = default) =>
        GetPostalCodeAsync(country, postalCode, null, cancellationToken);

    /// <summary>
    /// Reads one postal code of the gazetteer of the map <paramref name="view"/> names: the live map's, that of a past
    /// version or instant, or for a plan (which has none of its own) the live map's. Thread-safe.
    /// </summary>
    /// <param name="country">ISO 3166-1 alpha-2, any case.</param>
    /// <param name="postalCode">The code as written.</param>
    /// <param name="view">The map to read from; <see langword="null"/> is the live map.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="GeoAssignException">NOT_FOUND naming the code when the gazetteer has no such code (or the plan does
    /// not exist), FAILED_PRECONDITION for a version older than the history kept, INVALID_ARGUMENT, …</exception>
    public async Task<PostalCodeLocation> GetPostalCodeAsync(string country, string postalCode, MapView? view, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(country);
        ArgumentNullException.ThrowIfNull(postalCode);
        view ??= MapView.Live;
        var request = new V1.GetPostalCodeRequest
        {
            Country = country,
            PostalCode = postalCode,
            MinVersion = MinReadVersion,
            Plan = view.Plan ?? "",
            Version = view.Version ?? 0,
            AsOf = ProtoMapping.ToTimestamp(view.AsOf),
        };
        var response = await UnaryAsync("GetPostalCode", CallSafety.Read, request,
            (r, options) => _territories.GetPostalCodeAsync(r, options), cancellationToken).ConfigureAwait(false);
        return Location(response.PostalCode);
    }

    /// <summary>
    /// Lists the postal codes of one country of the live map's gazetteer in ordinal order of their normal form, fetching
    /// pages of <see cref="GeoAssignClientOptions.PageSize"/> as it is enumerated; each page reflects the map when it was read.
    /// </summary>
    /// <param name="country">ISO 3166-1 alpha-2, any case.</param>
    /// <param name="prefix">Only codes whose normal form starts with this (trimmed, upper case); <see langword="null"/> lists all.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    public async IAsyncEnumerable<PostalCodeLocation> ListPostalCodesAsync(string country, string? prefix = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var page in ListPostalCodePagesAsync(country, prefix, null, null, cancellationToken).ConfigureAwait(false))
        {
            foreach (var location in page.PostalCodes)
            {
                yield return location;
            }
        }
    }

    /// <summary>
    /// Lists the postal codes of one country page by page, each page with the version it was read from and the
    /// country's count (for progress), from the gazetteer of the map <paramref name="view"/> names (as
    /// <see cref="GetPostalCodeAsync(string, string, MapView?, CancellationToken)"/>). Pages are fetched as they are
    /// enumerated. Thread-safe.
    /// </summary>
    /// <param name="country">ISO 3166-1 alpha-2, any case.</param>
    /// <param name="prefix">Only codes whose normal form starts with this (trimmed, upper case); <see langword="null"/> lists all.</param>
    /// <param name="view">The map to read from; <see langword="null"/> is the live map.</param>
    /// <param name="pageSize">Codes per page; <see langword="null"/> is <see cref="GeoAssignClientOptions.PageSize"/>. The server caps it.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    public async IAsyncEnumerable<PostalCodePage> ListPostalCodePagesAsync(string country, string? prefix, MapView? view, int? pageSize,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(country);
        if (pageSize is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, "A page holds at least one code.");
        }

        view ??= MapView.Live;
        var token = "";
        do
        {
            var request = new V1.ListPostalCodesRequest
            {
                Country = country,
                Prefix = prefix ?? "",
                PageSize = pageSize ?? Options.PageSize,
                PageToken = token,
                MinVersion = MinReadVersion,
                Plan = view.Plan ?? "",
                Version = view.Version ?? 0,
                AsOf = ProtoMapping.ToTimestamp(view.AsOf),
            };
            var page = await UnaryAsync("ListPostalCodes", CallSafety.Read, request,
                (r, options) => _territories.ListPostalCodesAsync(r, options), cancellationToken).ConfigureAwait(false);
            yield return new PostalCodePage([.. page.PostalCodes.Select(Location)], page.MapVersion, (long)page.CountryCount);
            token = page.NextPageToken;
        }
        while (token.Length > 0);
    }

    private static PostalCodeLocation Location(V1.PostalCodeLocation? location)
    {
        location ??= new V1.PostalCodeLocation();
        return new PostalCodeLocation(location.Country, location.PostalCode, location.Lat, location.Lng, ProtoMapping.NullIfEmpty(location.PlaceName),
            ProtoMapping.NullIfEmpty(location.AdminName1), ProtoMapping.NullIfEmpty(location.AdminCode1), location.Accuracy);
    }
}

// The AccountService calls: account overrides - upsert, delete, get, list and the CSV import.
using System.Runtime.CompilerServices;
using Google.Protobuf.WellKnownTypes;
using V1 = GeoAssign.Protos.V1;

namespace GeoAssign.Client;

public sealed partial class GeoAssignClient
{
    // The server's cap on a ListOverrides page.
    private const int MaxOverridePageSize = 1_000;

    /// <summary>
    /// Sets account overrides (replacing an account's override), atomically, as one new version of the live map
    /// (which later lookups and reads through this client then wait for; see <see cref="MinReadVersion"/>).
    /// </summary>
    /// <param name="overrides">1 to 10,000 overrides (server default), accounts distinct; <see cref="AccountOverride.SetBy"/> is ignored.</param>
    /// <param name="expectedVersion">When set, the edit applies only if the live map is at exactly this version, else ABORTED; it also makes the edit safe to retry.</param>
    /// <param name="message">Why: recorded with the new version.</param>
    /// <param name="cancellationToken">Cancels the call (an edit already sent may still be applied).</param>
    /// <exception cref="GeoAssignException">INVALID_ARGUMENT naming <c>overrides[i]</c> (an id malformed, an empty validity window, an account
    /// twice), FAILED_PRECONDITION (a territory id that names no territory), ABORTED, RESOURCE_EXHAUSTED, PERMISSION_DENIED, …</exception>
    public async Task<OverrideUpsertResult> UpsertOverridesAsync(IEnumerable<AccountOverride> overrides, ulong? expectedVersion = null, string? message = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var request = new V1.UpsertOverridesRequest { Message = message ?? "" };
        foreach (var entry in overrides)
        {
            request.Overrides.Add(ProtoMapping.Message(entry));
        }

        if (expectedVersion is { } expected)
        {
            request.ExpectedVersion = expected;
        }

        var response = await UnaryAsync("UpsertOverrides", EditSafety(expectedVersion), request,
            (r, options) => _accounts.UpsertOverridesAsync(r, options), cancellationToken).ConfigureAwait(false);
        RequireVersion(response.MapVersion);
        return new OverrideUpsertResult(response.MapVersion, (int)response.CreatedCount, (int)response.UpdatedCount);
    }

    /// <summary>Removes the overrides of accounts, atomically, as one new version of the live map.</summary>
    /// <param name="accountIds">1 to 10,000 distinct account ids (server default).</param>
    /// <param name="allowMissing">Skip accounts without an override instead of failing with NOT_FOUND.</param>
    /// <param name="expectedVersion">When set, the edit applies only if the live map is at exactly this version, else ABORTED.</param>
    /// <param name="message">Why: recorded with the new version.</param>
    /// <param name="cancellationToken">Cancels the call (an edit already sent may still be applied).</param>
    /// <returns>The new version (the current one when nothing was deleted) and how many overrides were removed.</returns>
    /// <exception cref="GeoAssignException">NOT_FOUND (an account without override, unless <paramref name="allowMissing"/>), INVALID_ARGUMENT
    /// (an empty or repeated id), ABORTED, PERMISSION_DENIED, …</exception>
    public async Task<DeleteResult> DeleteOverridesAsync(IEnumerable<string> accountIds, bool allowMissing = false, ulong? expectedVersion = null,
        string? message = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accountIds);
        var request = new V1.DeleteOverridesRequest { AccountIds = { accountIds }, AllowMissing = allowMissing, Message = message ?? "" };
        if (expectedVersion is { } expected)
        {
            request.ExpectedVersion = expected;
        }

        var response = await UnaryAsync("DeleteOverrides", EditSafety(expectedVersion), request,
            (r, options) => _accounts.DeleteOverridesAsync(r, options), cancellationToken).ConfigureAwait(false);
        RequireVersion(response.MapVersion);
        return new DeleteResult(response.MapVersion, (int)response.DeletedCount);
    }

    /// <summary>Reads one account's override, in force or not.</summary>
    /// <param name="accountId">The account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="GeoAssignException">NOT_FOUND when the account has no override; INVALID_ARGUMENT for an empty id.</exception>
    public async Task<OverrideStatus> GetOverrideAsync(string accountId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        var request = new V1.GetOverrideRequest { AccountId = accountId, MinVersion = MinReadVersion };
        var response = await UnaryAsync("GetOverride", CallSafety.Read, request,
            (r, options) => _accounts.GetOverrideAsync(r, options), cancellationToken).ConfigureAwait(false);
        return new OverrideStatus(ProtoMapping.Override(response.Override ?? new V1.AccountOverride()), response.InForce, response.MapVersion);
    }

    /// <summary>
    /// Lists account overrides in ordinal account id order, fetching pages of <see cref="GeoAssignClientOptions.PageSize"/>
    /// (at most 1,000, the server's cap) as the enumeration needs them, each retried on its own; stop enumerating to stop
    /// fetching. Each page reflects the live map current when it is served; a listing that spans edits never repeats an account.
    /// </summary>
    /// <param name="ownerId">Only overrides to this owner; <see langword="null"/> applies no owner filter.</param>
    /// <param name="expiringWithin">Only overrides in force now that stop within this window (expiring soon); <see langword="null"/> lists all.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="expiringWithin"/> is negative.</exception>
    public async IAsyncEnumerable<AccountOverride> ListOverridesAsync(string? ownerId = null, TimeSpan? expiringWithin = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (expiringWithin is { } window)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.Zero, nameof(expiringWithin));
        }

        var token = "";
        do
        {
            var request = new V1.ListOverridesRequest
            {
                PageSize = Math.Min(Options.PageSize, MaxOverridePageSize),
                PageToken = token,
                OwnerId = ownerId ?? "",
                ExpiringWithin = expiringWithin is { } within ? Duration.FromTimeSpan(within) : null,
                MinVersion = MinReadVersion,
            };
            var page = await UnaryAsync("ListOverrides", CallSafety.Read, request,
                (r, options) => _accounts.ListOverridesAsync(r, options), cancellationToken).ConfigureAwait(false);
            foreach (var entry in page.Overrides)
            {
                yield return ProtoMapping.Override(entry);
            }

            // A token that does not move would repeat the page forever.
            if (page.NextPageToken.Length > 0 && page.NextPageToken == token)
            {
                throw ProtocolError("ListOverrides", "the next page token repeats the one just sent");
            }

            token = page.NextPageToken;
        }
        while (token.Length > 0);
    }

    /// <summary>Imports account overrides from a CSV file; see <see cref="ImportOverridesAsync(Stream, OverrideImportOptions?, IProgress{long}?, CancellationToken)"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Merge or replace, the version expected, and why; <see langword="null"/> merges.</param>
    /// <param name="progress">Receives the bytes sent so far.</param>
    /// <param name="cancellationToken">Cancels the import; an import that is cancelled before the server answers changes nothing.</param>
    public async Task<OverrideImportResult> ImportOverridesAsync(string path, OverrideImportOptions? options = null, IProgress<long>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16,
            FileOptions.Asynchronous | FileOptions.SequentialScan);
        return await ImportOverridesAsync(file, options, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Imports account overrides from CSV text (UTF-8), atomically: every row or none, as one new version of the live
    /// map. The header is <c>account_id,owner_id,territory_id,valid_from,valid_until,protected,reason</c> (columns in
    /// any order; <c>account_id</c> and <c>owner_id</c> required; instants ISO-8601, empty for open; <c>protected</c>
    /// true/false, 1/0 or yes/no, empty for false). The text streams over ImportOverrides in
    /// <see cref="GeoAssignClientOptions.ImportChunkBytes"/> pieces without being held in memory; the stream is read
    /// from its current position to its end and not disposed. An import from a stream that cannot seek is never
    /// retried, as it cannot be sent again.
    /// </summary>
    /// <param name="csv">The CSV text.</param>
    /// <param name="options">Merge or replace, the version expected, and why; <see langword="null"/> merges.</param>
    /// <param name="progress">Receives the bytes sent so far.</param>
    /// <param name="cancellationToken">Cancels the import; an import that is cancelled before the server answers changes nothing.</param>
    /// <exception cref="GeoAssignException">INVALID_ARGUMENT listing every bad row as "line N: problem" (the header is line 1),
    /// FAILED_PRECONDITION listing the rows whose territory_id names no territory, ABORTED, RESOURCE_EXHAUSTED, PERMISSION_DENIED, …</exception>
    public async Task<OverrideImportResult> ImportOverridesAsync(Stream csv, OverrideImportOptions? options = null, IProgress<long>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(csv);
        options ??= new OverrideImportOptions();
        var message = new V1.ImportOverridesOptions { Replace = options.Replace, Message = options.Message ?? "" };
        if (options.ExpectedVersion is { } expected)
        {
            message.ExpectedVersion = expected;
        }

        var counter = new CountingProgress(progress);
        var response = await ImportTextAsync("ImportOverrides", options.ExpectedVersion, csv, counter, _accounts.ImportOverrides,
            (chunk, first) => new V1.ImportOverridesRequest { Chunk = chunk, Options = first ? message : null }, cancellationToken).ConfigureAwait(false);

        RequireVersion(response.MapVersion);
        return new OverrideImportResult(response.MapVersion, (long)response.RowCount, (long)response.CreatedCount, (long)response.UpdatedCount,
            (long)response.DeletedCount, counter.Last);
    }
}

// The BalanceService call: streams accounts and gets the balance of the live map and a plan.
using Grpc.Core;
using V1 = GeoAssign.Protos.V1;

namespace GeoAssign.Client;

public sealed partial class GeoAssignClient
{
    /// <summary>
    /// The balance report of <paramref name="accounts"/>: per territory and per owner their number,
    /// weight and tier mix, the accounts without owner, and imbalance figures over the owners, for the
    /// live map and, with <paramref name="plan"/>, for the plan beside it. Accounts with an override in
    /// force count for its owner. The accounts are streamed in chunks of
    /// <see cref="GeoAssignClientOptions.ChunkSize"/>; the report comes once all are sent. The call is
    /// retried on UNAVAILABLE only when every account fits in the first chunk (a longer source is read once).
    /// Thread-safe, like every method of the client.
    /// </summary>
    /// <param name="accounts">The accounts; enumerated once.</param>
    /// <param name="layer">The layer to assign from; <see langword="null"/> means "geo".</param>
    /// <param name="plan">A plan to report beside the live map; <see langword="null"/> for the live map only.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="GeoAssignException">INVALID_ARGUMENT naming the bad account's index, NOT_FOUND (plan or layer), and the other call failures.</exception>
    public async Task<BalanceReport> BalanceReportAsync(IAsyncEnumerable<BalanceAccount> accounts, string? layer = null, string? plan = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        var source = accounts.GetAsyncEnumerator(cancellationToken);
        await using (source.ConfigureAwait(false))
        {
            var first = new V1.BalanceAccounts();
            var more = await FillAsync(source, first).ConfigureAwait(false);
            var head = new V1.BalanceRequest { Accounts = first, Layer = layer ?? "", Plan = plan ?? "", MinVersion = MinReadVersion };
            var report = await Retry.ExecuteAsync("BalanceReport", Options.Address, more ? CallSafety.Once : CallSafety.Read,
                (client: this, head, source, more),
                static (args, token) => args.client.BalanceAttemptAsync(args.head, args.more ? args.source : null, token),
                cancellationToken).ConfigureAwait(false);
            return ProtoMapping.ToBalanceReport(report);
        }
    }

    /// <inheritdoc cref="BalanceReportAsync(IAsyncEnumerable{BalanceAccount}, string?, string?, CancellationToken)"/>
    public Task<BalanceReport> BalanceReportAsync(IEnumerable<BalanceAccount> accounts, string? layer = null, string? plan = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        return BalanceReportAsync(new SyncAsyncEnumerable<BalanceAccount>(accounts), layer, plan, cancellationToken);
    }

    private async Task<V1.BalanceReport> BalanceAttemptAsync(V1.BalanceRequest head, IAsyncEnumerator<BalanceAccount>? rest, CancellationToken token)
    {
        using var call = new V1.BalanceService.BalanceServiceClient(_channel).BalanceReport(StreamingCallOptions(token));
        Exception? writeError = null;
        try
        {
            await call.RequestStream.WriteAsync(head, token).ConfigureAwait(false);
            var more = rest is not null;
            while (more)
            {
                var chunk = new V1.BalanceAccounts();
                more = await FillAsync(rest!, chunk).ConfigureAwait(false);
                if (chunk.Count > 0)
                {
                    await call.RequestStream.WriteAsync(new V1.BalanceRequest { Accounts = chunk }, token).ConfigureAwait(false);
                }
            }

            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException)
        {
            // The call failed while sending: its status, read below, says why.
            writeError = e;
        }

        var report = await call.ResponseAsync.ConfigureAwait(false);
        if (writeError is not null)
        {
            throw writeError;
        }

        return report;
    }

    // Fills a chunk up to ChunkSize; false when the source is done. A chunk with some weights gives the
    // accounts without one weight 1, and one with some tiers gives the others the empty tier.
    private async Task<bool> FillAsync(IAsyncEnumerator<BalanceAccount> source, V1.BalanceAccounts chunk)
    {
        while (chunk.Count < Options.ChunkSize)
        {
            if (!await source.MoveNextAsync().ConfigureAwait(false))
            {
                return false;
            }

            var account = source.Current;
            if (string.IsNullOrEmpty(account.Id))
            {
                throw new ArgumentException($"An account of the chunk (position {chunk.Count}) has no id.", nameof(source));
            }

            if (account.Weight is not null || chunk.Weights.Count != 0)
            {
                while (chunk.Weights.Count < chunk.Count)
                {
                    chunk.Weights.Add(1);
                }

                chunk.Weights.Add(account.Weight ?? 1);
            }

            if (account.Tier is not null || chunk.Tiers.Count != 0)
            {
                while (chunk.Tiers.Count < chunk.Count)
                {
                    chunk.Tiers.Add("");
                }

                chunk.Tiers.Add(account.Tier ?? "");
            }

            chunk.Ids.Add(account.Id);
            chunk.Lat.Add(account.Lat);
            chunk.Lng.Add(account.Lng);
        }

        return true;
    }
}

// The ReassignmentService call: which accounts change owner under the current map, a plan, or a past map.
using Grpc.Core;
using V1 = GeoAssign.Protos.V1;

namespace GeoAssign.Client;

public sealed partial class GeoAssignClient
{
    /// <summary>
    /// Compares accounts' current owners with the owners the map assigns. Nothing is sent until the
    /// returned run is enumerated: it then streams the accounts in chunks (written and read at once,
    /// bounded like <see cref="ResolveManyAsync(IEnumerable{GeoPoint}, string?, CancellationToken)"/>),
    /// yields only the accounts whose owner changes, in input order, and finally holds the
    /// <see cref="ReassignmentRun.Summary"/>. The whole run is answered from one map version.
    /// </summary>
    /// <param name="accounts">The accounts; enumerated once, on a background task. An exception it throws ends the run and is rethrown as it is.</param>
    /// <param name="layer">The layer to assign from; <see langword="null"/> means "geo".</param>
    /// <param name="cancellationToken">Cancels the run (as does the token given to its enumeration).</param>
    public ReassignmentRun ReassignAsync(IAsyncEnumerable<Account> accounts, string? layer = null, CancellationToken cancellationToken = default) =>
        ReassignAsync(accounts, layer, MapView.Live, cancellationToken);

    /// <inheritdoc cref="ReassignAsync(IAsyncEnumerable{Account}, string?, CancellationToken)"/>
    public ReassignmentRun ReassignAsync(IEnumerable<Account> accounts, string? layer = null, CancellationToken cancellationToken = default) =>
        ReassignAsync(accounts, layer, MapView.Live, cancellationToken);

    /// <summary>
    /// Compares accounts' current owners with the owners the map <paramref name="view"/> names assigns, as
    /// <see cref="ReassignAsync(IAsyncEnumerable{Account}, string?, CancellationToken)"/> does. Against a plan
    /// (<see cref="MapView.ForPlan"/>) it is a preview of the plan: the changes it would make and, in
    /// <see cref="ReassignmentSummary.OwnerCounts"/>, each owner's book before and after.
    /// </summary>
    /// <param name="accounts">The accounts; enumerated once, on a background task. An exception it throws ends the run and is rethrown as it is.</param>
    /// <param name="layer">The layer to assign from; <see langword="null"/> means "geo".</param>
    /// <param name="view">The map to assign from: the live map, a plan, or the live map at a past version or instant.</param>
    /// <param name="cancellationToken">Cancels the run (as does the token given to its enumeration).</param>
    public ReassignmentRun ReassignAsync(IAsyncEnumerable<Account> accounts, string? layer, MapView view, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        ArgumentNullException.ThrowIfNull(view);
        return new ReassignmentRun(this, accounts, layer ?? "", view, cancellationToken);
    }

    /// <inheritdoc cref="ReassignAsync(IAsyncEnumerable{Account}, string?, MapView, CancellationToken)"/>
    public ReassignmentRun ReassignAsync(IEnumerable<Account> accounts, string? layer, MapView view, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        ArgumentNullException.ThrowIfNull(view);
        return new ReassignmentRun(this, new SyncAsyncEnumerable<Account>(accounts), layer ?? "", view, cancellationToken);
    }

    internal IChunkProtocol<Account, V1.AccountChunk, V1.ReassignRequest, V1.ReassignResponse> ReassignProtocol(string layer, MapView view) =>
        new ReassignProtocolImpl(this, _reassignments, layer, view);

    private sealed class ReassignProtocolImpl(GeoAssignClient client, V1.ReassignmentService.ReassignmentServiceClient stub, string layer, MapView view)
        : IChunkProtocol<Account, V1.AccountChunk, V1.ReassignRequest, V1.ReassignResponse>
    {
        public string Method => "Reassign";

        public V1.AccountChunk NewChunk() => new();

        public void Add(V1.AccountChunk chunk, Account item)
        {
            if (item.Id is null)
            {
                throw new ArgumentException($"Account {chunk.Count} of the chunk has no id.", nameof(item));
            }

            chunk.Add(item.Id, item.Lat, item.Lng, item.CurrentOwnerId ?? "");
        }

        public int Count(V1.AccountChunk chunk) => chunk.Count;

        public V1.ReassignRequest Request(V1.AccountChunk chunk, bool first) => first
            ? new V1.ReassignRequest
            {
                Accounts = chunk,
                Layer = layer,
                MinVersion = client.MinReadVersion,
                Plan = view.Plan ?? "",
                Version = view.Version ?? 0,
                AsOf = ProtoMapping.ToTimestamp(view.AsOf),
            }
            : new V1.ReassignRequest { Accounts = chunk };

        public AsyncDuplexStreamingCall<V1.ReassignRequest, V1.ReassignResponse> Start(CallOptions options) => stub.Reassign(options);

        public bool IsAnswer(V1.ReassignResponse response) => response.KindCase == V1.ReassignResponse.KindOneofCase.Changes;
    }
}

// One Reassign call: the owner changes as they arrive, then the summary.
using System.Runtime.CompilerServices;
using Grpc.Core;
using V1 = GeoAssign.Protos.V1;

namespace GeoAssign.Client;

/// <summary>
/// A reassignment started by <see cref="GeoAssignClient.ReassignAsync(IAsyncEnumerable{Account}, string?, CancellationToken)"/>:
/// enumerate it (once) for the accounts whose owner changes, then read <see cref="Summary"/>; or call
/// <see cref="GetSummaryAsync"/> to run it for the summary alone.
/// </summary>
/// <example>
/// <code>
/// var run = client.ReassignAsync(accounts);
/// await foreach (var change in run) { Console.WriteLine($"{change.AccountId}: {change.OldOwnerId} -> {change.NewOwnerId}"); }
/// Console.WriteLine($"{run.Summary!.ChangedCount} of {run.Summary.TotalCount} change owner");
/// </code>
/// </example>
/// <remarks>Not thread-safe for enumeration (like any enumerable); <see cref="ProcessedCount"/> may be read from any thread for progress.</remarks>
public sealed class ReassignmentRun : IAsyncEnumerable<OwnerChange>
{
    private readonly GeoAssignClient _client;
    private readonly IAsyncEnumerable<Account> _accounts;
    private readonly string _layer;
    private readonly MapView _view;
    private readonly CancellationToken _cancellationToken;
    private long _processed;
    private int _started;

    internal ReassignmentRun(GeoAssignClient client, IAsyncEnumerable<Account> accounts, string layer, MapView view, CancellationToken cancellationToken)
    {
        _client = client;
        _accounts = accounts;
        _layer = layer;
        _view = view;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Accounts the server has processed so far (for progress).</summary>
    public long ProcessedCount => Interlocked.Read(ref _processed);

    /// <summary>The map the run assigns from.</summary>
    public MapView View => _view;

    /// <summary>The map version the run is answered from; 0 until the first answer arrives.</summary>
    public ulong MapVersion { get; private set; }

    /// <summary>The totals, once the enumeration has completed; <see langword="null"/> before.</summary>
    public ReassignmentSummary? Summary { get; private set; }

    /// <summary>Runs the reassignment, skipping over the changes, and returns its summary (or the summary of a run already enumerated).</summary>
    /// <param name="cancellationToken">Cancels the run.</param>
    public async Task<ReassignmentSummary> GetSummaryAsync(CancellationToken cancellationToken = default)
    {
        if (Summary is { } done)
        {
            return done;
        }

        await foreach (var _ in WithCancellation(cancellationToken).ConfigureAwait(false))
        {
        }

        return Summary!;
    }

    /// <summary>Cancellation for <c>await foreach</c>.</summary>
    /// <param name="cancellationToken">Cancels the run.</param>
    public ConfiguredCancelableAsyncEnumerable<OwnerChange> WithCancellation(CancellationToken cancellationToken) =>
        TaskAsyncEnumerableExtensions.WithCancellation(this, cancellationToken);

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The run was enumerated before.</exception>
    public IAsyncEnumerator<OwnerChange> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("A reassignment run can be enumerated only once; start another with ReassignAsync.");
        }

        return RunAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
    }

    private async IAsyncEnumerable<OwnerChange> RunAsync([EnumeratorCancellation] CancellationToken enumerationToken)
    {
        using var linked = _cancellationToken.CanBeCanceled && enumerationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(_cancellationToken, enumerationToken)
            : null;
        var cancellationToken = linked?.Token ?? (enumerationToken.CanBeCanceled ? enumerationToken : _cancellationToken);
        var protocol = _client.ReassignProtocol(_layer, _view);
        V1.ReassignSummary? summary = null;
        await foreach (var (_, response) in ChunkedDuplexCall.RunAsync(protocol, _accounts.GetAsyncEnumerator(cancellationToken), _client, cancellationToken)
            .ConfigureAwait(false))
        {
            if (response.KindCase == V1.ReassignResponse.KindOneofCase.Summary)
            {
                summary = response.Summary;
                continue;
            }

            var changes = response.Changes;
            MapVersion = changes.MapVersion;
            foreach (var change in changes.Changes)
            {
                yield return ProtoMapping.Change(change);
            }

            Interlocked.Exchange(ref _processed, (long)changes.ProcessedCount);
        }

        if (summary is null)
        {
            throw new GeoAssignException("Reassign", _client.Address,
                new RpcException(new Status(StatusCode.Internal, "Protocol error: the server ended the call without a summary.")));
        }

        MapVersion = summary.MapVersion;
        Summary = ProtoMapping.Summary(summary);
    }
}

// The one exception type the client throws for a failed call.
using System.Globalization;
using System.Net.Http;
using System.Net.Sockets;
using Grpc.Core;

namespace GeoAssign.Client;

/// <summary>
/// A call to the GeoAssign server failed: <see cref="StatusCode"/> is the gRPC status and
/// <see cref="ServerMessage"/> the server's own message (which names the item and the problem).
/// The original <see cref="RpcException"/> is the <see cref="Exception.InnerException"/>.
/// </summary>
public sealed class GeoAssignException : Exception
{
    /// <summary>The response trailer that carries the answering replica's map version.</summary>
    public const string MapVersionTrailer = "geoassign-map-version";

    internal GeoAssignException(string method, Uri address, RpcException error, bool mayHaveBeenApplied = false)
        : base(Describe(method, address, error, mayHaveBeenApplied), error)
    {
        Method = method;
        Address = address;
        StatusCode = error.StatusCode;
        ServerMessage = error.Status.Detail;
        MayHaveBeenApplied = mayHaveBeenApplied;
        IsConnectionFailure = IsNotConnected(error);
        TransportError = InnermostTransportError(error);
        var trailer = error.Trailers.GetValue(MapVersionTrailer);
        if (trailer is not null && ulong.TryParse(trailer, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            ServerMapVersion = version;
        }
    }

    /// <summary>The RPC that failed, e.g. <c>Resolve</c> or <c>UpsertTerritories</c>.</summary>
    public string Method { get; }

    /// <summary>The server address the client called.</summary>
    public Uri Address { get; }

    /// <summary>The gRPC status code.</summary>
    public StatusCode StatusCode { get; }

    /// <summary>The status message: the server's description of the problem, or the client's when the call never reached it.</summary>
    public string ServerMessage { get; }

    /// <summary>
    /// The answering replica's map version from the <c>geoassign-map-version</c> trailer, when the
    /// server sent one (UNAVAILABLE or DEADLINE_EXCEEDED waiting for <c>min_version</c>, ABORTED on an
    /// <c>expected_version</c> mismatch, NOT_FOUND).
    /// </summary>
    public ulong? ServerMapVersion { get; }

    /// <summary>
    /// When the client itself ended the call (the connection failed or dropped), the innermost
    /// transport error, such as <c>Connection refused (127.0.0.1:5080)</c>; <see langword="null"/> when
    /// the status came from the server.
    /// </summary>
    public string? TransportError { get; }

    /// <summary>True when no connection to the server could be established at all (nothing listens, name not resolved, refused).</summary>
    public bool IsConnectionFailure { get; }

    /// <summary>
    /// True for an edit whose connection dropped after it was sent (UNAVAILABLE made by the client, not
    /// the server), when it then failed for good: the lost attempt may have been applied. With
    /// <c>expected_version</c> the retry then typically fails with ABORTED, because the lost attempt
    /// moved the version. Read the map to find out.
    /// </summary>
    public bool MayHaveBeenApplied { get; }

    /// <summary>The gRPC exception this one wraps.</summary>
    public RpcException RpcException => (RpcException)InnerException!;

    /// <summary>True when the call failed before any connection to the server was made, so it cannot have had an effect.</summary>
    internal static bool IsNotConnected(RpcException error)
    {
        for (var e = error.Status.DebugException; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError }:
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.TryAgain }:
                    return true;
            }
        }

        return false;
    }

    // The innermost transport error ("Connection refused (127.0.0.1:5080)") says more than the
    // channel's status message ("Error connecting to subchannel.").
    private static string? InnermostTransportError(RpcException error)
    {
        var inner = error.Status.DebugException;
        while (inner?.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        return inner?.Message is { Length: > 0 } message ? message : null;
    }

    private static string Describe(string method, Uri address, RpcException error, bool mayHaveBeenApplied)
    {
        var detail = string.IsNullOrEmpty(error.Status.Detail) ? "(no message)" : error.Status.Detail;
        if (IsNotConnected(error))
        {
            return $"Cannot reach the GeoAssign server at {address} ({method}): {InnermostTransportError(error) ?? detail}";
        }

        var text = $"{method} failed with {error.StatusCode}: {detail}";
        return mayHaveBeenApplied
            ? text + " The edit was sent but not confirmed (a lost connection, or the server's store did not reply), so it may have been applied: read the map to check. (Edits that carry an expected version are safe to retry.)"
            : text;
    }
}

// Which Redis failures mean "not stored" and which mean "outcome unknown", and how to say so.
using StackExchange.Redis;

namespace GeoAssign.Replication.Redis;

/// <summary>
/// Classifies the exceptions of StackExchange.Redis for the store: an error reply (Redis refused,
/// the script stopped before its first write) and a request that was never sent changed nothing;
/// a request that was sent but not answered (timeout, connection lost) may or may not have run.
/// Turns them into <see cref="MapStoreException"/>s that say which. Thread-safe (stateless).
/// </summary>
internal static class RedisFailures
{
    /// <summary>Whether <paramref name="e"/> is a failure of Redis or of the link to it (rather than a bug).</summary>
    public static bool IsRedisFailure(Exception e) => e is RedisException or RedisTimeoutException or ObjectDisposedException;

    /// <summary>Whether <paramref name="e"/> says stored bytes do not decode (corruption, or a format from elsewhere).</summary>
    public static bool IsDecodeFailure(Exception e) =>
        e is InvalidDataException or EndOfStreamException or ArgumentException or NetTopologySuite.IO.ParseException or System.Text.Json.JsonException;

    /// <summary>Whether the request that failed with <paramref name="e"/> never left this server.</summary>
    public static bool WasNotSent(Exception e) => e switch
    {
        RedisConnectionException c => c.CommandStatus is CommandStatus.WaitingToBeSent or CommandStatus.WaitingInBacklog
            || c.FailureType is ConnectionFailureType.UnableToResolvePhysicalConnection or ConnectionFailureType.UnableToConnect,
        RedisTimeoutException t => t.Commandstatus is CommandStatus.WaitingToBeSent or CommandStatus.WaitingInBacklog,
        ObjectDisposedException => true,
        _ => false,
    };

    /// <summary>
    /// The exception for an append of <paramref name="version"/> that failed with <paramref name="e"/>:
    /// nothing changed (refused, or not sent), or the outcome is unknown (sent, not confirmed).
    /// </summary>
    public static MapStoreException AppendFailure(long version, Exception e, RedisConnection connection, long sentAt)
    {
        if (e is RedisServerException)
        {
            // An error reply: the script stopped at its first write or before, so nothing changed.
            return new MapStoreException($"Redis at {connection.Endpoints} refused the edit to version {version}: {e.Message}. Nothing changed.", e);
        }

        connection.MarkFailed(e, sentAt);
        var reason = Describe(e, connection.OperationTimeout);
        if (WasNotSent(e))
        {
            return new MapStoreException(
                $"The edit to version {version} was not sent to Redis at {connection.Endpoints} ({reason}). Nothing changed; retry when Redis is back.", e);
        }

        return new MapStoreException(
            $"Redis at {connection.Endpoints} did not confirm the edit to version {version} ({reason}): the edit may or may not have been applied; read the map version before retrying.", e,
            outcomeUnknown: true);
    }

    /// <summary>The exception for a read (<paramref name="what"/>, e.g. "load the map") that failed with <paramref name="e"/>.</summary>
    public static MapStoreException ReadFailure(string what, Exception e, RedisConnection connection, long sentAt)
    {
        if (e is RedisServerException)
        {
            return new MapStoreException($"Redis at {connection.Endpoints} refused to {what}: {e.Message}", e);
        }

        connection.MarkFailed(e, sentAt);
        return new MapStoreException($"Cannot {what}: Redis at {connection.Endpoints} does not answer ({Describe(e, connection.OperationTimeout)}).", e);
    }

    /// <summary>
    /// What went wrong in a few words: StackExchange.Redis messages carry long diagnostics (and
    /// advice about its own options that does not apply here).
    /// </summary>
    public static string Describe(Exception e, TimeSpan timeout) => e switch
    {
        RedisTimeoutException => $"no reply within {timeout.TotalMilliseconds:0} ms",
        RedisConnectionException { FailureType: ConnectionFailureType.UnableToConnect, InnerException: { } inner } => "cannot connect: " + inner.Message,
        RedisConnectionException { FailureType: ConnectionFailureType.UnableToConnect } => "cannot connect",
        RedisConnectionException { FailureType: ConnectionFailureType.UnableToResolvePhysicalConnection } => "not connected",
        RedisConnectionException { FailureType: ConnectionFailureType.SocketClosed } => "the connection was closed",
        RedisConnectionException { FailureType: ConnectionFailureType.SocketFailure } => "the connection failed",
        RedisConnectionException { FailureType: ConnectionFailureType.AuthenticationFailure } => "authentication failed; check the password in the connection string",
        RedisConnectionException c => c.FailureType.ToString(),
        ObjectDisposedException => "the store is closed",
        _ => e.Message,
    };

    /// <summary>Observes the exceptions of tasks whose failure is reported another way (those of a failed transaction).</summary>
    public static void Observe(params Task[] tasks)
    {
        foreach (var task in tasks)
        {
            _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }
}

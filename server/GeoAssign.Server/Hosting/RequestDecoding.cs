// The statuses for request bytes that do not decode, as the gRPC specification names them.
using System.Globalization;
using Grpc.Core;

namespace GeoAssign.Server.Hosting;

/// <summary>
/// Errors for a request that was never readable: INTERNAL when its bytes cannot be parsed or
/// decompressed, RESOURCE_EXHAUSTED when it is larger than the message-size limit, CANCELLED when it
/// broke off. They are thrown
/// as RpcExceptions from inside grpc-dotnet's reading (deserialiser, decompressor, body reader), so
/// that gRPC answers with them instead of UNKNOWN "Exception was thrown by handler", which
/// GeoAssign reserves for an edit whose outcome is unknown. Stateless and thread-safe.
/// </summary>
internal static class RequestDecoding
{
    // A status message travels in an HTTP/2 trailer; the parser's own message is short, but keep it bounded.
    private const int MaxDetailChars = 500;
    private const string NestingMessage = "Protocol message had too many levels of nesting";
    // Google.Protobuf's default recursion limit, which generated parsers use (the constant is not public).
    private const int RecursionLimit = 100;

    /// <summary>The message's bytes are not a <paramref name="messageType"/> (a protobuf full name).</summary>
    public static RpcException Unparsable(string messageType, Exception error) =>
        new(new Status(StatusCode.Internal, $"The request message could not be parsed as {messageType}: {Detail(error)}", error));

    /// <summary>A compressed message that does not decompress with its grpc-encoding.</summary>
    public static RpcException Undecompressable(string encoding, Exception error) =>
        new(new Status(StatusCode.Internal, $"The request message could not be decompressed as {encoding} (its grpc-encoding): {Detail(error)}", error));

    /// <summary>A message frame whose compressed flag is neither 0 nor 1.</summary>
    public static RpcException BadCompressedFlag(byte flag) =>
        new(new Status(StatusCode.Internal, $"A request message frame has compressed flag {flag}; gRPC allows only 0 (not compressed) and 1 (compressed)."));

    /// <summary>A message, as framed or once decompressed, larger than the limit.</summary>
    public static RpcException TooLarge(long length, int limit, bool decompressed) =>
        new(new Status(StatusCode.ResourceExhausted, string.Create(CultureInfo.InvariantCulture,
            $"The request message is {(decompressed ? "more than " : "")}{length:N0} bytes long{(decompressed ? " once decompressed" : "")}; the limit is {limit:N0} bytes (GeoAssign:MaxMessageBytes).")));

    /// <summary>
    /// The request body broke off: the client reset the stream or its connection dropped. Nobody
    /// may be left to read the status; CANCELLED says what happened to the call.
    /// </summary>
    public static RpcException BrokenOff(IOException error) =>
        new(new Status(StatusCode.Cancelled, $"The request stream broke off before it ended: {Detail(error)}", error));

    private static string Detail(Exception error)
    {
        var message = error.Message.TrimEnd('.');
        // Protobuf's advice here (raise the recursion limit) is for the server's authors, not its callers.
        if (message.StartsWith(NestingMessage, StringComparison.Ordinal))
        {
            message = $"{NestingMessage} (protobuf's recursion limit is {RecursionLimit} levels)";
        }

        return (message.Length <= MaxDetailChars ? message : message[..MaxDetailChars] + "…") + ".";
    }
}

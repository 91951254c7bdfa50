// Turns every failure into one clear message on stderr and a documented exit code.
using GeoAssign.Client;
using Grpc.Core;
using Spectre.Console;

namespace GeoAssign.Cli;

/// <summary>A problem with the command line or an input file, described for the person who typed it.</summary>
internal sealed class CliInputException(string message) : Exception(message);

/// <summary>
/// What a command knows about a server rejection that the generic text does not: what to do next, and
/// optionally a first line that says better what went wrong.
/// </summary>
/// <param name="Hint">What to do next.</param>
/// <param name="Message">The first line; <see langword="null"/> keeps "The server rejected the request (CODE): detail".</param>
internal sealed record RejectionAdvice(string Hint, string? Message = null);

/// <summary>Maps exceptions to messages that say what went wrong and what to do, and to <see cref="ExitCodes"/>.</summary>
internal static class CliErrors
{
    public static void Write(CliHost host, string message, string? hint = null)
    {
        host.Error.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");
        if (hint is not null)
        {
            host.Error.MarkupLine($"[grey]hint:[/] {Markup.Escape(hint)}");
        }
    }

    public static void Warn(CliHost host, string message) => host.Error.MarkupLine($"[yellow]warning:[/] {Markup.Escape(message)}");

    /// <summary>
    /// Reports <paramref name="error"/> and returns the exit code for it. <paramref name="advise"/> may give
    /// a command's own words for a rejection (ABORTED, FAILED_PRECONDITION, NOT_FOUND, …); it returns
    /// <see langword="null"/> to keep the generic ones.
    /// </summary>
    public static int Report(CliHost host, Exception error, CliSettings? settings, CancellationToken cancellationToken,
        Func<GeoAssignException, RejectionAdvice?>? advise = null)
    {
        switch (error)
        {
            case CliInputException input:
                Write(host, input.Message);
                return ExitCodes.InputError;
            case GeoAssignException rpc when IsRejection(rpc.StatusCode) && advise?.Invoke(rpc) is { } advice:
                Write(host, advice.Message ?? Rejected(rpc), advice.Hint);
                AppliedNote(host, rpc);
                return ExitCodes.Rejected;
            case GeoAssignException rpc:
                return Report(host, rpc, settings);
            case OperationCanceledException when cancellationToken.IsCancellationRequested:
                Write(host, "Cancelled.");
                return ExitCodes.Cancelled;
            case FileNotFoundException file:
                Write(host, $"{file.FileName ?? "The file"}: no such file.");
                return ExitCodes.InputError;
            case DirectoryNotFoundException or UnauthorizedAccessException or IOException:
                Write(host, error.Message);
                return ExitCodes.InputError;
            default:
                Write(host, $"Unexpected failure: {error.GetType().Name}: {error.Message}",
                    "This is a bug in geoassign; please report it with the command you ran.");
                return ExitCodes.Failed;
        }
    }

    private static int Report(CliHost host, GeoAssignException error, CliSettings? settings)
    {
        var url = settings?.Address.ToString().TrimEnd('/') ?? error.Address.ToString();
        var detail = string.IsNullOrWhiteSpace(error.ServerMessage) ? "(no message)" : error.ServerMessage;
        switch (error.StatusCode)
        {
            case StatusCode.Unavailable when error.IsConnectionFailure || error.TransportError is not null:
                Write(host, $"Cannot reach the GeoAssign server at {url}: {error.TransportError ?? detail}",
                    "Is it running? Start one with `dotnet run --project server/GeoAssign.Server`, or point geoassign at yours with --url or GEOASSIGN_URL.");
                AppliedNote(host, error);
                return ExitCodes.Unreachable;
            case StatusCode.Unavailable:
                Write(host, $"The server at {url} is unavailable: {detail}", "Retry in a moment, or point --url at another replica.");
                return ExitCodes.Unreachable;
            case StatusCode.DeadlineExceeded:
                Write(host, $"The server at {url} did not answer in time ({error.Method}): {detail}",
                    "Retry, or allow more time with --timeout SECONDS.");
                AppliedNote(host, error);
                return ExitCodes.Unreachable;
            case StatusCode.Unauthenticated when settings?.ApiKey is null:
                Write(host, $"The server at {url} needs an API key: {detail}", "Pass --api-key KEY or set GEOASSIGN_API_KEY.");
                return ExitCodes.NotAuthorized;
            case StatusCode.Unauthenticated:
                Write(host, $"The server at {url} does not accept this API key: {detail}",
                    "Check the key given with --api-key or GEOASSIGN_API_KEY.");
                return ExitCodes.NotAuthorized;
            case StatusCode.PermissionDenied:
                Write(host, $"Permission denied: this command changes the map and needs an API key with the editor role. {detail}",
                    "Use an editor key (--api-key or GEOASSIGN_API_KEY); reader keys may only look up and read.");
                return ExitCodes.NotAuthorized;
            case StatusCode.Aborted:
                Write(host, $"The map is not at the expected version: {detail}",
                    error.ServerMapVersion is { } current
                        ? $"The map is at version {current}. Check what changed, then retry with --expected-version {current}, or leave the option out."
                        : "Check what changed (geoassign map info), then retry with the current version.");
                AppliedNote(host, error);
                return ExitCodes.Rejected;
            case StatusCode.InvalidArgument or StatusCode.NotFound or StatusCode.FailedPrecondition or StatusCode.ResourceExhausted
                or StatusCode.OutOfRange or StatusCode.AlreadyExists:
                Write(host, Rejected(error));
                return ExitCodes.Rejected;
            case StatusCode.Unimplemented:
                Write(host, $"The server at {url} does not offer {error.Method} (UNIMPLEMENTED): {detail}",
                    "It runs an older GeoAssign than this geoassign: upgrade the server, or use the geoassign that came with it.");
                return ExitCodes.Failed;
            default:
                Write(host, $"{error.Method} failed on the server at {url} ({Name(error.StatusCode)}): {detail}");
                AppliedNote(host, error);
                return ExitCodes.Failed;
        }
    }

    /// <summary>The statuses that mean the server refused the request as it stands (exit code 2).</summary>
    private static bool IsRejection(StatusCode code) => code is StatusCode.InvalidArgument or StatusCode.NotFound or StatusCode.FailedPrecondition
        or StatusCode.Aborted or StatusCode.ResourceExhausted or StatusCode.OutOfRange or StatusCode.AlreadyExists;

    private static string Rejected(GeoAssignException error) =>
        $"The server rejected the request ({Name(error.StatusCode)}): {(string.IsNullOrWhiteSpace(error.ServerMessage) ? "(no message)" : error.ServerMessage)}";

    private static void AppliedNote(CliHost host, GeoAssignException error)
    {
        if (error.MayHaveBeenApplied)
        {
            Warn(host, "The edit was sent but not confirmed (the connection or the server's store failed), so it may have been applied. Check with `geoassign map info` before sending it again.");
        }
    }

    /// <summary>The status code as the gRPC documentation spells it (INVALID_ARGUMENT).</summary>
    public static string Name(StatusCode code) => code switch
    {
        StatusCode.InvalidArgument => "INVALID_ARGUMENT",
        StatusCode.NotFound => "NOT_FOUND",
        StatusCode.FailedPrecondition => "FAILED_PRECONDITION",
        StatusCode.ResourceExhausted => "RESOURCE_EXHAUSTED",
        StatusCode.OutOfRange => "OUT_OF_RANGE",
        StatusCode.AlreadyExists => "ALREADY_EXISTS",
        StatusCode.DeadlineExceeded => "DEADLINE_EXCEEDED",
        StatusCode.PermissionDenied => "PERMISSION_DENIED",
        StatusCode.Unauthenticated => "UNAUTHENTICATED",
        StatusCode.Unimplemented => "UNIMPLEMENTED",
        _ => code.ToString().ToUpperInvariant(),
    };
}

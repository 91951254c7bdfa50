// What `geoassign` returns, so that scripts can tell failures apart.
namespace GeoAssign.Cli;

/// <summary>The exit codes of <c>geoassign</c>; the README lists them.</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Success = 0;

    /// <summary>A usage or input error: bad arguments, a missing or unreadable file, a bad CSV row or header.</summary>
    public const int InputError = 1;

    /// <summary>The server rejected the request: INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION, ABORTED, RESOURCE_EXHAUSTED, OUT_OF_RANGE, ALREADY_EXISTS.</summary>
    public const int Rejected = 2;

    /// <summary>The server could not be reached or did not answer: UNAVAILABLE (after retries) or DEADLINE_EXCEEDED.</summary>
    public const int Unreachable = 3;

    /// <summary>Not allowed: UNAUTHENTICATED (no or unknown API key) or PERMISSION_DENIED (a reader key doing an edit).</summary>
    public const int NotAuthorized = 4;

    /// <summary>Anything else: an internal server error, a protocol error, a bug.</summary>
    public const int Failed = 5;

    /// <summary>Interrupted (Ctrl+C), as shells report SIGINT.</summary>
    public const int Cancelled = 130;
}

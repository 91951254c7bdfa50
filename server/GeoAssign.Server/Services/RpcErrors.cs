// Statuses and messages for bad input, named as the protos promise.
using System.Text;
using GeoAssign.Index.Validation;
using Grpc.Core;

namespace GeoAssign.Server.Services;

/// <summary>Builds the RpcExceptions the services throw. Stateless and thread-safe.</summary>
internal static class RpcErrors
{
    /// <summary>The trailer that carries the replica's map version on UNAVAILABLE and NOT_FOUND.</summary>
    public const string MapVersionTrailer = "geoassign-map-version";

    // A status message goes into an HTTP/2 trailer: keep it readable and well under header limits.
    private const int MaxMessageChars = 6_000;
    private const int MaxListedProblems = 20;

    public static RpcException InvalidArgument(string message) => new(new Status(StatusCode.InvalidArgument, Trim(message)));

    public static RpcException ResourceExhausted(string message) => new(new Status(StatusCode.ResourceExhausted, Trim(message)));

    public static RpcException FailedPrecondition(string message) => new(new Status(StatusCode.FailedPrecondition, Trim(message)));

    public static RpcException WithMapVersion(StatusCode code, string message, long mapVersion)
    {
        var trailers = new Metadata { { MapVersionTrailer, mapVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) } };
        return new RpcException(new Status(code, Trim(message)), trailers);
    }

    /// <summary>
    /// The status for rejected territories: INVALID_ARGUMENT when anything is malformed, else
    /// RESOURCE_EXHAUSTED for a limit, else FAILED_PRECONDITION (the map is in the way: a parent missing
    /// from it, an id of another layer, a plan that is read-only or exists) or NOT_FOUND (a delete of an
    /// unknown id, an unknown plan). The message lists the
    /// problems, each naming its item: the one way every service says "N problems, nothing was changed".
    /// </summary>
    /// <param name="problems">The problems.</param>
    /// <param name="totalCount">How many there are in all.</param>
    /// <param name="items">How the request names its items, e.g. <c>territories</c> or <c>features</c>.</param>
    /// <param name="indexOf">Maps a problem's index to the request's index (e.g. feature order), when they differ.</param>
    public static RpcException FromProblems(IReadOnlyList<ValidationProblem> problems, int totalCount, string items, Func<int, int>? indexOf = null)
    {
        var code = StatusCode.FailedPrecondition;
        var malformed = false;
        var limit = false;
        var missing = false;
        foreach (var problem in problems)
        {
            switch (problem.Kind)
            {
                case ValidationProblemKind.TooManyVertices or ValidationProblemKind.TooManyTerritories
                    or ValidationProblemKind.TooManyVerticesInMap or ValidationProblemKind.FeatureTooLarge
                    or ValidationProblemKind.AttributesTooLarge:
                    limit = true;
                    break;
                case ValidationProblemKind.UnknownParent or ValidationProblemKind.UnknownOverrideTerritory or ValidationProblemKind.DeletedParent or ValidationProblemKind.IdInOtherLayer
                    or ValidationProblemKind.PlanClosed or ValidationProblemKind.PlanExists:
                    break;
                case ValidationProblemKind.UnknownDelete or ValidationProblemKind.UnknownPlan:
                    missing = true;
                    break;
                default:
                    malformed = true;
                    break;
            }
        }

        if (malformed)
        {
            code = StatusCode.InvalidArgument;
        }
        else if (limit)
        {
            code = StatusCode.ResourceExhausted;
        }
        else if (missing)
        {
            code = StatusCode.NotFound;
        }

        var text = new StringBuilder();
        text.Append(totalCount == 1 ? "1 problem" : $"{totalCount} problems").Append(", nothing was changed:");
        var listed = 0;
        foreach (var problem in problems)
        {
            if (listed == MaxListedProblems || text.Length > MaxMessageChars - 500)
            {
                break;
            }

            text.Append('\n').Append(Describe(problem, items, indexOf));
            listed++;
        }

        if (totalCount > listed)
        {
            text.Append("\n… and ").Append(totalCount - listed).Append(" more.");
        }

        return new RpcException(new Status(code, Trim(text.ToString())));
    }

    /// <summary>One problem as <c>territories[3] (id "CA"): ring 0 is not closed at [..]. Fix: …</c>.</summary>
    public static string Describe(ValidationProblem problem, string items, Func<int, int>? indexOf = null)
    {
        var text = new StringBuilder();
        if (problem.FeatureIndex is { } index)
        {
            text.Append(items).Append('[').Append(indexOf is null ? index : indexOf(index)).Append(']');
            if (problem.TerritoryId is not null)
            {
                text.Append(" (id \"").Append(problem.TerritoryId).Append("\")");
            }

            text.Append(": ");
        }
        else if (problem.TerritoryId is not null)
        {
            text.Append("id \"").Append(problem.TerritoryId).Append("\": ");
        }

        text.Append(problem.Detail);
        if (problem.Location is { } location)
        {
            text.Append(" at ").Append(location.ToString());
        }

        text.Append('.');
        if (problem.Fix is { } fix)
        {
            text.Append(" Fix: ").Append(fix);
            if (!fix.EndsWith('.'))
            {
                text.Append('.');
            }
        }

        return text.ToString();
    }

    private static string Trim(string message) =>
        message.Length <= MaxMessageChars ? message : string.Concat(message.AsSpan(0, MaxMessageChars - 1), "…");
}

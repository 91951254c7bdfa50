// Refuses query parameters of an HTTP/JSON request that name no field of its request message.
using System.Collections.Concurrent;
using Google.Protobuf.Reflection;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;

namespace GeoAssign.Server.Http;

/// <summary>
/// Answers 400 INVALID_ARGUMENT when a query parameter of a transcoded route names no field of the
/// request message. The transcoding ignores such parameters, so that a misspelt one
/// (<c>acount_id</c>, <c>layr</c>) would silently answer a different question than the caller asked.
/// A route whose body is the whole request (<c>body: "*"</c>) reads no query parameter at all, so any
/// is refused there. Names are the field's JSON name or its proto name, dotted through message
/// fields (<c>as_of</c>, <c>page.size</c>). Stateless apart from a thread-safe cache per method.
/// </summary>
internal static class JsonQueryCheck
{
    private static readonly ConcurrentDictionary<MethodDescriptor, string> KnownFields = new();

    /// <summary>Adds the check in front of the transcoded routes.</summary>
    public static void UseHttpJsonQueryCheck(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (!context.Request.QueryString.HasValue
                || context.GetEndpoint()?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>() is not { } rule
                || Problem(context.Request.Query.Keys, rule) is not { } problem)
            {
                return next(context);
            }

            return JsonBodyCheck.AnswerAsync(context, StatusCodes.Status400BadRequest, (int)Grpc.Core.StatusCode.InvalidArgument, problem);
        });

    /// <summary>The problem with the query parameter names of a request to <paramref name="rule"/>'s route, or null.</summary>
    internal static string? Problem(IEnumerable<string> names, GrpcJsonTranscodingMetadata rule)
    {
        var input = rule.MethodDescriptor.InputType;
        foreach (var name in names)
        {
            if (rule.HttpRule.Body == "*")
            {
                return $"The query parameter \"{name}\" is not read: this route takes every field of {input.FullName} in the JSON body.";
            }

            if (!Resolves(input, name))
            {
                var known = KnownFields.GetOrAdd(rule.MethodDescriptor, static (_, message) => string.Join(", ", Names(message, "", 0)), input);
                return $"The query parameter \"{name}\" is not a field of {input.FullName} (its fields: {known}).";
            }
        }

        return null;
    }

    // Whether a dotted name leads through single message fields to a field.
    private static bool Resolves(MessageDescriptor message, string name)
    {
        var current = message;
        var segments = name.Split('.');
        for (var i = 0; i < segments.Length; i++)
        {
            if (!JsonBodyCheck.FieldsOf(current).TryGetValue(segments[i], out var field))
            {
                return false;
            }

            if (i == segments.Length - 1)
            {
                return true;
            }

            if (field.FieldType != FieldType.Message || field.IsRepeated || field.IsMap)
            {
                return false;
            }

            current = field.MessageType;
        }

        return false;
    }

    // The JSON names a caller can use, nested messages (not well-known types, which take a single value) spelled out with dots.
    private static IEnumerable<string> Names(MessageDescriptor message, string prefix, int depth)
    {
        foreach (var field in message.Fields.InDeclarationOrder())
        {
            if (field.FieldType == FieldType.Message && !field.IsRepeated && !field.IsMap && depth < 2
                && !field.MessageType.File.Package.StartsWith("google.protobuf", StringComparison.Ordinal))
            {
                foreach (var nested in Names(field.MessageType, prefix + field.JsonName + ".", depth + 1))
                {
                    yield return nested;
                }
            }
            else
            {
                yield return prefix + field.JsonName;
            }
        }
    }
}

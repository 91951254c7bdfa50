// Checks the JSON body of an HTTP/JSON request against its request message before the transcoding reads it.
using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using Google.Api;
using Google.Protobuf.Reflection;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.Net.Http.Headers;

namespace GeoAssign.Server.Http;

/// <summary>
/// Answers a JSON body that the transcoding cannot read with 400 INVALID_ARGUMENT naming the
/// problem and where it is: JSON that is not JSON (with line and byte), a body that is not an
/// object, an unknown field, a value of the wrong kind (a string for a number, a single value for a
/// list, a null in a list, an unknown enum name). The transcoding itself says only "Request JSON
/// payload is not correctly formatted." for most of them, and ignores unknown fields, so that a
/// misspelt field of an edit would silently be left at its default.
/// The check is a single allocation-free pass of <see cref="Utf8JsonReader"/> over the body (read
/// into a pooled buffer once, which the transcoding then reads); it accepts whatever the
/// transcoding may accept and leaves the finer checks (number ranges, timestamps) to it.
/// Bodies in another charset, and the raw import body (google.api.HttpBody), are left as they are.
/// Stateless apart from a thread-safe cache of field names.
/// </summary>
internal static class JsonBodyCheck
{
    private static readonly ConcurrentDictionary<MessageDescriptor, FrozenDictionary<string, FieldDescriptor>> FieldsByName = new();

    /// <summary>Adds the check in front of the transcoded routes.</summary>
    public static void UseHttpJsonBodyCheck(this IApplicationBuilder app, int maxMessageBytes) =>
        app.Use((context, next) =>
        {
            // gRPC calls and routes without a JSON body pass straight on: no state machine, no await.
            var rule = context.GetEndpoint()?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>();
            return rule is null || BodyOf(rule) is not { } body || !IsUtf8Json(context.Request.ContentType)
                ? next(context)
                : CheckAsync(context, next, body, maxMessageBytes);
        });

    private static async Task CheckAsync(HttpContext context, RequestDelegate next, BodyShape body, int maxMessageBytes)
    {
        var original = context.Request.Body;
        byte[] buffer;
        int length;
        try
        {
            (buffer, length) = await ReadAsync(original, context.Request.ContentLength, maxMessageBytes, context.RequestAborted);
        }
        catch (BadHttpRequestException error) when (error.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // A chunked body that grew past Kestrel's limit (the same size): the answer of the body limit.
            await AnswerTooLargeAsync(context, maxMessageBytes);
            return;
        }

        try
        {
            if (length > maxMessageBytes)
            {
                await AnswerTooLargeAsync(context, maxMessageBytes);
                return;
            }

            if (Problem(buffer.AsSpan(0, length), body) is { } problem)
            {
                await AnswerAsync(context, StatusCodes.Status400BadRequest, (int)Grpc.Core.StatusCode.InvalidArgument, problem);
                return;
            }

            context.Request.Body = new MemoryStream(buffer, 0, length, writable: false);
            await next(context);
        }
        finally
        {
            context.Request.Body = original;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>What the body of a route is: the whole request (body "*") or one field of it; null without a JSON body.</summary>
    internal static BodyShape? BodyOf(GrpcJsonTranscodingMetadata metadata)
    {
        var input = metadata.MethodDescriptor.InputType;
        var body = metadata.HttpRule.Body;
        if (body == "*")
        {
            return new BodyShape(input, null);
        }

        if (body.Length == 0 || input.FindFieldByName(body) is not { } field
            || field.FieldType == FieldType.Message && field.MessageType.FullName == HttpBody.Descriptor.FullName)
        {
            return null;
        }

        return new BodyShape(input, field);
    }

    /// <summary>
    /// The problem with <paramref name="json"/> as the body <paramref name="shape"/> says, in a
    /// sentence naming where it is, or null when the transcoding may read it.
    /// </summary>
    internal static string? Problem(ReadOnlySpan<byte> json, BodyShape shape)
    {
        if (json.IsEmpty)
        {
            return "The request body is empty: send a JSON object of the request's fields ({} for none).";
        }

        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            reader.Read();
            var problem = shape.Field is null
                ? (reader.TokenType == JsonTokenType.StartObject ? Message(ref reader, shape.Message) : new Found("", $"the body must be a JSON object of the request's fields, not {Kind(reader.TokenType)}"))
                : Field(ref reader, shape.Field);
            if (problem is not null)
            {
                return $"The request body does not fit {shape.Message.FullName}: {(problem.Path.Length == 0 ? "" : problem.Path + ": ")}{problem.Message}.";
            }

            // Anything after the value is not JSON either.
            if (reader.Read())
            {
                return $"The request body is not valid JSON: it goes on after its value (byte {reader.TokenStartIndex + 1}).";
            }

            return null;
        }
        catch (JsonException error)
        {
            var message = error.Message;
            var at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            message = (at < 0 ? message : message[..at]).TrimEnd('.', ' ');
            return string.Create(CultureInfo.InvariantCulture,
                $"The request body is not valid JSON: {message} (line {error.LineNumber + 1}, byte {error.BytePositionInLine + 1} of the line).");
        }
    }

    /// <summary>The fields of <paramref name="message"/> by JSON name and by proto name, as the transcoding reads them (cached).</summary>
    internal static FrozenDictionary<string, FieldDescriptor> FieldsOf(MessageDescriptor message) =>
        FieldsByName.GetOrAdd(message, static m => m.Fields.InDeclarationOrder()
            .SelectMany(f => new[] { KeyValuePair.Create(f.JsonName, f), KeyValuePair.Create(f.Name, f) })
            .DistinctBy(p => p.Key, StringComparer.Ordinal)
            .ToFrozenDictionary(StringComparer.Ordinal));

    // The reader is on the object's StartObject; returns with it on its EndObject.
    private static Found? Message(ref Utf8JsonReader reader, MessageDescriptor message)
    {
        var fields = FieldsOf(message);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            if (!fields.TryGetValue(name, out var field))
            {
                return new Found(name, $"{message.FullName} has no field \"{name}\" (its fields: {string.Join(", ", message.Fields.InDeclarationOrder().Select(f => f.JsonName))})");
            }

            if (Field(ref reader, field) is { } problem)
            {
                return problem.Under(name);
            }
        }

        return null;
    }

    // The reader is on the field's value; returns with it on the value's last token.
    private static Found? Field(ref Utf8JsonReader reader, FieldDescriptor field)
    {
        // null is the default of a single field; the transcoding refuses it for a list or a map.
        if (reader.TokenType == JsonTokenType.Null && !field.IsRepeated)
        {
            return null;
        }

        if (field.IsMap)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return new Found("", $"expected an object (a map), not {Kind(reader.TokenType)}");
            }

            var value = field.MessageType.FindFieldByNumber(2);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = reader.GetString()!;
                reader.Read();
                if (Single(ref reader, value) is { } problem)
                {
                    return problem.Under(key);
                }
            }

            return null;
        }

        if (!field.IsRepeated)
        {
            return Single(ref reader, field);
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return new Found("", $"expected a list ([…]), not {Kind(reader.TokenType)}");
        }

        for (var index = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; index++)
        {
            var problem = reader.TokenType == JsonTokenType.Null ? new Found("", "a list cannot hold null") : Single(ref reader, field);
            if (problem is not null)
            {
                return problem.At(index);
            }
        }

        return null;
    }

    // One value of the field's type (an element, for a list).
    private static Found? Single(ref Utf8JsonReader reader, FieldDescriptor field)
    {
        var token = reader.TokenType;
        if (token == JsonTokenType.Null)
        {
            return null;
        }

        switch (field.FieldType)
        {
            case FieldType.Double or FieldType.Float:
                return token == JsonTokenType.Number || token == JsonTokenType.String && IsNumberText(ref reader, integer: false)
                    ? null
                    : new Found("", $"expected a JSON number, not {Describe(ref reader)}");
            case FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 or FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64:
                return token == JsonTokenType.Number && reader.TryGetInt64(out _) || token == JsonTokenType.String && IsNumberText(ref reader, integer: true)
                    ? null
                    : new Found("", $"expected an integer, not {Describe(ref reader)}");
            case FieldType.UInt32 or FieldType.Fixed32 or FieldType.UInt64 or FieldType.Fixed64:
                return token == JsonTokenType.Number && reader.TryGetUInt64(out _) || token == JsonTokenType.String && IsNumberText(ref reader, integer: true)
                    ? null
                    : new Found("", $"expected a non-negative integer, not {Describe(ref reader)}");
            case FieldType.Bool:
                return token is JsonTokenType.True or JsonTokenType.False ? null : new Found("", $"expected true or false, not {Describe(ref reader)}");
            case FieldType.String:
                return token == JsonTokenType.String ? null : new Found("", $"expected a string, not {Describe(ref reader)}");
            case FieldType.Bytes:
                return token == JsonTokenType.String && (reader.ValueIsEscaped || Base64.IsValid(reader.ValueSpan) || Base64Url.IsValid(reader.ValueSpan))
                    ? null
                    : new Found("", token == JsonTokenType.String ? "expected base64 text, which this is not" : $"expected base64 text, not {Kind(token)}");
            case FieldType.Enum:
                if (token == JsonTokenType.Number)
                {
                    return null;
                }

                if (token == JsonTokenType.String && field.EnumType.FindValueByName(reader.GetString()!) is not null)
                {
                    return null;
                }

                return new Found("", $"expected one of {string.Join(", ", field.EnumType.Values.Select(v => v.Name))}, not {Describe(ref reader)}");
            case FieldType.Message when field.MessageType.File.Package == "google.protobuf":
                // Well-known types have JSON forms of their own (Timestamp as text, Value as anything); the transcoding checks them.
                reader.Skip();
                return null;
            case FieldType.Message:
                return token == JsonTokenType.StartObject ? Message(ref reader, field.MessageType) : new Found("", $"expected an object ({field.MessageType.Name}), not {Kind(token)}");
            default:
                reader.Skip();
                return null;
        }
    }

    // Text the transcoding reads as a number: an integer ("12") for integer fields, as proto3 JSON
    // has it; for floating-point fields only "NaN" and the infinities (it refuses "1.5").
    private static bool IsNumberText(ref Utf8JsonReader reader, bool integer) =>
        integer
            ? long.TryParse(reader.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out _) || ulong.TryParse(reader.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
            : reader.ValueTextEquals("NaN"u8) || reader.ValueTextEquals("Infinity"u8) || reader.ValueTextEquals("-Infinity"u8);

    // The value the reader is on, for a message: a string's text (shortened), else its kind.
    private static string Describe(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return Kind(reader.TokenType);
        }

        var text = reader.GetString()!;
        return $"the string \"{(text.Length <= 40 ? text : text[..40] + "…")}\"";
    }

    private static string Kind(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "a list",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    private static bool IsUtf8Json(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var type))
        {
            return false;
        }

        var json = type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase);
        return json && (!type.Charset.HasValue || type.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));
    }

    // Reads the whole body into a pooled buffer; stops one byte past the limit.
    private static async Task<(byte[] Buffer, int Length)> ReadAsync(Stream body, long? declared, int limit, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(declared is > 0 and var size ? (int)Math.Min(size + 1, (long)limit + 1) : 4096);
        var length = 0;
        while (length <= limit)
        {
            if (length == buffer.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(buffer.Length * 2L, (long)limit + 1));
                buffer.AsSpan(0, length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = larger;
            }

            var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                break;
            }

            length += read;
        }

        return (buffer, length);
    }

    // A body without a declared length that grows past the limit (one with it is answered by UseHttpJsonBodyLimit).
    private static Task AnswerTooLargeAsync(HttpContext context, int maxMessageBytes)
    {
        // Unread, the rest of the body is not worth draining: the connection closes after the answer.
        context.Response.Headers.Connection = "close";
        return AnswerAsync(context, StatusCodes.Status413PayloadTooLarge, (int)Grpc.Core.StatusCode.ResourceExhausted, string.Create(CultureInfo.InvariantCulture,
            $"The request body is more than {maxMessageBytes:N0} bytes long; the limit is {maxMessageBytes:N0} bytes (GeoAssign:MaxMessageBytes)."));
    }

    internal static Task AnswerAsync(HttpContext context, int httpStatus, int code, string message)
    {
        context.Response.StatusCode = httpStatus;
        return context.Response.WriteAsJsonAsync(new ErrorBody(code, message, []), ErrorBodyContext.Readable.ErrorBody);
    }

    /// <summary>The JSON body of a route: the request message, or one field of it when <see cref="Field"/> is set.</summary>
    internal sealed record BodyShape(MessageDescriptor Message, FieldDescriptor? Field);

    // A problem and where it is, as the path of JSON names and indexes that leads to it.
    private sealed record Found(string Path, string Message)
    {
        public Found Under(string name) => this with { Path = Path.Length == 0 ? name : Path[0] == '[' ? name + Path : $"{name}.{Path}" };

        public Found At(int index) => this with { Path = string.Create(CultureInfo.InvariantCulture, $"[{index}]{(Path.Length == 0 || Path[0] == '[' ? "" : ".")}{Path}") };
    }
}

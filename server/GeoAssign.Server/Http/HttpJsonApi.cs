// The HTTP/JSON API: the gRPC services transcoded by their google.api.http annotations, and its OpenAPI document.
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.OpenApi.Models;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace GeoAssign.Server.Http;

/// <summary>
/// Serves every RPC that has a <c>google.api.http</c> annotation in proto/geoassign/v1 as an HTTP
/// route with JSON bodies (gRPC JSON transcoding): the same service code, interceptors (API keys,
/// shutdown, unexpected errors), limits and messages as gRPC, with each status code answered as the
/// HTTP status the gRPC-HTTP mapping gives it and a JSON body <c>{"code", "message", "details"}</c>.
/// The OpenAPI document of those routes is served at <see cref="OpenApiPath"/>. Registration only;
/// the routes themselves are thread-safe as the services are.
/// </summary>
internal static class HttpJsonApi
{
    /// <summary>Where the OpenAPI document is served (no API key needed, like health and reflection).</summary>
    public const string OpenApiPath = "/openapi/v1.json";

    private const string DocumentName = "v1";

    /// <summary>Adds JSON transcoding to the gRPC services and, when <paramref name="openApi"/>, the document's generator.</summary>
    public static void AddHttpJsonApi(this IGrpcServerBuilder grpc, bool openApi)
    {
        grpc.AddJsonTranscoding(transcoding =>
        {
            // Numbers as JSON numbers (versions and counts stay far below 2^53), enums by name,
            // and every field written, so that a client sees 0 and "" rather than a missing member.
            transcoding.JsonSettings.WriteInt64sAsStrings = false;
            transcoding.JsonSettings.IgnoreDefaultValues = false;
        });
        if (!openApi)
        {
            return;
        }

        var services = grpc.Services;
        services.AddGrpcSwagger();
        services.AddSwaggerGen(swagger =>
        {
            swagger.SwaggerDoc(DocumentName, new OpenApiInfo
            {
                Title = "GeoAssign",
                Version = "v1",
                Description = "Point-to-territory assignment over HTTP/JSON: the gRPC API's routes (proto/geoassign/v1). "
                    + "Errors answer with the HTTP status of their gRPC code and a JSON body {\"code\", \"message\", \"details\"}.",
            });
            // Nested proto types (enums named Kind in two messages) get their message's name in front;
            // the default id, the bare type name, would make the document fail to generate.
            swagger.CustomSchemaIds(SchemaId);
            // The proto comments, which Grpc.Tools writes into the messages' XML documentation.
            var comments = Path.Combine(AppContext.BaseDirectory, "GeoAssign.Protos.xml");
            if (File.Exists(comments))
            {
                swagger.IncludeGrpcXmlComments(comments, includeControllerXmlComments: true);
            }

            var scheme = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = Security.ApiKeyRegistry.Header,
                Description = "An API key, when the server has keys configured (GeoAssign:ApiKeys): a reader key for lookups and reads, an editor key for edits.",
                Reference = new OpenApiReference { Type = ReferenceType.SecurityScheme, Id = "apiKey" },
            };
            swagger.AddSecurityDefinition("apiKey", scheme);
            swagger.AddSecurityRequirement(new OpenApiSecurityRequirement { [scheme] = [] });
        });
    }

    // Swashbuckle's default schema id (type name; generic arguments before it), with a nested proto
    // type (Outer.Types.Kind) named Outer.Kind.
    private static string SchemaId(Type type)
    {
        var name = type.IsConstructedGenericType
            ? string.Concat(string.Join("And", type.GetGenericArguments().Select(SchemaId)), type.Name.Split('`')[0])
            : type.Name.Replace("[]", "Array", StringComparison.Ordinal);
        return type.DeclaringType is { Name: "Types", DeclaringType: { } outer } ? $"{SchemaId(outer)}.{name}" : name;
    }

    /// <summary>
    /// Answers an HTTP/JSON request whose declared body passes the message-size limit with 413 and
    /// the status gRPC gives such a message (RESOURCE_EXHAUSTED naming GeoAssign:MaxMessageBytes),
    /// before the body is read. (Kestrel's own limit, at the same size, stops a chunked body that
    /// grows past it: UseHttpJsonBodyCheck answers 413 for a JSON body, the transcoding 400 for the raw import body.) gRPC requests check their messages themselves.
    /// </summary>
    public static void UseHttpJsonBodyLimit(this IApplicationBuilder app, int maxMessageBytes) =>
        app.Use((context, next) =>
        {
            var length = context.Request.ContentLength;
            if (length <= maxMessageBytes || length is null
                || context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true)
            {
                return next(context);
            }

            var status = Hosting.RequestDecoding.TooLarge(length.Value, maxMessageBytes, decompressed: false).Status;
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            // Unread, the body is not worth draining: the connection closes after the answer.
            context.Response.Headers.Connection = "close";
            return context.Response.WriteAsJsonAsync(new ErrorBody((int)status.StatusCode, status.Detail, []), ErrorBodyContext.Readable.ErrorBody);
        });

    /// <summary>Maps the OpenAPI document as an endpoint (no middleware in front of every call).</summary>
    public static void MapOpenApiDocument(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapSwagger(OpenApiPath.Replace(DocumentName, "{documentName}", StringComparison.Ordinal));
}

/// <summary>The JSON error body of the transcoded routes (google.rpc.Status): code, message, details.</summary>
internal sealed record ErrorBody(
    [property: System.Text.Json.Serialization.JsonPropertyName("code")] int Code,
    [property: System.Text.Json.Serialization.JsonPropertyName("message")] string Message,
    [property: System.Text.Json.Serialization.JsonPropertyName("details")] object[] Details);

[System.Text.Json.Serialization.JsonSerializable(typeof(ErrorBody))]
internal sealed partial class ErrorBodyContext : System.Text.Json.Serialization.JsonSerializerContext
{
    /// <summary>
    /// Writes quotes and apostrophes as they are, as the transcoding's own error bodies do (the
    /// default escapes them as \u0022, which a curl user has to decode); the body is JSON, never HTML.
    /// </summary>
    public static ErrorBodyContext Readable { get; } = new(new System.Text.Json.JsonSerializerOptions
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}

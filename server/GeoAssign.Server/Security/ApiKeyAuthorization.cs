// API keys with roles: who may look up and who may edit.
using System.Security.Cryptography;
using System.Text;
using GeoAssign.Server.Hosting;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;

namespace GeoAssign.Server.Security;

/// <summary>What a key may do. Editor implies reader.</summary>
internal enum ApiKeyRole
{
    Reader = 1,
    Editor = 2,
}

internal static class ApiKeyRoles
{
    public static bool TryParse(string? text, out ApiKeyRole role)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "reader":
                role = ApiKeyRole.Reader;
                return true;
            case "editor":
                role = ApiKeyRole.Editor;
                return true;
            default:
                role = default;
                return false;
        }
    }
}

/// <summary>
/// The configured keys, held as SHA-256 digests so that looking one up takes the same time whatever
/// the key sent. Immutable and thread-safe.
/// </summary>
internal sealed class ApiKeyRegistry
{
    /// <summary>The metadata key clients send their key in.</summary>
    public const string Header = "x-api-key";

    private readonly Dictionary<string, (ApiKeyRole Role, string Name)> _roles = new(StringComparer.Ordinal);

    public ApiKeyRegistry(IOptions<GeoAssignServerOptions> options)
    {
        var keys = options.Value.ApiKeys;
        for (var i = 0; i < keys.Count; i++)
        {
            if (ApiKeyRoles.TryParse(keys[i].Role, out var role))
            {
                _roles[Digest(keys[i].Key)] = (role, keys[i].EffectiveName(i));
            }
        }
    }

    /// <summary>Whether keys are configured; without any the server is open.</summary>
    public bool Enabled => _roles.Count > 0;

    /// <summary>The role and name of a known key.</summary>
    public bool TryGetRole(string key, out ApiKeyRole role, out string name)
    {
        var known = _roles.TryGetValue(Digest(key), out var entry);
        (role, name) = entry;
        name ??= "";
        return known;
    }

    private static string Digest(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}

/// <summary>
/// Checks the <c>x-api-key</c> of every call to the geoassign.v1 services (health and reflection
/// need none): UNAUTHENTICATED without a known key, PERMISSION_DENIED when an edit comes with a reader
/// key. Also turns calls away with UNAVAILABLE once the server is shutting down.
/// </summary>
internal sealed class ApiKeyInterceptor(ApiKeyRegistry keys, IHostApplicationLifetime lifetime) : Interceptor
{
    private const string ApiPrefix = "/geoassign.v1.";

    // The edits; every other geoassign.v1 method is a lookup or read.
    private static readonly HashSet<string> EditMethods = new(StringComparer.Ordinal)
    {
        "/geoassign.v1.TerritoryService/UpsertTerritories",
        "/geoassign.v1.TerritoryService/DeleteTerritories",
        "/geoassign.v1.TerritoryService/ImportGeoJson",
        "/geoassign.v1.TerritoryService/ImportGeoJsonBody",
        "/geoassign.v1.TerritoryService/ImportGeoJsonStream",
        "/geoassign.v1.TerritoryService/RollbackMap",
        "/geoassign.v1.TerritoryService/ImportGazetteer",
        "/geoassign.v1.TerritoryService/ImportGazetteerBody",
        "/geoassign.v1.PlanService/CreatePlan",
        "/geoassign.v1.PlanService/DeletePlan",
        "/geoassign.v1.PlanService/ActivatePlan",
        "/geoassign.v1.PlanService/CancelActivation",
        "/geoassign.v1.PlanService/ProposePlan",
        "/geoassign.v1.AccountService/UpsertOverrides",
        "/geoassign.v1.AccountService/DeleteOverrides",
        "/geoassign.v1.AccountService/ImportOverrides",
    };

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Check(ServerCallContext context)
    {
        if (!context.Method.StartsWith(ApiPrefix, StringComparison.Ordinal))
        {
            return;
        }

        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "The server is shutting down; retry on another replica or after it restarts."));
        }

        if (!keys.Enabled)
        {
            return;
        }

        var key = context.RequestHeaders.GetValue(ApiKeyRegistry.Header);
        if (string.IsNullOrEmpty(key))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, $"This server needs an API key in the '{ApiKeyRegistry.Header}' metadata."));
        }

        if (!keys.TryGetRole(key, out var role, out var name))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, $"The API key in '{ApiKeyRegistry.Header}' is not known to this server."));
        }

        if (role != ApiKeyRole.Editor && EditMethods.Contains(context.Method))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied,
                $"{context.Method.TrimStart('/')} changes the map and needs an editor key; this key has the reader role."));
        }

        context.UserState[KeyNameSlot] = name;
    }

    private const string KeyNameSlot = "geoassign-api-key-name";

    /// <summary>The name of the API key the call came with (what a change records as its author); empty without keys.</summary>
    public static string KeyNameOf(ServerCallContext context) =>
        context.UserState.TryGetValue(KeyNameSlot, out var name) && name is string text ? text : "";
}

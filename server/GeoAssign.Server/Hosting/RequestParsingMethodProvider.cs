// Binds gRPC services as grpc-dotnet does, with request deserialisers that answer INTERNAL for bytes that do not parse.
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GeoAssign.Server.Hosting;

/// <summary>Registers <see cref="RequestParsingMethodProvider{TService}"/>.</summary>
internal static class RequestParsing
{
    /// <summary>
    /// Puts <see cref="RequestParsingMethodProvider{TService}"/> in place of grpc-dotnet's binder,
    /// which would add every method a second time. Call after every AddGrpc* registration.
    /// </summary>
    public static void AddRequestParsing(this IServiceCollection services)
    {
        var binder = services.SingleOrDefault(d => d.ServiceType == typeof(IServiceMethodProvider<>)
            && d.ImplementationType?.Name == "BinderServiceMethodProvider`1")
            ?? throw new InvalidOperationException("grpc-dotnet's BinderServiceMethodProvider is not registered; GeoAssign's request parsing needs updating for this Grpc.AspNetCore version.");
        services.Remove(binder);
        services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(IServiceMethodProvider<>), typeof(RequestParsingMethodProvider<>)));
    }
}

/// <summary>
/// Discovers the methods of a generated service (through its <c>BindService</c> method, as
/// grpc-dotnet's own binder does) and adds them with a request marshaller whose deserialiser turns
/// any parse failure (garbage, truncation, field number 0, an over-long varint, invalid UTF-8,
/// nesting past protobuf's recursion limit) into INTERNAL naming the message type. grpc-dotnet reads
/// a unary or server-streaming request before any interceptor runs, and would answer such a
/// failure with UNKNOWN; this is the one place that sees every request message of every kind of call.
/// Stateless and thread-safe.
/// </summary>
internal sealed class RequestParsingMethodProvider<[DynamicallyAccessedMembers(Members)] TService> : IServiceMethodProvider<TService>
    where TService : class
{
    private const DynamicallyAccessedMemberTypes Members = DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicMethods;

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        if (FindBindMethod(typeof(TService)) is not { } bind)
        {
            return;
        }

        // The second parameter is the generated service base class; the instance is not needed to bind.
        bind.Invoke(null, [new Binder(context, bind.GetParameters()[1].ParameterType), null]);
    }

    private static MethodInfo? FindBindMethod(Type service)
    {
        for (var type = service; type is not null; type = type.BaseType)
        {
            if (type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is { } attribute)
            {
                return attribute.BindType.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static).FirstOrDefault(m =>
                    m.Name == attribute.BindMethodName && m.GetParameters() is [var binder, _] && binder.ParameterType == typeof(ServiceBinderBase));
            }
        }

        return null;
    }

    private sealed class Binder(ServiceMethodProviderContext<TService> context, Type serviceBase) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Bind<UnaryServerMethod<TService, TRequest, TResponse>>(method.Name, typeof(TRequest), typeof(ServerCallContext));
            context.AddUnaryMethod(Checked(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Bind<ClientStreamingServerMethod<TService, TRequest, TResponse>>(method.Name,
                typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext));
            context.AddClientStreamingMethod(Checked(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Bind<ServerStreamingServerMethod<TService, TRequest, TResponse>>(method.Name,
                typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
            context.AddServerStreamingMethod(Checked(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Bind<DuplexStreamingServerMethod<TService, TRequest, TResponse>>(method.Name,
                typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
            context.AddDuplexStreamingMethod(Checked(method), metadata, invoker);
        }

        // The service's override of the generated virtual method, as an open delegate (it takes the
        // service instance first), and the metadata grpc-dotnet gives the endpoint.
        private (TDelegate Invoker, List<object> Metadata) Bind<TDelegate>(string name, params Type[] parameters)
            where TDelegate : Delegate
        {
            var handler = typeof(TService).GetMethod(name, BindingFlags.Public | BindingFlags.Instance, parameters);
            if (handler is null || handler.GetBaseDefinition().DeclaringType != serviceBase)
            {
                throw new InvalidOperationException($"Could not find '{name}' on {typeof(TService)}.");
            }

            var metadata = new List<object>();
            metadata.AddRange(typeof(TService).GetCustomAttributes(inherit: true));
            metadata.AddRange(handler.GetCustomAttributes(inherit: true));
            metadata.Add(new HttpMethodMetadata(["POST"], acceptCorsPreflight: true));
            return ((TDelegate)Delegate.CreateDelegate(typeof(TDelegate), handler), metadata);
        }

        private static Method<TRequest, TResponse> Checked<TRequest, TResponse>(Method<TRequest, TResponse> method)
            where TRequest : class where TResponse : class
        {
            var messageType = MessageName(typeof(TRequest));
            var deserialize = method.RequestMarshaller.ContextualDeserializer;
            var marshaller = new Marshaller<TRequest>(method.RequestMarshaller.ContextualSerializer, context =>
            {
                try
                {
                    return deserialize(context);
                }
                catch (Exception e) when (e is not (RpcException or OutOfMemoryException))
                {
                    throw RequestDecoding.Unparsable(messageType, e);
                }
            });
            return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, marshaller, method.ResponseMarshaller);
        }

        // The protobuf full name (geoassign.v1.ResolveRequest), which is what clients know the message by.
        private static string MessageName(Type type) =>
            typeof(IMessage).IsAssignableFrom(type)
            && type.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is Google.Protobuf.Reflection.MessageDescriptor descriptor
                ? descriptor.FullName
                : type.Name;
    }
}

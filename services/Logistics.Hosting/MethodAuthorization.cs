using System.Reflection;
using Google.Protobuf.Reflection;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Logistics.Access.V1;
using Logistics.Hosting.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Logistics.Hosting;

/// <summary>
/// Authorizes each method of a gRPC service (and its REST transcoding) from its proto's
/// (logistics.access.v1.access) option: the roles that may call it, or any signed-in user. Default deny: a method
/// without the option, or naming a role that does not exist, stops the service at start. The finer checks (the
/// caller's centre, their own claim, ...) stay in the service's Api and Domain.
/// </summary>
public static class MethodAuthorization
{
    /// <summary>Maps the service with the roles its proto gives each method (use instead of MapGrpcService).</summary>
    public static GrpcServiceEndpointConventionBuilder MapGrpcApi<TService>(this IEndpointRouteBuilder endpoints) where TService : class
    {
        var access = AccessByMethod(DescriptorOf(typeof(TService)));
        var builder = endpoints.MapGrpcService<TService>();
        builder.Add(endpoint =>
        {
            // The methods' endpoints (gRPC and transcoded REST) carry the method; the catch-all for a method the
            // service does not know (answered Unimplemented) does not.
            if (endpoint.Metadata.OfType<GrpcMethodMetadata>().LastOrDefault()?.Method is not { } method) return;
            if (!access.TryGetValue(method.Name, out var rule))
                throw new InvalidOperationException($"{typeof(TService).Name} maps {method.FullName}, which its proto does not declare: no roles are known for it.");
            endpoint.Metadata.Add(rule);
        });
        return builder;
    }

    /// <summary>The authorization of every method of the service, by method name; throws, naming the method, when one cannot be had.</summary>
    public static IReadOnlyDictionary<string, AuthorizeAttribute> AccessByMethod(ServiceDescriptor service) =>
        service.Methods.ToDictionary(m => m.Name, m => ToAuthorize(m, ApiCatalogue.AccessOf(m)), StringComparer.Ordinal);

    private static AuthorizeAttribute ToAuthorize(MethodDescriptor method, MethodAccess access)
    {
        if (access.AnySignedIn) return new AuthorizeAttribute();
        if (access.Roles.FirstOrDefault(r => !Roles.IsKnown(r)) is { } unknown)
            throw new InvalidOperationException($"rpc {method.FullName}: its (logistics.access.v1.access) option names '{unknown}', which is not a role ({string.Join(", ", Roles.All)}).");
        return new AuthorizeAttribute { Roles = string.Join(',', access.Roles) };
    }

    /// <summary>The proto service a generated base class implements (its [BindServiceMethod] names the generated class).</summary>
    private static ServiceDescriptor DescriptorOf(Type service)
    {
        for (var type = service; type is not null; type = type.BaseType)
        {
            if (type.GetCustomAttribute<BindServiceMethodAttribute>()?.BindType is { } generated
                && generated.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is ServiceDescriptor descriptor)
                return descriptor;
        }
        throw new InvalidOperationException($"{service.Name} does not implement a service generated from a .proto.");
    }
}

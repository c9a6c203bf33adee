using System.Text.RegularExpressions;
using Logistics.Access.V1;
using Yarp.ReverseProxy.Configuration;

namespace Logistics.Gateway;

/// <summary>
/// The gateway's routes to the services, built at start from the protos (<see cref="ApiCatalogue"/>): for every method
/// a gRPC route on the gRPC port ("/package.Service/Method") and, when it has a google.api.http rule, a REST route on
/// the REST port, each with the policy of the roles its proto names. Nothing of this is in appsettings.json, which
/// keeps only where each service listens (the clusters "{service}-grpc" and "{service}-http").
/// </summary>
public static partial class ApiRoutes
{
    public static IReadOnlyList<RouteConfig> Build() =>
        ApiCatalogue.Methods.SelectMany(method => method.Rest is { } rest ? [Grpc(method), Rest(method, rest)] : new[] { Grpc(method) }).ToList();

    /// <summary>
    /// The REST path as the gateway matches it and the OpenAPI document shows it: the rule's template with each field
    /// named as in JSON ({centre_id} is {centreId}).
    /// </summary>
    public static string RestPath(ApiMethod method) =>
        PathField().Replace(method.Rest!.Path, m => "{" + (method.Method.InputType.FindFieldByName(m.Groups[1].Value)?.JsonName ?? m.Groups[1].Value) + "}");

    private static RouteConfig Grpc(ApiMethod method) => new()
    {
        RouteId = $"{method.Service}-grpc-{method.Method.Service.Name}.{method.Method.Name}",
        ClusterId = $"{method.Service}-grpc",
        AuthorizationPolicy = GatewayPolicies.For(method),
        RateLimiterPolicy = PerUserRateLimitOptions.PolicyName,
        Match = new RouteMatch
        {
            Path = method.GrpcPath,
            // Every service serves the dead letters: the caller names the one it means.
            Headers = method.IsShared
                ? [new RouteHeader { Name = ApiCatalogue.ServiceHeader, Values = [method.Service], Mode = HeaderMatchMode.ExactHeader }]
                : null,
        },
        Metadata = new Dictionary<string, string> { [Listeners.MetadataKey] = Listeners.Grpc },
    };

    private static RouteConfig Rest(ApiMethod method, RestRoute rest) => new()
    {
        RouteId = $"{method.Service}-rest-{method.Method.Service.Name}.{method.Method.Name}",
        ClusterId = $"{method.Service}-http",
        AuthorizationPolicy = GatewayPolicies.For(method),
        RateLimiterPolicy = PerUserRateLimitOptions.PolicyName,
        Match = new RouteMatch { Methods = [rest.Verb], Path = RestPath(method) },
        Metadata = new Dictionary<string, string> { [Listeners.MetadataKey] = Listeners.Http },
    };

    [GeneratedRegex(@"\{([a-z0-9_]+)\}")]
    private static partial Regex PathField();
}

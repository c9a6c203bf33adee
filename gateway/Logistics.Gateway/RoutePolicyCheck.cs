using Yarp.ReverseProxy.Configuration;

namespace Logistics.Gateway;

/// <summary>
/// Refuses proxy configuration with a route that is not protected and pinned. YARP runs this filter on every load:
/// at start a bad route stops the gateway; on a later reload of appsettings.json the new configuration is rejected and
/// the previous one stays in force.
/// </summary>
public sealed class RoutePolicyCheck : IProxyConfigFilter
{
    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel) => new(cluster);

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel)
    {
        if (FindProblem(route) is { } problem)
            throw new InvalidOperationException($"Gateway route '{route.RouteId}' {problem} (see gateway/README.md).");
        return new(route);
    }

    /// <summary>What is missing from a route, or null when it is complete.</summary>
    public static string? FindProblem(RouteConfig route)
    {
        // YARP reads "Anonymous" and "Default" as special values; the gateway wants a named policy on every route.
        if (string.IsNullOrWhiteSpace(route.AuthorizationPolicy)
            || route.AuthorizationPolicy.Equals("anonymous", StringComparison.OrdinalIgnoreCase)
            || route.AuthorizationPolicy.Equals("default", StringComparison.OrdinalIgnoreCase))
            return "has no AuthorizationPolicy: name a role policy, \"authenticated\" or an any-of policy";
        if (string.IsNullOrWhiteSpace(route.RateLimiterPolicy)
            || route.RateLimiterPolicy.Equals("disable", StringComparison.OrdinalIgnoreCase)
            || route.RateLimiterPolicy.Equals("default", StringComparison.OrdinalIgnoreCase))
            return $"has no RateLimiterPolicy: use \"{PerUserRateLimitOptions.PolicyName}\"";
        if (route.Metadata?.GetValueOrDefault(Listeners.MetadataKey) is not { } listener || !Listeners.IsKnown(listener))
            return $"has no Metadata.{Listeners.MetadataKey}: \"{Listeners.Http}\" (REST) or \"{Listeners.Grpc}\"";
        return null;
    }
}

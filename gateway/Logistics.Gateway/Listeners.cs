using Microsoft.AspNetCore.Routing.Matching;

namespace Logistics.Gateway;

/// <summary>
/// The gateway's Kestrel endpoints: the two public ones (a route names the one it belongs to in its metadata,
/// "Listener") and the metrics port, which serves only the scrape endpoint.
/// </summary>
public static class Listeners
{
    public const string Http = "http";
    public const string Grpc = "grpc";
    public const string Metrics = "metrics";

    /// <summary>The key of YARP route metadata that pins a route to a listener.</summary>
    public const string MetadataKey = "Listener";

    public static bool IsKnown(string? name) => name is Http or Grpc;
}

/// <summary>Endpoint metadata: the endpoint answers only on this listener. Endpoints without it answer on both.</summary>
public sealed record ListenerMetadata(string Listener);

/// <summary>
/// Drops the endpoints that belong to the other listener from the candidates of a request, by the local port the
/// connection arrived on. The request then matches nothing and gets 404 before authentication runs, as if the route
/// did not exist on that port. Host-based matching (Match.Hosts, RequireHost) would read the Host header, which the
/// client writes; the local port is what the client actually connected to.
/// </summary>
public sealed class ListenerMatcherPolicy(GatewayOptions options) : MatcherPolicy, IEndpointSelectorPolicy
{
    // After YARP's own policies; the order among filters of this kind does not matter.
    public override int Order => 1000;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) =>
        endpoints.Any(e => e.Metadata.GetMetadata<ListenerMetadata>() is not null);

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        var localPort = httpContext.Connection.LocalPort;
        var listener = localPort == options.GrpcPort ? Listeners.Grpc : localPort == options.HttpPort ? Listeners.Http
            : options.MetricsPort != 0 && localPort == options.MetricsPort ? Listeners.Metrics : null;
        for (var i = 0; i < candidates.Count; i++)
        {
            var pinned = candidates[i].Endpoint.Metadata.GetMetadata<ListenerMetadata>();
            if (pinned is not null && pinned.Listener != listener)
                candidates.SetValidity(i, false);
        }
        return Task.CompletedTask;
    }
}

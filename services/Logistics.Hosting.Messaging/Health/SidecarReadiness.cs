using Dapr.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Logistics.Hosting.Health;

/// <summary>The readiness of an app that publishes or receives events: it needs its Dapr sidecar.</summary>
public static class SidecarReadiness
{
    /// <summary>Ready only while the app's Dapr sidecar answers (see <see cref="SidecarHealthCheck"/>); registers the Dapr client.</summary>
    public static IServiceCollection AddSidecarReadiness(this IServiceCollection services)
    {
        // Finds the sidecar through DAPR_GRPC_ENDPOINT / DAPR_HTTP_ENDPOINT (or DAPR_*_PORT) and sends DAPR_API_TOKEN (when set) as dapr-api-token.
        services.AddDaprClient();
        services.AddHealthChecks().Add(new HealthCheckRegistration("dapr-sidecar",
            sp => new SidecarHealthCheck(sp.GetRequiredService<DaprClient>()), HealthStatus.Unhealthy, [HealthTags.Ready]));
        return services;
    }
}

using Dapr.Client;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Logistics.Hosting.Health;

/// <summary>
/// Ready only while the Dapr sidecar answers: without it the service can neither publish (the outbox grows) nor receive
/// events. It asks the outbound health (components loaded), not the full one: the sidecar's full health waits for the
/// app, so asking it from the app's readiness would make each wait for the other at start.
/// </summary>
public sealed class SidecarHealthCheck(DaprClient dapr) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            return await dapr.CheckOutboundHealthAsync(ct)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("dapr sidecar not ready");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("dapr sidecar unreachable", e);
        }
    }
}

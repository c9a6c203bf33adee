using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Logistics.Hosting.Health;

/// <summary>
/// Ready only while an HTTP dependency answers 2xx at the given URL (the web console asks the gateway's `/readyz`:
/// every page it serves is an API call through the gateway).
/// </summary>
public sealed class HttpDependencyHealthCheck(IHttpClientFactory clients, Uri url) : IHealthCheck
{
    public const string ClientName = "logistics-readiness";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            using var response = await clients.CreateClient(ClientName).GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"{url} answered {(int)response.StatusCode}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"{url} unreachable", e);
        }
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Logistics.Hosting.Health;

/// <summary>
/// The probes every app serves (the services and the web console): liveness at `/healthz` (the process answers; no
/// dependency is asked, so an outage does not get healthy pods restarted in a loop) and readiness at `/readyz` (every
/// check tagged <see cref="HealthTags.Ready"/> passes; 503 otherwise).
/// </summary>
public static class Probes
{
    public const string LivePath = "/healthz";
    public const string ReadyPath = "/readyz";

    /// <summary>How long an HTTP dependency may take to answer before readiness counts it down.</summary>
    public static readonly TimeSpan HttpCheckTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Ready only while <paramref name="url"/> answers 2xx (see <see cref="HttpDependencyHealthCheck"/>).</summary>
    public static IServiceCollection AddHttpReadiness(this IServiceCollection services, string name, Uri url)
    {
        services.AddHttpClient(HttpDependencyHealthCheck.ClientName, c => c.Timeout = HttpCheckTimeout);
        services.AddHealthChecks().Add(new HealthCheckRegistration(name,
            sp => new HttpDependencyHealthCheck(sp.GetRequiredService<IHttpClientFactory>(), url), HealthStatus.Unhealthy, [HealthTags.Ready]));
        return services;
    }

    /// <summary>`/healthz` and `/readyz`, anonymous (the kubelet and the launcher send no token).</summary>
    public static IEndpointRouteBuilder MapProbes(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = r => r.Tags.Contains(HealthTags.Ready) }).AllowAnonymous();
        return app;
    }
}

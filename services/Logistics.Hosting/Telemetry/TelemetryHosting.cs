using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Logistics.Hosting.Telemetry;

public static class TelemetryHosting
{
    /// <summary>Where Prometheus scrapes. Never routed by the gateway (its public ports answer 404 for it).</summary>
    public const string ScrapePath = "/metrics";

    /// <summary>
    /// OpenTelemetry traces and metrics (ASP.NET Core, gRPC, HttpClient), W3C trace context; the data and messaging
    /// libraries add their own (Npgsql, the gauges, the outbox relay, the subscribers' events) where they register what
    /// emits them. Metrics are served for Prometheus at <see cref="ScrapePath"/> (see <see cref="MapMetrics"/>);
    /// everything is also exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set, and spans are only recorded then.
    /// </summary>
    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder, string serviceName)
    {
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithTracing(t => t
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsProbeOrScrape(http.Request.Path))
                .AddHttpClientInstrumentation())
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddPrometheusExporter());
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            otel.UseOtlpExporter();
        else
            // Spans nobody exports are pure cost on every call (benchmark 1, BENCHMARKS.md). Unsampled activities still
            // carry the caller's trace context into logs, outgoing calls, outbox rows and the traceresponse header.
            builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.SetSampler(new AlwaysOffSampler()));
        return builder;
    }

    /// <summary>
    /// The Prometheus scrape endpoint, without a token (Prometheus sends none): it must only be reachable where the
    /// monitoring is, never through the gateway.
    /// </summary>
    public static IEndpointConventionBuilder MapMetrics(this IEndpointRouteBuilder app) =>
        app.MapPrometheusScrapingEndpoint(ScrapePath).AllowAnonymous();

    private static bool IsProbeOrScrape(PathString path) =>
        path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz") || path.StartsWithSegments(ScrapePath);
}

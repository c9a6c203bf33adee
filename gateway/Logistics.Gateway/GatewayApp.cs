using System.Net;
using Logistics.Hosting;
using Logistics.Hosting.Auth;
using Logistics.Hosting.Http;
using Logistics.Hosting.Telemetry;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using OpenTelemetry.Trace;

namespace Logistics.Gateway;

/// <summary>The gateway's composition, shared by Program.cs and the tests.</summary>
public static class GatewayApp
{
    /// <param name="args">Command-line arguments.</param>
    /// <param name="settings">Configuration that wins over appsettings.json and the environment (tests).</param>
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json sits beside the assembly; the launcher may start us from any directory.
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (settings is not null)
            builder.Configuration.AddInMemoryCollection(settings);

        builder.AddTelemetry("gateway");
        // Without an exporter the gateway's spans go nowhere, yet recording them was most of what the gateway cost per
        // call beyond plain YARP (BENCHMARKS.md, issue 18): none are recorded then. The caller's trace context still
        // reaches the service (the request's activity is kept for it), so the service's spans stay in the caller's trace.
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.SetSampler(new AlwaysOffSampler()));

        var gateway = GatewayOptions.From(builder.Configuration);
        builder.Services.AddSingleton(gateway);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var address = IPAddress.Parse(gateway.BindAddress);
            // Cleartext HTTP/2 needs a port of its own: without TLS (ALPN) Kestrel serves HTTP/1.1 only on a port that
            // offers both, and says so in a warning at every start. HTTP/2 clients use the gRPC port.
            kestrel.Listen(address, gateway.HttpPort, o => o.Protocols = HttpProtocols.Http1);
            kestrel.Listen(address, gateway.GrpcPort, o => o.Protocols = HttpProtocols.Http2);
            if (gateway.MetricsPort != 0) kestrel.Listen(address, gateway.MetricsPort, o => o.Protocols = HttpProtocols.Http1);
            kestrel.Limits.MaxRequestBodySize = gateway.MaxRequestBodyBytes;
            kestrel.AddServerHeader = false; // says nothing about what answers
        });
        builder.Services.AddSingleton<MatcherPolicy, ListenerMatcherPolicy>();

        builder.Services.AddLogisticsAuthentication(builder.Configuration);
        // A client sends the same token for hours: validate it once, not on every call (the services validate it again).
        builder.Services.AddValidatedTokenCache(TokenCacheOptions.From(builder.Configuration));
        builder.Services.AddGatewayPolicies();
        builder.Services.AddPerUserRateLimit(PerUserRateLimitOptions.From(builder.Configuration), AnonymousRateLimitOptions.From(builder.Configuration));
        builder.Services.AddHealthChecks();
        builder.Services.AddReverseProxy()
            // appsettings.json: where each service listens (the clusters) and the console's route; the API's routes: the protos.
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .LoadFromMemory(ApiRoutes.Build(), [])
            .AddConfigFilter<RoutePolicyCheck>();

        var app = builder.Build();

        app.UseApiResponseHeaders();
        app.UseGrpcRequestSizeLimit(gateway.MaxRequestBodyBytes, gateway.LargeGrpcUploads);
        app.UseRouting();
        app.UseAuthentication();
        // After authentication, so that the limiter partitions by the validated user; before authorization, so that
        // callers without a valid token are limited by address before they are turned away.
        app.UseRateLimiter();
        app.UseAuthorization();

        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = r => r.Tags.Contains(HealthTags.Ready) }).AllowAnonymous();
        if (AuthOptions.From(app.Configuration).DevTokens.Enabled)
            app.MapDevToken();
        else
            app.MapPost(DevTokenEndpoint.Path, () => Results.NotFound()).AllowAnonymous(); // off: the gateway's 404, not the console's catch-all
        if (gateway.MetricsPort != 0) app.MapMetrics().WithMetadata(new ListenerMetadata(Listeners.Metrics));
        app.MapApiNotFound();
        app.MapApiReference();
        app.MapReverseProxy().ConfigureEndpoints((endpoint, route) =>
        {
            if (route.Metadata?.GetValueOrDefault(Listeners.MetadataKey) is { } listener)
                endpoint.WithMetadata(new ListenerMetadata(listener));
        });
        return app;
    }
}

using Dapr;
using Logistics.Hosting.Auth;
using Logistics.Hosting.Data;
using Logistics.Hosting.Grpc;
using Logistics.Hosting.Health;
using Logistics.Hosting.Http;
using Logistics.Hosting.Messaging;
using Logistics.Hosting.Messaging.DeadLetters;
using Logistics.Hosting.Telemetry;
using Logistics.Hosting.Time;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Logistics.Hosting;

/// <summary>
/// What every service has: one call in Program.cs before Build, one after. It wires the three hosting libraries, so it
/// lives in the messaging one, the only one that references the other two (the gateway and the console take only parts).
/// </summary>
public static class ServiceDefaults
{
    /// <summary>
    /// Kestrel on two ports (`Ports:Http`: HTTP/1.1 for REST, the sidecar and health; `Ports:Grpc`: HTTP/2
    /// cleartext for gRPC) with the gateway's body limit, telemetry, health, JWT authentication, gRPC with JSON
    /// transcoding and the domain error mapping (reflection only when `Grpc:Reflection` is true), the app API token
    /// on the subscriber endpoints, the Dapr client, Postgres in the service's own schema with migrations, the outbox
    /// relay and command idempotency.
    /// </summary>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, string appId)
    {
        // The clock first: registrations below (authentication among them) add the system clock when none is there yet.
        var offsetFile = builder.Configuration["Clock:OffsetFile"];
        if (string.IsNullOrEmpty(offsetFile)) builder.Services.TryAddSingleton(TimeProvider.System);
        else builder.Services.AddSingleton<TimeProvider>(new OffsetTimeProvider(offsetFile));
        builder.AddServicePorts();
        builder.AddTelemetry(appId);

        builder.Services.AddHealthChecks();
        builder.Services.AddLogisticsAuthentication(builder.Configuration);
        builder.Services.AddGrpc(o =>
        {
            o.Interceptors.Add<DomainErrorInterceptor>();
            o.MaxReceiveMessageSize = ServiceLimits.MaxRequestBodyBytes;
        }).AddJsonTranscoding();
        if (ReflectionOn(builder.Configuration)) builder.Services.AddGrpcReflection();
        builder.AddSidecarOnly();
        builder.Services.AddGrpcHealthChecks(o => o.Services.Map("", r => r.Tags.Contains(HealthTags.Ready)));

        var messaging = builder.Configuration.GetSection("Messaging").Get<MessagingOptions>() ?? new MessagingOptions();
        messaging.AppId = appId;
        builder.Services.AddSingleton(messaging);
        builder.Services.AddSidecarReadiness();

        builder.AddPostgres(appId, System.Reflection.Assembly.GetEntryAssembly()!);
        builder.Services.AddSingleton<Commands>();
        builder.Services.AddHostedService<OutboxRelay>();
        builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddSource(OutboxRelay.Activities.Name));
        builder.Services.AddSingleton(EventDrill.From(builder.Configuration, builder.Environment));
        builder.Services.AddSingleton<IntegrationEventHandlers>();
        builder.Services.AddSingleton<DeadLetterStore>();
        builder.Services.AddSingleton<MessagingCleanup>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MessagingCleanup>());
        builder.AddServiceMetrics();
        return builder;
    }

    /// <summary>The subscribers' event metrics, and the gauges every service has: its outbox's backlog and how old it is, its dead letters waiting.</summary>
    private static void AddServiceMetrics(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<EventMetrics>();
        builder.Services.ConfigureOpenTelemetryMeterProvider(m => m.AddMeter(EventMetrics.MeterName));
        builder.AddGaugeSampler();
        // The database's own clock on both sides: created_at is written by Postgres.
        builder.Services.AddGauge(new GaugeQuery("logistics.outbox.waiting", "{event}",
            "Outbox rows not yet published", "SELECT count(*) FROM outbox WHERE published_at IS NULL"));
        builder.Services.AddGauge(new GaugeQuery("logistics.outbox.oldest.age", "s",
            "Age of the oldest outbox row not yet published (0 when none waits)",
            "SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0) FROM outbox WHERE published_at IS NULL"));
        builder.Services.AddGauge(new GaugeQuery("logistics.dead_letters.waiting", "{event}",
            "Dead letters neither replayed nor discarded", "SELECT count(*) FROM dead_letters WHERE state = 'waiting'"));
    }

    private static void AddServicePorts(this WebApplicationBuilder builder)
    {
        var host = builder.Configuration["Ports:Host"] ?? "127.0.0.1";
        var http = builder.Configuration.GetValue<int?>("Ports:Http")
            ?? throw new InvalidOperationException("Ports:Http is not set (env Ports__Http): the HTTP/1.1 port for REST, the Dapr sidecar and health");
        var grpc = builder.Configuration.GetValue<int?>("Ports:Grpc")
            ?? throw new InvalidOperationException("Ports:Grpc is not set (env Ports__Grpc): the HTTP/2 cleartext port for gRPC");
        builder.WebHost.ConfigureKestrel(k =>
        {
            var address = System.Net.IPAddress.Parse(host);
            k.Listen(address, http, o => o.Protocols = HttpProtocols.Http1);
            k.Listen(address, grpc, o => o.Protocols = HttpProtocols.Http2);
            k.Limits.MaxRequestBodySize = ServiceLimits.MaxRequestBodyBytes;
            k.AddServerHeader = false; // says nothing about what answers
        });
    }

    /// <summary>gRPC server reflection lists every method of the service: a local convenience, off unless `Grpc:Reflection` is true.</summary>
    private static bool ReflectionOn(IConfiguration configuration) => configuration.GetValue<bool>("Grpc:Reflection");

    /// <summary>
    /// Middleware and endpoints every service has: the app API token, CloudEvents, auth, subscriptions, its dead letters
    /// (subscriber and admin API), health, metrics, reflection.
    /// </summary>
    public static WebApplication MapServiceDefaults(this WebApplication app)
    {
        app.UseApiResponseHeaders(); // first, so that every answer carries them, refusals too
        app.UseTraceResponse();
        app.UseSidecarOnly();
        // The dead-letter subscriber keeps the whole CloudEvent, so the middleware must not unwrap its body.
        app.UseWhen(http => http.GetEndpoint()?.Metadata.GetMetadata<RawCloudEventAttribute>() is null,
            branch => branch.UseCloudEvents(new CloudEventsMiddlewareOptions { ForwardCloudEventPropertiesAsHeaders = true }));
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseTranscodedRequestValidation();
        app.MapSubscribeHandler().WithMetadata(new SidecarOnlyAttribute());
        app.MapDeadLetters();
        app.MapGrpcApi<DeadLettersApi>();
        app.MapProbes();
        app.MapGrpcHealthChecksService().AllowAnonymous();
        app.MapMetrics();
        if (ReflectionOn(app.Configuration)) app.MapGrpcReflectionService().AllowAnonymous();
        return app;
    }
}

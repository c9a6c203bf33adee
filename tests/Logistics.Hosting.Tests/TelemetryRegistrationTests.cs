using System.Diagnostics;
using System.Diagnostics.Metrics;
using Logistics.Hosting.Data;
using Logistics.Hosting.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Logistics.Hosting.Tests;

/// <summary>
/// The hosting library's telemetry knows no database; the data library adds Npgsql's traces and metrics to it where it
/// registers Postgres, so an app that opens Postgres (a service, the console) still records its queries.
/// </summary>
public sealed class TelemetryRegistrationTests
{
    [Fact]
    public async Task Postgres_adds_npgsqls_traces_and_metrics_to_the_apps_telemetry()
    {
        var builder = WebApplication.CreateBuilder();
        // Never opened: building the app connects to nothing (migrations run only when it starts).
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Port=1;Username=none;Database=none" });
        builder.AddTelemetry("telemetry-test");
        builder.AddPostgres("telemetry_test", typeof(TelemetryRegistrationTests).Assembly);
        await using var app = builder.Build();
        _ = app.Services.GetRequiredService<TracerProvider>();
        _ = app.Services.GetRequiredService<MeterProvider>();

        // Npgsql's own source and meter are both named "Npgsql": the providers listen to that name.
        using var source = new ActivitySource("Npgsql");
        Assert.True(source.HasListeners(), "no tracer listens to Npgsql");
        using var meter = new Meter("Npgsql");
        Assert.True(meter.CreateCounter<long>("telemetry-test.probe").Enabled, "no meter provider reads Npgsql");
    }
}

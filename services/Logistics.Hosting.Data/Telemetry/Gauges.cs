using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Logistics.Hosting.Telemetry;

/// <summary>Gauges read from the service's own database (see <see cref="GaugeQuery"/>, <see cref="GaugeSampler"/>).</summary>
public static class Gauges
{
    /// <summary>A gauge read from the service's database every `Metrics:SampleInterval` (see <see cref="GaugeQuery"/>).</summary>
    public static IServiceCollection AddGauge(this IServiceCollection services, GaugeQuery query) => services.AddSingleton(query);

    /// <summary>The sampler that reads every gauge added with <see cref="AddGauge"/>, its `Metrics` section and its meter.</summary>
    public static WebApplicationBuilder AddGaugeSampler(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(builder.Configuration.GetSection("Metrics").Get<MetricsOptions>() ?? new MetricsOptions());
        builder.Services.AddHostedService<GaugeSampler>();
        builder.Services.ConfigureOpenTelemetryMeterProvider(m => m.AddMeter(GaugeSampler.MeterName));
        return builder;
    }
}

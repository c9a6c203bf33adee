using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Logistics.Hosting.Data;

public static class PostgresHosting
{
    /// <summary>
    /// One NpgsqlDataSource for the service, its search_path set to the service's own schema, and the
    /// service's SQL migrations (embedded `Data/Migrations/*.sql`) applied before it takes traffic; its queries are traced
    /// and measured (Npgsql's own instrumentation).
    /// </summary>
    public static WebApplicationBuilder AddPostgres(this WebApplicationBuilder builder, string schemaName, Assembly migrationsAssembly)
    {
        var connectionString = builder.Configuration.GetConnectionString("Postgres")
            ?? throw new InvalidOperationException("ConnectionStrings:Postgres is not set (e.g. Host=127.0.0.1;Port=25432;Username=postgres;Database=logistics)");
        var schema = new ServiceSchema(builder.Configuration["Postgres:Schema"] ?? schemaName.Replace('-', '_'));
        var csb = new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema.Name };
        if (string.IsNullOrEmpty(csb.ApplicationName)) csb.ApplicationName = schemaName;

        builder.Services.AddSingleton(schema);
        builder.Services.AddSingleton(_ => new NpgsqlDataSourceBuilder(csb.ConnectionString).Build());
        builder.Services.AddSingleton<MigrationRunner>();
        builder.Services.AddHostedService(sp => new MigrationsAtStart(
            sp.GetRequiredService<MigrationRunner>(),
            MigrationRunner.Discover(typeof(PostgresHosting).Assembly, migrationsAssembly)));
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration("postgres",
            sp => new PostgresHealthCheck(sp.GetRequiredService<NpgsqlDataSource>()), HealthStatus.Unhealthy, [HealthTags.Ready]));
        builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddNpgsql());
        builder.Services.ConfigureOpenTelemetryMeterProvider(m => m.AddMeter("Npgsql"));
        return builder;
    }

    private sealed class MigrationsAtStart(MigrationRunner runner, IReadOnlyList<MigrationRunner.Migration> migrations) : IHostedService
    {
        // Hosted services start before Kestrel, so no request sees a schema that is not there yet.
        public Task StartAsync(CancellationToken ct) => runner.ApplyAsync(migrations, ct);
        public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    }

    private sealed class PostgresHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            try
            {
                await using var cmd = dataSource.CreateCommand("SELECT 1");
                await cmd.ExecuteScalarAsync(ct);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy("postgres unreachable", e);
            }
        }
    }
}

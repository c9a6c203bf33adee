using System.Reflection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Logistics.Hosting.Data;

/// <summary>
/// Applies embedded SQL migrations in name order, once each, into the service's own schema.
/// A transaction-scoped advisory lock lets several replicas start at once; each migration commits
/// together with its row in schema_migrations, so a crash never leaves one half applied.
/// </summary>
public sealed class MigrationRunner(NpgsqlDataSource dataSource, ServiceSchema schema, ILogger<MigrationRunner> logger)
{
    public sealed record Migration(string Id, string Sql);

    /// <summary>The hosting library's own migrations (outbox, inbox, idempotency) first, then the service's.</summary>
    public static IReadOnlyList<Migration> Discover(params Assembly[] assemblies) =>
        assemblies.SelectMany(assembly => assembly.GetManifestResourceNames()
                .Where(name => name.Contains(".Migrations.", StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .Select(name => new Migration($"{HistoryName(assembly)}/{name[(name.IndexOf(".Migrations.", StringComparison.Ordinal) + 12)..]}", Read(assembly, name))))
            .ToList();

    /// <summary>The prefix of an assembly's migrations in schema_migrations: its name, except for this library's own
    /// migrations, applied as "Logistics.Hosting/…" before the hosting library was split by concern; databases keep that
    /// history, so they are not applied twice.</summary>
    private static string HistoryName(Assembly assembly) =>
        assembly == typeof(MigrationRunner).Assembly ? "Logistics.Hosting" : assembly.GetName().Name!;

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        return new StreamReader(stream).ReadToEnd();
    }

    public async Task ApplyAsync(IReadOnlyList<Migration> migrations, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using (var setup = new NpgsqlCommand(
            $"""
            CREATE SCHEMA IF NOT EXISTS {schema.Quoted};
            CREATE TABLE IF NOT EXISTS {schema.Quoted}.schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
            """, conn))
        {
            try { await setup.ExecuteNonQueryAsync(ct); }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation)
            {
                // Two replicas raced on CREATE ... IF NOT EXISTS; the other one won, which is what we wanted.
            }
        }

        foreach (var migration in migrations)
        {
            await using var tx = await conn.BeginTransactionAsync(ct);
            await tx.LockAsync("migrations:" + schema.Name, ct);
            await using (var done = new NpgsqlCommand($"SELECT 1 FROM {schema.Quoted}.schema_migrations WHERE id = $1", conn, tx) { Parameters = { new() { Value = migration.Id } } })
            {
                if (await done.ExecuteScalarAsync(ct) is not null) { await tx.RollbackAsync(ct); continue; }
            }
            await using (var apply = new NpgsqlCommand($"SET LOCAL search_path TO {schema.Quoted};\n{migration.Sql}", conn, tx))
                await apply.ExecuteNonQueryAsync(ct);
            await using (var record = new NpgsqlCommand($"INSERT INTO {schema.Quoted}.schema_migrations (id) VALUES ($1)", conn, tx) { Parameters = { new() { Value = migration.Id } } })
                await record.ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
            logger.LogInformation("Applied migration {Migration} to schema {Schema}", migration.Id, schema.Name);
        }
    }
}

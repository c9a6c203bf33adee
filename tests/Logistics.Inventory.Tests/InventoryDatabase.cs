using Logistics.Hosting.Data;
using Logistics.Inventory.Data;
using Logistics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Logistics.Inventory.Tests;

/// <summary>A fresh database on the test Postgres with inventory's schema migrated, as the service would start it.</summary>
public static class InventoryDatabase
{
    public static async Task<NpgsqlDataSource> CreateAsync(TestPostgres postgres)
    {
        var db = Open(await postgres.CreateDatabaseAsync());
        await MigrateAsync(db);
        return db;
    }

    /// <summary>Migrated once, then copied for each replay run (<see cref="MigratedTemplate"/>).</summary>
    public static MigratedTemplate Template(TestPostgres postgres) => new(postgres, async connectionString =>
    {
        await using var db = Open(connectionString);
        await MigrateAsync(db);
    });

    /// <summary>A data source on inventory's schema of a database.</summary>
    public static NpgsqlDataSource Open(string connectionString) =>
        NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = "inventory" }.ConnectionString);

    private static Task MigrateAsync(NpgsqlDataSource db) =>
        new MigrationRunner(db, new ServiceSchema("inventory"), NullLogger<MigrationRunner>.Instance)
            .ApplyAsync(MigrationRunner.Discover(typeof(MigrationRunner).Assembly, typeof(MovementLedger).Assembly), CancellationToken.None);
}

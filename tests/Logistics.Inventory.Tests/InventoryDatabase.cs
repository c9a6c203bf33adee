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
        var cs = new NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync()) { SearchPath = "inventory" }.ConnectionString;
        var db = NpgsqlDataSource.Create(cs);
        await new MigrationRunner(db, new ServiceSchema("inventory"), NullLogger<MigrationRunner>.Instance)
            .ApplyAsync(MigrationRunner.Discover(typeof(MigrationRunner).Assembly, typeof(MovementLedger).Assembly), CancellationToken.None);
        return db;
    }
}

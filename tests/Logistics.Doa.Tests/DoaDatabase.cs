using Logistics.Doa.Data;
using Logistics.Hosting.Data;
using Logistics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Logistics.Doa.Tests;

/// <summary>A fresh database on the test Postgres with doa's schema migrated, as the service would start it.</summary>
public static class DoaDatabase
{
    public static async Task<NpgsqlDataSource> CreateAsync(TestPostgres postgres)
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var db = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = "doa" }.ConnectionString);
        await new MigrationRunner(db, new ServiceSchema("doa"), NullLogger<MigrationRunner>.Instance)
            .ApplyAsync(MigrationRunner.Discover(typeof(MigrationRunner).Assembly, typeof(ClaimStore).Assembly), CancellationToken.None);
        return db;
    }
}

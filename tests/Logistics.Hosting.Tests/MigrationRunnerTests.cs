using Logistics.Hosting.Data;
using Logistics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Logistics.Hosting.Tests;

public sealed class MigrationRunnerTests(TestPostgres postgres) : IClassFixture<TestPostgres>
{
    private static readonly IReadOnlyList<MigrationRunner.Migration> Migrations =
    [
        .. MigrationRunner.Discover(typeof(MigrationRunner).Assembly),
        new("test/0002_widgets.sql", "CREATE TABLE widgets (id int PRIMARY KEY); INSERT INTO widgets VALUES (1);"),
    ];

    private static async Task<long> Scalar(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    [Fact]
    public void The_hosting_library_ships_the_messaging_tables_migration()
    {
        Assert.Contains(MigrationRunner.Discover(typeof(MigrationRunner).Assembly), m => m.Id.EndsWith("0001_messaging.sql", StringComparison.Ordinal));
    }

    [Fact]
    public void The_shared_tables_keep_the_migration_ids_they_were_applied_under_before_the_hosting_library_was_split()
    {
        // Databases migrated before the split recorded "Logistics.Hosting/…": another id would apply them twice.
        Assert.Equal(["Logistics.Hosting/0001_messaging.sql", "Logistics.Hosting/0002_dead_letters.sql"],
            MigrationRunner.Discover(typeof(MigrationRunner).Assembly).Select(m => m.Id));
    }

    [Fact]
    public async Task Migrations_go_into_the_service_schema_once_even_when_replicas_start_together()
    {
        await using var db = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        var schema = new ServiceSchema("widgets_service");

        // Three replicas starting at once, then a restart.
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => new MigrationRunner(db, schema, NullLogger<MigrationRunner>.Instance).ApplyAsync(Migrations, CancellationToken.None)));
        await new MigrationRunner(db, schema, NullLogger<MigrationRunner>.Instance).ApplyAsync(Migrations, CancellationToken.None);

        Assert.Equal(1, await Scalar(db, "SELECT count(*) FROM widgets_service.widgets"));
        Assert.Equal(Migrations.Count, await Scalar(db, "SELECT count(*) FROM widgets_service.schema_migrations"));
        Assert.Equal(1, await Scalar(db, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'widgets_service' AND table_name = 'outbox'"));
        Assert.Equal(0, await Scalar(db, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'widgets'"));
    }

    [Fact]
    public async Task A_failing_migration_leaves_nothing_half_applied_and_is_retried_on_the_next_start()
    {
        await using var db = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        var schema = new ServiceSchema("broken_service");
        MigrationRunner.Migration broken = new("test/0003_broken.sql", "CREATE TABLE half (id int); SELECT 1/0;");

        await Assert.ThrowsAsync<PostgresException>(() =>
            new MigrationRunner(db, schema, NullLogger<MigrationRunner>.Instance).ApplyAsync([.. Migrations, broken], CancellationToken.None));

        Assert.Equal(0, await Scalar(db, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'broken_service' AND table_name = 'half'"));
        Assert.Equal(0, await Scalar(db, "SELECT count(*) FROM broken_service.schema_migrations WHERE id = 'test/0003_broken.sql'"));
        Assert.Equal(Migrations.Count, await Scalar(db, "SELECT count(*) FROM broken_service.schema_migrations"));
    }

    [Theory]
    [InlineData("Inventory")]
    [InlineData("a-b")]
    [InlineData("x; DROP TABLE y")]
    public void A_schema_name_must_be_a_plain_lowercase_identifier(string name)
    {
        Assert.Throws<ArgumentException>(() => new ServiceSchema(name));
    }
}

using Logistics.Hosting.Data;
using Logistics.Hosting.Messaging;
using Logistics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Logistics.Hosting.Tests;

public sealed class MessagingCleanupTests(TestPostgres postgres) : IClassFixture<TestPostgres>
{
    [Fact]
    public async Task Only_published_outbox_rows_inbox_rows_and_idempotency_keys_past_retention_are_deleted()
    {
        var csb = new NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync()) { SearchPath = "svc" };
        await using var db = NpgsqlDataSource.Create(csb.ConnectionString);
        await new MigrationRunner(db, new ServiceSchema("svc"), NullLogger<MigrationRunner>.Instance)
            .ApplyAsync(MigrationRunner.Discover(typeof(MigrationRunner).Assembly), CancellationToken.None);
        await using (var seed = db.CreateCommand(
            """
            INSERT INTO outbox (id, topic, event_type, payload, created_at, published_at) VALUES
              (gen_random_uuid(), 't', 'e', '{}', now() - interval '30 days', now() - interval '8 days'),  -- published long ago: goes
              (gen_random_uuid(), 't', 'e', '{}', now() - interval '30 days', now() - interval '6 days'),  -- published recently: stays
              (gen_random_uuid(), 't', 'e', '{}', now() - interval '30 days', NULL);                       -- never published: stays
            INSERT INTO inbox (event_id, subscription, event_type, handled_at) VALUES
              ('old', 's', 'e', now() - interval '31 days'), ('new', 's', 'e', now() - interval '1 day');
            INSERT INTO idempotency_keys (caller, key, method, request_hash, response, created_at) VALUES
              ('u', 'old', 'm', '', '', now() - interval '8 days'), ('u', 'new', 'm', '', '', now());
            """))
            await seed.ExecuteNonQueryAsync();
        var cleanup = new MessagingCleanup(db, new MessagingOptions(), TimeProvider.System, NullLogger<MessagingCleanup>.Instance);

        var deleted = await cleanup.RunOnceAsync(CancellationToken.None);

        Assert.Equal((1L, 1L, 1L), deleted);
        await using var left = db.CreateCommand("SELECT (SELECT count(*) FROM outbox) || '/' || (SELECT count(*) FROM outbox WHERE published_at IS NULL) || '/' || (SELECT string_agg(event_id, ',') FROM inbox) || '/' || (SELECT string_agg(key, ',') FROM idempotency_keys)");
        Assert.Equal("2/1/new/new", await left.ExecuteScalarAsync());
    }
}

using Logistics.Hosting.Data;
using Logistics.Hosting.Messaging.DeadLetters;
using Logistics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Logistics.Hosting.Tests;

/// <summary>The dead_letters table in a real Postgres: an arrival delivered twice is one letter; a decision is saved once.</summary>
public sealed class DeadLetterStoreTests(TestPostgres postgres) : IClassFixture<TestPostgres>
{
    private async Task<NpgsqlDataSource> DatabaseAsync()
    {
        var csb = new NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync()) { SearchPath = "svc" };
        var db = NpgsqlDataSource.Create(csb.ConnectionString);
        await new MigrationRunner(db, new ServiceSchema("svc"), NullLogger<MigrationRunner>.Instance)
            .ApplyAsync(MigrationRunner.Discover(typeof(MigrationRunner).Assembly), CancellationToken.None);
        return db;
    }

    private static DeadLetterArrival Arrival(string eventId, string error = "HTTP 500", int attempts = 3) =>
        new(new DeadEvent(eventId, "part-catalogued", "com.dapr.event.sent", "inventory", "application/json", """{"partNumber":"P1"}"""), error, attempts);

    [Fact]
    public async Task The_same_event_arriving_again_is_counted_on_one_letter_and_pages_are_newest_first()
    {
        await using var db = await DatabaseAsync();
        var store = new DeadLetterStore(db);

        Assert.True(await store.KeepAsync(Arrival("ev-1"), CancellationToken.None));
        Assert.True(await store.KeepAsync(Arrival("ev-2"), CancellationToken.None));
        Assert.False(await store.KeepAsync(Arrival("ev-1", "", 0), CancellationToken.None)); // a redelivery, as from daprd: no reason

        var page = await store.PageAsync(null, null, 10, CancellationToken.None);
        Assert.Equal(["ev-2", "ev-1"], page.Select(l => l.Event.EventId));
        var first = page[1];
        Assert.Equal((2, "HTTP 500", 3, DeadLetterState.Waiting), (first.Arrivals, first.Error, first.Attempts, first.State));
        Assert.Equal(2L, await store.CountWaitingAsync(CancellationToken.None));
        Assert.Equal(["ev-1"], (await store.PageAsync(null, page[0].Seq, 10, CancellationToken.None)).Select(l => l.Event.EventId));
    }

    [Fact]
    public async Task A_decision_is_saved_with_who_when_why_and_only_over_a_waiting_letter()
    {
        await using var db = await DatabaseAsync();
        var store = new DeadLetterStore(db);
        await store.KeepAsync(Arrival("ev-3"), CancellationToken.None);
        var id = (await store.PageAsync(DeadLetterState.Waiting, null, 1, CancellationToken.None))[0].Id;
        var at = new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

        await using (var conn = await db.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            var letter = (await DeadLetterStore.LockAsync(tx, id, CancellationToken.None))!;
            await DeadLetterStore.SaveDecisionAsync(tx, letter.Discarded("admin1", at, "Withdrawn part."), CancellationToken.None);
            // A second save over the decided letter (a race the lock prevents) is refused by the table itself.
            await Assert.ThrowsAsync<InvalidOperationException>(() =>
                DeadLetterStore.SaveDecisionAsync(tx, letter.Replayed("admin2", at, ReplayOutcome.Applied), CancellationToken.None));
            await tx.CommitAsync();
        }

        var saved = (await store.FindAsync(id, CancellationToken.None))!;
        Assert.Equal(DeadLetterState.Discarded, saved.State);
        Assert.Equal(new DeadLetterDecision("admin1", at, "Withdrawn part."), saved.Decision);
        Assert.Equal(0L, await store.CountWaitingAsync(CancellationToken.None));
        Assert.Null(await store.FindAsync(Guid.NewGuid(), CancellationToken.None));
    }
}

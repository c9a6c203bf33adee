using Logistics.Hosting.Data;
using Logistics.Receipts.Data;
using Logistics.Receipts.Domain;
using Logistics.SharedKernel;
using Logistics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using static Logistics.Receipts.Tests.ReceiptTestKit;

namespace Logistics.Receipts.Tests;

/// <summary>The receipts tables on a real Postgres: written once, locked per reference, never changed afterwards.</summary>
public sealed class ReceiptStoreTests(TestPostgres postgres) : IClassFixture<TestPostgres>
{
    private sealed record Store(NpgsqlDataSource Db, ShipmentsTable Shipments, ReceiptsTable Receipts, ReceiptBook Book) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Db.DisposeAsync();
    }

    private async Task<Store> NewStoreAsync()
    {
        var cs = new NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync()) { SearchPath = "receipts" }.ConnectionString;
        var db = NpgsqlDataSource.Create(cs);
        await new MigrationRunner(db, new ServiceSchema("receipts"), NullLogger<MigrationRunner>.Instance)
            .ApplyAsync(MigrationRunner.Discover(typeof(MigrationRunner).Assembly, typeof(ReceiptBook).Assembly), CancellationToken.None);
        var shipments = new ShipmentsTable(db);
        var receipts = new ReceiptsTable(db);
        return new Store(db, shipments, receipts, new ReceiptBook(shipments, receipts, new TransitInvestigationsTable(db), new TransitWatchTable(db), Policy));
    }

    private static readonly Shipment Delivery =
        Shipment.OfPartRequest("PR-1", "eng-1", "C1", "P-100", "SITE-9", ["S1", "S2"], 2, "wh-7", "", Delivered.AddHours(-3));

    private static async Task InTransactionAsync(Store store, Func<NpgsqlTransaction, Task> work)
    {
        await using var conn = await store.Db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await work(tx);
        await tx.CommitAsync();
    }

    private static Task<SignedReceipt> SignAsync(Store store, NpgsqlTransaction tx, string id, string[] serials, DateTimeOffset? at = null) =>
        store.Book.SignAsync(tx, id, ReceiptKind.CentreToEngineer, "PR-1", new Signer("eng-1"), Content(serials), at ?? Delivered, CancellationToken.None);

    private static async Task<int> ExecuteAsync(Store store, string sql)
    {
        await using var cmd = store.Db.CreateCommand(sql);
        return await cmd.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task A_shipment_is_recorded_once_and_a_repeat_changes_nothing()
    {
        await using var store = await NewStoreAsync();
        await InTransactionAsync(store, async tx => Assert.True(await store.Shipments.AddAsync(tx, Delivery, CancellationToken.None)));
        await InTransactionAsync(store, async tx =>
            Assert.False(await store.Shipments.AddAsync(tx, Delivery with { Serials = ["S9"] }, CancellationToken.None)));
        var stored = await store.Shipments.FindAsync("PR-1", CancellationToken.None);
        Assert.Equal(["S1", "S2"], stored!.Serials);
        Assert.Equal(Delivery with { Serials = stored.Serials }, stored);
    }

    [Fact]
    public async Task Signing_without_a_known_shipment_is_not_found_and_writes_nothing()
    {
        await using var store = await NewStoreAsync();
        var ex = await Assert.ThrowsAsync<NotFoundException>(() => InTransactionAsync(store, tx => SignAsync(store, tx, "RC-1", ["S1"])));
        Assert.Equal("no shipment known for reference PR-1; it may not have arrived yet", ex.Message);
    }

    [Fact]
    public async Task A_receipt_reads_back_as_signed_and_a_correction_supersedes_it()
    {
        await using var store = await NewStoreAsync();
        await InTransactionAsync(store, tx => store.Shipments.AddAsync(tx, Delivery, CancellationToken.None));
        await InTransactionAsync(store, tx => SignAsync(store, tx, "RC-1", ["S1", "X9"]));
        SignedReceipt? corrected = null;
        await InTransactionAsync(store, async tx => corrected = await store.Book.CorrectAsync(
            tx, "RC-1", "RC-2", "sup-1", _ => true, Content(["S1", "S2"], GoodsCondition.Damaged), Delivered.AddHours(1), CancellationToken.None));

        var list = await store.Receipts.ListAsync("PR-1", CancellationToken.None);
        Assert.Equal(["RC-1", "RC-2"], list.Select(r => r.ReceiptId));
        var (first, second) = (list[0], list[1]);
        Assert.Equal(["S1", "X9"], first.Serials);
        Assert.Equal(["S1"], first.AcceptedSerials);
        Assert.Equal("X9", Assert.Single(first.Discrepancies).Serial);
        Assert.Equal(["S2"], first.OutstandingSerials);
        Assert.Equal(Delivered, first.SignedAt);
        Assert.Equal("wh-7", first.HandedOverBy);
        Assert.Equal("RC-2", first.SupersededBy);
        Assert.Equal(Delivered.AddHours(1), first.SupersededAt);
        Assert.Equal("RC-1", second.Supersedes);
        Assert.Equal("sup-1", second.CorrectedBy);
        Assert.Equal(["S2"], second.NewlySignedSerials);
        Assert.True(second.FlaggedForDoa);
        Assert.False(second.IsSuperseded);
        Assert.Equal(["S2"], corrected!.Receipt.NewlySignedSerials);
    }

    [Fact]
    public async Task Postgres_refuses_to_change_or_delete_a_signed_receipt()
    {
        await using var store = await NewStoreAsync();
        await InTransactionAsync(store, tx => store.Shipments.AddAsync(tx, Delivery, CancellationToken.None));
        await InTransactionAsync(store, tx => SignAsync(store, tx, "RC-1", ["S1"]));

        foreach (var sql in new[]
        {
            "UPDATE receipts SET note = 'altered' WHERE receipt_id = 'RC-1'",
            "UPDATE receipts SET accepted_serials = '{S1,S2}' WHERE receipt_id = 'RC-1'",
            "DELETE FROM receipts WHERE receipt_id = 'RC-1'",
            "TRUNCATE receipts CASCADE",
        })
        {
            var ex = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(store, sql));
            Assert.Equal(PostgresErrorCodes.RestrictViolation, ex.SqlState);
        }

        await InTransactionAsync(store, tx => store.Book.CorrectAsync(tx, "RC-1", "RC-2", "eng-1", _ => false, Content(["S1", "S2"]), Delivered, CancellationToken.None));
        var again = await Assert.ThrowsAsync<PostgresException>(() =>
            ExecuteAsync(store, "UPDATE receipts SET superseded_by = NULL, superseded_at = NULL WHERE receipt_id = 'RC-1'"));
        Assert.Equal(PostgresErrorCodes.RestrictViolation, again.SqlState);
        var kept = (await store.Receipts.FindAsync("RC-1", CancellationToken.None))!;
        Assert.Equal("", kept.Note);
        Assert.Equal(["S1"], kept.AcceptedSerials);
        Assert.Equal("RC-2", kept.SupersededBy);
    }

    [Fact]
    public async Task Two_concurrent_signings_of_one_serial_cannot_both_pass()
    {
        await using var store = await NewStoreAsync();
        await InTransactionAsync(store, tx => store.Shipments.AddAsync(tx, Delivery, CancellationToken.None));

        await using var conn = await store.Db.OpenConnectionAsync();
        await using var first = await conn.BeginTransactionAsync();
        await SignAsync(store, first, "RC-1", ["S1"]);
        // The second waits on the reference lock held by the first, then sees S1 signed for.
        var second = InTransactionAsync(store, tx => SignAsync(store, tx, "RC-2", ["S1"]));
        await Task.Delay(300);
        Assert.False(second.IsCompleted);
        await first.CommitAsync();

        var ex = await Assert.ThrowsAsync<RuleViolationException>(() => second);
        Assert.Contains("S1 on PR-1 was already signed for", ex.Message);
        Assert.Equal(["RC-1"], (await store.Receipts.ListAsync("PR-1", CancellationToken.None)).Select(r => r.ReceiptId));
    }

    [Fact]
    public async Task The_problem_window_runs_from_the_first_receipt_on_the_reference()
    {
        await using var store = await NewStoreAsync();
        await InTransactionAsync(store, tx => store.Shipments.AddAsync(tx, Delivery, CancellationToken.None));
        await InTransactionAsync(store, tx => SignAsync(store, tx, "RC-1", ["S1"], Delivered));

        await using var conn = await store.Db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await Assert.ThrowsAsync<RuleViolationException>(() => store.Book.SignAsync(tx, "RC-2", ReceiptKind.CentreToEngineer, "PR-1", new Signer("eng-1"),
            Content(["S2"], GoodsCondition.Damaged), Delivered.AddDays(3).AddMinutes(1), CancellationToken.None));
    }
}

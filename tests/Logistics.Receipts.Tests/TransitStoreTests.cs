using Logistics.Hosting.Data;
using Logistics.Receipts.Data;
using Logistics.Receipts.Domain;
using Logistics.Receipts.Events;
using Logistics.Receipts.Jobs;
using Logistics.SharedKernel;
using Logistics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using static Logistics.Receipts.Tests.ReceiptTestKit;

namespace Logistics.Receipts.Tests;

/// <summary>
/// Lost-in-transit investigations on a real Postgres: the watch opens one per overdue shipment (once, however often it
/// runs), a late receipt closes it as found in the receipt's transaction, a written-off shipment cannot be signed for,
/// and a refused change writes nothing (the outbox included).
/// </summary>
public sealed class TransitStoreTests(TestPostgres postgres) : IClassFixture<TestPostgres>
{
    private static readonly DateTimeOffset DeliverBy = new(2026, 3, 3, 18, 0, 0, TimeSpan.Zero);

    private sealed record Store(NpgsqlDataSource Db, ShipmentsTable Shipments, ReceiptBook Book, TransitBook Transit, TransitWatch Watch,
        TransitInvestigationsTable Investigations, TestClock Clock) : IAsyncDisposable
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
        var investigations = new TransitInvestigationsTable(db);
        var watched = new TransitWatchTable(db);
        var transit = new TransitBook(shipments, receipts, investigations, watched, TransitPolicy.Default);
        var clock = new TestClock(DeliverBy);
        var watch = new TransitWatch(db, watched, transit, TransitPolicy.Default, clock, NullLogger<TransitWatch>.Instance);
        return new Store(db, shipments, new ReceiptBook(shipments, receipts, investigations, watched, Policy), transit, watch, investigations, clock);
    }

    private static Shipment Shipped(string reference, DateTimeOffset? deliverBy = null) =>
        Shipment.OfPartRequest(reference, "eng-1", "C1", "P-100", "SITE-9", ["S1", "S2"], 2, "wh-7", "", DeliverBy.AddHours(-8), deliverBy ?? DeliverBy);

    private static async Task<T> InTransactionAsync<T>(Store store, Func<NpgsqlTransaction, Task<T>> work)
    {
        await using var conn = await store.Db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var result = await work(tx);
        await tx.CommitAsync();
        return result;
    }

    private static async Task<long> CountAsync(Store store, string sql)
    {
        await using var cmd = store.Db.CreateCommand(sql);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static Task<long> EventsAsync(Store store) =>
        CountAsync(store, "SELECT count(*) FROM outbox WHERE topic = 'transit-investigation-changed'");

    [Fact]
    public async Task The_watch_opens_one_investigation_per_overdue_shipment_and_no_more()
    {
        await using var store = await NewStoreAsync();
        await InTransactionAsync(store, tx => store.Transit.RecordShipmentAsync(tx, Shipped("PR-1"), CancellationToken.None));
        await InTransactionAsync(store, tx => store.Transit.RecordShipmentAsync(tx, Shipped("PR-2", DeliverBy.AddDays(5)), CancellationToken.None));
        await InTransactionAsync(store, tx => store.Transit.RecordShipmentAsync(tx, Shipped("PR-3"), CancellationToken.None));
        await InTransactionAsync(store, tx => store.Transit.RecordShipmentAsync(tx, Shipped("PR-4"), CancellationToken.None));
        await InTransactionAsync(store, tx => store.Book.SignAsync(tx, "RC-3", ReceiptKind.CentreToEngineer, "PR-3", new Signer("eng-1"), Content(["S1"]), DeliverBy, CancellationToken.None));
        await InTransactionAsync(store, tx => store.Book.SignAsync(tx, "RC-4", ReceiptKind.CentreToEngineer, "PR-4", new Signer("eng-1"), Content(["S1", "S2"]), DeliverBy, CancellationToken.None));
        Assert.Equal(3, await CountAsync(store, "SELECT count(*) FROM transit_watch")); // PR-4 is signed for in full: nothing to wait for

        store.Clock.Now = DeliverBy + TimeSpan.FromDays(2);
        Assert.Equal(0, await store.Watch.RunOnceAsync(CancellationToken.None));
        store.Clock.Now = DeliverBy + TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1);
        Assert.Equal(2, await store.Watch.RunOnceAsync(CancellationToken.None));
        Assert.Equal(0, await store.Watch.RunOnceAsync(CancellationToken.None));

        var open = await store.Investigations.ListAsync(true, null, 10, CancellationToken.None);
        Assert.Equal(["PR-1", "PR-3"], open.Select(i => i.Reference).Order());
        var whole = open.Single(i => i.Reference == "PR-1");
        Assert.Equal((InvestigationState.Open, DeliverBy, store.Clock.Now, "S1 S2"), (whole.State, whole.DeliverBy, whole.OpenedAt, string.Join(" ", whole.Units.Serials)));
        // PR-3 was signed for in part: only the serial nobody signed for is investigated.
        Assert.Equal(["S2"], open.Single(i => i.Reference == "PR-3").Units.Serials);
        Assert.Equal(2, await EventsAsync(store));
        Assert.Equal(1, await CountAsync(store, "SELECT count(*) FROM transit_watch")); // PR-2, not due yet
        Assert.Empty(await store.Investigations.ListAsync(true, ["C2"], 10, CancellationToken.None));
    }

    [Fact]
    public async Task Serials_reported_missing_are_investigated_and_one_signed_late_leaves_the_investigation()
    {
        await using var store = await NewStoreAsync();
        await InTransactionAsync(store, tx => store.Transit.RecordShipmentAsync(tx, Shipped("PR-1"), CancellationToken.None));
        await InTransactionAsync(store, tx => store.Book.SignAsync(
            tx, "RC-1", ReceiptKind.CentreToEngineer, "PR-1", new Signer("eng-1"), Content(["S1", "S2"], GoodsCondition.Missing), DeliverBy,
            CancellationToken.None));
        store.Clock.Now = DeliverBy.AddDays(3);
        Assert.Equal(1, await store.Watch.RunOnceAsync(CancellationToken.None));
        Assert.Equal(["S1", "S2"], (await store.Investigations.FindAsync("TI-PR-1", CancellationToken.None))!.Units.Serials);

        var signed = await InTransactionAsync(store, tx =>
            store.Book.SignAsync(tx, "RC-2", ReceiptKind.CentreToEngineer, "PR-1", new Signer("eng-1"), Content(["S2"]), DeliverBy.AddDays(4), CancellationToken.None));
        Assert.Equal((InvestigationState.Open, "S1"), (signed.Investigation!.State, string.Join(" ", signed.Investigation.Units.Serials)));
        var stored = await store.Investigations.FindAsync("TI-PR-1", CancellationToken.None);
        Assert.Equal((InvestigationState.Open, "S1"), (stored!.State, string.Join(" ", stored.Units.Serials)));
    }

    [Fact]
    public async Task A_late_receipt_closes_the_investigation_as_found_in_its_transaction()
    {
        await using var store = await NewStoreAsync();
        await InTransactionAsync(store, tx => store.Transit.RecordShipmentAsync(tx, Shipped("PR-1"), CancellationToken.None));
        store.Clock.Now = DeliverBy.AddDays(3);
        await store.Watch.RunOnceAsync(CancellationToken.None);

        var signed = await InTransactionAsync(store, tx =>
            store.Book.SignAsync(tx, "RC-1", ReceiptKind.CentreToEngineer, "PR-1", new Signer("eng-1"), Content(["S1", "S2"]), DeliverBy.AddDays(4), CancellationToken.None));
        Assert.Equal(InvestigationState.Found, signed.Investigation!.State);
        var stored = await store.Investigations.FindAsync("TI-PR-1", CancellationToken.None);
        Assert.Equal((InvestigationState.Found, "RC-1", DeliverBy.AddDays(4)), (stored!.State, stored.FoundReceiptId, stored.ClosedAt));
        Assert.Empty(await store.Investigations.ListAsync(true, null, 10, CancellationToken.None));
    }

    [Fact]
    public async Task A_written_off_shipment_cannot_be_signed_for_and_refusals_write_nothing()
    {
        await using var store = await NewStoreAsync();
        await InTransactionAsync(store, tx => store.Transit.RecordShipmentAsync(tx, Shipped("PR-1"), CancellationToken.None));
        store.Clock.Now = DeliverBy.AddDays(3);
        await store.Watch.RunOnceAsync(CancellationToken.None);
        var now = DeliverBy.AddDays(3);

        await Assert.ThrowsAsync<InvalidFieldException>(() => InTransactionAsync(store, tx =>
            store.Transit.ProposeLossAsync(tx, "TI-PR-1", _ => "sup-1", "", "", now, CancellationToken.None)));
        await InTransactionAsync(store, async tx =>
        {
            var proposed = await store.Transit.ProposeLossAsync(tx, "TI-PR-1", _ => "sup-1", "CLM-9", "", now, CancellationToken.None);
            await ReceiptEvents.PublishInvestigationChangedAsync(tx, proposed, "loss-proposed", "sup-1", CancellationToken.None);
            return proposed;
        });
        await Assert.ThrowsAsync<NotAllowedException>(() => InTransactionAsync(store, tx =>
            store.Transit.ApproveWriteOffAsync(tx, "TI-PR-1", _ => "sup-1", now, CancellationToken.None)));
        await Assert.ThrowsAsync<NotFoundException>(() => InTransactionAsync(store, tx =>
            store.Transit.ApproveWriteOffAsync(tx, "TI-PR-9", _ => "sup-2", now, CancellationToken.None)));
        Assert.Equal(InvestigationState.LossProposed, (await store.Investigations.FindAsync("TI-PR-1", CancellationToken.None))!.State);
        Assert.Equal(2, await EventsAsync(store)); // opened, loss-proposed: nothing from the refusals

        await InTransactionAsync(store, async tx =>
        {
            var approved = await store.Transit.ApproveWriteOffAsync(tx, "TI-PR-1", _ => "sup-2", now.AddHours(1), CancellationToken.None);
            await ReceiptEvents.PublishInvestigationChangedAsync(tx, approved, "written-off", "sup-2", CancellationToken.None);
            return approved;
        });
        var refused = await Assert.ThrowsAsync<RuleViolationException>(() => InTransactionAsync(store, tx =>
            store.Book.SignAsync(tx, "RC-1", ReceiptKind.CentreToEngineer, "PR-1", new Signer("eng-1"), Content(["S1"]), now.AddHours(2), CancellationToken.None)));
        Assert.Contains("written off as lost", refused.Message);
        Assert.Equal(0, await CountAsync(store, "SELECT count(*) FROM receipts"));
        Assert.Equal(3, await EventsAsync(store));
        // Four eyes hold in Postgres too, whoever writes the row.
        await Assert.ThrowsAsync<PostgresException>(() => CountAsync(store,
            "WITH u AS (UPDATE transit_investigations SET approved_by = proposed_by RETURNING 1) SELECT count(*) FROM u"));
    }
}

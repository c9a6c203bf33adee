using Google.Protobuf.WellKnownTypes;
using Logistics.Events.V1;
using Logistics.Hosting.Data;
using Logistics.Hosting.Messaging;
using Logistics.Receipts.Data;
using Logistics.Receipts.Domain;
using Logistics.Receipts.Jobs;
using Logistics.Receipts.Events;
using Logistics.SharedKernel;
using Logistics.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using static Logistics.Receipts.Tests.ReceiptTestKit;

namespace Logistics.Receipts.Tests;

/// <summary>
/// Transfers between centres watched for loss in transit: transfer-changed Shipped records a shipment to the receiving
/// centre (deliver-by = shipped at + the allowance), any receipt step stops the watch or closes an open investigation as
/// found; the handler run twice, or the receipt step heard before the shipment, ends the same.
/// </summary>
public sealed class TransferTransitTests(TestPostgres postgres) : IClassFixture<TestPostgres>
{
    private static readonly DateTimeOffset ShippedAt = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly TransitPolicy Transit = TransitPolicy.Default;
    private static readonly DateTimeOffset DeliverBy = ShippedAt + Transit.TransferTransitAllowance;
    private static readonly DateTimeOffset Overdue = DeliverBy + Transit.GracePeriod + TimeSpan.FromMinutes(1);
    private static readonly IServiceProvider EmptyServices = new ServiceCollection().BuildServiceProvider();

    private sealed record Store(NpgsqlDataSource Db, TransferChangedHandler Handler, TransitWatch Watch, TransitInvestigationsTable Investigations,
        ReceiptBook Book, TestClock Clock) : IAsyncDisposable
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
        var watch = new TransitWatchTable(db);
        var transit = new TransitBook(shipments, receipts, investigations, watch, Transit);
        var clock = new TestClock(ShippedAt);
        return new Store(db, new TransferChangedHandler(transit, Transit, clock),
            new TransitWatch(db, watch, transit, Transit, clock, NullLogger<TransitWatch>.Instance), investigations,
            new ReceiptBook(shipments, receipts, investigations, watch, Policy), clock);
    }

    /// <summary>A step of transfer TR-1 of 2 units, <paramref name="stillInTransit"/> of them still in the sending centre's transit.</summary>
    private static TransferChanged Changed(string state, DateTimeOffset at, string by = "wh-1", int stillInTransit = 0) => new()
    {
        TransferId = "TR-1", FromCentreId = "C1", ToCentreId = "C2", PartNumber = "P-100", Quantity = 2, State = state, By = by,
        ChangedAt = Timestamp.FromDateTimeOffset(at), StillInTransit = stillInTransit,
    };

    private static async Task HandleAsync(Store store, TransferChanged e, string eventId)
    {
        await using var conn = await store.Db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await store.Handler.HandleAsync(e, new InboxContext(eventId, tx, EmptyServices), CancellationToken.None);
        await tx.CommitAsync();
    }

    private static async Task<long> CountAsync(Store store, string sql)
    {
        await using var cmd = store.Db.CreateCommand(sql);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static Task<long> EventsAsync(Store store, string step) =>
        CountAsync(store, $"SELECT count(*) FROM outbox WHERE topic = 'transit-investigation-changed' AND payload->>'step' = '{step}'");

    [Fact]
    public void A_transfer_shipment_is_addressed_to_the_receiving_centre_and_due_after_the_allowance()
    {
        var s = Shipment.OfTransfer("TR-1", "C1", "C2", "P-100", 2, "wh-1", ShippedAt, TimeSpan.FromDays(3));
        Assert.Equal(("transfer-TR-1", ReceiptKind.CentreToCentre, Addressee.Centre("C2"), "C1", ShippedAt.AddDays(3)),
            (s.Reference, s.Kind, s.AddressedTo, s.CentreId, s.DeliverBy));
        var both = OutstandingUnits.OfQuantity(2);
        Assert.False(TransitInvestigation.IsOverdue(s, both, ShippedAt.AddDays(5), Transit));
        Assert.True(TransitInvestigation.IsOverdue(s, both, ShippedAt.AddDays(5).AddMinutes(1), Transit));
        Assert.False(TransitInvestigation.IsOverdue(s, OutstandingUnits.None, ShippedAt.AddDays(9), Transit));
        Assert.Equal("to_centre_id", Assert.Throws<InvalidFieldException>(() => Shipment.OfTransfer("TR-1", "C1", "", "P-100", 2, "", ShippedAt, TimeSpan.FromDays(3))).Field);
        // A return (addressed to a centre, no deliver-by) is still never investigated.
        var back = Shipment.OfReturn("RT-1", "eng-1", "C1", "P-100", "SITE-1", "S1", "", ShippedAt);
        Assert.False(TransitInvestigation.IsOverdue(back, OutstandingUnits.OfSerials(["S1"], []), ShippedAt.AddDays(30), Transit));
    }

    [Fact]
    public async Task A_shipped_transfer_nobody_receives_opens_one_investigation_at_the_sending_centre_and_a_receipt_closes_it_as_found()
    {
        await using var store = await NewStoreAsync();
        await HandleAsync(store, Changed("Requested", ShippedAt.AddHours(-2)), "e0");
        await HandleAsync(store, Changed("Shipped", ShippedAt), "e1");
        await HandleAsync(store, Changed("Shipped", ShippedAt.AddHours(1)), "e1-again"); // republished: the first is kept

        store.Clock.Now = DeliverBy + Transit.GracePeriod;
        Assert.Equal(0, await store.Watch.RunOnceAsync(CancellationToken.None));
        store.Clock.Now = Overdue;
        Assert.Equal(1, await store.Watch.RunOnceAsync(CancellationToken.None));
        Assert.Equal(0, await store.Watch.RunOnceAsync(CancellationToken.None));
        var open = Assert.Single(await store.Investigations.ListAsync(true, ["C1"], 10, CancellationToken.None));
        Assert.Equal(("TI-transfer-TR-1", DeliverBy, "C2"), (open.InvestigationId, open.DeliverBy, open.Shipment.AddressedTo.Party));

        // Nobody signs a transfer in receipts: inventory receives it.
        await Assert.ThrowsAsync<RuleViolationException>(async () =>
        {
            await using var conn = await store.Db.OpenConnectionAsync();
            await using var tx = await conn.BeginTransactionAsync();
            await store.Book.SignAsync(tx, "RC-1", ReceiptKind.CentreToCentre, "transfer-TR-1", new Signer("wh-2", true, new HashSet<string> { "C2" }), Content([]), Overdue, CancellationToken.None);
        });

        Assert.Equal(2, open.Units.Quantity);

        await HandleAsync(store, Changed("PartlyReceived", Overdue.AddHours(1), "wh-2", stillInTransit: 1), "e2");
        await HandleAsync(store, Changed("PartlyReceived", Overdue.AddHours(1), "wh-2", stillInTransit: 1), "e2"); // redelivered
        var partly = await store.Investigations.FindAsync("TI-transfer-TR-1", CancellationToken.None);
        Assert.Equal((InvestigationState.Open, 1), (partly!.State, partly.Units.Quantity));
        await HandleAsync(store, Changed("Received", Overdue.AddHours(2), "wh-2"), "e3");
        var found = await store.Investigations.FindAsync("TI-transfer-TR-1", CancellationToken.None);
        Assert.Equal((InvestigationState.Found, "transfer-TR-1:Received", Overdue.AddHours(2)), (found!.State, found.FoundReceiptId, found.ClosedAt));
        Assert.Equal(1, await EventsAsync(store, "opened"));
        Assert.Equal(1, await EventsAsync(store, "partly-found"));
        Assert.Equal(1, await EventsAsync(store, "found"));
    }

    [Fact]
    public async Task A_transfer_closed_with_units_missing_opens_an_investigation_of_those_units_whatever_the_order_of_its_steps()
    {
        foreach (var order in new[] { new[] { "shipped", "partly", "final" }, ["final", "shipped", "partly"], ["partly", "final", "shipped"] })
        {
            await using var store = await NewStoreAsync();
            foreach (var step in order)
            {
                var e = step switch
                {
                    "shipped" => Changed("Shipped", ShippedAt),
                    "partly" => Changed("PartlyReceived", ShippedAt.AddDays(1), "wh-2", stillInTransit: 2), // nothing counted yet: both on the road
                    _ => Changed("Received", ShippedAt.AddDays(2), "wh-2", stillInTransit: 1), // closed with one unit missing
                };
                await HandleAsync(store, e, step);
            }
            store.Clock.Now = DeliverBy + Transit.GracePeriod;
            Assert.Equal(0, await store.Watch.RunOnceAsync(CancellationToken.None));
            store.Clock.Now = Overdue;
            Assert.Equal(1, await store.Watch.RunOnceAsync(CancellationToken.None));
            var open = Assert.Single(await store.Investigations.ListAsync(true, ["C1"], 10, CancellationToken.None));
            Assert.Equal((2, 1), (open.Shipment.Quantity, open.Units.Quantity));
            Assert.Equal(1, await CountAsync(store,
                "SELECT count(*) FROM outbox WHERE topic = 'transit-investigation-changed' AND payload->>'step' = 'opened' AND (payload->>'quantity')::int = 1"));
            Assert.Equal(0, await CountAsync(store, "SELECT count(*) FROM transit_watch")); // the investigation follows the unit now
        }
    }

    [Fact]
    public async Task A_receipt_step_heard_before_the_shipment_still_keeps_the_watch_away()
    {
        await using var store = await NewStoreAsync();
        await HandleAsync(store, Changed("Received", ShippedAt.AddDays(1), "wh-2"), "e3");
        await HandleAsync(store, Changed("Shipped", ShippedAt), "e1");
        store.Clock.Now = Overdue.AddDays(10);
        Assert.Equal(0, await store.Watch.RunOnceAsync(CancellationToken.None));
        Assert.Equal(0, await CountAsync(store, "SELECT count(*) FROM transit_investigations"));
        Assert.Equal(1, await CountAsync(store, "SELECT count(*) FROM shipments WHERE kind = 'centre-to-centre'"));
    }

    [Fact]
    public async Task A_receipt_step_after_the_write_off_changes_nothing_here()
    {
        await using var store = await NewStoreAsync();
        await HandleAsync(store, Changed("Shipped", ShippedAt), "e1");
        store.Clock.Now = Overdue;
        await store.Watch.RunOnceAsync(CancellationToken.None);
        await using (var conn = await store.Db.OpenConnectionAsync())
        {
            await using var tx = await conn.BeginTransactionAsync();
            var transit = new TransitBook(new ShipmentsTable(store.Db), new ReceiptsTable(store.Db), store.Investigations, new TransitWatchTable(store.Db), Transit);
            await transit.ProposeLossAsync(tx, "TI-transfer-TR-1", _ => "wh-1", "CLM-1", "", Overdue, CancellationToken.None);
            await transit.ApproveWriteOffAsync(tx, "TI-transfer-TR-1", _ => "sup-1", Overdue, CancellationToken.None);
            await tx.CommitAsync();
        }
        await HandleAsync(store, Changed("PartlyReceived", Overdue.AddDays(1), "wh-2", stillInTransit: 0), "e2");
        Assert.Equal(InvestigationState.WrittenOff, (await store.Investigations.FindAsync("TI-transfer-TR-1", CancellationToken.None))!.State);
        Assert.Equal(0, await EventsAsync(store, "found"));
    }
}

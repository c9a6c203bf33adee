using Google.Protobuf.WellKnownTypes;
using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Inventory.Data;
using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain;
using Logistics.Inventory.Domain.Stock;
using Logistics.Inventory.Domain.Transfers;
using Logistics.Inventory.Events;
using Logistics.SharedKernel;
using Logistics.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StackExchange.Redis;

namespace Logistics.Inventory.Tests.Events;

/// <summary>
/// A transfer between centres written off as lost in transit (transit-investigation-changed written-off, reference
/// transfer-&lt;id&gt;), on a real Postgres and Redis: under the transfer's lock only the serials still in transit (on the
/// road, or recorded missing by a final receipt) leave the sending centre's transit as lost-in-transit, the transfer keeps them lost (a receipt of one is refused), and the same
/// event redelivered, or republished under another id, moves nothing more.
/// </summary>
public sealed class TransferWriteOffTests(TestPostgres postgres, TestRedis redis)
    : IClassFixture<TestPostgres>, IClassFixture<TestRedis>, IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    private ConnectionMultiplexer _redis = null!;

    public async Task InitializeAsync() => _redis = await redis.ConnectAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    /// <param name="final">The receipt closed the transfer: the two units it did not find are recorded missing and stay
    /// in the sender's transit until the write-off, as units still on the road do.</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Only_the_serials_still_in_transit_leave_the_senders_transit_once(bool final)
    {
        await using var db = await InventoryDatabase.CreateAsync(postgres);
        var stock = new StockStore(_redis);
        var from = "C-" + Guid.NewGuid().ToString("N")[..10];
        var to = "D-" + Guid.NewGuid().ToString("N")[..10];
        StockCommand Command(string centre, string key) => new(centre, key, Guid.NewGuid(), T0);

        // Shipped three, one received: two still on the road.
        await stock.GoodsInAsync(Command(from, "gi"), "P-100", serialized: true, "A-01", ["S1", "S2", "S3"], 0, "PO-1");
        var transfer = Transfer.Request("TR-1", from, to, "P-100", 3, "", "wh-to", T0).Pick("wh-from", ["S1", "S2", "S3"], T0).Ship("wh-from", "SF", "SF1", true, T0);
        await stock.ReserveAsync(Command(from, "reserve"), "P-100", 3, "TR-1", TransferMoves.ReservationId("TR-1"), ServiceLevel.NextBusinessDay, T0, false);
        await stock.TransferAsync(Command(from, "ship"), MovementKind.TransferShipped, "P-100", TransferMoves.ReservationId("TR-1"), transfer.Serials, transfer.Serials.Count, null,
            "TR-1", TransferMoves.Party(to), "SF", "SF1");
        transfer = transfer.Receive("wh-to", ["S1"], "B-01", final, T0.AddDays(1));
        await stock.TransferAsync(Command(from, "out-1"), MovementKind.TransferDelivered, "P-100", TransferMoves.ReservationId("TR-1"), ["S1"], 1, null,
            "TR-1", TransferMoves.Party(to), "SF", "SF1");
        await using (var conn = await db.OpenConnectionAsync())
        {
            await using var tx = await conn.BeginTransactionAsync();
            await TransferStore.InsertAsync(tx, transfer, CancellationToken.None);
            await tx.CommitAsync();
        }
        Assert.Equal(2, (await stock.GetLevelAsync(from, "P-100")).InTransit);

        var services = new ServiceCollection().AddSingleton(stock).AddSingleton(TimeProvider.System).BuildServiceProvider();
        var writtenOff = new TransitInvestigationChanged
        {
            InvestigationId = "TI-transfer-TR-1", Step = TransitInvestigationSteps.WrittenOff, Reference = "transfer-TR-1", CentreId = from,
            PartNumber = "P-100", Quantity = 3, EngineerId = to, CarrierClaimReference = "CLM-1", By = "sup-2",
            OccurredAt = Timestamp.FromDateTimeOffset(T0.AddDays(6)),
        };
        async Task HandleAsync(string eventId)
        {
            await using var conn = await db.OpenConnectionAsync();
            await using var tx = await conn.BeginTransactionAsync();
            await new TransitInvestigationChangedHandler(stock, TimeProvider.System).HandleAsync(writtenOff, new InboxContext(eventId, tx, services), CancellationToken.None);
            await tx.CommitAsync();
        }

        await HandleAsync("e1");
        await HandleAsync("e1");           // redelivered
        await HandleAsync("e1-republished"); // the same step published again

        var level = await stock.GetLevelAsync(from, "P-100");
        Assert.Equal((0L, 0L, 0L), (level.InTransit, level.OnHand, level.Reserved));
        var stored = await new TransferStore(db).ReadAsync("TR-1", CancellationToken.None);
        Assert.Equal(["S2", "S3"], stored.LostSerials);
        Assert.Equal("TI-transfer-TR-1", stored.LostInvestigationId);
        Assert.Equal((final ? TransferState.Received : TransferState.PartlyReceived, 0), (stored.State, stored.StillInTransitQuantity));
        Assert.Empty(stored.InTransitSerials);
        if (!final) Assert.Equal("serials", Assert.Throws<InvalidFieldException>(() => stored.Receive("wh-to", ["S3"], "B-01", false, T0.AddDays(7))).Field);
        await using var count = db.CreateCommand("SELECT count(*) FROM outbox WHERE topic = 'transfer-changed'");
        Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task By_quantity_the_count_still_on_the_road_leaves_the_senders_transit_once()
    {
        await using var db = await InventoryDatabase.CreateAsync(postgres);
        var stock = new StockStore(_redis);
        var from = "C-" + Guid.NewGuid().ToString("N")[..10];
        var to = "D-" + Guid.NewGuid().ToString("N")[..10];
        StockCommand Command(string centre, string key) => new(centre, key, Guid.NewGuid(), T0);

        // Shipped ten, six received: four still on the road.
        await stock.GoodsInAsync(Command(from, "gi"), "C-100", serialized: false, "A-01", [], 10, "PO-1");
        var transfer = Transfer.Request("TR-Q", from, to, "C-100", 10, "", "wh-to", T0, serialized: false)
            .PickQuantity("wh-from", 10, T0).Ship("wh-from", "SF", "SF1", true, T0);
        await stock.ReserveAsync(Command(from, "reserve"), "C-100", 10, "TR-Q", TransferMoves.ReservationId("TR-Q"), ServiceLevel.NextBusinessDay, T0, false);
        await stock.TransferAsync(Command(from, "ship"), MovementKind.TransferShipped, "C-100", TransferMoves.ReservationId("TR-Q"), [], 10, null,
            "TR-Q", TransferMoves.Party(to), "SF", "SF1");
        transfer = transfer.ReceiveQuantity("wh-to", 6, "B-01", false, T0.AddDays(1));
        await stock.TransferAsync(Command(from, "out-1"), MovementKind.TransferDelivered, "C-100", TransferMoves.ReservationId("TR-Q"), [], 6, null,
            "TR-Q", TransferMoves.Party(to), "SF", "SF1");
        await using (var conn = await db.OpenConnectionAsync())
        {
            await using var tx = await conn.BeginTransactionAsync();
            await TransferStore.InsertAsync(tx, transfer, CancellationToken.None);
            await tx.CommitAsync();
        }
        Assert.Equal(4, (await stock.GetLevelAsync(from, "C-100")).InTransit);

        var services = new ServiceCollection().AddSingleton(stock).AddSingleton(TimeProvider.System).BuildServiceProvider();
        var writtenOff = new TransitInvestigationChanged
        {
            InvestigationId = "TI-transfer-TR-Q", Step = TransitInvestigationSteps.WrittenOff, Reference = "transfer-TR-Q", CentreId = from,
            PartNumber = "C-100", Quantity = 10, EngineerId = to, CarrierClaimReference = "CLM-2", By = "sup-2",
            OccurredAt = Timestamp.FromDateTimeOffset(T0.AddDays(6)),
        };
        foreach (var eventId in new[] { "q1", "q1", "q1-republished" })
        {
            await using var conn = await db.OpenConnectionAsync();
            await using var tx = await conn.BeginTransactionAsync();
            await new TransitInvestigationChangedHandler(stock, TimeProvider.System).HandleAsync(writtenOff, new InboxContext(eventId, tx, services), CancellationToken.None);
            await tx.CommitAsync();
        }

        var level = await stock.GetLevelAsync(from, "C-100");
        Assert.Equal((0L, 0L, 0L), (level.InTransit, level.OnHand, level.Reserved));
        var stored = await new TransferStore(db).ReadAsync("TR-Q", CancellationToken.None);
        Assert.Equal((4, 0, "TI-transfer-TR-Q"), (stored.LostQuantity, stored.InTransitQuantity, stored.LostInvestigationId));
        Assert.Equal("quantity", Assert.Throws<InvalidFieldException>(() => stored.ReceiveQuantity("wh-to", 1, "B-01", false, T0.AddDays(7))).Field);
        await using var count = db.CreateCommand("SELECT count(*) FROM outbox WHERE topic = 'transfer-changed'");
        Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);
    }
}

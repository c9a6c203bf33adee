using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain.Stock;
using Logistics.SharedKernel;
using Logistics.Testing;

namespace Logistics.Inventory.Tests.Stock;

/// <summary>
/// The transfer script: serials (or units of a part tracked by quantity) leave one centre in transit and arrive at the
/// other, whose backorders they serve.
/// </summary>
public sealed class TransferScriptTests(TestRedis redis) : StockTestBase(redis), IClassFixture<TestRedis>
{
    private Task<StockChange> MoveAsync(string centre, MovementKind kind, string key, string[] serials, string? bin = null) =>
        Store.TransferAsync(Command(centre) with { IdempotencyKey = key }, kind, "P1", kind == MovementKind.TransferReceived ? "" : "T1",
            serials, 0, bin, "TRF-1", "centre:OTHER", "SF", "SF123");

    private Task<StockChange> MoveQuantityAsync(string centre, MovementKind kind, string key, int quantity, string? bin = null) =>
        Store.TransferAsync(Command(centre) with { IdempotencyKey = key }, kind, "C1", kind == MovementKind.TransferReceived ? "" : "T1",
            [], quantity, bin, "TRF-2", "centre:OTHER", "SF", "SF124");

    [Fact]
    public async Task Shipped_serials_are_in_transit_at_the_sender_then_on_hand_at_the_receiver_and_serve_its_backorder()
    {
        var from = NewCentre();
        var to = NewCentre();
        await GoodsInSerialsAsync(from, "P1", "A-01", "SN1", "SN2", "SN3");
        await ReserveAsync(from, "P1", 2, "T1");
        await ReserveAsync(to, "P1", 1, "Q9", backorderIfShort: true);

        var shipped = await MoveAsync(from, MovementKind.TransferShipped, "ship", ["SN1", "SN2"]);
        Assert.Equal(new StockLevel(from, "P1", 1, 0, 2, 0, 0), shipped.Level);
        Assert.Equal(("centre:OTHER", "SF", "SF123", "TRF-1"), (shipped.Movement.Counterparty, shipped.Movement.Carrier, shipped.Movement.TrackingNumber, shipped.Movement.Reference));
        Assert.Equal(shipped.Movement.MovementId, (await MoveAsync(from, MovementKind.TransferShipped, "ship", ["SN1", "SN2"])).Movement.MovementId);

        var received = await MoveAsync(to, MovementKind.TransferReceived, "in", ["SN1"], "B-01");
        Assert.Equal(new StockLevel(to, "P1", 1, 1, 0, 0, 0), received.Level);
        Assert.Equal("Q9", Assert.Single(received.BackordersServed).ReservationId);
        var delivered = await MoveAsync(from, MovementKind.TransferDelivered, "out", ["SN1"]);
        Assert.Equal(new StockLevel(from, "P1", 1, 0, 1, 0, 0), delivered.Level);
        Assert.Equal([new SerialMove("SN1", SerialPlace.InTransit, SerialPlace.None, "")], delivered.Movement.SerialMoves);

        await AssertReplayReproducesRedisAsync(from);
        await AssertReplayReproducesRedisAsync(to);
    }

    [Fact]
    public async Task A_serial_not_where_the_step_needs_it_is_refused_and_nothing_changes()
    {
        var from = NewCentre();
        await GoodsInSerialsAsync(from, "P1", "A-01", "SN1", "SN2");
        await ReserveAsync(from, "P1", 1, "T1");

        Assert.Contains("serial SN9 of part P1 is not on hand",
            (await RefusedAsync<RuleViolationException>(from, () => MoveAsync(from, MovementKind.TransferShipped, "k1", ["SN9"]))).Message);
        Assert.Equal("serials", (await RefusedAsync<InvalidFieldException>(from, () => MoveAsync(from, MovementKind.TransferShipped, "k2", ["SN1", "SN2"]))).Field);
        Assert.Contains("is not in transit",
            (await RefusedAsync<RuleViolationException>(from, () => MoveAsync(from, MovementKind.TransferDelivered, "k3", ["SN1"]))).Message);
        Assert.Contains("already held",
            (await RefusedAsync<AlreadyExistsException>(from, () => MoveAsync(from, MovementKind.TransferReceived, "k4", ["SN2"], "A-01"))).Message);
    }

    [Fact]
    public async Task Units_tracked_by_quantity_are_in_transit_at_the_sender_then_on_hand_at_the_receiver_and_serve_its_backorder()
    {
        var from = NewCentre();
        var to = NewCentre();
        await GoodsInQuantityAsync(from, "C1", 10);
        await ReserveAsync(from, "C1", 4, "T1");
        await ReserveAsync(to, "C1", 2, "Q9", backorderIfShort: true);

        var shipped = await MoveQuantityAsync(from, MovementKind.TransferShipped, "ship", 4);
        Assert.Equal(new StockLevel(from, "C1", 6, 0, 4, 0, 0), shipped.Level);
        Assert.Equal(shipped.Movement.MovementId, (await MoveQuantityAsync(from, MovementKind.TransferShipped, "ship", 4)).Movement.MovementId);

        var received = await MoveQuantityAsync(to, MovementKind.TransferReceived, "in", 3, "B-01");
        Assert.Equal(new StockLevel(to, "C1", 3, 2, 0, 0, 0), received.Level);
        Assert.Equal("Q9", Assert.Single(received.BackordersServed).ReservationId);
        Assert.Empty(received.Movement.Serials);
        var delivered = await MoveQuantityAsync(from, MovementKind.TransferDelivered, "out", 3);
        Assert.Equal(new StockLevel(from, "C1", 6, 0, 1, 0, 0), delivered.Level);

        // More than is in transit, or serials for a part tracked by quantity, is refused and changes nothing.
        Assert.Contains("not in transit",
            (await RefusedAsync<RuleViolationException>(from, () => MoveQuantityAsync(from, MovementKind.TransferDelivered, "out2", 2))).Message);
        Assert.Contains("tracked by quantity",
            (await RefusedAsync<RuleViolationException>(from, () => Store.TransferAsync(Command(from) with { IdempotencyKey = "x" }, MovementKind.TransferDelivered,
                "C1", "T1", ["SN1"], 0, null, "TRF-2", "centre:OTHER", "SF", "SF124"))).Message);

        await AssertReplayReproducesRedisAsync(from);
        await AssertReplayReproducesRedisAsync(to);
    }
}

using Logistics.SharedKernel;
using Logistics.Inventory.Domain.Stock;
using Logistics.Testing;

namespace Logistics.Inventory.Tests.Stock;

public sealed class BackorderTests(TestRedis redis) : StockTestBase(redis), IClassFixture<TestRedis>
{
    [Fact]
    public async Task Goods_in_serves_backorders_fastest_service_level_first_then_oldest()
    {
        var centre = NewCentre();
        await ReserveAsync(centre, "P1", 1, "NBD-OLD", true, ServiceLevel.NextBusinessDay, T0.AddHours(-9));
        await ReserveAsync(centre, "P1", 1, "4H-NEW", true, ServiceLevel.FourHoursAnyTime, T0.AddHours(-1));
        await ReserveAsync(centre, "P1", 1, "4H-OLD", true, ServiceLevel.FourHoursAnyTime, T0.AddHours(-2));
        await ReserveAsync(centre, "P1", 1, "BH", true, ServiceLevel.FourHoursBusinessHours, T0.AddHours(-8));
        var command = Command(centre);

        var change = await Store.GoodsInAsync(command, "P1", true, "A-01", ["SN1", "SN2", "SN3"], 0, "PO-1");

        Assert.Equal(["4H-OLD", "4H-NEW", "BH"], change.BackordersServed.Select(m => m.ReservationId));
        Assert.All(change.BackordersServed, m =>
        {
            Assert.Equal(MovementKind.Reserved, m.Kind);
            Assert.Equal(new StockDeltas(0, 1, 0, 0, 0), m.Deltas);
            Assert.Equal(MovementIds.ForServedBackorder(command.MovementId, m.ReservationId), m.MovementId);
            Assert.Equal("REQ-" + m.ReservationId, m.Reference);
            Assert.Equal(T0, m.OccurredAt);
        });
        Assert.Equal(new StockLevel(centre, "P1", 3, 3, 0, 0, 0), change.Level);
        Assert.Equal(ReservationState.Backordered, (await Store.GetReservationAsync(centre, "NBD-OLD"))!.State);
        Assert.Equal(ReservationState.Reserved, (await Store.GetReservationAsync(centre, "BH"))!.State);
        var movements = await MovementsAsync(centre);
        Assert.Equal(["backordered", "backordered", "backordered", "backordered", "goods-in", "reserved", "reserved", "reserved"],
            movements.Select(m => m.Kind.WireName()));
        Assert.Equivalent(change.BackordersServed, movements.TakeLast(3), strict: true);

        // The last one is served by the next unit that arrives.
        var next = await GoodsInSerialsAsync(centre, "P1", "A-01", "SN4");
        Assert.Equal(["NBD-OLD"], next.BackordersServed.Select(m => m.ReservationId));
        await AssertReplayReproducesRedisAsync(centre);
    }

    [Fact]
    public async Task A_backorder_is_served_only_in_full_and_the_queue_is_never_skipped()
    {
        var centre = NewCentre();
        await ReserveAsync(centre, "FAN", 3, "FIRST", true, ServiceLevel.FourHoursAnyTime, T0);
        await ReserveAsync(centre, "FAN", 1, "SECOND", true, ServiceLevel.NextBusinessDay, T0);

        var two = await GoodsInQuantityAsync(centre, "FAN", 2);

        Assert.Empty(two.BackordersServed); // SECOND would fit, but FIRST is ahead of it
        Assert.Equal(new StockLevel(centre, "FAN", 2, 0, 0, 0, 0), two.Level);

        var one = await GoodsInQuantityAsync(centre, "FAN", 1);

        Assert.Equal(["FIRST"], one.BackordersServed.Select(m => m.ReservationId));
        Assert.Equal(new StockLevel(centre, "FAN", 3, 3, 0, 0, 0), one.Level);
        Assert.Equal(ReservationState.Backordered, (await Store.GetReservationAsync(centre, "SECOND"))!.State);
    }

    [Fact]
    public async Task Stock_coming_back_by_release_inspection_or_adjustment_serves_backorders_too()
    {
        var centre = NewCentre();
        await GoodsInQuantityAsync(centre, "FAN", 1);
        await ReserveAsync(centre, "FAN", 1, "HELD");
        await ReserveAsync(centre, "FAN", 1, "WAIT-1", true);
        await ReserveAsync(centre, "FAN", 1, "WAIT-2", true, requestedAt: T0.AddMinutes(1));
        await ReserveAsync(centre, "FAN", 1, "WAIT-3", true, requestedAt: T0.AddMinutes(2));
        await Store.FaultyInAsync(Command(centre), "FAN", null, 1, "RET-1");

        var released = await Store.ReleaseAsync(Command(centre), "HELD");
        var inspected = await Store.InspectAsync(Command(centre), "FAN", null, InspectionOutcome.ToStock, "B-01", "RET-1");
        var adjusted = await Store.AdjustAsync(Command(centre), "FAN", "B-01", 1, null, null, "found", "COUNT-1");

        Assert.Equal(["WAIT-1"], released.BackordersServed.Select(m => m.ReservationId));
        Assert.Equal(["WAIT-2"], inspected.BackordersServed.Select(m => m.ReservationId));
        Assert.Equal(["WAIT-3"], adjusted.BackordersServed.Select(m => m.ReservationId));
        Assert.Equal(new StockLevel(centre, "FAN", 3, 3, 0, 0, 0), adjusted.Level);
        await AssertReplayReproducesRedisAsync(centre);
    }
}

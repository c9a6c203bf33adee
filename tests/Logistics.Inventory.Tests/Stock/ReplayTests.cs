using Logistics.SharedKernel;
using Logistics.Inventory.Domain.Stock;
using Logistics.Testing;

namespace Logistics.Inventory.Tests.Stock;

public sealed class ReplayTests(TestRedis redis) : StockTestBase(redis), IClassFixture<TestRedis>
{
    [Fact]
    public async Task Replaying_the_stream_from_zero_reproduces_every_level_and_serial()
    {
        var centre = NewCentre();
        // Every operation, on a serialized part and a part tracked by quantity, refusals included.
        await GoodsInSerialsAsync(centre, "BOARD", "A-01", "SN1", "SN2", "SN3");
        await GoodsInSerialsAsync(centre, "BOARD", "A-02", "SN4");
        await GoodsInQuantityAsync(centre, "FAN", 10);
        await ReserveAsync(centre, "BOARD", 2, "R1");
        await ReserveAsync(centre, "BOARD", 3, "R2", backorderIfShort: true, level: ServiceLevel.FourHoursAnyTime);
        await ReserveAsync(centre, "FAN", 4, "R3");
        await ReserveAsync(centre, "FAN", 1, "R4");
        await Store.ReleaseAsync(Command(centre), "R4");
        await Store.ShipAsync(Command(centre), "R1", ["SN4", "SN1"]);
        await Store.ShipAsync(Command(centre), "R3", []);
        await Store.ReceiveAtDestinationAsync(Command(centre), "BOARD", ["SN1"], 0, "RCPT-1");
        await Store.ReceiveAtDestinationAsync(Command(centre), "FAN", [], 3, "RCPT-2");
        await Store.FaultyInAsync(Command(centre), "BOARD", "BAD1", 0, "RET-1");
        await Store.FaultyInAsync(Command(centre), "BOARD", "BAD2", 0, "RET-2");
        await Store.FaultyInAsync(Command(centre), "BOARD", "BAD3", 0, "RET-3");
        await Store.FaultyInAsync(Command(centre), "FAN", null, 2, "RET-4");
        await Store.InspectAsync(Command(centre), "BOARD", "BAD1", InspectionOutcome.Quarantine, null, "RET-1");
        await Store.InspectAsync(Command(centre), "BOARD", "BAD2", InspectionOutcome.ToStock, "A-03", "RET-2"); // serves R2
        await Store.InspectAsync(Command(centre), "BOARD", "BAD3", InspectionOutcome.Scrap, null, "RET-3");
        await Store.InspectAsync(Command(centre), "FAN", null, InspectionOutcome.Quarantine, null, "RET-4");
        await Store.AdjustAsync(Command(centre), "BOARD", "A-01", 0, ["SN9"], [], "found", "COUNT-1");
        await Store.AdjustAsync(Command(centre), "FAN", "B-01", -2, null, null, "damaged", "COUNT-1");
        await Assert.ThrowsAnyAsync<Exception>(() => ReserveAsync(centre, "FAN", 50, "R5"));
        await Assert.ThrowsAnyAsync<Exception>(() => Store.ShipAsync(Command(centre), "R2", ["SN1", "SN2", "SN3"]));

        var replay = await AssertReplayReproducesRedisAsync(centre);

        Assert.Equal(new StockLevel(centre, "BOARD", 4, 3, 1, 0, 1), replay.Level("BOARD"));
        Assert.Equal(new StockLevel(centre, "FAN", 4, 0, 1, 1, 1), replay.Level("FAN"));
        Assert.Equal(ReservationState.Reserved, (await Store.GetReservationAsync(centre, "R2"))!.State);
        // A movement delivered again changes nothing.
        var movements = await MovementsAsync(centre);
        Assert.All(movements, m => Assert.False(replay.Apply(m)));
        Assert.Equal(new StockLevel(centre, "BOARD", 4, 3, 1, 0, 1), replay.Level("BOARD"));
    }
}

using Logistics.Inventory.Domain.Stock;
using Logistics.SharedKernel;
using Logistics.Testing;

namespace Logistics.Inventory.Tests.Stock;

public sealed class ShipAndReceiveTests(TestRedis redis) : StockTestBase(redis), IClassFixture<TestRedis>
{
    [Fact]
    public async Task Shipping_moves_reserved_to_in_transit_and_the_serials_leave_their_bins()
    {
        var centre = NewCentre();
        await GoodsInSerialsAsync(centre, "P1", "A-01", "SN1", "SN2");
        await GoodsInSerialsAsync(centre, "P1", "A-02", "SN3");
        await ReserveAsync(centre, "P1", 2, "R1");
        var command = Command(centre);

        var change = await Store.ShipAsync(command, "R1", ["SN3", "SN1"]);

        Assert.Equal(new StockLevel(centre, "P1", 1, 0, 2, 0, 0), change.Level);
        Assert.Equivalent(new Movement(command.MovementId, centre, "P1", MovementKind.Shipped, PartTracking.Serial, "", ["SN3", "SN1"], 2,
            new StockDeltas(-2, -2, 2, 0, 0),
            [new SerialMove("SN3", SerialPlace.OnHand, SerialPlace.InTransit, "A-02"), new SerialMove("SN1", SerialPlace.OnHand, SerialPlace.InTransit, "A-01")],
            "REQ-R1", "R1", "", T0), change.Movement, strict: true);
        Assert.Equal(
            [new HeldSerial("SN1", SerialPlace.InTransit, "", "R1"), new HeldSerial("SN2", SerialPlace.OnHand, "A-01", ""), new HeldSerial("SN3", SerialPlace.InTransit, "", "R1")],
            await Store.ListSerialsAsync(centre, "P1"));
        Assert.Equal(ReservationState.Shipped, (await Store.GetReservationAsync(centre, "R1"))!.State);
    }

    [Fact]
    public async Task Shipping_a_part_tracked_by_quantity_takes_no_serials()
    {
        var centre = NewCentre();
        await GoodsInQuantityAsync(centre, "FAN", 4);
        await ReserveAsync(centre, "FAN", 3, "R1");

        var change = await Store.ShipAsync(Command(centre), "R1", []);

        Assert.Equal(new StockLevel(centre, "FAN", 1, 0, 3, 0, 0), change.Level);
        Assert.Empty(change.Movement.SerialMoves);
    }

    [Fact]
    public async Task Serials_for_a_part_tracked_by_quantity_are_refused()
    {
        var centre = NewCentre();
        await GoodsInQuantityAsync(centre, "FAN", 4);
        await ReserveAsync(centre, "FAN", 1, "R1");

        var refusal = await RefusedAsync<InvalidFieldException>(centre, () => Store.ShipAsync(Command(centre), "R1", ["SN1"]));

        Assert.Equal("serials", refusal.Field);
    }

    [Fact]
    public async Task Shipping_a_serial_not_on_hand_is_refused_naming_it()
    {
        var centre = NewCentre();
        await GoodsInSerialsAsync(centre, "P1", "A-01", "SN1", "SN2");
        await ReserveAsync(centre, "P1", 2, "R1");

        var refusal = await RefusedAsync<RuleViolationException>(centre, () => Store.ShipAsync(Command(centre), "R1", ["SN1", "SN7"]));

        Assert.Equal($"serial SN7 of part P1 is not on hand at centre {centre}", refusal.Message);
    }

    [Fact]
    public async Task Shipping_a_serial_already_shipped_is_refused()
    {
        var centre = NewCentre();
        await GoodsInSerialsAsync(centre, "P1", "A-01", "SN1", "SN2");
        await ReserveAsync(centre, "P1", 1, "R1");
        await ReserveAsync(centre, "P1", 1, "R2");
        await Store.ShipAsync(Command(centre), "R1", ["SN1"]);

        var refusal = await RefusedAsync<RuleViolationException>(centre, () => Store.ShipAsync(Command(centre), "R2", ["SN1"]));

        Assert.Contains("serial SN1", refusal.Message);
    }

    [Fact]
    public async Task Shipping_other_than_the_reserved_number_of_serials_is_refused()
    {
        var centre = NewCentre();
        await GoodsInSerialsAsync(centre, "P1", "A-01", "SN1", "SN2", "SN3");
        await ReserveAsync(centre, "P1", 2, "R1");

        var few = await RefusedAsync<InvalidFieldException>(centre, () => Store.ShipAsync(Command(centre), "R1", ["SN1"]));
        var many = await RefusedAsync<InvalidFieldException>(centre, () => Store.ShipAsync(Command(centre), "R1", ["SN1", "SN2", "SN3"]));
        var twice = await RefusedAsync<InvalidFieldException>(centre, () => Store.ShipAsync(Command(centre), "R1", ["SN1", "SN1"]));

        Assert.Equal("serials: reservation R1 is for 2 of part P1; 1 serials given", few.Message);
        Assert.Equal("serials", many.Field);
        Assert.Equal("serials: serial 'SN1' is listed twice", twice.Message);
    }

    [Fact]
    public async Task Shipping_twice_or_an_unknown_or_released_reservation_is_refused()
    {
        var centre = NewCentre();
        await GoodsInQuantityAsync(centre, "FAN", 4);
        await ReserveAsync(centre, "FAN", 1, "R1");
        await ReserveAsync(centre, "FAN", 1, "R2");
        await Store.ShipAsync(Command(centre), "R1", []);
        await Store.ReleaseAsync(Command(centre), "R2");

        Assert.StartsWith("reservation R1 is shipped",
            (await RefusedAsync<RuleViolationException>(centre, () => Store.ShipAsync(Command(centre), "R1", []))).Message);
        Assert.StartsWith("reservation R2 is released",
            (await RefusedAsync<RuleViolationException>(centre, () => Store.ShipAsync(Command(centre), "R2", []))).Message);
        await RefusedAsync<NotFoundException>(centre, () => Store.ShipAsync(Command(centre), "R3", []));
    }

    [Fact]
    public async Task Receiving_at_destination_takes_units_out_of_transit_partially_but_never_more()
    {
        var centre = NewCentre();
        await GoodsInQuantityAsync(centre, "FAN", 5);
        await ReserveAsync(centre, "FAN", 3, "R1");
        await Store.ShipAsync(Command(centre), "R1", []);

        var first = await Store.ReceiveAtDestinationAsync(Command(centre), "FAN", [], 2, "RCPT-1");

        Assert.Equal(new StockLevel(centre, "FAN", 2, 0, 1, 0, 0), first.Level);
        Assert.Equal(MovementKind.Received, first.Movement.Kind);
        Assert.Equal(new StockDeltas(0, 0, -2, 0, 0), first.Movement.Deltas);
        var refusal = await RefusedAsync<RuleViolationException>(centre, () => Store.ReceiveAtDestinationAsync(Command(centre), "FAN", [], 2, "RCPT-2"));
        Assert.Equal($"only 1 of part FAN in transit from centre {centre}", refusal.Message);
        Assert.Equal("quantity", (await RefusedAsync<InvalidFieldException>(centre,
            () => Store.ReceiveAtDestinationAsync(Command(centre), "FAN", [], 0, "RCPT-2"))).Field);
    }

    [Fact]
    public async Task Receiving_serials_takes_exactly_those_out_of_transit()
    {
        var centre = NewCentre();
        await GoodsInSerialsAsync(centre, "P1", "A-01", "SN1", "SN2", "SN3");
        await ReserveAsync(centre, "P1", 2, "R1");
        await Store.ShipAsync(Command(centre), "R1", ["SN1", "SN2"]);

        var change = await Store.ReceiveAtDestinationAsync(Command(centre), "P1", ["SN2"], 0, "RCPT-1");

        Assert.Equal(new StockLevel(centre, "P1", 1, 0, 1, 0, 0), change.Level);
        Assert.Equal([new SerialMove("SN2", SerialPlace.InTransit, SerialPlace.None, "")], change.Movement.SerialMoves);
        Assert.Equal("R1", change.Movement.ReservationId);
        Assert.Equal(
            [new HeldSerial("SN1", SerialPlace.InTransit, "", "R1"), new HeldSerial("SN3", SerialPlace.OnHand, "A-01", "")],
            await Store.ListSerialsAsync(centre, "P1"));
        Assert.Equal($"serial SN3 of part P1 is not in transit from centre {centre}", (await RefusedAsync<RuleViolationException>(centre,
            () => Store.ReceiveAtDestinationAsync(Command(centre), "P1", ["SN3"], 0, "RCPT-2"))).Message);
        Assert.Equal("serials", (await RefusedAsync<InvalidFieldException>(centre,
            () => Store.ReceiveAtDestinationAsync(Command(centre), "P1", [], 1, "RCPT-2"))).Field);
    }
}

using Logistics.Inventory.Domain.Stock;
using Logistics.SharedKernel;
using Logistics.Testing;

namespace Logistics.Inventory.Tests.Stock;

public sealed class FaultyAndInspectionTests(TestRedis redis) : StockTestBase(redis), IClassFixture<TestRedis>
{
    [Fact]
    public async Task A_faulty_serial_arrives_for_inspection()
    {
        var centre = NewCentre();
        var command = Command(centre);

        var change = await Store.FaultyInAsync(command, "P1", "BAD1", 0, "RET-1");

        Assert.Equal(new StockLevel(centre, "P1", 0, 0, 0, 1, 0), change.Level);
        Assert.Equivalent(new Movement(command.MovementId, centre, "P1", MovementKind.FaultyIn, PartTracking.Serial, "", ["BAD1"], 1,
            new StockDeltas(0, 0, 0, 1, 0), [new SerialMove("BAD1", SerialPlace.None, SerialPlace.Faulty, "")], "RET-1", "", "", T0),
            change.Movement, strict: true);
        Assert.Equal([new HeldSerial("BAD1", SerialPlace.Faulty, "", "")], await Store.ListSerialsAsync(centre, "P1"));
    }

    [Fact]
    public async Task A_faulty_serial_already_held_here_is_refused()
    {
        var centre = NewCentre();
        await GoodsInSerialsAsync(centre, "P1", "A-01", "SN1");
        await Store.FaultyInAsync(Command(centre), "P1", "BAD1", 0, "RET-1");

        Assert.Contains("serial SN1", (await RefusedAsync<AlreadyExistsException>(centre, () => Store.FaultyInAsync(Command(centre), "P1", "SN1", 0, "RET-2"))).Message);
        Assert.Contains("serial BAD1", (await RefusedAsync<AlreadyExistsException>(centre, () => Store.FaultyInAsync(Command(centre), "P1", "BAD1", 0, "RET-2"))).Message);
        Assert.Equal("quantity", (await RefusedAsync<InvalidFieldException>(centre, () => Store.FaultyInAsync(Command(centre), "P1", "BAD2", 2, "RET-2"))).Field);
        Assert.Equal("serial", (await RefusedAsync<InvalidFieldException>(centre, () => Store.FaultyInAsync(Command(centre), "P1", "BAD 2", 0, "RET-2"))).Field);
    }

    [Fact]
    public async Task Faulty_units_of_a_part_tracked_by_quantity_arrive_by_quantity()
    {
        var centre = NewCentre();

        var change = await Store.FaultyInAsync(Command(centre), "FAN", null, 2, "RET-1");

        Assert.Equal(new StockLevel(centre, "FAN", 0, 0, 0, 2, 0), change.Level);
        Assert.Equal("quantity", (await RefusedAsync<InvalidFieldException>(centre, () => Store.FaultyInAsync(Command(centre), "FAN", null, 0, "RET-2"))).Field);
    }

    [Fact]
    public async Task Inspection_quarantines_then_scraps_a_serial()
    {
        var centre = NewCentre();
        await Store.FaultyInAsync(Command(centre), "P1", "BAD1", 0, "DOA-1");

        var quarantined = await Store.InspectAsync(Command(centre), "P1", "BAD1", InspectionOutcome.Quarantine, null, "DOA-1");

        Assert.Equal(new StockLevel(centre, "P1", 0, 0, 0, 0, 1), quarantined.Level);
        Assert.Equal(MovementKind.Quarantined, quarantined.Movement.Kind);
        Assert.Equal([new SerialMove("BAD1", SerialPlace.Faulty, SerialPlace.Quarantined, "")], quarantined.Movement.SerialMoves);
        Assert.Equal([new HeldSerial("BAD1", SerialPlace.Quarantined, "", "")], await Store.ListSerialsAsync(centre, "P1"));
        Assert.Equal($"serial BAD1 of part P1 is quarantined already at centre {centre}", (await RefusedAsync<RuleViolationException>(centre,
            () => Store.InspectAsync(Command(centre), "P1", "BAD1", InspectionOutcome.Quarantine, null, "DOA-1"))).Message);

        var scrapped = await Store.InspectAsync(Command(centre), "P1", "BAD1", InspectionOutcome.Scrap, null, "DOA-1");

        Assert.Equal(new StockLevel(centre, "P1", 0, 0, 0, 0, 0), scrapped.Level);
        Assert.Equal(new StockDeltas(0, 0, 0, 0, -1), scrapped.Movement.Deltas);
        Assert.Equal([new SerialMove("BAD1", SerialPlace.Quarantined, SerialPlace.None, "")], scrapped.Movement.SerialMoves);
        Assert.Empty(await Store.ListSerialsAsync(centre, "P1"));
    }

    [Fact]
    public async Task A_unit_with_no_fault_found_goes_back_on_hand_into_a_bin()
    {
        var centre = NewCentre();
        await Store.FaultyInAsync(Command(centre), "P1", "NFF1", 0, "RET-1");

        var change = await Store.InspectAsync(Command(centre), "P1", "NFF1", InspectionOutcome.ToStock, "A-09", "RET-1");

        Assert.Equal(new StockLevel(centre, "P1", 1, 0, 0, 0, 0), change.Level);
        Assert.Equal(MovementKind.ToStock, change.Movement.Kind);
        Assert.Equal("A-09", change.Movement.Bin);
        Assert.Equal([new SerialMove("NFF1", SerialPlace.Faulty, SerialPlace.OnHand, "A-09")], change.Movement.SerialMoves);
        Assert.Equal([new HeldSerial("NFF1", SerialPlace.OnHand, "A-09", "")], await Store.ListSerialsAsync(centre, "P1"));
    }

    [Fact]
    public async Task A_unit_of_a_part_tracked_by_quantity_is_inspected_one_at_a_time()
    {
        var centre = NewCentre();
        await Store.FaultyInAsync(Command(centre), "FAN", null, 2, "RET-1");

        await Store.InspectAsync(Command(centre), "FAN", null, InspectionOutcome.ToStock, "B-01", "RET-1");
        var change = await Store.InspectAsync(Command(centre), "FAN", null, InspectionOutcome.Quarantine, null, "RET-1");

        Assert.Equal(new StockLevel(centre, "FAN", 1, 0, 0, 0, 1), change.Level);
        Assert.Equal($"no faulty unit of part FAN is awaiting inspection at centre {centre}", (await RefusedAsync<RuleViolationException>(centre,
            () => Store.InspectAsync(Command(centre), "FAN", null, InspectionOutcome.Scrap, null, "RET-1"))).Message);
    }

    [Fact]
    public async Task Inspecting_what_is_not_awaiting_inspection_is_refused()
    {
        var centre = NewCentre();
        await GoodsInSerialsAsync(centre, "P1", "A-01", "SN1");
        await Store.FaultyInAsync(Command(centre), "P1", "BAD1", 0, "RET-1");

        Assert.Equal($"serial SN1 of part P1 is not awaiting inspection at centre {centre}", (await RefusedAsync<RuleViolationException>(centre,
            () => Store.InspectAsync(Command(centre), "P1", "SN1", InspectionOutcome.Scrap, null, ""))).Message);
        Assert.Equal("serial", (await RefusedAsync<InvalidFieldException>(centre,
            () => Store.InspectAsync(Command(centre), "P1", null, InspectionOutcome.Scrap, null, ""))).Field);
        Assert.Equal("bin", (await RefusedAsync<InvalidFieldException>(centre,
            () => Store.InspectAsync(Command(centre), "P1", "BAD1", InspectionOutcome.ToStock, null, ""))).Field);
        Assert.Equal("bin", (await RefusedAsync<InvalidFieldException>(centre,
            () => Store.InspectAsync(Command(centre), "P1", "BAD1", InspectionOutcome.Scrap, "A-01", ""))).Field);
        Assert.Equal("outcome", Assert.Throws<InvalidFieldException>(() => InspectionOutcomes.Parse("repair")).Field);
    }
}

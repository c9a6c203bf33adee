using Logistics.Inventory.Domain.Stock;
using Logistics.SharedKernel;
using Logistics.Testing;

namespace Logistics.Inventory.Tests.Stock;

public sealed class GoodsInTests(TestRedis redis) : StockTestBase(redis), IClassFixture<TestRedis>
{
    [Fact]
    public async Task Serialized_goods_in_puts_each_serial_on_hand_in_its_bin()
    {
        var centre = NewCentre();
        var command = Command(centre, T0.AddTicks(1234567));

        var change = await Store.GoodsInAsync(command, "02312345", serialized: true, "A-01", ["SN1", "SN2", "SN3"], 0, "PO-77");

        Assert.Equal(new StockLevel(centre, "02312345", 3, 0, 0, 0, 0), change.Level);
        Assert.Equal(3, change.Level.Available);
        Assert.Equivalent(new Movement(command.MovementId, centre, "02312345", MovementKind.GoodsIn, PartTracking.Serial, "A-01",
            ["SN1", "SN2", "SN3"], 3, new StockDeltas(3, 0, 0, 0, 0),
            [
                new SerialMove("SN1", SerialPlace.None, SerialPlace.OnHand, "A-01"),
                new SerialMove("SN2", SerialPlace.None, SerialPlace.OnHand, "A-01"),
                new SerialMove("SN3", SerialPlace.None, SerialPlace.OnHand, "A-01"),
            ],
            "PO-77", "", "", T0.AddTicks(1234567)), change.Movement, strict: true);
        Assert.Empty(change.BackordersServed);
        Assert.Equal(
            [new HeldSerial("SN1", SerialPlace.OnHand, "A-01", ""), new HeldSerial("SN2", SerialPlace.OnHand, "A-01", ""), new HeldSerial("SN3", SerialPlace.OnHand, "A-01", "")],
            await Store.ListSerialsAsync(centre, "02312345"));
        Assert.Equal(change.Level, await Store.GetLevelAsync(centre, "02312345"));
        Assert.Equivalent(change.Movement, Assert.Single(await MovementsAsync(centre)), strict: true);
    }

    [Fact]
    public async Task Goods_in_of_a_part_tracked_by_quantity_adds_the_quantity()
    {
        var centre = NewCentre();
        await GoodsInQuantityAsync(centre, "FAN-1", 5);

        var change = await GoodsInQuantityAsync(centre, "FAN-1", 7, "B-02");

        Assert.Equal(new StockLevel(centre, "FAN-1", 12, 0, 0, 0, 0), change.Level);
        Assert.Equal(MovementKind.GoodsIn, change.Movement.Kind);
        Assert.Equal(new StockDeltas(7, 0, 0, 0, 0), change.Movement.Deltas);
        Assert.Empty(change.Movement.Serials);
        Assert.Empty(await Store.ListSerialsAsync(centre, "FAN-1"));
        Assert.Equal(2, await StreamLengthAsync(centre));
    }

    [Fact]
    public async Task A_serial_already_on_hand_is_refused_naming_it_and_nothing_changes()
    {
        var centre = NewCentre();
        await GoodsInSerialsAsync(centre, "P1", "A-01", "SN1", "SN2");

        var refusal = await RefusedAsync<AlreadyExistsException>(centre, () => GoodsInSerialsAsync(centre, "P1", "A-02", "SN3", "SN2"));

        Assert.Contains("serial SN2 of part P1 is already held at centre " + centre, refusal.Message);
        Assert.Contains("bin A-01", refusal.Message);
    }

    [Fact]
    public async Task A_serial_held_as_faulty_is_refused()
    {
        var centre = NewCentre();
        await Store.FaultyInAsync(Command(centre), "P1", "SN9", 0, "RET-1");

        var refusal = await RefusedAsync<AlreadyExistsException>(centre, () => GoodsInSerialsAsync(centre, "P1", "A-01", "SN9"));

        Assert.Contains("serial SN9", refusal.Message);
        Assert.Contains("faulty", refusal.Message);
    }

    [Fact]
    public async Task The_same_serial_at_another_centre_is_not_this_stores_concern()
    {
        var one = NewCentre();
        var other = NewCentre();
        await GoodsInSerialsAsync(one, "P1", "A-01", "SN1");

        var change = await GoodsInSerialsAsync(other, "P1", "A-01", "SN1");

        Assert.Equal(1, change.Level.OnHand);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    [InlineData(1_000_001)]
    [InlineData(int.MaxValue)]
    public async Task A_quantity_outside_one_to_a_million_is_refused(int quantity)
    {
        var centre = NewCentre();
        await GoodsInQuantityAsync(centre, "FAN-1", 1);

        var refusal = await RefusedAsync<InvalidFieldException>(centre, () => GoodsInQuantityAsync(centre, "FAN-1", quantity));

        Assert.Equal("quantity", refusal.Field);
    }

    [Fact]
    public async Task A_reservation_above_a_million_is_refused_and_a_million_goes_in()
    {
        var centre = NewCentre();
        await GoodsInQuantityAsync(centre, "FAN-1", Quantities.MaxPerLine);

        var refusal = await RefusedAsync<InvalidFieldException>(centre, () => ReserveAsync(centre, "FAN-1", Quantities.MaxPerLine + 1, "R-1", backorderIfShort: true));

        Assert.Equal("quantity", refusal.Field);
        Assert.Contains("at most 1,000,000", refusal.Message);
    }

    [Fact]
    public async Task Malformed_fields_are_refused_naming_the_field()
    {
        var centre = NewCentre();
        await GoodsInSerialsAsync(centre, "P1", "A-01", "SN1");

        async Task<string> Field(Func<Task> command) => (await RefusedAsync<InvalidFieldException>(centre, command)).Field;

        Assert.Equal("serials", await Field(() => GoodsInSerialsAsync(centre, "P1", "A-01", "SN 2")));
        Assert.Equal("serials", await Field(() => GoodsInSerialsAsync(centre, "P1", "A-01", new string('S', 65))));
        Assert.Equal("serials", await Field(() => GoodsInSerialsAsync(centre, "P1", "A-01", "SN.2")));
        Assert.Equal("serials", await Field(() => GoodsInSerialsAsync(centre, "P1", "A-01", "SN2", "SN2")));
        Assert.Equal("serials", await Field(() => GoodsInSerialsAsync(centre, "P1", "A-01")));
        Assert.Equal("serials", await Field(() => Store.GoodsInAsync(Command(centre), "FAN", false, "A-01", ["SN5"], 1, "")));
        Assert.Equal("quantity", await Field(() => Store.GoodsInAsync(Command(centre), "P1", true, "A-01", ["SN5"], 2, "")));
        Assert.Equal("bin", await Field(() => GoodsInSerialsAsync(centre, "P1", "", "SN2")));
        Assert.Equal("bin", await Field(() => GoodsInSerialsAsync(centre, "P1", "A:01", "SN2")));
        Assert.Equal("part_number", await Field(() => GoodsInSerialsAsync(centre, " ", "A-01", "SN2")));
        Assert.Equal("part_number", await Field(() => GoodsInSerialsAsync(centre, "P{1}", "A-01", "SN2")));
        Assert.Equal("centre_id", await Field(() => Store.GoodsInAsync(Command("C 1"), "P1", true, "A-01", ["SN2"], 0, "")));
        Assert.Equal("idempotency_key", await Field(() => Store.GoodsInAsync(Command(centre) with { IdempotencyKey = "" }, "P1", true, "A-01", ["SN2"], 0, "")));
        Assert.Equal("movement_id", await Field(() => Store.GoodsInAsync(Command(centre) with { MovementId = Guid.Empty }, "P1", true, "A-01", ["SN2"], 0, "")));
        Assert.Equal("occurred_at", await Field(() => Store.GoodsInAsync(Command(centre) with { OccurredAt = default }, "P1", true, "A-01", ["SN2"], 0, "")));
    }

    [Fact]
    public async Task A_part_keeps_the_tracking_it_arrived_with()
    {
        var centre = NewCentre();
        await GoodsInQuantityAsync(centre, "P1", 2);

        var refusal = await RefusedAsync<RuleViolationException>(centre, () => GoodsInSerialsAsync(centre, "P1", "A-01", "SN1"));

        Assert.Equal($"part P1 is tracked by quantity at centre {centre}", refusal.Message);
    }

    [Fact]
    public async Task Levels_are_listed_a_page_at_a_time_by_part_number()
    {
        var centre = NewCentre();
        foreach (var part in new[] { "P3", "P1", "P5", "P2", "P4" }) await GoodsInQuantityAsync(centre, part, 1);

        var first = await Store.ListLevelsAsync(centre, null, 2);
        var second = await Store.ListLevelsAsync(centre, first.NextCursor, 2);
        var last = await Store.ListLevelsAsync(centre, second.NextCursor, 2);

        Assert.Equal(["P1", "P2"], first.Levels.Select(l => l.PartNumber));
        Assert.Equal(["P3", "P4"], second.Levels.Select(l => l.PartNumber));
        Assert.Equal(["P5"], last.Levels.Select(l => l.PartNumber));
        Assert.Equal("", last.NextCursor);
        Assert.All(first.Levels.Concat(second.Levels).Concat(last.Levels), l => Assert.Equal(1, l.OnHand));
        Assert.Equal("page_size", (await Assert.ThrowsAsync<InvalidFieldException>(() => Store.ListLevelsAsync(centre, null, 0))).Field);
        Assert.Equal(new StockLevel(centre, "NEVER", 0, 0, 0, 0, 0), await Store.GetLevelAsync(centre, "NEVER"));
    }

    [Fact]
    public async Task The_batch_received_is_kept_trimmed_on_the_goods_in_movement_with_its_serials()
    {
        var centre = NewCentre();

        var change = await Store.GoodsInAsync(Command(centre), "P1", serialized: true, "A-01", ["SN1", "SN2"], 0, "PO-1", "  LOT-2026.11_a ");

        Assert.Equal("LOT-2026.11_a", change.Movement.Batch);
        var stored = Assert.Single(await MovementsAsync(centre)); // the document the ledger keeps
        Assert.Equal("LOT-2026.11_a", stored.Batch);
        Assert.Equal(["SN1", "SN2"], stored.Serials);
        // Without a batch it is unknown (""), and other movements carry none.
        Assert.Equal("", (await GoodsInSerialsAsync(centre, "P1", "A-01", "SN3")).Movement.Batch);
    }

    [Theory]
    [InlineData("LOT 1")]
    [InlineData("LOT/1")]
    [InlineData("LOT\n1")]
    [InlineData("L12345678901234567890123456789012345678901")]
    public async Task A_bad_batch_is_refused_naming_the_field_and_nothing_changes(string batch)
    {
        var centre = NewCentre();
        await GoodsInSerialsAsync(centre, "P1", "A-01", "SN1");

        var refusal = await RefusedAsync<InvalidFieldException>(centre,
            () => Store.GoodsInAsync(Command(centre), "P1", serialized: true, "A-01", ["SN2"], 0, "PO-1", batch));

        Assert.Equal("batch", refusal.Field);
    }

    [Fact]
    public void A_movement_written_before_batches_reads_as_unknown()
    {
        const string old = """{"movementId":"0b7e0f43-4a8e-4d3c-9f6e-111111111111","centreId":"C-1","partNumber":"P1","kind":"goods-in","tracking":"serial","bin":"A-01","serials":["SN1"],"quantity":1,"deltas":{"onHand":1,"reserved":0,"inTransit":0,"faulty":0,"quarantined":0},"serialMoves":[],"reference":"","reservationId":"","reasonCode":"","occurredAt":"2026-11-23T08:00:00.0000000Z"}""";

        Assert.Equal("", Logistics.Inventory.Data.Stock.StockJson.ParseMovement(old).Batch);
    }
}

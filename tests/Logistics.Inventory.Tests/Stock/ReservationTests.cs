using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain.Stock;
using Logistics.SharedKernel;
using Logistics.Testing;

namespace Logistics.Inventory.Tests.Stock;

public sealed class ReservationTests(TestRedis redis) : StockTestBase(redis), IClassFixture<TestRedis>
{
    [Fact]
    public async Task Reserving_holds_units_on_hand_and_lowers_available()
    {
        var centre = NewCentre();
        await GoodsInQuantityAsync(centre, "FAN", 5);
        var command = Command(centre);

        var change = await Store.ReserveAsync(command, "FAN", 3, "REQ-1", "R1", ServiceLevel.NextDay, T0.AddMinutes(-5), backorderIfShort: false);

        Assert.Equal(new StockLevel(centre, "FAN", 5, 3, 0, 0, 0), change.Level);
        Assert.Equal(2, change.Level.Available);
        Assert.Equivalent(new Movement(command.MovementId, centre, "FAN", MovementKind.Reserved, PartTracking.Quantity, "", [], 3,
            new StockDeltas(0, 3, 0, 0, 0), [], "REQ-1", "R1", "", T0), change.Movement, strict: true);
        Assert.Equal(new Reservation(centre, "R1", "FAN", 3, "REQ-1", ReservationState.Reserved, ServiceLevel.NextDay, T0.AddMinutes(-5)),
            await Store.GetReservationAsync(centre, "R1"));
        Assert.Null(await Store.GetReservationAsync(centre, "R404"));
    }

    [Fact]
    public async Task Reserving_more_than_available_is_refused_and_nothing_changes()
    {
        var centre = NewCentre();
        await GoodsInQuantityAsync(centre, "FAN", 5);
        await ReserveAsync(centre, "FAN", 3, "R1");

        var refusal = await RefusedAsync<RuleViolationException>(centre, () => ReserveAsync(centre, "FAN", 3, "R2"));

        Assert.Equal($"only 2 of part FAN available at centre {centre}", refusal.Message);
        Assert.Null(await Store.GetReservationAsync(centre, "R2"));
    }

    [Fact]
    public async Task A_part_never_received_has_nothing_available()
    {
        var centre = NewCentre();

        var refusal = await RefusedAsync<RuleViolationException>(centre, () => ReserveAsync(centre, "FAN", 1, "R1"));

        Assert.Equal($"only 0 of part FAN available at centre {centre}", refusal.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task A_quantity_not_above_zero_is_refused(int quantity)
    {
        var centre = NewCentre();
        await GoodsInQuantityAsync(centre, "FAN", 5);

        Assert.Equal("quantity", (await RefusedAsync<InvalidFieldException>(centre, () => ReserveAsync(centre, "FAN", quantity, "R1"))).Field);
    }

    [Fact]
    public async Task Malformed_reservation_fields_are_refused()
    {
        var centre = NewCentre();
        await GoodsInQuantityAsync(centre, "FAN", 5);

        Assert.Equal("reservation_id", (await RefusedAsync<InvalidFieldException>(centre, () => ReserveAsync(centre, "FAN", 1, "R:1"))).Field);
        Assert.Equal("reservation_id", (await RefusedAsync<InvalidFieldException>(centre, () => Store.ReleaseAsync(Command(centre), ""))).Field);
        Assert.Equal("requested_at", (await RefusedAsync<InvalidFieldException>(centre,
            () => ReserveAsync(centre, "FAN", 1, "R1", requestedAt: DateTimeOffset.UnixEpoch.AddMinutes(-1)))).Field);
        Assert.Equal("service_level", Assert.Throws<InvalidFieldException>(() => ServiceLevel.Parse("24x7")).Field);
    }

    [Fact]
    public async Task A_reservation_id_used_before_is_refused()
    {
        var centre = NewCentre();
        await GoodsInQuantityAsync(centre, "FAN", 5);
        await ReserveAsync(centre, "FAN", 1, "R1");

        var refusal = await RefusedAsync<AlreadyExistsException>(centre, () => ReserveAsync(centre, "FAN", 1, "R1"));

        Assert.Equal($"reservation R1 already exists at centre {centre}", refusal.Message);
    }

    [Fact]
    public async Task Releasing_gives_the_units_back_to_available()
    {
        var centre = NewCentre();
        await GoodsInQuantityAsync(centre, "FAN", 5);
        await ReserveAsync(centre, "FAN", 3, "R1");

        var change = await Store.ReleaseAsync(Command(centre), "R1");

        Assert.Equal(new StockLevel(centre, "FAN", 5, 0, 0, 0, 0), change.Level);
        Assert.Equal(MovementKind.Released, change.Movement.Kind);
        Assert.Equal(new StockDeltas(0, -3, 0, 0, 0), change.Movement.Deltas);
        Assert.Equal(("R1", 3, "REQ-R1"), (change.Movement.ReservationId, change.Movement.Quantity, change.Movement.Reference));
        Assert.Equal(ReservationState.Released, (await Store.GetReservationAsync(centre, "R1"))!.State);
    }

    [Fact]
    public async Task Releasing_twice_is_refused_and_nothing_changes()
    {
        var centre = NewCentre();
        await GoodsInQuantityAsync(centre, "FAN", 5);
        await ReserveAsync(centre, "FAN", 3, "R1");
        await ReserveAsync(centre, "FAN", 2, "R2");
        await Store.ReleaseAsync(Command(centre), "R1");

        // R2 still holds 2: a second release of R1 would take them (reserved 2 - 3) if it were not refused.
        var refusal = await RefusedAsync<RuleViolationException>(centre, () => Store.ReleaseAsync(Command(centre), "R1"));

        Assert.Equal("reservation R1 is released; only reserved or backordered reservations can be released", refusal.Message);
        Assert.Equal(2, (await Store.GetLevelAsync(centre, "FAN")).Reserved);
    }

    [Fact]
    public async Task Releasing_an_unknown_reservation_is_refused()
    {
        var centre = NewCentre();
        await GoodsInQuantityAsync(centre, "FAN", 5);

        var refusal = await RefusedAsync<NotFoundException>(centre, () => Store.ReleaseAsync(Command(centre), "R404"));

        Assert.Equal($"reservation R404 not found at centre {centre}", refusal.Message);
    }

    [Fact]
    public async Task Releasing_a_shipped_reservation_is_refused()
    {
        var centre = NewCentre();
        await GoodsInQuantityAsync(centre, "FAN", 5);
        await ReserveAsync(centre, "FAN", 2, "R1");
        await Store.ShipAsync(Command(centre), "R1", []);

        var refusal = await RefusedAsync<RuleViolationException>(centre, () => Store.ReleaseAsync(Command(centre), "R1"));

        Assert.StartsWith("reservation R1 is shipped", refusal.Message);
    }

    [Fact]
    public async Task A_short_reservation_can_wait_as_a_backorder_and_be_released_from_the_queue()
    {
        var centre = NewCentre();
        await GoodsInQuantityAsync(centre, "FAN", 1);

        var backordered = await ReserveAsync(centre, "FAN", 2, "R1", backorderIfShort: true, level: ServiceLevel.FourHoursAnyTime);

        Assert.Equal(MovementKind.Backordered, backordered.Movement.Kind);
        Assert.Equal(StockDeltas.None, backordered.Movement.Deltas);
        Assert.Equal(2, backordered.Movement.Quantity);
        Assert.Equal(new StockLevel(centre, "FAN", 1, 0, 0, 0, 0), backordered.Level);
        Assert.Equal(ReservationState.Backordered, (await Store.GetReservationAsync(centre, "R1"))!.State);
        Assert.Equal(["R1"], (await Db.SortedSetRangeByRankAsync(new StockKeys(centre).Backorders("FAN"))).Select(m => (string)m!));

        var released = await Store.ReleaseAsync(Command(centre), "R1");

        Assert.Equal(MovementKind.Released, released.Movement.Kind);
        Assert.Equal(StockDeltas.None, released.Movement.Deltas);
        Assert.Equal(new StockLevel(centre, "FAN", 1, 0, 0, 0, 0), released.Level);
        Assert.Empty(await Db.SortedSetRangeByRankAsync(new StockKeys(centre).Backorders("FAN")));
        Assert.Equal(ReservationState.Released, (await Store.GetReservationAsync(centre, "R1"))!.State);
    }
}

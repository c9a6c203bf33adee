using Logistics.Inventory.Domain.Stock;
using Logistics.SharedKernel;
using Logistics.Testing;

namespace Logistics.Inventory.Tests.Stock;

public sealed class AdjustmentTests(TestRedis redis) : StockTestBase(redis), IClassFixture<TestRedis>
{
    [Fact]
    public async Task A_part_tracked_by_quantity_is_adjusted_up_and_down()
    {
        var centre = NewCentre();
        await GoodsInQuantityAsync(centre, "FAN", 5);
        var command = Command(centre);

        var down = await Store.AdjustAsync(command, "FAN", "B-01", -2, null, null, "missing", "COUNT-1");
        var up = await Store.AdjustAsync(Command(centre), "FAN", "B-01", 4, null, null, "found", "COUNT-1");

        Assert.Equivalent(new Movement(command.MovementId, centre, "FAN", MovementKind.Adjusted, PartTracking.Quantity, "B-01", [], 2,
            new StockDeltas(-2, 0, 0, 0, 0), [], "COUNT-1", "", "missing", T0), down.Movement, strict: true);
        Assert.Equal(new StockLevel(centre, "FAN", 7, 0, 0, 0, 0), up.Level);
    }

    [Fact]
    public async Task An_adjustment_never_leaves_on_hand_below_reserved()
    {
        var centre = NewCentre();
        await GoodsInQuantityAsync(centre, "FAN", 5);
        await ReserveAsync(centre, "FAN", 4, "R1");

        var refusal = await RefusedAsync<RuleViolationException>(centre, () => Store.AdjustAsync(Command(centre), "FAN", "B-01", -2, null, null, "missing", ""));

        Assert.Equal($"adjusting part FAN at centre {centre} by -2 would leave 3 on hand for 4 reserved", refusal.Message);
        Assert.Equal(4, (await Store.AdjustAsync(Command(centre), "FAN", "B-01", -1, null, null, "missing", "")).Level.OnHand);
    }

    [Fact]
    public async Task An_adjustment_never_leaves_on_hand_below_zero()
    {
        var centre = NewCentre();

        await RefusedAsync<RuleViolationException>(centre, () => Store.AdjustAsync(Command(centre), "FAN", "B-01", -1, null, null, "missing", ""));
    }

    [Fact]
    public async Task A_serialized_part_is_adjusted_by_serials_added_and_removed()
    {
        var centre = NewCentre();
        await GoodsInSerialsAsync(centre, "P1", "A-01", "SN1", "SN2");
        await GoodsInSerialsAsync(centre, "P1", "A-02", "SN3");

        var change = await Store.AdjustAsync(Command(centre), "P1", "A-01", 0, ["SN8", "SN9"], ["SN3"], "misplaced", "COUNT-7");

        Assert.Equal(new StockLevel(centre, "P1", 4, 0, 0, 0, 0), change.Level);
        Assert.Equal(["SN8", "SN9", "SN3"], change.Movement.Serials);
        Assert.Equal(3, change.Movement.Quantity);
        Assert.Equal(new StockDeltas(1, 0, 0, 0, 0), change.Movement.Deltas);
        Assert.Equal(
            [
                new SerialMove("SN8", SerialPlace.None, SerialPlace.OnHand, "A-01"),
                new SerialMove("SN9", SerialPlace.None, SerialPlace.OnHand, "A-01"),
                new SerialMove("SN3", SerialPlace.OnHand, SerialPlace.None, "A-02"),
            ], change.Movement.SerialMoves);
        Assert.Equal(["SN1", "SN2", "SN8", "SN9"], (await Store.ListSerialsAsync(centre, "P1")).Select(s => s.Serial));
    }

    [Fact]
    public async Task Serial_adjustments_that_do_not_fit_the_stock_are_refused()
    {
        var centre = NewCentre();
        await GoodsInSerialsAsync(centre, "P1", "A-01", "SN1", "SN2");
        await ReserveAsync(centre, "P1", 2, "R1");

        Assert.Contains("serial SN1", (await RefusedAsync<AlreadyExistsException>(centre,
            () => Store.AdjustAsync(Command(centre), "P1", "A-01", 0, ["SN1"], null, "found", ""))).Message);
        Assert.Equal($"serial SN7 of part P1 is not on hand at centre {centre}", (await RefusedAsync<RuleViolationException>(centre,
            () => Store.AdjustAsync(Command(centre), "P1", "A-01", 0, null, ["SN7"], "missing", ""))).Message);
        Assert.StartsWith("adjusting part P1", (await RefusedAsync<RuleViolationException>(centre,
            () => Store.AdjustAsync(Command(centre), "P1", "A-01", 0, null, ["SN1"], "missing", ""))).Message);
    }

    [Fact]
    public async Task Malformed_adjustments_are_refused()
    {
        var centre = NewCentre();
        await GoodsInSerialsAsync(centre, "P1", "A-01", "SN1");

        async Task<string> Field(Func<Task> command) => (await RefusedAsync<InvalidFieldException>(centre, command)).Field;

        Assert.Equal("delta", await Field(() => Store.AdjustAsync(Command(centre), "FAN", "B-01", 0, null, null, "found", "")));
        Assert.Equal("delta", await Field(() => Store.AdjustAsync(Command(centre), "P1", "A-01", 1, ["SN5"], null, "found", "")));
        Assert.Equal("serials_removed", await Field(() => Store.AdjustAsync(Command(centre), "P1", "A-01", 0, ["SN5"], ["SN5"], "found", "")));
        Assert.Equal("serials_added", await Field(() => Store.AdjustAsync(Command(centre), "P1", "A-01", 0, ["SN 5"], null, "found", "")));
        Assert.Equal("reason_code", await Field(() => Store.AdjustAsync(Command(centre), "FAN", "B-01", 1, null, null, "", "")));
        Assert.Equal("bin", await Field(() => Store.AdjustAsync(Command(centre), "FAN", "", 1, null, null, "found", "")));
    }
}

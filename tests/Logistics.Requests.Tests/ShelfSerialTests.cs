using Logistics.Requests.Domain;
using Logistics.SharedKernel;

namespace Logistics.Requests.Tests;

public sealed class ShelfSerialTests
{
    private static ShelfSerial OnHand(string serial, long sequence = 5, string? pickedBy = null) =>
        new("c-1", "P1", serial, true, sequence, pickedBy);

    private static Dictionary<string, ShelfSerial> Known(params ShelfSerial[] serials) =>
        serials.ToDictionary(s => s.Serial, StringComparer.Ordinal);

    [Theory]
    [InlineData("goods-in", true)]
    [InlineData("to-stock", true)]
    [InlineData("shipped", false)]
    [InlineData("faulty-in", false)]
    [InlineData("quarantined", false)]
    [InlineData("scrapped", false)]
    public void Movements_put_serials_on_the_shelf_or_take_them_off(string kind, bool onHand)
    {
        var placements = StockMovementSerials.Placements(kind, ["S1", "S2"], onHand ? 2 : -2);
        Assert.Equal([new SerialPlacement("S1", onHand), new SerialPlacement("S2", onHand)], placements);
    }

    [Theory]
    [InlineData("reserved")]
    [InlineData("backordered")]
    [InlineData("released")]
    [InlineData("received")]
    [InlineData("something-new")]
    [InlineData(null)]
    public void Other_movements_say_nothing_about_the_shelf(string? kind)
    {
        Assert.Empty(StockMovementSerials.Placements(kind, ["S1"], 0));
    }

    [Fact]
    public void An_adjustment_adds_its_first_serials_and_removes_the_rest()
    {
        Assert.Equal([new SerialPlacement("A", true), new SerialPlacement("B", true)], StockMovementSerials.Placements("adjusted", ["A", "B"], 2));
        Assert.Equal([new SerialPlacement("A", false)], StockMovementSerials.Placements("adjusted", ["A"], -1));
        // Two found, one missing: delta +1 over three serials.
        Assert.Equal([new SerialPlacement("A", true), new SerialPlacement("B", true), new SerialPlacement("C", false)],
            StockMovementSerials.Placements("adjusted", ["A", "B", "C"], 1));
    }

    [Theory]
    [InlineData(5)]  // a part tracked by quantity: no serials
    [InlineData(-5)]
    public void An_adjustment_without_serials_says_nothing(int delta)
    {
        Assert.Empty(StockMovementSerials.Placements("adjusted", [], delta));
    }

    [Theory]
    [InlineData(2)]  // more added than listed
    [InlineData(0)]  // an odd split of one serial
    public void An_adjustment_that_does_not_fit_is_not_guessed(int delta)
    {
        Assert.Empty(StockMovementSerials.Placements("adjusted", ["A"], delta));
    }

    [Fact]
    public void An_older_movement_changes_nothing()
    {
        var shelf = OnHand("S1", sequence: 10);
        Assert.Null(shelf.After(new SerialPlacement("S1", false), 9));
        Assert.Null(shelf.After(new SerialPlacement("S1", false), 10)); // the same movement again
        Assert.Equal(shelf with { OnHand = false, Sequence = 11 }, shelf.After(new SerialPlacement("S1", false), 11));
    }

    [Fact]
    public void A_serial_back_on_hand_can_be_picked_again()
    {
        var shipped = OnHand("S1", 5, pickedBy: "PR-1").After(new SerialPlacement("S1", false), 9)!;
        Assert.Equal("PR-1", shipped.PickedBy);
        var back = shipped.After(new SerialPlacement("S1", true), 20)!;
        Assert.True(back.OnHand);
        Assert.Null(back.PickedBy);
        Assert.Single(ShelfSerial.Pick(["S1"], Known(back), "c-1", "P1", "PR-2"));
    }

    [Fact]
    public void A_new_serial_is_seen_at_the_movements_sequence()
    {
        Assert.Equal(new ShelfSerial("c-1", "P1", "S1", true, 3, null), ShelfSerial.Seen("c-1", "P1", new SerialPlacement("S1", true), 3));
    }

    [Fact]
    public void Picking_marks_each_serial_for_the_request()
    {
        var picked = ShelfSerial.Pick(["S1", "S2"], Known(OnHand("S1"), OnHand("S2")), "c-1", "P1", "PR-1");
        Assert.All(picked, p => Assert.Equal("PR-1", p.PickedBy));
        Assert.Equal(["S1", "S2"], picked.Select(p => p.Serial));
    }

    [Fact]
    public void A_serial_not_on_hand_is_refused_naming_it()
    {
        var gone = OnHand("S2") with { OnHand = false };
        var e = Assert.Throws<RuleViolationException>(() => ShelfSerial.Pick(["S1", "S2"], Known(OnHand("S1"), gone), "c-1", "P1", "PR-1"));
        Assert.Equal("serial S2 of part P1 is not on hand at centre c-1", e.Message);
        Assert.Throws<RuleViolationException>(() => ShelfSerial.Pick(["S3"], Known(OnHand("S1")), "c-1", "P1", "PR-1"));
    }

    [Fact]
    public void A_serial_of_another_centre_or_part_is_refused()
    {
        Assert.Throws<RuleViolationException>(() => ShelfSerial.Pick(["S1"], Known(OnHand("S1") with { CentreId = "c-2" }), "c-1", "P1", "PR-1"));
        Assert.Throws<RuleViolationException>(() => ShelfSerial.Pick(["S1"], Known(OnHand("S1") with { PartNumber = "P2" }), "c-1", "P1", "PR-1"));
    }

    [Fact]
    public void A_serial_picked_by_another_shipment_is_refused()
    {
        var e = Assert.Throws<RuleViolationException>(() =>
            ShelfSerial.Pick(["S1"], Known(OnHand("S1", pickedBy: "PR-9")), "c-1", "P1", "PR-1"));
        Assert.Equal("serial S1 is already picked for request PR-9", e.Message);
        Assert.Single(ShelfSerial.Pick(["S1"], Known(OnHand("S1", pickedBy: "PR-1")), "c-1", "P1", "PR-1"));
    }
}

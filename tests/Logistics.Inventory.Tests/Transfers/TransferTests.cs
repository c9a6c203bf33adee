using Logistics.Inventory.Domain.Transfers;
using Logistics.SharedKernel;

namespace Logistics.Inventory.Tests.Transfers;

/// <summary>The rules of a transfer between centres, as plain C#.</summary>
public sealed class TransferTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    private static Transfer Requested(int quantity = 3) => Transfer.Request("TRF-1", "SZ-01", "GZ-01", "P1", quantity, "for ticket 7", "w-gz", T0);

    private static Transfer Shipped() =>
        Requested().Pick("w-sz", ["SN1", "SN2", "SN3"], T0.AddHours(1)).Ship("w-sz", "SF", "SF123", esdPackaging: true, T0.AddHours(2));

    [Fact]
    public void Requested_picked_shipped_and_received_in_full()
    {
        var requested = Requested();
        var picked = requested.Pick("w-sz", [" SN1", "SN2", "SN3"], T0.AddHours(1));
        var shipped = picked.Ship("w-sz", "SF", "SF123", true, T0.AddHours(2));
        var received = shipped.Receive("w-gz", ["SN3", "SN1", "SN2"], "A-01", final: false, T0.AddDays(1));

        Assert.Equal(TransferState.Requested, requested.State);
        Assert.Equal(["SN1", "SN2", "SN3"], picked.Serials);
        Assert.Equal(new TransferShipment("SF", "SF123", true), shipped.Shipment);
        Assert.Equal(["SN1", "SN2", "SN3"], shipped.InTransitSerials);
        Assert.Equal(TransferState.Received, received.State);
        Assert.Empty(received.InTransitSerials);
        Assert.Empty(received.MissingSerials);
        Assert.Equal([TransferState.Requested, TransferState.Picked, TransferState.Shipped, TransferState.Received], received.History.Select(h => h.To));
    }

    [Fact]
    public void A_partial_receipt_waits_for_the_rest_and_a_final_one_records_the_missing_and_the_unexpected()
    {
        var partly = Shipped().Receive("w-gz", ["SN1", "XX9"], "A-01", final: false, T0.AddDays(1));
        Assert.Equal(TransferState.PartlyReceived, partly.State);
        Assert.Equal(["SN1"], partly.ReceivedSerials);
        Assert.Equal(["XX9"], partly.UnexpectedSerials);
        Assert.Equal(["SN2", "SN3"], partly.InTransitSerials);

        var closed = partly.Receive("w-gz", ["SN2"], "A-02", final: true, T0.AddDays(2));
        Assert.Equal(TransferState.Received, closed.State);
        Assert.Equal(["SN1", "SN2"], closed.ReceivedSerials);
        Assert.Equal(["SN3"], closed.MissingSerials);
        Assert.Equal(2, closed.Receipts[^1].Number);
        Assert.Equal("A-02", closed.Receipts[^1].Bin);
        Assert.Empty(closed.InTransitSerials);
        // Nothing more arrives on a closed transfer.
        Assert.Throws<RuleViolationException>(() => closed.Receive("w-gz", ["SN3"], "A-01", false, T0.AddDays(3)));
    }

    [Fact]
    public void The_receiving_centre_expects_the_units_until_they_arrive_and_the_sending_centre_promised_them_until_picked()
    {
        var requested = Requested();
        var picked = requested.Pick("w-sz", ["SN1", "SN2", "SN3"], T0.AddHours(1));
        var partly = Shipped().Receive("w-gz", ["SN1"], "A-01", false, T0.AddDays(1));
        var closed = partly.Receive("w-gz", [], "", true, T0.AddDays(2));

        Assert.Equal([3, 3, 3, 2, 0], new[] { requested, picked, Shipped(), partly, closed }.Select(t => t.Incoming));
        Assert.Equal([3, 0, 0, 0, 0], new[] { requested, picked, Shipped(), partly, closed }.Select(t => t.Promised));
        Assert.Equal(0, requested.Cancel("w-gz", "not needed", T0).Incoming);
    }

    [Fact]
    public void A_write_off_loses_only_the_serials_still_on_the_road_once_and_a_later_receipt_of_one_is_refused()
    {
        var partly = Shipped().Receive("w-gz", ["SN1"], "A-01", false, T0.AddDays(1));
        var (lostOnce, lost, count) = partly.WriteOffLost("TI-transfer-TRF-1", "sup-2", T0.AddDays(6));
        Assert.Equal(["SN2", "SN3"], lost);
        Assert.Equal(2, count);
        Assert.Equal(["SN2", "SN3"], lostOnce.LostSerials);
        Assert.Equal(("TI-transfer-TRF-1", TransferState.PartlyReceived), (lostOnce.LostInvestigationId, lostOnce.State));
        Assert.Empty(lostOnce.InTransitSerials);

        var (again, none, _) = lostOnce.WriteOffLost("TI-transfer-TRF-1", "sup-2", T0.AddDays(7));
        Assert.Empty(none);
        Assert.Same(lostOnce, again);

        var refused = Assert.Throws<InvalidFieldException>(() => lostOnce.Receive("w-gz", ["SN2"], "A-01", false, T0.AddDays(8)));
        Assert.Equal("serials", refused.Field);
        Assert.Contains("lost in transit", refused.Message);
        // Closing the receipt records nothing missing: the lost serials are not on the road.
        var closed = lostOnce.Receive("w-gz", [], "", true, T0.AddDays(8));
        Assert.Equal((TransferState.Received, 0), (closed.State, closed.MissingSerials.Count));

        // Received in full before the write-off: nothing on the road, nothing lost.
        var received = Shipped().Receive("w-gz", ["SN1", "SN2", "SN3"], "A-01", false, T0.AddDays(1));
        Assert.Empty(received.WriteOffLost("TI-transfer-TRF-1", "sup-2", T0.AddDays(6)).Lost);
    }

    [Fact]
    public void A_serial_received_twice_is_refused_naming_the_field()
    {
        var partly = Shipped().Receive("w-gz", ["SN1"], "A-01", false, T0.AddDays(1));
        Assert.Equal("serials", Assert.Throws<InvalidFieldException>(() => partly.Receive("w-gz", ["SN1"], "A-01", false, T0)).Field);
        Assert.Equal("serials", Assert.Throws<InvalidFieldException>(() => partly.Receive("w-gz", [], "A-01", false, T0)).Field);
    }

    [Fact]
    public void A_final_receipt_with_nothing_scanned_records_everything_missing()
    {
        var closed = Shipped().Receive("w-gz", [], "", final: true, T0.AddDays(5));
        Assert.Equal(TransferState.Received, closed.State);
        Assert.Equal(["SN1", "SN2", "SN3"], closed.MissingSerials);
        Assert.Equal("", closed.Receipts[0].Bin);
    }

    [Theory]
    [InlineData("GZ-01", 1, "from_centre_id")]
    [InlineData("", 1, "from_centre_id")]
    [InlineData("SZ-01", 0, "quantity")]
    [InlineData("SZ-01", 501, "quantity")]
    public void A_bad_request_is_refused_naming_the_field(string from, int quantity, string field) =>
        Assert.Equal(field, Assert.Throws<InvalidFieldException>(() => Transfer.Request("TRF-1", from, "GZ-01", "P1", quantity, null, "w", T0)).Field);

    [Fact]
    public void Picking_needs_exactly_the_requested_number_of_distinct_serials()
    {
        Assert.Equal("serials", Assert.Throws<InvalidFieldException>(() => Requested().Pick("w", ["SN1", "SN2"], T0)).Field);
        Assert.Equal("serials", Assert.Throws<InvalidFieldException>(() => Requested().Pick("w", ["SN1", "SN1", "SN2"], T0)).Field);
        Assert.Equal("serials", Assert.Throws<InvalidFieldException>(() => Requested().Pick("w", ["SN1", "bad serial", "SN2"], T0)).Field);
        Assert.Throws<RuleViolationException>(() => Shipped().Pick("w", ["SN1", "SN2", "SN3"], T0));
    }

    [Fact]
    public void Shipping_needs_the_esd_packaging_confirmed_a_carrier_and_a_tracking_number()
    {
        var picked = Requested().Pick("w", ["SN1", "SN2", "SN3"], T0);
        Assert.Equal("esd_packaging", Assert.Throws<InvalidFieldException>(() => picked.Ship("w", "SF", "1", false, T0)).Field);
        Assert.Equal("carrier", Assert.Throws<InvalidFieldException>(() => picked.Ship("w", " ", "1", true, T0)).Field);
        Assert.Equal("tracking_number", Assert.Throws<InvalidFieldException>(() => picked.Ship("w", "SF", "", true, T0)).Field);
        Assert.Throws<RuleViolationException>(() => Requested().Ship("w", "SF", "1", true, T0));
        // A carrier is a name, as on an engineer's shipment; a control character is not.
        Assert.Equal("SF Express", picked.Ship("w", " SF Express ", "1", true, T0).Shipment!.Carrier);
        Assert.Equal("carrier", Assert.Throws<InvalidFieldException>(() => picked.Ship("w", "SF\nExpress", "1", true, T0)).Field);
    }

    [Fact]
    public void Only_a_transfer_not_yet_shipped_is_cancelled_and_only_with_a_reason()
    {
        var picked = Requested().Pick("w", ["SN1", "SN2", "SN3"], T0);
        var cancelled = picked.Cancel("sup", "found locally", T0.AddHours(1));
        Assert.Equal(TransferState.Cancelled, cancelled.State);
        Assert.Equal("found locally", cancelled.CancelReason);
        Assert.Equal("reason", Assert.Throws<InvalidFieldException>(() => Requested().Cancel("w", "", T0)).Field);
        Assert.Throws<RuleViolationException>(() => Shipped().Cancel("w", "too late", T0));
        Assert.Throws<RuleViolationException>(() => cancelled.Pick("w", ["SN1", "SN2", "SN3"], T0));
    }

    private static Transfer ByQuantity(int quantity = 10) =>
        Transfer.Request("TRF-Q", "SZ-01", "GZ-01", "C1", quantity, null, "w-gz", T0, serialized: false);

    [Fact]
    public void A_part_tracked_by_quantity_is_picked_by_confirming_the_quantity_and_received_by_count_short_then_closed()
    {
        var picked = ByQuantity().PickQuantity("w-sz", 10, T0.AddHours(1));
        var shipped = picked.Ship("w-sz", "SF", "SF9", true, T0.AddHours(2));
        Assert.Equal((TransferState.Picked, false), (picked.State, picked.Serialized));
        Assert.Empty(picked.Serials);
        Assert.Equal((10, 10), (shipped.InTransitQuantity, shipped.Incoming));

        var partly = shipped.ReceiveQuantity("w-gz", 6, "A-01", final: false, T0.AddDays(1));
        Assert.Equal(TransferState.PartlyReceived, partly.State);
        Assert.Equal((6, 4, 0), (partly.ReceivedQuantity, partly.InTransitQuantity, partly.MissingQuantity));
        Assert.Equal(("A-01", 6), (partly.Receipts[^1].Bin, partly.Receipts[^1].Quantity));

        var closed = partly.ReceiveQuantity("w-gz", 3, "A-02", final: true, T0.AddDays(2));
        Assert.Equal(TransferState.Received, closed.State);
        Assert.Equal((9, 0, 1), (closed.ReceivedQuantity, closed.InTransitQuantity, closed.MissingQuantity));
        Assert.Equal(1, closed.Receipts[^1].MissingQuantity);
        Assert.Equal(0, closed.Incoming);

        // Everything arriving closes it without "final".
        Assert.Equal(TransferState.Received, shipped.ReceiveQuantity("w-gz", 10, "A-01", false, T0).State);
    }

    [Fact]
    public void By_quantity_a_wrong_count_serials_or_more_than_is_on_the_road_are_refused_naming_the_field()
    {
        Assert.Equal("quantity", Assert.Throws<InvalidFieldException>(() => ByQuantity().PickQuantity("w", 9, T0)).Field);
        Assert.Equal("serials", Assert.Throws<InvalidFieldException>(() => ByQuantity().Pick("w", ["SN1"], T0)).Field);
        Assert.Equal("serials", Assert.Throws<InvalidFieldException>(() => Requested().PickQuantity("w", 3, T0)).Field);
        var shipped = ByQuantity().PickQuantity("w", 10, T0).Ship("w", "SF", "1", true, T0);
        Assert.Equal("quantity", Assert.Throws<InvalidFieldException>(() => shipped.ReceiveQuantity("w", 11, "A-01", false, T0)).Field);
        Assert.Equal("quantity", Assert.Throws<InvalidFieldException>(() => shipped.ReceiveQuantity("w", 0, "A-01", false, T0)).Field);
        Assert.Equal("quantity", Assert.Throws<InvalidFieldException>(() => shipped.ReceiveQuantity("w", -1, "A-01", true, T0)).Field);
        Assert.Equal("serials", Assert.Throws<InvalidFieldException>(() => shipped.Receive("w", ["SN1"], "A-01", false, T0)).Field);
        Assert.Equal("quantity", Assert.Throws<InvalidFieldException>(() => Shipped().ReceiveQuantity("w", 1, "A-01", false, T0)).Field);
        Assert.Throws<RuleViolationException>(() => ByQuantity().PickQuantity("w", 10, T0).ReceiveQuantity("w", 1, "A-01", false, T0));
        // A final receipt with nothing counted records everything missing.
        Assert.Equal(10, shipped.ReceiveQuantity("w", 0, "", true, T0).MissingQuantity);
    }

    [Fact]
    public void Units_a_final_receipt_recorded_missing_stay_in_transit_until_a_write_off_takes_exactly_them()
    {
        var closed = Shipped().Receive("w-gz", ["SN1"], "A-01", final: true, T0.AddDays(1));
        Assert.Equal((TransferState.Received, 0, 2), (closed.State, closed.Incoming, closed.StillInTransitQuantity));
        Assert.Equal(["SN2", "SN3"], closed.StillInTransitSerials);
        Assert.Equal(0, Requested().StillInTransitQuantity);
        Assert.Equal(3, Shipped().StillInTransitQuantity);

        var (lost, serials, count) = closed.WriteOffLost("TI-transfer-TRF-1", "sup-2", T0.AddDays(6));
        Assert.Equal((2, "SN2 SN3", TransferState.Received), (count, string.Join(" ", serials), lost.State));
        Assert.Equal(0, lost.StillInTransitQuantity);
        Assert.Equal(0, lost.WriteOffLost("TI-transfer-TRF-1", "sup-2", T0.AddDays(7)).LostCount);

        var counted = ByQuantity().PickQuantity("w", 10, T0).Ship("w", "SF", "1", true, T0).ReceiveQuantity("w-gz", 7, "A-01", true, T0.AddDays(1));
        Assert.Equal((3, 3), (counted.MissingQuantity, counted.StillInTransitQuantity));
        var (lostCount, _, units) = counted.WriteOffLost("TI-transfer-TRF-Q", "sup-2", T0.AddDays(6));
        Assert.Equal((3, 3, 0), (units, lostCount.LostQuantity, lostCount.StillInTransitQuantity));
    }

    [Fact]
    public void By_quantity_a_write_off_loses_the_count_still_on_the_road_once_and_a_later_receipt_of_more_is_refused()
    {
        var partly = ByQuantity().PickQuantity("w", 10, T0).Ship("w", "SF", "1", true, T0).ReceiveQuantity("w-gz", 6, "A-01", false, T0.AddDays(1));
        var (lost, serials, count) = partly.WriteOffLost("TI-transfer-TRF-Q", "sup-2", T0.AddDays(6));
        Assert.Empty(serials);
        Assert.Equal((4, 4, 0), (count, lost.LostQuantity, lost.InTransitQuantity));
        Assert.Equal(0, lost.Incoming);

        Assert.Equal(0, lost.WriteOffLost("TI-transfer-TRF-Q", "sup-2", T0.AddDays(7)).LostCount);
        Assert.Equal("quantity", Assert.Throws<InvalidFieldException>(() => lost.ReceiveQuantity("w-gz", 1, "A-01", false, T0.AddDays(8))).Field);
        var closed = lost.ReceiveQuantity("w-gz", 0, "", true, T0.AddDays(8));
        Assert.Equal((TransferState.Received, 0), (closed.State, closed.MissingQuantity));
    }
}

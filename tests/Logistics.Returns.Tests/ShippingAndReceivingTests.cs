using Logistics.Events.V1;
using Logistics.Returns.Domain;
using Logistics.SharedKernel;
using static Logistics.Returns.Tests.ReturnTestKit;

namespace Logistics.Returns.Tests;

public sealed class ShippingAndReceivingTests
{
    [Fact]
    public void The_engineer_ships_a_packed_return()
    {
        var r = Packed();
        var at = PackedAt.AddHours(2);
        r.Ship(Engineer, " DHL ", "TRK-1", at);
        Assert.Equal(ReturnState.Shipped, r.State);
        Assert.Equal(("DHL", "TRK-1", Engineer, (DateTimeOffset?)at), (r.Carrier, r.TrackingNo, r.ShippedBy, r.ShippedAt));
        Assert.Equal(ReturnSteps.Shipped, r.History[^1].Step);
    }

    [Fact]
    public void Shipping_before_packing_is_refused()
    {
        var r = OpenSwap();
        var e = Assert.Throws<RuleViolationException>(() => r.Ship(Engineer, "DHL", "TRK-1", PackedAt));
        Assert.Equal($"return {r.ReturnId} is Open; pack it before shipping", e.Message);
        Assert.Equal(ReturnState.Open, r.State);
        Assert.Equal("", r.Carrier);
    }

    [Fact]
    public void A_shipped_return_is_not_shipped_again()
    {
        var r = Shipped();
        var e = Assert.Throws<RuleViolationException>(() => r.Ship(Engineer, "UPS", "TRK-2", PackedAt));
        Assert.Equal($"return {r.ReturnId} is Shipped; only a Packed return can be shipped", e.Message);
        Assert.Equal("DHL", r.Carrier);
    }

    [Fact]
    public void Only_the_engineer_holding_it_ships_it() =>
        Assert.Throws<NotAllowedException>(() => Packed().Ship("eng-2", "DHL", "TRK-1", PackedAt));

    [Theory]
    [InlineData(null, "TRK-1", "carrier")]
    [InlineData(" ", "TRK-1", "carrier")]
    [InlineData("DHL", "", "tracking_no")]
    [InlineData("DHL", "TRK 1", "tracking_no")]
    public void Carrier_and_tracking_number_are_required(string? carrier, string? tracking, string field)
    {
        var r = Packed();
        Assert.Equal(field, Assert.Throws<InvalidFieldException>(() => r.Ship(Engineer, carrier, tracking, PackedAt)).Field);
        Assert.Equal(ReturnState.Packed, r.State);
    }

    [Fact]
    public void The_centres_receipt_receives_a_shipped_return()
    {
        var r = Shipped();
        r.Receive(Receipt());
        Assert.Equal(ReturnState.Received, r.State);
        Assert.Equal(("RC-1", "wh-1", (DateTimeOffset?)PackedAt.AddDays(2)), (r.ReceiptId, r.ReceivedBy, r.ReceivedAt));
        Assert.False(r.EsdNonCompliant);
        var step = r.History[^1];
        Assert.Equal((ReturnSteps.Received, "wh-1"), (step.Step, step.By));
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(false, false)]
    public void A_part_outside_an_intact_sealed_esd_bag_is_received_but_flagged(bool outerIntact, bool esdBagSealed)
    {
        var r = Received(outer: outerIntact, esd: esdBagSealed);
        Assert.Equal(ReturnState.Received, r.State);
        Assert.True(r.EsdNonCompliant);
        Assert.Contains("flagged against eng-1", r.History[^1].Note);
    }

    [Fact]
    public void Only_a_shipped_return_is_received()
    {
        var open = OpenSwap();
        Assert.Contains("is Open; only a Shipped return can be received", Assert.Throws<RuleViolationException>(() => open.Receive(Receipt())).Message);
        var packed = Packed();
        Assert.Throws<RuleViolationException>(() => packed.Receive(Receipt()));
        Assert.Equal(ReturnState.Packed, packed.State);
        var received = Received();
        Assert.Throws<RuleViolationException>(() => received.Receive(Receipt(id: "RC-2")));
        Assert.Equal("RC-1", received.ReceiptId);
    }

    [Fact]
    public void A_receipt_that_does_not_sign_for_the_returned_serial_does_not_receive_it()
    {
        var r = Shipped();
        var e = Assert.Throws<RuleViolationException>(() => r.Receive(Receipt("SN-OTHER")));
        Assert.Contains($"not serial {FaultySerial}", e.Message);
        Assert.Throws<RuleViolationException>(() => r.Receive(Receipt() with { Serials = [] }));
        Assert.Equal(ReturnState.Shipped, r.State);
    }
}

using Logistics.Receipts.Domain;
using Logistics.SharedKernel;
using static Logistics.Receipts.Tests.ReceiptTestKit;

namespace Logistics.Receipts.Tests;

/// <summary>Which handover a reference expects (from the senders' events), who may sign it, and of what kind it is.</summary>
public sealed class HandoverTests
{
    private static readonly DateTimeOffset Shipped = Delivered.AddHours(-5);

    private static Shipment PartRequest(string doaClaimId = "", string shippedBy = "wh-7", string[]? serials = null, int quantity = 0) =>
        Shipment.OfPartRequest("PR-1", "eng-1", "C1", "P-100", "SITE-9", serials ?? ["S1", "S2"], quantity, shippedBy, doaClaimId, Shipped);

    private static Shipment Return() => Shipment.OfReturn("RT-1", "eng-1", "C1", "P-100", "SITE-9", "F1", "", Shipped);

    [Fact]
    public void A_shipped_part_request_is_a_centre_to_engineer_handover_to_the_requester()
    {
        var s = PartRequest();
        Assert.Equal(ReceiptKind.CentreToEngineer, s.Kind);
        Assert.Equal(Addressee.Engineer("eng-1"), s.AddressedTo);
        Assert.Equal("wh-7", s.HandedOverBy);
        Assert.Equal(["S1", "S2"], s.Serials);
        Assert.Equal(2, s.Quantity);
        Assert.False(s.Faulty);
        Assert.Equal(("PR-1", "C1", "P-100", "SITE-9"), (s.Reference, s.CentreId, s.PartNumber, s.SiteId));
    }

    [Fact]
    public void A_doa_replacement_is_delivered_by_the_carrier_to_the_site()
    {
        var s = PartRequest(doaClaimId: "DOA-3");
        Assert.Equal(ReceiptKind.CarrierToSite, s.Kind);
        Assert.Equal("DOA-3", s.DoaClaimId);
        Assert.Equal(Addressee.Engineer("eng-1"), s.AddressedTo);
    }

    [Fact]
    public void Without_a_shipper_the_centre_hands_over() => Assert.Equal("centre:C1", PartRequest(shippedBy: "").HandedOverBy);

    [Fact]
    public void A_part_tracked_by_quantity_ships_its_quantity() => Assert.Equal(4, PartRequest(serials: [], quantity: 4).Quantity);

    [Fact]
    public void A_shipped_return_is_a_faulty_engineer_to_centre_handover_to_the_centre()
    {
        var s = Return();
        Assert.Equal(ReceiptKind.EngineerToCentre, s.Kind);
        Assert.Equal(Addressee.Centre("C1"), s.AddressedTo);
        Assert.Equal("eng-1", s.HandedOverBy);
        Assert.Equal(["F1"], s.Serials);
        Assert.Equal(1, s.Quantity);
        Assert.True(s.Faulty);
    }

    [Fact]
    public void An_event_without_reference_or_addressee_is_refused()
    {
        Assert.Equal("request_id", Assert.Throws<InvalidFieldException>(() =>
            Shipment.OfPartRequest("", "eng-1", "C1", "P", "", [], 1, "", "", Shipped)).Field);
        Assert.Equal("engineer_id", Assert.Throws<InvalidFieldException>(() =>
            Shipment.OfPartRequest("PR-1", " ", "C1", "P", "", [], 1, "", "", Shipped)).Field);
        Assert.Equal("centre_id", Assert.Throws<InvalidFieldException>(() =>
            Shipment.OfReturn("RT-1", "eng-1", "", "P", "", "F1", "", Shipped)).Field);
    }

    [Fact]
    public void The_receipt_must_be_of_the_kind_shipped()
    {
        var expected = PartRequest().Expect(Delivered, []);
        var ex = Assert.Throws<InvalidFieldException>(() =>
            Receipt.Sign("rc-1", ReceiptKind.EngineerToCentre, new Signer("eng-1"), Delivered, Content(["S1"]), expected, Policy));
        Assert.Equal("kind", ex.Field);
        Assert.Contains("is centre-to-engineer, not engineer-to-centre", ex.Message);
    }

    [Fact]
    public void Only_the_engineer_it_is_addressed_to_signs_not_even_warehouse_staff()
    {
        var expected = PartRequest().Expect(Delivered, []);
        Receipt.Sign("rc-1", ReceiptKind.CentreToEngineer, new Signer("eng-1"), Delivered, Content(["S1"]), expected, Policy);
        Assert.Throws<NotAllowedException>(() => Receipt.Sign("rc-1", ReceiptKind.CentreToEngineer, new Signer("eng-2"), Delivered, Content(["S1"]), expected, Policy));
        Assert.Throws<NotAllowedException>(() =>
            Receipt.Sign("rc-1", ReceiptKind.CentreToEngineer, new Signer("wh-1", IsWarehouse: true), Delivered, Content(["S1"]), expected, Policy));
    }

    [Fact]
    public void Any_warehouse_user_signs_for_a_centre_and_an_engineer_cannot()
    {
        var expected = Return().Expect(Delivered, []);
        var r = Receipt.Sign("rc-1", ReceiptKind.EngineerToCentre, new Signer("wh-2", IsWarehouse: true), Delivered, Content(["F1"]), expected, Policy);
        Assert.Equal("wh-2", r.ReceivedBy);
        Assert.Equal("eng-1", r.HandedOverBy);
        var ex = Assert.Throws<NotAllowedException>(() =>
            Receipt.Sign("rc-1", ReceiptKind.EngineerToCentre, new Signer("eng-1"), Delivered, Content(["F1"]), expected, Policy));
        Assert.Contains("addressed to centre C1", ex.Message);
    }

    [Theory]
    [InlineData(1_000_001)]
    [InlineData(int.MaxValue)]
    public void A_quantity_above_a_million_per_receipt_is_refused(int quantity)
    {
        var ex = Assert.Throws<InvalidFieldException>(() => Sign(Content([], GoodsCondition.Missing, quantity: quantity)));
        Assert.Equal("quantity", ex.Field);
        Assert.Contains("at most 1,000,000", ex.Message);
    }

    [Fact]
    public void Warehouse_staff_sign_only_for_a_centre_they_work_for()
    {
        var expected = Return().Expect(Delivered, []);
        var ex = Assert.Throws<NotAllowedException>(() => Receipt.Sign(
            "rc-1", ReceiptKind.EngineerToCentre, new Signer("wh-2", IsWarehouse: true, new HashSet<string> { "C2" }), Delivered, Content(["F1"]), expected, Policy));
        Assert.Contains("warehouse user wh-2 does not work for centre C1", ex.Message);
        Assert.Throws<NotAllowedException>(() => Receipt.Sign(
            "rc-1", ReceiptKind.EngineerToCentre, new Signer("wh-2", IsWarehouse: true, new HashSet<string>()), Delivered, Content(["F1"]), expected, Policy));
        var r = Receipt.Sign(
            "rc-1", ReceiptKind.EngineerToCentre, new Signer("wh-2", IsWarehouse: true, new HashSet<string> { "C2", "C1" }), Delivered, Content(["F1"]), expected, Policy);
        Assert.Equal("wh-2", r.ReceivedBy);
    }

    [Fact]
    public void Serialized_parts_are_signed_for_by_serial()
    {
        var ex = Assert.Throws<InvalidFieldException>(() => Sign(Content([], quantity: 1)));
        Assert.Equal("serials", ex.Field);
    }
}

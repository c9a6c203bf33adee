using Logistics.Requests.Domain;
using Logistics.SharedKernel;

namespace Logistics.Requests.Tests;

public sealed class PartRequestTests
{
    // Monday 3 March 2025, 10:00 UTC
    private static readonly DateTimeOffset Monday10 = new(2025, 3, 3, 10, 0, 0, TimeSpan.Zero);
    private static readonly EsdPackaging GoodPackaging = new(true, "tape", true, "pkg-1");

    private static PartRequest Submit(int quantity = 1, int open = 0, bool overdue = false, string level = "7x24x4", DateTimeOffset? at = null) =>
        PartRequest.Submit("r-17", "t-1", "site-1", "c-1", "02312345", quantity, level, "eng-1", "F1", at ?? Monday10,
            new EngineerStanding(open, overdue), RequestPolicy.Default, DeadlineClocks.Utc);

    private static PartRequest Reserved(int quantity = 2)
    {
        var r = Submit(quantity);
        r.RecordReservation(ReservationOutcome.Reserved, Monday10);
        return r;
    }

    private static PartRequest Shipped(int quantity = 2)
    {
        var r = Reserved(quantity);
        r.Ship(Enumerable.Range(1, quantity).Select(i => $"S{i}").ToList(), GoodPackaging, "DHL", "TRK-1", "wh-1", Monday10);
        return r;
    }

    private static PartRequest Delivered()
    {
        var r = Shipped();
        r.RecordDelivery(["S1", "S2"], "eng-1", Monday10);
        return r;
    }

    [Fact]
    public void The_fifth_open_request_is_auto_approved_and_the_sixth_waits()
    {
        var fifth = Submit(open: 4);
        Assert.Equal(RequestState.Approved, fifth.State);
        Assert.True(fifth.AutoApproved);
        Assert.Equal(PartRequest.System, fifth.ApprovedBy);
        var sixth = Submit(open: 5);
        Assert.Equal(RequestState.Submitted, sixth.State);
        Assert.Contains("quota 5", sixth.AwaitingApprovalBecause);
    }

    [Fact]
    public void Each_reason_to_wait_is_kept_as_data_with_its_figures_and_said_in_english()
    {
        var r = Submit(quantity: 3, open: 5, overdue: true);
        Assert.Equal(
            [new ApprovalHold(ApprovalHold.OpenRequestQuota, 5, 5), new ApprovalHold(ApprovalHold.QuantityAboveAutomatic, 3, 2),
                new ApprovalHold(ApprovalHold.FaultyPartOverdue)],
            r.ApprovalHolds);
        Assert.Equal("the engineer has 5 open requests (quota 5); quantity 3 is above 2 per line; "
            + "the engineer holds a faulty part whose return is overdue", r.AwaitingApprovalBecause);
        Assert.Empty(Submit(quantity: 2, open: 4).ApprovalHolds);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1_000_001)]
    [InlineData(int.MaxValue)]
    public void A_quantity_outside_one_to_a_million_is_refused(int quantity) =>
        Assert.Equal("quantity", Assert.Throws<InvalidFieldException>(() => Submit(quantity)).Field);

    [Fact]
    public void A_quantity_of_a_million_is_taken_and_waits_for_approval() =>
        Assert.Equal(Quantities.MaxPerLine, Submit(Quantities.MaxPerLine).Quantity);

    [Fact]
    public void Quantity_two_is_auto_approved_and_three_waits()
    {
        Assert.Equal(RequestState.Approved, Submit(quantity: 2).State);
        Assert.Equal(RequestState.Submitted, Submit(quantity: 3).State);
    }

    [Fact]
    public void The_quota_is_a_setting()
    {
        var policy = RequestPolicy.Default with { OpenRequestQuota = 1 };
        var r = PartRequest.Submit("r-1", "t-1", "s", "c", "p", 1, "7x24x4", "eng-1", null, Monday10, new EngineerStanding(1, false), policy, DeadlineClocks.Utc);
        Assert.Equal(RequestState.Submitted, r.State);
    }

    [Fact]
    public void An_overdue_faulty_part_stops_auto_approval_but_a_supervisor_may_approve()
    {
        var r = Submit(overdue: true);
        Assert.Equal(RequestState.Submitted, r.State);
        r.Approve("sup-1", Monday10);
        Assert.Equal(RequestState.Approved, r.State);
        Assert.Equal("sup-1", r.ApprovedBy);
    }

    [Fact]
    public void Nobody_approves_or_rejects_their_own_request()
    {
        var r = Submit(quantity: 3);
        Assert.Throws<NotAllowedException>(() => r.Approve("eng-1", Monday10));
        Assert.Throws<NotAllowedException>(() => r.Reject("eng-1", "no", Monday10));
        Assert.Equal(RequestState.Submitted, r.State);
    }

    [Fact]
    public void Reject_needs_a_reason()
    {
        var r = Submit(quantity: 3);
        Assert.Equal("reason", Assert.Throws<InvalidFieldException>(() => r.Reject("sup-1", " ", Monday10)).Field);
        r.Reject("sup-1", "not covered by contract", Monday10);
        Assert.Equal(RequestState.Rejected, r.State);
        Assert.Equal("not covered by contract", r.RejectionReason);
        Assert.Throws<RuleViolationException>(() => r.Approve("sup-1", Monday10));
        Assert.False(r.IsOpen);
    }

    [Fact]
    public void Approving_an_approved_request_is_refused() =>
        Assert.Throws<RuleViolationException>(() => Submit().Approve("sup-1", Monday10));

    [Fact]
    public void Approved_goes_to_backordered_then_reserved()
    {
        var r = Submit();
        Assert.Throws<RuleViolationException>(() => Submit(quantity: 3).RecordReservation(ReservationOutcome.Reserved, Monday10));
        r.RecordReservation(ReservationOutcome.Backordered, Monday10);
        Assert.Equal(RequestState.Backordered, r.State);
        Assert.Throws<RuleViolationException>(() => r.RecordReservation(ReservationOutcome.Backordered, Monday10));
        r.RecordReservation(ReservationOutcome.Reserved, Monday10);
        Assert.Equal(RequestState.Reserved, r.State);
    }

    [Fact]
    public void Shipping_moves_reserved_to_shipped()
    {
        var r = Shipped();
        Assert.Equal(RequestState.Shipped, r.State);
        Assert.Equal(["S1", "S2"], r.Shipment!.Serials);
        Assert.Equal("tape", r.Shipment.Packaging.SealedWith);
    }

    [Fact]
    public void Shipping_before_reservation_is_refused() =>
        Assert.Throws<RuleViolationException>(() => Submit().Ship(["S1"], GoodPackaging, "DHL", "T", "wh-1", Monday10));

    public static TheoryData<EsdPackaging?, string> BadPackaging => new()
    {
        { null, "packaging" },
        { new EsdPackaging(false, "tape", true, "pkg-1"), "packaging.esd_bag_sealed" },
        { new EsdPackaging(null, "tape", true, "pkg-1"), "packaging.esd_bag_sealed" },
        { new EsdPackaging(true, "staples", true, "pkg-1"), "packaging.sealed_with" },
        { new EsdPackaging(true, null, true, "pkg-1"), "packaging.sealed_with" },
        { new EsdPackaging(true, "label", false, "pkg-1"), "packaging.esd_symbol" },
        { new EsdPackaging(true, "label", true, ""), "packaging.package_id" },
    };

    [Theory]
    [MemberData(nameof(BadPackaging))]
    public void Shipping_without_the_esd_confirmation_is_refused_naming_the_field(EsdPackaging? packaging, string field)
    {
        var r = Reserved(1);
        Assert.Equal(field, Assert.Throws<InvalidFieldException>(() => r.Ship(["S1"], packaging, "DHL", "T-1", "wh-1", Monday10)).Field);
        Assert.Equal(RequestState.Reserved, r.State);
    }

    [Fact]
    public void Shipping_checks_serials_carrier_and_tracking()
    {
        var r = Reserved(2);
        Assert.Equal("serials", Assert.Throws<InvalidFieldException>(() => r.Ship(["S1"], GoodPackaging, "DHL", "T", "wh", Monday10)).Field);
        Assert.Equal("serials", Assert.Throws<InvalidFieldException>(() => r.Ship(["S1", "S1"], GoodPackaging, "DHL", "T", "wh", Monday10)).Field);
        Assert.Equal("serials", Assert.Throws<InvalidFieldException>(() => r.Ship(["S1", "S 2"], GoodPackaging, "DHL", "T", "wh", Monday10)).Field);
        Assert.Equal("serials", Assert.Throws<InvalidFieldException>(() => r.Ship(["S1", new string('x', 65)], GoodPackaging, "DHL", "T", "wh", Monday10)).Field);
        Assert.Equal("carrier", Assert.Throws<InvalidFieldException>(() => r.Ship(["S1", "S2"], GoodPackaging, "", "T", "wh", Monday10)).Field);
        Assert.Equal("tracking_no", Assert.Throws<InvalidFieldException>(() => r.Ship(["S1", "S2"], GoodPackaging, "DHL", null, "wh", Monday10)).Field);
        Assert.Equal(RequestState.Reserved, r.State);
    }

    [Fact]
    public void A_partial_delivery_stays_shipped_until_every_serial_is_signed()
    {
        var r = Shipped();
        Assert.False(r.RecordDelivery(["S1"], "eng-1", Monday10));
        Assert.Equal(RequestState.Shipped, r.State);
        Assert.Equal(["S2"], r.OutstandingSerials);
        Assert.True(r.RecordDelivery(["S2"], "eng-1", Monday10));
        Assert.Equal(RequestState.Delivered, r.State);
    }

    [Fact]
    public void A_discrepancy_accounts_for_a_missing_serial()
    {
        var r = Shipped();
        r.RecordDelivery(["S1"], "eng-1", Monday10);
        Assert.True(r.RecordDiscrepancy(["S2"], "box held one unit", "eng-1", Monday10));
        Assert.Equal(RequestState.Delivered, r.State);
        Assert.Contains("S2", r.DiscrepancySerials);
    }

    [Fact]
    public void Delivery_refuses_serials_not_shipped_signed_twice_or_another_signer()
    {
        var r = Shipped();
        Assert.Throws<RuleViolationException>(() => r.RecordDelivery(["X9"], "eng-1", Monday10));
        r.RecordDelivery(["S1"], "eng-1", Monday10);
        Assert.Contains("already signed for", Assert.Throws<RuleViolationException>(() => r.RecordDelivery(["S1"], "eng-1", Monday10)).Message);
        Assert.Throws<NotAllowedException>(() => r.RecordDelivery(["S2"], "eng-2", Monday10));
        Assert.Equal(RequestState.Shipped, r.State);
    }

    [Fact]
    public void Install_records_the_swap()
    {
        var r = Delivered();
        r.Install("eng-1", "S1", "F1", "eq-9", Monday10);
        Assert.Equal(RequestState.Installed, r.State);
        Assert.Equal("F1", r.Installation!.RemovedSerial);
    }

    [Fact]
    public void Install_of_a_serial_not_delivered_is_refused()
    {
        var r = Shipped();
        r.RecordDelivery(["S1"], "eng-1", Monday10);
        r.RecordDiscrepancy(["S2"], "missing", "eng-1", Monday10);
        Assert.Contains("was not delivered", Assert.Throws<RuleViolationException>(() => r.Install("eng-1", "S2", "F1", "eq-9", Monday10)).Message);
        Assert.Throws<RuleViolationException>(() => r.Install("eng-1", "S7", "F1", "eq-9", Monday10));
        Assert.Equal(RequestState.Delivered, r.State);
    }

    [Fact]
    public void Install_checks_the_engineer_and_fields()
    {
        var r = Delivered();
        Assert.Throws<NotAllowedException>(() => r.Install("eng-2", "S1", "F1", "eq-9", Monday10));
        Assert.Equal("removed_serial", Assert.Throws<InvalidFieldException>(() => r.Install("eng-1", "S1", null, "eq-9", Monday10)).Field);
        Assert.Equal("removed_serial", Assert.Throws<InvalidFieldException>(() => r.Install("eng-1", "S1", "S1", "eq-9", Monday10)).Field);
        Assert.Equal("equipment_id", Assert.Throws<InvalidFieldException>(() => r.Install("eng-1", "S1", "F1", "", Monday10)).Field);
        Assert.Throws<RuleViolationException>(() => Shipped().Install("eng-1", "S1", "F1", "eq-9", Monday10));
    }

    [Fact]
    public void Closed_when_the_faulty_part_return_is_inspected()
    {
        var r = Delivered();
        Assert.Throws<RuleViolationException>(() => r.CloseOnReturnInspected("ret-1", "F1", Monday10));
        r.Install("eng-1", "S1", "F1", "eq-9", Monday10);
        Assert.Throws<RuleViolationException>(() => r.CloseOnReturnInspected("ret-1", "S2", Monday10));
        r.CloseOnReturnInspected("ret-1", "F1", Monday10);
        Assert.Equal(RequestState.Closed, r.State);
        Assert.False(r.IsOpen);
        Assert.Equal(
            [RequestState.Approved, RequestState.Reserved, RequestState.Shipped, RequestState.Delivered, RequestState.Installed, RequestState.Closed],
            r.History.Select(h => h.To));
    }

    [Fact]
    public void Cancel_before_ship_says_what_to_release()
    {
        var submitted = Submit(quantity: 3);
        Assert.Equal(new Cancellation(false, false), submitted.Cancel("eng-1", false, Monday10));
        Assert.Equal(RequestState.Cancelled, submitted.State);

        var backordered = Submit();
        backordered.RecordReservation(ReservationOutcome.Backordered, Monday10);
        Assert.Equal(new Cancellation(false, true), backordered.Cancel("sup-1", true, Monday10));

        Assert.Equal(new Cancellation(true, false), Reserved().Cancel("eng-1", false, Monday10, "fixed by reboot"));
    }

    [Fact]
    public void Cancel_by_someone_else_is_refused() =>
        Assert.Throws<NotAllowedException>(() => Submit().Cancel("eng-2", false, Monday10));

    [Fact]
    public void Cancel_after_ship_is_refused()
    {
        var r = Shipped();
        var ex = Assert.Throws<RuleViolationException>(() => r.Cancel("sup-1", true, Monday10));
        Assert.Contains("request r-17 is Shipped", ex.Message);
        Assert.Equal(RequestState.Shipped, r.State);
        var rejected = Submit(quantity: 3);
        rejected.Reject("sup-1", "no", Monday10);
        Assert.Throws<RuleViolationException>(() => rejected.Cancel("eng-1", false, Monday10));
    }

    [Fact]
    public void Submit_checks_fields()
    {
        Assert.Equal("quantity", Assert.Throws<InvalidFieldException>(() => Submit(quantity: 0)).Field);
        Assert.Equal("service_level", Assert.Throws<InvalidFieldException>(() => Submit(level: "24x7")).Field);
    }

    [Theory]
    // 7x24x4: any time
    [InlineData("7x24x4", "2025-03-08T22:00:00Z", "2025-03-08T23:00:00Z", "2025-03-09T02:00:00Z")]
    // 5x9x4: inside business hours; Friday 17:00 rolls to Monday; Saturday starts Monday 9:00; before 9 starts at 9
    [InlineData("5x9x4", "2025-03-03T10:00:00Z", "2025-03-03T11:00:00Z", "2025-03-03T14:00:00Z")]
    [InlineData("5x9x4", "2025-03-07T17:00:00Z", "2025-03-07T18:00:00Z", "2025-03-10T12:00:00Z")]
    [InlineData("5x9x4", "2025-03-08T12:00:00Z", "2025-03-10T10:00:00Z", "2025-03-10T13:00:00Z")]
    [InlineData("5x9x4", "2025-03-03T07:00:00Z", "2025-03-03T10:00:00Z", "2025-03-03T13:00:00Z")]
    // 7x9xND: next calendar day 18:00, ship 12h before
    [InlineData("7x9xND", "2025-03-07T23:00:00Z", "2025-03-08T06:00:00Z", "2025-03-08T18:00:00Z")]
    // 5x9xNBD: next business day 18:00
    [InlineData("5x9xNBD", "2025-03-03T10:00:00Z", "2025-03-04T06:00:00Z", "2025-03-04T18:00:00Z")]
    [InlineData("5x9xNBD", "2025-03-07T10:00:00Z", "2025-03-10T06:00:00Z", "2025-03-10T18:00:00Z")]
    [InlineData("5x9xNBD", "2025-03-09T10:00:00Z", "2025-03-10T06:00:00Z", "2025-03-10T18:00:00Z")]
    public void Service_levels_give_ship_by_and_deliver_by(string level, string submitted, string shipBy, string deliverBy)
    {
        var r = Submit(level: level, at: DateTimeOffset.Parse(submitted));
        Assert.Equal(DateTimeOffset.Parse(shipBy), r.ShipBy);
        Assert.Equal(DateTimeOffset.Parse(deliverBy), r.DeliverBy);
    }

    [Fact]
    public void A_request_not_shipped_by_ship_by_is_late()
    {
        var r = Reserved();
        Assert.False(r.IsLate(Monday10.AddMinutes(30)));
        Assert.True(r.IsLate(Monday10.AddHours(2)));
    }
}

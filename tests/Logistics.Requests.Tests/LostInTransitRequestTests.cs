using Logistics.Requests.Domain;
using Logistics.SharedKernel;

namespace Logistics.Requests.Tests;

/// <summary>A shipment written off as lost in transit ends its request; the engineer asks again (docs/lost-in-transit.md).</summary>
public sealed class LostInTransitRequestTests
{
    private static readonly DateTimeOffset Monday10 = new(2025, 3, 3, 10, 0, 0, TimeSpan.Zero);

    private static PartRequest Submit(string id = "r-1", string ticket = "t-1", string site = "site-1", string centre = "c-1", string part = "02312345",
        string engineer = "eng-1", PartRequest? replaces = null, DateTimeOffset? at = null) =>
        PartRequest.Submit(id, ticket, site, centre, part, 1, "7x24x4", engineer, "F1", at ?? Monday10, new EngineerStanding(0, false),
            RequestPolicy.Default, DeadlineClocks.Utc, replaces);

    private static PartRequest Shipped()
    {
        var r = Submit();
        r.RecordReservation(ReservationOutcome.Reserved, Monday10);
        r.Ship(["S1"], new EsdPackaging(true, "tape", true, "pkg-1"), "DHL", "TRK-1", "wh-1", Monday10.AddHours(1));
        return r;
    }

    private static PartRequest Lost()
    {
        var r = Shipped();
        r.RecordLostInTransit("TI-r-1", ["S1"], "sup-2", Monday10.AddDays(3));
        return r;
    }

    [Fact]
    public void A_shipped_request_written_off_is_lost_in_transit_final_and_no_longer_open()
    {
        var r = Lost();
        Assert.Equal(RequestState.LostInTransit, r.State);
        Assert.Equal("TI-r-1", r.LostInTransitInvestigationId);
        Assert.False(r.IsOpen);
        Assert.False(r.IsLate(Monday10.AddDays(10)));
        var last = r.History[^1];
        Assert.Equal((RequestState.Shipped, RequestState.LostInTransit, "sup-2", "TI-r-1"), (last.From, last.To, last.By, last.Note));
        Assert.Throws<RuleViolationException>(() => r.RecordDelivery(["S1"], "eng-1", Monday10.AddDays(4)));
        Assert.Throws<RuleViolationException>(() => r.Cancel("eng-1", false, Monday10.AddDays(4)));
        Assert.Throws<RuleViolationException>(() => r.RecordLostInTransit("TI-r-1", ["S1"], "sup-2", Monday10.AddDays(4)));
    }

    private static PartRequest ShippedTwo()
    {
        var r = PartRequest.Submit("r-2", "t-1", "site-1", "c-1", "02312345", 2, "7x24x4", "eng-1", "F1", Monday10, new EngineerStanding(0, false),
            RequestPolicy.Default, DeadlineClocks.Utc);
        r.RecordReservation(ReservationOutcome.Reserved, Monday10);
        r.Ship(["S1", "S2"], new EsdPackaging(true, "tape", true, "pkg-1"), "DHL", "TRK-1", "wh-1", Monday10.AddHours(1));
        return r;
    }

    [Fact]
    public void A_request_whose_every_serial_was_reported_missing_stays_shipped_until_they_are_written_off_or_turn_up()
    {
        var lost = Shipped();
        Assert.False(lost.RecordDiscrepancy(["S1"], "reported missing on receipt RC-1", "eng-1", Monday10.AddHours(5)));
        Assert.Equal(RequestState.Shipped, lost.State); // the engineer has no part: not Delivered
        Assert.True(lost.IsLate(Monday10.AddDays(1)));
        Assert.True(lost.RecordLostInTransit("TI-r-1", ["S1"], "sup-2", Monday10.AddDays(3)));
        Assert.Equal((RequestState.LostInTransit, "TI-r-1"), (lost.State, lost.LostInTransitInvestigationId));

        var found = Shipped();
        found.RecordDiscrepancy(["S1"], "reported missing on receipt RC-1", "eng-1", Monday10.AddHours(5));
        Assert.True(found.RecordDelivery(["S1"], "eng-1", Monday10.AddHours(30))); // it turned up after all
        Assert.Equal((RequestState.Delivered, "S1", 0), (found.State, string.Join(" ", found.DeliveredSerials), found.DiscrepancySerials.Count));
    }

    [Fact]
    public void A_write_off_of_part_of_a_shipment_ends_the_same_whether_the_rest_was_signed_for_before_or_after()
    {
        var signedFirst = ShippedTwo();
        signedFirst.RecordDelivery(["S1"], "eng-1", Monday10.AddHours(5));
        Assert.True(signedFirst.RecordLostInTransit("TI-r-2", ["S2"], "sup-2", Monday10.AddDays(3)));

        var lostFirst = ShippedTwo();
        Assert.True(lostFirst.RecordLostInTransit("TI-r-2", ["S2"], "sup-2", Monday10.AddDays(3)));
        Assert.Equal(RequestState.Shipped, lostFirst.State); // S1 is still on its way
        lostFirst.RecordDelivery(["S1"], "eng-1", Monday10.AddDays(3).AddHours(1));

        foreach (var r in new[] { signedFirst, lostFirst })
        {
            Assert.Equal(RequestState.Delivered, r.State);
            Assert.Equal(("S1", "S2"), (string.Join(" ", r.DeliveredSerials), string.Join(" ", r.DiscrepancySerials)));
            Assert.Null(r.LostInTransitInvestigationId);
        }
        // A Delivered request that had something signed for does not change again.
        Assert.False(signedFirst.RecordLostInTransit("TI-r-2", ["S2"], "sup-2", Monday10.AddDays(4)));
    }

    [Fact]
    public void Only_a_shipped_request_can_be_lost_in_transit()
    {
        var approved = Submit();
        Assert.Throws<RuleViolationException>(() => approved.RecordLostInTransit("TI-r-1", ["S1"], "sup-2", Monday10));
        Assert.Equal(RequestState.Approved, approved.State);
        Assert.Equal("investigation_id", Assert.Throws<InvalidFieldException>(() => Shipped().RecordLostInTransit(" ", ["S1"], "sup-2", Monday10)).Field);
        Assert.Equal("serials", Assert.Throws<InvalidFieldException>(() => Shipped().RecordLostInTransit("TI-r-1", ["S9"], "sup-2", Monday10)).Field);
    }

    [Fact]
    public void The_snapshot_keeps_the_loss_and_the_replaced_request()
    {
        var lost = Lost();
        var back = PartRequest.Restore(lost.ToSnapshot());
        Assert.Equal(RequestState.LostInTransit, back.State);
        Assert.Equal("TI-r-1", back.LostInTransitInvestigationId);
        var again = Submit("r-2", replaces: lost, at: Monday10.AddDays(3));
        Assert.Equal("r-1", PartRequest.Restore(again.ToSnapshot()).ReplacesRequestId);
    }

    [Fact]
    public void A_replacement_asks_again_for_the_same_ticket_site_centre_and_part_as_a_new_request()
    {
        var again = Submit("r-2", replaces: Lost(), at: Monday10.AddDays(3));
        Assert.Equal("r-1", again.ReplacesRequestId);
        Assert.Equal(RequestState.Approved, again.State);
        Assert.Equal(Monday10.AddDays(3).AddHours(4), again.DeliverBy); // its own deadlines, from now
    }

    [Theory]
    [InlineData("ticket_id")]
    [InlineData("site_id")]
    [InlineData("centre_id")]
    [InlineData("part_number")]
    public void A_replacement_for_something_else_is_refused_naming_the_field(string field)
    {
        var lost = Lost();
        var e = Assert.Throws<InvalidFieldException>(() => Submit("r-2",
            ticket: field == "ticket_id" ? "t-9" : "t-1", site: field == "site_id" ? "site-9" : "site-1",
            centre: field == "centre_id" ? "c-9" : "c-1", part: field == "part_number" ? "09999999" : "02312345", replaces: lost));
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void Only_a_request_lost_in_transit_and_only_by_its_engineer_can_be_replaced()
    {
        Assert.Equal("replaces_request_id", Assert.Throws<InvalidFieldException>(() => Submit("r-2", replaces: Shipped())).Field);
        Assert.Throws<NotAllowedException>(() => Submit("r-2", engineer: "eng-2", replaces: Lost()));
    }
}

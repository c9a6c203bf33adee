using Logistics.Requests.Domain;
using Logistics.SharedKernel;

namespace Logistics.Requests.Tests;

public sealed class DoaReplacementTests
{
    private static readonly DateTimeOffset Approved = new(2025, 3, 8, 22, 0, 0, TimeSpan.Zero); // a Saturday night

    private static PartRequest Replacement(string claim = "CL-1", string approver = "dm-1", string? deadSerial = "S9") =>
        PartRequest.ForDoaReplacement("doa-" + claim, claim, "t-1", "site-1", "c-1", "02312345", "eng-1", deadSerial, approver, Approved, RequestPolicy.Default);

    [Fact]
    public void The_replacement_is_one_unit_at_7x24x4_approved_by_the_claims_approver()
    {
        var r = Replacement();
        Assert.Equal("doa-CL-1", r.RequestId);
        Assert.Equal("CL-1", r.DoaClaimId);
        Assert.Equal(RequestState.Approved, r.State);
        Assert.False(r.AutoApproved);
        Assert.Equal("dm-1", r.ApprovedBy);
        Assert.Equal(1, r.Quantity);
        Assert.Equal(ServiceLevel.FourHoursAnyTime, r.ServiceLevel);
        Assert.Equal("eng-1", r.EngineerId);
        Assert.Equal("S9", r.FaultySerial);
        Assert.Equal(Approved, r.SubmittedAt);
        // 7x24x4 counts every hour, the weekend too.
        Assert.Equal(Approved.AddHours(1), r.ShipBy);
        Assert.Equal(Approved.AddHours(4), r.DeliverBy);
        var step = Assert.Single(r.History);
        Assert.Equal((RequestState.Submitted, RequestState.Approved, "dm-1"), (step.From, step.To, step.By));
        Assert.Contains("CL-1", step.Note);
    }

    [Fact]
    public void The_replacement_ships_and_is_delivered_like_any_request()
    {
        var r = Replacement();
        r.RecordReservation(ReservationOutcome.Reserved, Approved);
        r.Ship(["S10"], new EsdPackaging(true, "label", true, "PKG-9"), "DHL", "T-9", "wh-1", Approved.AddMinutes(30));
        Assert.True(r.RecordDelivery(["S10"], "eng-1", Approved.AddHours(3)));
        Assert.Equal(RequestState.Delivered, r.State);
    }

    [Fact]
    public void The_dead_serial_is_optional()
    {
        Assert.Null(Replacement(deadSerial: "").FaultySerial);
    }

    [Theory]
    [InlineData("", "dm-1", "doa_claim_id")]
    [InlineData("CL 1", "dm-1", "doa_claim_id")]
    [InlineData("CL-1", " ", "approved_by")]
    public void The_replacement_checks_its_fields(string claim, string approver, string field)
    {
        var e = Assert.Throws<InvalidFieldException>(() =>
            PartRequest.ForDoaReplacement("doa-x", claim, "t-1", "site-1", "c-1", "02312345", "eng-1", null, approver, Approved, RequestPolicy.Default));
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void A_malformed_dead_serial_is_refused()
    {
        var e = Assert.Throws<InvalidFieldException>(() => Replacement(deadSerial: "S 9"));
        Assert.Equal("serial", e.Field);
    }
}

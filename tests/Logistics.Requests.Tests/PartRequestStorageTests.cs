using Logistics.Requests.Data;
using Logistics.Requests.Domain;
using Logistics.SharedKernel;

namespace Logistics.Requests.Tests;

/// <summary>A request survives being stored: snapshot → restore (and through the jsonb document) gives the same request, which keeps working.</summary>
public sealed class PartRequestStorageTests
{
    private static readonly DateTimeOffset Monday10 = new(2025, 3, 3, 10, 0, 0, TimeSpan.Zero);
    private static readonly EsdPackaging GoodPackaging = new(true, "tape", true, "pkg-1");

    private static PartRequest Submitted(int quantity = 2) =>
        PartRequest.Submit("PR-0123456789abcdef", "t-1", "site-1", "c-1", "02312345", quantity, "5x9x4", "eng-1", "F1", Monday10,
            new EngineerStanding(0, false), RequestPolicy.Default, DeadlineClocks.Utc);

    private static PartRequest ShippedWithOneSigned()
    {
        var r = Submitted();
        r.RecordReservation(ReservationOutcome.Reserved, Monday10.AddMinutes(1));
        r.Ship(["S1", "S2"], GoodPackaging, "DHL", "TRK-1", "wh-1", Monday10.AddMinutes(20));
        r.RecordDelivery(["S1"], "eng-1", Monday10.AddHours(2));
        return r;
    }

    private static PartRequest Closed()
    {
        var r = ShippedWithOneSigned();
        r.RecordDiscrepancy(["S2"], "reported missing on receipt RC-1", "eng-1", Monday10.AddHours(3));
        r.Install("eng-1", "S1", "F1", "EQ-1", Monday10.AddHours(4));
        r.CloseOnReturnInspected("RT-1", "F1", Monday10.AddDays(3));
        return r;
    }

    public static TheoryData<string> Stages => ["submitted", "rejected", "shipped", "closed", "doa"];

    private static PartRequest At(string stage)
    {
        switch (stage)
        {
            case "submitted": return Submitted(quantity: 3);
            case "rejected":
                var rejected = Submitted(quantity: 3);
                rejected.Reject("sup-1", "not needed", Monday10.AddMinutes(5));
                return rejected;
            case "shipped": return ShippedWithOneSigned();
            case "closed": return Closed();
            default:
                return PartRequest.ForDoaReplacement("doa-CL-1", "CL-1", "t-1", "site-1", "c-1", "02312345", "eng-1", "S9", "dm-1", Monday10, RequestPolicy.Default);
        }
    }

    [Theory]
    [MemberData(nameof(Stages))]
    public void Restore_gives_back_the_snapshot(string stage)
    {
        var original = At(stage);
        var restored = PartRequest.Restore(original.ToSnapshot());
        Assert.Equal(PartRequestDocument.Write(original), PartRequestDocument.Write(restored));
        Assert.Equal(original.State, restored.State);
        Assert.Equal(original.History, restored.History);
        Assert.Equal(original.ShipBy, restored.ShipBy);
        Assert.Equal(original.DoaClaimId, restored.DoaClaimId);
        Assert.Equal(original.ApprovalHolds, restored.ApprovalHolds);
    }

    [Theory]
    [MemberData(nameof(Stages))]
    public void The_document_round_trips(string stage)
    {
        var original = At(stage);
        var document = PartRequestDocument.Write(original);
        var read = PartRequestDocument.Read(document);
        Assert.Equal(document, PartRequestDocument.Write(read));
        Assert.Equal(original.OutstandingSerials, read.OutstandingSerials);
        Assert.Equal(original.Shipment?.Serials, read.Shipment?.Serials);
        Assert.Equal(original.Shipment?.Packaging, read.Shipment?.Packaging);
        Assert.Equal(original.Installation, read.Installation);
        Assert.Equal(original.ApprovalHolds, read.ApprovalHolds);
        Assert.Equal(original.IsLate(Monday10.AddDays(1)), read.IsLate(Monday10.AddDays(1)));
    }

    [Fact]
    public void A_document_stored_before_approval_holds_were_kept_reads_with_none_and_keeps_its_english()
    {
        var waiting = Submitted(quantity: 3);
        Assert.NotEmpty(waiting.ApprovalHolds);
        var document = System.Text.Json.Nodes.JsonNode.Parse(PartRequestDocument.Write(waiting))!.AsObject();
        Assert.True(document.Remove("approvalHolds"));
        var read = PartRequestDocument.Read(document.ToJsonString());
        Assert.Empty(read.ApprovalHolds);
        Assert.Equal("quantity 3 is above 2 per line", read.AwaitingApprovalBecause);
    }

    [Fact]
    public void The_document_names_states_as_text()
    {
        var document = PartRequestDocument.Write(ShippedWithOneSigned());
        Assert.Contains("\"state\":\"Shipped\"", document);
        Assert.Contains("\"serviceLevel\":\"5x9x4\"", document);
    }

    [Fact]
    public void A_restored_request_keeps_working()
    {
        var r = PartRequestDocument.Read(PartRequestDocument.Write(ShippedWithOneSigned()));
        Assert.Throws<RuleViolationException>(() => r.RecordDelivery(["S1"], "eng-1", Monday10.AddHours(3)));
        Assert.True(r.RecordDelivery(["S2"], "eng-1", Monday10.AddHours(3)));
        Assert.Equal(RequestState.Delivered, r.State);
        Assert.Equal(Monday10.AddHours(3), r.DeliveredAt);
    }

    [Fact]
    public void Delivered_at_is_when_the_last_serial_was_accounted_for()
    {
        var r = ShippedWithOneSigned();
        Assert.Null(r.DeliveredAt);
        r.RecordDiscrepancy(["S2"], "missing", "eng-1", Monday10.AddHours(5));
        Assert.Equal(Monday10.AddHours(5), r.DeliveredAt);
    }

    [Fact]
    public void A_reservation_answer_applies_only_while_awaited()
    {
        var r = Submitted();
        Assert.True(r.AwaitsReservation(ReservationOutcome.Reserved));
        Assert.True(r.AwaitsReservation(ReservationOutcome.Backordered));
        r.RecordReservation(ReservationOutcome.Backordered, Monday10);
        Assert.True(r.AwaitsReservation(ReservationOutcome.Reserved));
        Assert.False(r.AwaitsReservation(ReservationOutcome.Backordered));
        r.RecordReservation(ReservationOutcome.Reserved, Monday10);
        Assert.False(r.AwaitsReservation(ReservationOutcome.Reserved));
        Assert.False(r.AwaitsReservation(ReservationOutcome.Backordered)); // a late "backordered" after "reserved"

        var waiting = Submitted(quantity: 3);
        Assert.False(waiting.AwaitsReservation(ReservationOutcome.Reserved)); // not approved yet
        var cancelled = Submitted();
        cancelled.Cancel("eng-1", false, Monday10);
        Assert.False(cancelled.AwaitsReservation(ReservationOutcome.Reserved));
    }

    [Fact]
    public void Only_the_removed_serial_of_an_installed_request_is_awaited_back()
    {
        var r = ShippedWithOneSigned();
        Assert.False(r.AwaitsReturnOf("F1"));
        r.RecordDiscrepancy(["S2"], "missing", "eng-1", Monday10.AddHours(3));
        r.Install("eng-1", "S1", "F1", "EQ-1", Monday10.AddHours(4));
        Assert.True(r.AwaitsReturnOf("F1"));
        Assert.False(r.AwaitsReturnOf("S1"));
        r.CloseOnReturnInspected("RT-1", "F1", Monday10.AddDays(1));
        Assert.False(r.AwaitsReturnOf("F1"));
    }

    [Fact]
    public void A_page_token_round_trips()
    {
        var at = new DateTimeOffset(2025, 3, 3, 10, 0, 0, 123, 456, TimeSpan.Zero);
        var token = PartRequestStore.PageToken.Write(at, "PR-0123456789abcdef");
        Assert.Equal((at, "PR-0123456789abcdef"), PartRequestStore.PageToken.Read(token));
        Assert.Null(PartRequestStore.PageToken.Read(""));
    }

    [Theory]
    [InlineData("not a token")]
    [InlineData("MTIz")] // "123": no id
    [InlineData("eHx5")] // "x|y": no time
    public void A_page_token_not_given_by_the_api_is_refused_naming_the_field(string token)
    {
        var e = Assert.Throws<InvalidFieldException>(() => PartRequestStore.PageToken.Read(token));
        Assert.Equal("page_token", e.Field);
    }
}

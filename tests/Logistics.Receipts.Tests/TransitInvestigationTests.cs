using Logistics.Receipts.Domain;
using Logistics.SharedKernel;

namespace Logistics.Receipts.Tests;

/// <summary>The rules of a lost-in-transit investigation, in plain C#: when one opens and for which units, found (partly or wholly), proposed, written off, and the refusals.</summary>
public sealed class TransitInvestigationTests
{
    private static readonly DateTimeOffset DeliverBy = new(2026, 3, 3, 18, 0, 0, TimeSpan.Zero);
    private static readonly TransitPolicy Policy = TransitPolicy.Default;
    private static readonly DateTimeOffset Late = DeliverBy + Policy.GracePeriod + TimeSpan.FromMinutes(1);

    private static Shipment ToEngineer(DateTimeOffset? deliverBy) =>
        Shipment.OfPartRequest("PR-1", "eng-1", "C1", "P-100", "SITE-9", ["S1", "S2"], 2, "wh-7", "", DeliverBy.AddHours(-8), deliverBy);

    private static readonly OutstandingUnits Both = OutstandingUnits.OfSerials(["S1", "S2"], []);

    private static TransitInvestigation Opened() => TransitInvestigation.Open(ToEngineer(DeliverBy), Both, Late, Policy);

    [Fact]
    public void The_default_grace_period_is_two_days_after_deliver_by()
    {
        Assert.Equal(TimeSpan.FromDays(2), TransitPolicy.Default.GracePeriod);
        Assert.False(TransitInvestigation.IsOverdue(ToEngineer(DeliverBy), Both, DeliverBy + TimeSpan.FromDays(2), Policy));
        Assert.True(TransitInvestigation.IsOverdue(ToEngineer(DeliverBy), Both, DeliverBy + TimeSpan.FromDays(2) + TimeSpan.FromTicks(10), Policy));
    }

    [Fact]
    public void A_shipment_to_an_engineer_with_a_deliver_by_and_units_outstanding_is_overdue()
    {
        Assert.False(TransitInvestigation.IsOverdue(ToEngineer(DeliverBy), OutstandingUnits.OfSerials(["S1", "S2"], ["S2", "S1"]), Late, Policy));
        Assert.True(TransitInvestigation.IsOverdue(ToEngineer(DeliverBy), OutstandingUnits.OfSerials(["S1", "S2"], ["S1"]), Late, Policy));
        Assert.False(TransitInvestigation.IsOverdue(ToEngineer(null), Both, Late, Policy));
        Assert.False(TransitInvestigation.IsWatched(ToEngineer(null)));
        var faultyReturn = Shipment.OfReturn("RT-1", "eng-1", "C1", "P-100", "SITE-9", "S9", "", DeliverBy.AddDays(-1)) with { DeliverBy = DeliverBy };
        Assert.False(TransitInvestigation.IsOverdue(faultyReturn, OutstandingUnits.OfSerials(["S9"], []), Late, Policy));
        Assert.False(TransitInvestigation.IsWatched(faultyReturn));
        var refused = Assert.Throws<RuleViolationException>(() => TransitInvestigation.Open(ToEngineer(DeliverBy), Both, DeliverBy.AddHours(1), Policy));
        Assert.Contains("not overdue", refused.Message);
    }

    [Fact]
    public void An_investigation_covers_only_the_units_outstanding_when_it_opens()
    {
        var rest = TransitInvestigation.Open(ToEngineer(DeliverBy), OutstandingUnits.OfSerials(["S1", "S2"], ["S1"]), Late, Policy);
        Assert.Equal(("S2", 1), (string.Join(" ", rest.Units.Serials), rest.Units.Quantity));

        var transfer = Shipment.OfTransfer("TR-1", "C1", "C2", "P-200", 10, "wh-1", DeliverBy.AddDays(-3), TimeSpan.FromDays(3));
        var missing = TransitInvestigation.Open(transfer, OutstandingUnits.OfQuantity(4), Late, Policy);
        Assert.Equal((0, 4), (missing.Units.Serials.Count, missing.Units.Quantity));
    }

    [Fact]
    public void Units_signed_for_late_leave_it_and_the_last_of_them_closes_it_as_found()
    {
        var i = Opened();
        Assert.False(i.Arrived("RC-0", Both, Late)); // a receipt that signs none of them (a report of them missing) changes nothing
        Assert.True(i.Arrived("RC-1", OutstandingUnits.OfSerials(["S1", "S2"], ["S1"]), Late.AddHours(1)));
        Assert.Equal((InvestigationState.Open, "S2", (string?)null), (i.State, string.Join(" ", i.Units.Serials), i.FoundReceiptId));
        Assert.True(i.Arrived("RC-2", OutstandingUnits.None, Late.AddHours(2)));
        Assert.Equal((InvestigationState.Found, "RC-2", Late.AddHours(2)), (i.State, i.FoundReceiptId, i.ClosedAt));
        Assert.False(i.Arrived("RC-3", OutstandingUnits.None, Late.AddHours(3)));

        var transfer = Shipment.OfTransfer("TR-1", "C1", "C2", "P-200", 10, "wh-1", DeliverBy.AddDays(-3), TimeSpan.FromDays(3));
        var counted = TransitInvestigation.Open(transfer, OutstandingUnits.OfQuantity(4), Late, Policy);
        Assert.False(counted.Arrived("transfer-TR-1:Received", OutstandingUnits.OfQuantity(6), Late)); // an older, higher count
        Assert.True(counted.Arrived("transfer-TR-1:Received", OutstandingUnits.OfQuantity(1), Late));
        Assert.Equal((InvestigationState.Open, 1), (counted.State, counted.Units.Quantity));
    }

    [Fact]
    public void An_investigation_opens_once_per_shipment_with_the_shipments_facts()
    {
        var opened = Opened();
        Assert.Equal("TI-PR-1", opened.InvestigationId);
        Assert.Equal(InvestigationState.Open, opened.State);
        Assert.Equal(DeliverBy, opened.DeliverBy);
        Assert.Equal(Late, opened.OpenedAt);
        Assert.True(opened.IsOpen);
    }

    [Fact]
    public void Signed_for_late_closes_it_as_found_even_after_a_proposed_loss()
    {
        var open = Opened();
        open.Arrived("RC-1", OutstandingUnits.None, Late.AddHours(1));
        Assert.Equal((InvestigationState.Found, "RC-1", Late.AddHours(1)), (open.State, open.FoundReceiptId, open.ClosedAt));

        var proposed = Opened();
        proposed.ProposeLoss("dm-1", "CLM-7", "", Late, Policy);
        proposed.Arrived("RC-2", OutstandingUnits.None, Late.AddHours(2));
        Assert.Equal(InvestigationState.Found, proposed.State);
        Assert.False(proposed.IsOpen);
    }

    [Fact]
    public void A_loss_is_proposed_with_a_carrier_claim_and_written_off_by_another_supervisor()
    {
        var i = Opened();
        i.ProposeLoss("dm-1", "  CLM-7 ", "never scanned after the hub", Late.AddHours(1), Policy);
        Assert.Equal((InvestigationState.LossProposed, "CLM-7", "dm-1"), (i.State, i.CarrierClaimReference, i.ProposedBy));
        i.ApproveWriteOff("sup-2", Late.AddHours(2));
        Assert.Equal((InvestigationState.WrittenOff, "sup-2", Late.AddHours(2)), (i.State, i.ApprovedBy, i.ApprovedAt));
        Assert.False(i.IsOpen);
        var signing = Assert.Throws<RuleViolationException>(i.RequireNotWrittenOff);
        Assert.Contains("written off as lost", signing.Message);
    }

    [Fact]
    public void Refusals_name_the_problem_and_change_nothing()
    {
        var i = Opened();
        Assert.Equal("carrier_claim_reference", Assert.Throws<InvalidFieldException>(() => i.ProposeLoss("dm-1", " ", "", Late, Policy)).Field);
        Assert.Equal("carrier_claim_reference", Assert.Throws<InvalidFieldException>(() => i.ProposeLoss("dm-1", new string('x', 65), "", Late, Policy)).Field);
        Assert.Equal("note", Assert.Throws<InvalidFieldException>(() => i.ProposeLoss("dm-1", "CLM-1", new string('x', 1001), Late, Policy)).Field);
        Assert.Throws<RuleViolationException>(() => i.ApproveWriteOff("sup-2", Late));
        Assert.Equal(InvestigationState.Open, i.State);
        Assert.Null(i.CarrierClaimReference);

        i.ProposeLoss("sup-1", "CLM-1", "", Late, Policy);
        var self = Assert.Throws<NotAllowedException>(() => i.ApproveWriteOff("sup-1", Late.AddHours(1)));
        Assert.Contains("another supervisor", self.Message);
        Assert.Throws<RuleViolationException>(() => i.ProposeLoss("dm-2", "CLM-2", "", Late, Policy));
        Assert.Equal((InvestigationState.LossProposed, "CLM-1", "sup-1", (string?)null), (i.State, i.CarrierClaimReference, i.ProposedBy, i.ApprovedBy));

        var found = Opened();
        found.Arrived("RC-1", OutstandingUnits.None, Late);
        Assert.Throws<RuleViolationException>(() => found.ProposeLoss("dm-1", "CLM-1", "", Late, Policy));
        Assert.Equal(InvestigationState.Found, found.State);
    }
}

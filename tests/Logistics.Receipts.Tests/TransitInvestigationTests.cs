using Logistics.Receipts.Domain;
using Logistics.SharedKernel;

namespace Logistics.Receipts.Tests;

/// <summary>The rules of a lost-in-transit investigation, in plain C#: when one opens, found, proposed, written off, and the refusals.</summary>
public sealed class TransitInvestigationTests
{
    private static readonly DateTimeOffset DeliverBy = new(2026, 3, 3, 18, 0, 0, TimeSpan.Zero);
    private static readonly TransitPolicy Policy = TransitPolicy.Default;
    private static readonly DateTimeOffset Late = DeliverBy + Policy.GracePeriod + TimeSpan.FromMinutes(1);

    private static Shipment ToEngineer(DateTimeOffset? deliverBy) =>
        Shipment.OfPartRequest("PR-1", "eng-1", "C1", "P-100", "SITE-9", ["S1", "S2"], 2, "wh-7", "", DeliverBy.AddHours(-8), deliverBy);

    private static TransitInvestigation Opened() => TransitInvestigation.Open(ToEngineer(DeliverBy), false, Late, Policy);

    [Fact]
    public void The_default_grace_period_is_two_days_after_deliver_by()
    {
        Assert.Equal(TimeSpan.FromDays(2), TransitPolicy.Default.GracePeriod);
        Assert.False(TransitInvestigation.IsOverdue(ToEngineer(DeliverBy), false, DeliverBy + TimeSpan.FromDays(2), Policy));
        Assert.True(TransitInvestigation.IsOverdue(ToEngineer(DeliverBy), false, DeliverBy + TimeSpan.FromDays(2) + TimeSpan.FromTicks(10), Policy));
    }

    [Fact]
    public void Only_an_unsigned_shipment_to_an_engineer_with_a_deliver_by_is_overdue()
    {
        Assert.False(TransitInvestigation.IsOverdue(ToEngineer(DeliverBy), anythingSigned: true, Late, Policy));
        Assert.False(TransitInvestigation.IsOverdue(ToEngineer(null), false, Late, Policy));
        var faultyReturn = Shipment.OfReturn("RT-1", "eng-1", "C1", "P-100", "SITE-9", "S9", "", DeliverBy.AddDays(-1)) with { DeliverBy = DeliverBy };
        Assert.False(TransitInvestigation.IsOverdue(faultyReturn, false, Late, Policy));
        var refused = Assert.Throws<RuleViolationException>(() => TransitInvestigation.Open(ToEngineer(DeliverBy), false, DeliverBy.AddHours(1), Policy));
        Assert.Contains("not overdue", refused.Message);
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
        open.Found("RC-1", Late.AddHours(1));
        Assert.Equal((InvestigationState.Found, "RC-1", Late.AddHours(1)), (open.State, open.FoundReceiptId, open.ClosedAt));

        var proposed = Opened();
        proposed.ProposeLoss("dm-1", "CLM-7", "", Late, Policy);
        proposed.Found("RC-2", Late.AddHours(2));
        Assert.Equal(InvestigationState.Found, proposed.State);
        Assert.False(proposed.IsOpen);
        Assert.Throws<RuleViolationException>(() => proposed.Found("RC-3", Late.AddHours(3)));
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
        found.Found("RC-1", Late);
        Assert.Throws<RuleViolationException>(() => found.ProposeLoss("dm-1", "CLM-1", "", Late, Policy));
        Assert.Equal(InvestigationState.Found, found.State);
    }
}

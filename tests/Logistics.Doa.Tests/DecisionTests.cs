using Logistics.Doa.Domain;
using Logistics.SharedKernel;
using static Logistics.Doa.Tests.DoaTestKit;

namespace Logistics.Doa.Tests;

/// <summary>The decision: a delivery manager who is not the filer (invariant 7).</summary>
public sealed class DecisionTests
{
    [Fact]
    public void Another_delivery_manager_approves_and_the_replacement_request_is_named()
    {
        var claim = File();
        var at = Delivered.AddHours(3);
        var transitions = claim.Approve("dm-2", at);
        Assert.Equal(DoaClaimState.Approved, claim.State);
        Assert.Equal(("dm-2", at), (claim.DecidedBy, claim.DecidedAt));
        Assert.Equal("doa-DOA-1", claim.ReplacementRequestId);
        var approved = Assert.Single(transitions);
        Assert.Equal((DoaClaimState.Filed, DoaClaimState.Approved, "approved", "dm-2", at), (approved.From, approved.To, approved.Step, approved.By, approved.At));
    }

    [Fact]
    public void The_filer_cannot_approve_their_own_claim()
    {
        var claim = File();
        var e = Assert.Throws<NotAllowedException>(() => claim.Approve("dm-1", Delivered.AddHours(3)));
        Assert.Equal("dm-1 filed claim DOA-1 and cannot approve it; another delivery manager decides", e.Message);
        Assert.Equal(DoaClaimState.Filed, claim.State);
        Assert.Null(claim.DecidedBy);
    }

    [Fact]
    public void The_filer_cannot_reject_their_own_claim_either()
    {
        var claim = File();
        Assert.Throws<NotAllowedException>(() => claim.Reject("dm-1", "changed my mind", Delivered.AddHours(3), Policy));
        Assert.Equal(DoaClaimState.Filed, claim.State);
    }

    [Fact]
    public void An_engineer_filer_is_not_the_approver()
    {
        var claim = File(filer: Engineer);
        claim.Approve("dm-1", Delivered.AddHours(3));
        Assert.Equal(DoaClaimState.Approved, claim.State);
    }

    [Fact]
    public void A_rejection_needs_a_reason()
    {
        var claim = File();
        Assert.Equal("reason", Assert.Throws<InvalidFieldException>(() => claim.Reject("dm-2", " ", Delivered.AddHours(3), Policy)).Field);
        Assert.Equal(DoaClaimState.Filed, claim.State);
    }

    [Fact]
    public void A_rejected_claim_keeps_who_why_and_when()
    {
        var claim = File();
        var at = Delivered.AddHours(3);
        var t = Assert.Single(claim.Reject("dm-2", "unit works on retest", at, Policy));
        Assert.Equal(DoaClaimState.Rejected, claim.State);
        Assert.Equal(("dm-2", at, "unit works on retest"), (claim.DecidedBy, claim.DecidedAt, claim.RejectionReason));
        Assert.Equal(("rejected", "unit works on retest"), (t.Step, t.Note));
        Assert.Null(claim.ReplacementRequestId);
        Assert.False(claim.IsOpen);
    }

    [Fact]
    public void Only_filed_claims_are_decided()
    {
        var approved = Approved();
        var e = Assert.Throws<RuleViolationException>(() => approved.Approve("dm-3", Delivered.AddHours(4)));
        Assert.Equal("claim DOA-1 is Approved; only Filed claims can be approved", e.Message);
        Assert.Throws<RuleViolationException>(() => approved.Reject("dm-3", "late", Delivered.AddHours(4), Policy));

        var rejected = File();
        rejected.Reject("dm-2", "no evidence", Delivered.AddHours(3), Policy);
        Assert.Throws<RuleViolationException>(() => rejected.Approve("dm-3", Delivered.AddHours(4)));
        Assert.Equal("dm-2", rejected.DecidedBy);
    }
}

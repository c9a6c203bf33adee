using Logistics.Doa.Data;
using Logistics.Doa.Domain;
using Logistics.SharedKernel;
using static Logistics.Doa.Tests.DoaTestKit;

namespace Logistics.Doa.Tests;

/// <summary>The claim's document, the policy, the codes and the delivery rule.</summary>
public sealed class PersistenceTests
{
    [Fact]
    public void A_claim_comes_back_from_its_document_as_it_was()
    {
        var claim = Returned();
        claim.Inspect("no-fault-found", "passes bench test", "wh-3", Delivered.AddDays(4), Policy);
        var back = ClaimDocument.Read(ClaimDocument.Write(claim));
        Assert.Equal(ClaimDocument.Write(claim), ClaimDocument.Write(back));
        Assert.Equal(DoaClaimState.Closed, back.State);
        Assert.Equal(claim.History, back.History);
        Assert.Equal(claim.Inspection, back.Inspection);
        Assert.Equal(claim.EvidenceRefs, back.EvidenceRefs);
        Assert.Equal("doa-DOA-1", back.ReplacementRequestId);
    }

    [Fact]
    public void A_restored_claim_keeps_its_rules()
    {
        var back = ClaimDocument.Read(ClaimDocument.Write(File()));
        Assert.Throws<NotAllowedException>(() => back.Approve("dm-1", Delivered.AddHours(3)));
        Assert.Single(back.Approve("dm-2", Delivered.AddHours(3)));
    }

    [Fact]
    public void The_document_spells_states_by_name() =>
        Assert.Contains("\"state\":\"Filed\"", ClaimDocument.Write(File()));

    [Fact]
    public void A_newer_delivery_replaces_the_kept_one_and_an_older_one_does_not()
    {
        var later = Unit with { RequestId = "PR-2", DeliveredAt = Delivered.AddDays(1) };
        Assert.True(Domain.Delivery.Replaces(null, Unit));
        Assert.True(Domain.Delivery.Replaces(Unit, later));
        Assert.False(Domain.Delivery.Replaces(later, Unit));
        Assert.True(Domain.Delivery.Replaces(Unit, Unit)); // a redelivered event is harmless
    }

    [Fact]
    public void An_incoherent_policy_fails_naming_the_setting()
    {
        Assert.Equal("window", Assert.Throws<InvalidFieldException>(() => (DoaPolicy.Default with { Window = TimeSpan.Zero }).Validated()).Field);
        Assert.Equal("max_evidence_refs", Assert.Throws<InvalidFieldException>(() => (DoaPolicy.Default with { MaxEvidenceRefs = 0 }).Validated()).Field);
        Assert.Equal("before_signing", Assert.Throws<InvalidFieldException>(() => (DoaPolicy.Default with { BeforeSigning = TimeSpan.FromHours(-1) }).Validated()).Field);
        Assert.Same(DoaPolicy.Default, DoaPolicy.Default.Validated());
    }

    [Theory]
    [InlineData("Filed", DoaClaimState.Filed)]
    [InlineData("replacementshipped", DoaClaimState.ReplacementShipped)]
    [InlineData("Closed", DoaClaimState.Closed)]
    public void A_state_filter_is_read_by_name(string name, DoaClaimState state) => Assert.Equal(state, DoaCodes.ParseState(name));

    [Theory]
    [InlineData("Open")]
    [InlineData("3")]
    [InlineData("replacement-shipped")]
    public void An_unknown_state_filter_is_refused(string name) =>
        Assert.Equal("state", Assert.Throws<InvalidFieldException>(() => DoaCodes.ParseState(name)).Field);

    [Fact]
    public void Every_state_has_its_step()
    {
        var steps = Enum.GetValues<DoaClaimState>().Select(DoaCodes.StepInto).ToArray();
        Assert.Equal(["filed", "approved", "rejected", "replacement-shipped", "replacement-received", "unit-returned", "inspected", "closed"], steps);
    }
}

using Logistics.Inventory.Domain.Dispositions;
using Logistics.Inventory.Domain.Stock;
using Logistics.SharedKernel;

namespace Logistics.Inventory.Tests.Dispositions;

/// <summary>The rules of a quarantined serial's disposition, as plain C#.</summary>
public sealed class DispositionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    private static Disposition Propose(DispositionKind kind, string? reason = null, string? supplier = null, string? rma = null, string? repairer = null) =>
        Disposition.Propose("DSP-1", "C1", "P1", "SN1", kind, reason, supplier, rma, repairer, "w1", T0);

    private static Disposition Scrap() => Propose(DispositionKind.Scrap, reason: "burnt connector");
    private static Disposition Rtv() => Propose(DispositionKind.ReturnToSupplier, supplier: "ACME", rma: "RMA-77");
    private static Disposition Repair() => Propose(DispositionKind.Repair, repairer: "REP-SZ");

    [Fact]
    public void An_approved_scrap_is_written_off_at_once_and_leaves_the_quarantine()
    {
        var proposed = Scrap();
        var approved = proposed.Approve("sup1", T0.AddHours(1));

        Assert.Equal(DispositionState.Proposed, proposed.State);
        Assert.Equal(DispositionState.WrittenOff, approved.State);
        Assert.Equal("sup1", approved.DecidedBy);
        Assert.Equal(MovementKind.WrittenOff, DispositionMoves.Of(proposed, approved));
        Assert.Equal([DispositionState.Proposed, DispositionState.WrittenOff], approved.History.Select(h => h.To));
    }

    [Fact]
    public void The_proposer_cannot_approve_or_reject_their_own_proposal()
    {
        var proposed = Scrap();
        Assert.Contains("w1 proposed disposition DSP-1 of serial SN1", Assert.Throws<NotAllowedException>(() => proposed.Approve("w1", T0)).Message);
        Assert.Throws<NotAllowedException>(() => proposed.Reject("w1", "no", T0));
    }

    [Fact]
    public void A_rejection_needs_a_reason_and_moves_nothing()
    {
        var proposed = Rtv();
        Assert.Equal("reason", Assert.Throws<InvalidFieldException>(() => proposed.Reject("sup1", " ", T0)).Field);

        var rejected = proposed.Reject("sup1", "the supplier does not take it back", T0);
        Assert.Equal(DispositionState.Rejected, rejected.State);
        Assert.Equal("the supplier does not take it back", rejected.RejectionReason);
        Assert.False(rejected.State.IsOpen());
        Assert.Null(DispositionMoves.Of(proposed, rejected));
        Assert.Contains("is Rejected", Assert.Throws<RuleViolationException>(() => rejected.Approve("sup2", T0)).Message);
    }

    [Theory]
    [InlineData(DispositionKind.Scrap, null, null, null, null, "reason")]
    [InlineData(DispositionKind.ReturnToSupplier, null, null, "RMA-1", null, "supplier")]
    [InlineData(DispositionKind.ReturnToSupplier, null, "ACME", null, null, "rma_number")]
    [InlineData(DispositionKind.ReturnToSupplier, null, "ACME", "RMA 1", null, "rma_number")]
    [InlineData(DispositionKind.Repair, null, null, null, null, "repairer")]
    [InlineData(DispositionKind.Repair, null, null, "RMA-1", "REP", "rma_number")]
    [InlineData(DispositionKind.Scrap, "why", null, null, "REP", "repairer")]
    public void A_proposal_names_the_field_it_lacks_or_should_not_have(DispositionKind kind, string? reason, string? supplier, string? rma, string? repairer, string field)
    {
        Assert.Equal(field, Assert.Throws<InvalidFieldException>(() => Propose(kind, reason, supplier, rma, repairer)).Field);
    }

    [Fact]
    public void A_proposal_names_a_malformed_serial()
    {
        Assert.Equal("serial", Assert.Throws<InvalidFieldException>(() =>
            Disposition.Propose("DSP-1", "C1", "P1", "SN 1", DispositionKind.Scrap, "x", null, null, null, "w1", T0)).Field);
        Assert.Equal("kind", Assert.Throws<InvalidFieldException>(() => DispositionNames.ParseKind("sell")).Field);
    }

    [Fact]
    public void A_return_to_supplier_ships_in_esd_packaging_and_closes_by_credit_or_replacement()
    {
        var approved = Rtv().Approve("sup1", T0);
        Assert.Equal(DispositionState.Approved, approved.State);
        Assert.Equal("esd_packaging", Assert.Throws<InvalidFieldException>(() => approved.Ship("w2", "DHL", "T-1", false, T0)).Field);
        Assert.Equal("carrier", Assert.Throws<InvalidFieldException>(() => approved.Ship("w2", "", "T-1", true, T0)).Field);
        Assert.Equal("China Post", approved.Ship("w2", "China Post", "T-1", true, T0).Shipment!.Carrier); // a name, spaces and all
        Assert.Equal("tracking_number", Assert.Throws<InvalidFieldException>(() => approved.Ship("w2", "DHL", "", true, T0)).Field);
        Assert.Throws<RuleViolationException>(() => approved.Close("w2", Settlement.Credit, "CN-1", T0));

        var sent = approved.Ship("w2", "DHL", "T-1", true, T0.AddHours(2));
        Assert.Equal(DispositionState.Sent, sent.State);
        Assert.Equal(new DispositionShipment("DHL", "T-1", true), sent.Shipment);
        Assert.Equal(MovementKind.ReturnedToSupplier, DispositionMoves.Of(approved, sent));
        Assert.Equal("supplier:ACME", DispositionMoves.Counterparty(sent));
        Assert.Throws<RuleViolationException>(() => sent.Ship("w2", "DHL", "T-2", true, T0));
        Assert.Throws<RuleViolationException>(() => sent.ReceiveRepaired("w2", T0));

        var closed = sent.Close("w2", Settlement.Replacement, "REPL-9", T0.AddDays(9));
        Assert.Equal(DispositionState.Closed, closed.State);
        Assert.Equal(Settlement.Replacement, closed.Settlement);
        Assert.Null(DispositionMoves.Of(sent, closed));
        Assert.False(closed.State.IsOpen());
    }

    [Fact]
    public void A_scrap_is_never_shipped()
    {
        Assert.Throws<RuleViolationException>(() => Scrap().Ship("w2", "DHL", "T-1", true, T0));
    }

    [Fact]
    public void A_repair_goes_out_comes_back_and_is_inspected_good_or_unrepairable()
    {
        var approved = Repair().Approve("sup1", T0);
        var sent = approved.Ship("w1", "SF", "T-5", true, T0);
        Assert.Equal(MovementKind.SentToRepair, DispositionMoves.Of(approved, sent));
        Assert.Equal("repairer:REP-SZ", DispositionMoves.Counterparty(sent));
        Assert.Throws<RuleViolationException>(() => sent.Close("w1", Settlement.Credit, "CN-1", T0));
        Assert.Throws<RuleViolationException>(() => sent.InspectRepaired("w1", true, T0));

        var received = sent.ReceiveRepaired("w1", T0.AddDays(5));
        Assert.Equal(MovementKind.RepairedIn, DispositionMoves.Of(sent, received));
        Assert.True(received.State.IsOpen());

        var repaired = received.InspectRepaired("w1", true, T0.AddDays(5));
        Assert.Equal(DispositionState.Repaired, repaired.State);
        Assert.Equal(MovementKind.RepairedToStock, DispositionMoves.Of(received, repaired));
        var unrepairable = received.InspectRepaired("w1", false, T0.AddDays(5));
        Assert.Equal(DispositionState.Unrepairable, unrepairable.State);
        Assert.Equal(MovementKind.RepairFailed, DispositionMoves.Of(received, unrepairable));
        Assert.False(unrepairable.State.IsOpen());
    }

    [Fact]
    public void Only_a_proposed_disposition_is_decided()
    {
        var approved = Rtv().Approve("sup1", T0);
        Assert.Contains("disposition DSP-1 of serial SN1 is Approved", Assert.Throws<RuleViolationException>(() => approved.Approve("sup2", T0)).Message);
        Assert.Throws<RuleViolationException>(() => approved.Reject("sup2", "late", T0));
    }
}

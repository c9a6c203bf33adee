using Logistics.Inventory.Domain.Replenishment;
using Logistics.Inventory.Domain.Transfers;
using Logistics.SharedKernel;

namespace Logistics.Inventory.Tests.Replenishment;

/// <summary>Accepting a proposal: the warehouse's changes and the expected goods-in they make.</summary>
public sealed class ProposalTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 6, 0, 0, TimeSpan.Zero);

    private static Proposal Proposed() => new("RP-1", "C1", ProposalState.Open, Proposal.Daily, "system", T0,
    [
        new ProposalLine("P1", 10, 0, 0, 2, 10, LineSource.Purchase, "", "ACME"),
        new ProposalLine("P2", 5, 1, 0, 2, 6, LineSource.Transfer, "C2", "ACME"),
        new ProposalLine("P3", 7, 0, 0, 1, 7, LineSource.Purchase, "", "BOLT"),
        new ProposalLine("P4", 3, 0, 0, 1, 3, LineSource.Purchase, "", ""),
    ]);

    private static string AsnOf(string supplier) => "ASN-" + supplier;

    private static string TransferOf(string part) => "TRF-" + part;

    [Fact]
    public void Accepting_with_changes_records_every_decision_and_makes_one_expected_goods_in_per_supplier()
    {
        var (accepted, asns) = Proposed().Accept(
        [
            new LineChange("P1", "", 12, ""),
            new LineChange("P2", "purchase", 0, ""),
            new LineChange("P4", "drop", 0, ""),
        ], "w1", T0.AddHours(1), AsnOf, TransferOf);

        Assert.Equal(ProposalState.Accepted, accepted.State);
        Assert.Equal("w1", accepted.DecidedBy);
        Assert.Equal(
            [
                new LineDecision("P1", LineAction.Purchase, 12, "ACME", "", "ASN-ACME"),
                new LineDecision("P2", LineAction.Purchase, 5, "ACME", "", "ASN-ACME"),
                new LineDecision("P3", LineAction.Purchase, 7, "BOLT", "", "ASN-BOLT"),
                new LineDecision("P4", LineAction.Drop, 3, "", "", ""),
            ], accepted.Decisions);
        Assert.Equal(["ASN-ACME", "ASN-BOLT"], asns.Select(a => a.AsnId));
        Assert.Equal([("P1", 12), ("P2", 5)], asns[0].Lines.Select(l => (l.PartNumber, l.Quantity)));
        Assert.All(asns, a => Assert.Equal(("C1", "RP-1", AsnState.Open), (a.CentreId, a.ProposalId, a.State)));
    }

    [Fact]
    public void A_transfer_kept_as_suggested_is_recorded_with_its_source_and_transfer_and_makes_no_expected_goods_in()
    {
        var (accepted, asns) = Proposed().Accept([new LineChange("P4", "purchase", 0, "ZETA")], "w1", T0, AsnOf, TransferOf);

        Assert.Equal(new LineDecision("P2", LineAction.Transfer, 5, "", "C2", "") { TransferId = "TRF-P2" }, accepted.Decisions[1]);
        Assert.All(accepted.Decisions.Where(d => d.Action != LineAction.Transfer), d => Assert.Equal("", d.TransferId));
        Assert.Equal(["ASN-ACME", "ASN-BOLT", "ASN-ZETA"], asns.Select(a => a.AsnId));
        Assert.DoesNotContain(asns.SelectMany(a => a.Lines), l => l.PartNumber == "P2");
    }

    [Fact]
    public void An_accepted_transfer_line_requests_a_transfer_from_the_source_centre_for_the_accepted_quantity()
    {
        var (accepted, _) = Proposed().Accept(
            [new LineChange("P2", "", 4, ""), new LineChange("P4", "drop", 0, "")], "w1", T0.AddHours(1), AsnOf, TransferOf);

        var transfer = Assert.Single(accepted.TransfersToRequest(_ => true));
        Assert.Equal(("TRF-P2", "C2", "C1", "P2", 4), (transfer.TransferId, transfer.FromCentreId, transfer.ToCentreId, transfer.PartNumber, transfer.Quantity));
        Assert.Equal((TransferState.Requested, "w1", T0.AddHours(1)), (transfer.State, transfer.RequestedBy, transfer.RequestedAt));
        Assert.Equal("replenishment proposal RP-1", transfer.Note);
        Assert.Equal(4, transfer.Incoming);
        Assert.Equal(4, transfer.Promised);
        Assert.True(transfer.Serialized);
        // A part tracked by quantity is transferred by count.
        Assert.False(Assert.Single(accepted.TransfersToRequest(_ => false)).Serialized);
        Assert.Empty(Proposed().TransfersToRequest(_ => true));
    }

    [Fact]
    public void A_transfer_line_made_a_purchase_or_dropped_requests_no_transfer()
    {
        var (purchased, _) = Proposed().Accept(
            [new LineChange("P2", "purchase", 0, ""), new LineChange("P4", "drop", 0, "")], "w1", T0, AsnOf, TransferOf);
        var (dropped, _) = Proposed().Accept(
            [new LineChange("P2", "drop", 0, ""), new LineChange("P4", "drop", 0, "")], "w1", T0, AsnOf, TransferOf);

        Assert.Empty(purchased.TransfersToRequest(_ => true));
        Assert.Empty(dropped.TransfersToRequest(_ => true));
    }

    [Fact]
    public void A_transfer_for_more_than_a_transfer_moves_is_refused_naming_the_quantity()
    {
        var e = Assert.Throws<InvalidFieldException>(() => Proposed().Accept(
            [new LineChange("P2", "", Transfer.MaxQuantity + 1, "")], "w1", T0, AsnOf, TransferOf));
        Assert.Equal("lines[0].quantity", e.Field);
    }

    [Theory]
    [InlineData("P9", "", 0, "", "lines[0].part_number")]
    [InlineData("P1", "steal", 0, "", "lines[0].action")]
    [InlineData("P1", "transfer", 0, "", "lines[0].action")]
    [InlineData("P1", "", -3, "", "lines[0].quantity")]
    [InlineData("P1", "", 2_000_000, "", "lines[0].quantity")]
    [InlineData("P1", "", 0, "bad supplier", "lines[0].supplier")]
    [InlineData("P4", "purchase", 0, "", "lines[0].supplier")]
    public void A_change_that_does_not_fit_is_refused_naming_the_field(string part, string action, long quantity, string supplier, string field)
    {
        var e = Assert.Throws<InvalidFieldException>(() => Proposed().Accept([new LineChange(part, action, quantity, supplier)], "w1", T0, AsnOf, TransferOf));
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void A_part_changed_twice_is_refused_and_a_purchase_without_any_supplier_must_be_named_or_dropped()
    {
        var twice = Assert.Throws<InvalidFieldException>(() => Proposed().Accept(
            [new LineChange("P4", "drop", 0, ""), new LineChange("P4", "drop", 0, "")], "w1", T0, AsnOf, TransferOf));
        Assert.Equal("lines[1].part_number", twice.Field);

        Assert.Throws<RuleViolationException>(() => Proposed().Accept([], "w1", T0, AsnOf, TransferOf));
    }

    [Fact]
    public void Only_an_open_proposal_is_accepted()
    {
        var (accepted, _) = Proposed().Accept([new LineChange("P4", "drop", 0, "")], "w1", T0, AsnOf, TransferOf);

        Assert.Throws<RuleViolationException>(() => accepted.Accept([], "w1", T0, AsnOf, TransferOf));
        Assert.Throws<RuleViolationException>(() => Proposed().Supersede().Accept([], "w1", T0, AsnOf, TransferOf));
        Assert.Equal(ProposalState.Accepted, accepted.Supersede().State);
    }
}

using Logistics.Inventory.Domain.Replenishment;
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

    [Fact]
    public void Accepting_with_changes_records_every_decision_and_makes_one_expected_goods_in_per_supplier()
    {
        var (accepted, asns) = Proposed().Accept(
        [
            new LineChange("P1", "", 12, ""),
            new LineChange("P2", "purchase", 0, ""),
            new LineChange("P4", "drop", 0, ""),
        ], "w1", T0.AddHours(1), AsnOf);

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
    public void A_transfer_kept_as_suggested_is_recorded_with_its_source_and_makes_no_expected_goods_in()
    {
        var (accepted, asns) = Proposed().Accept([new LineChange("P4", "purchase", 0, "ZETA")], "w1", T0, AsnOf);

        Assert.Equal(new LineDecision("P2", LineAction.Transfer, 5, "", "C2", ""), accepted.Decisions[1]);
        Assert.Equal(["ASN-ACME", "ASN-BOLT", "ASN-ZETA"], asns.Select(a => a.AsnId));
        Assert.DoesNotContain(asns.SelectMany(a => a.Lines), l => l.PartNumber == "P2");
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
        var e = Assert.Throws<InvalidFieldException>(() => Proposed().Accept([new LineChange(part, action, quantity, supplier)], "w1", T0, AsnOf));
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void A_part_changed_twice_is_refused_and_a_purchase_without_any_supplier_must_be_named_or_dropped()
    {
        var twice = Assert.Throws<InvalidFieldException>(() => Proposed().Accept(
            [new LineChange("P4", "drop", 0, ""), new LineChange("P4", "drop", 0, "")], "w1", T0, AsnOf));
        Assert.Equal("lines[1].part_number", twice.Field);

        Assert.Throws<RuleViolationException>(() => Proposed().Accept([], "w1", T0, AsnOf));
    }

    [Fact]
    public void Only_an_open_proposal_is_accepted()
    {
        var (accepted, _) = Proposed().Accept([new LineChange("P4", "drop", 0, "")], "w1", T0, AsnOf);

        Assert.Throws<RuleViolationException>(() => accepted.Accept([], "w1", T0, AsnOf));
        Assert.Throws<RuleViolationException>(() => Proposed().Supersede().Accept([], "w1", T0, AsnOf));
        Assert.Equal(ProposalState.Accepted, accepted.Supersede().State);
    }
}

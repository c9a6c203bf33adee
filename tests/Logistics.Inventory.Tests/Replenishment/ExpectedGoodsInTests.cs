using Logistics.Inventory.Domain.Replenishment;
using Logistics.SharedKernel;

namespace Logistics.Inventory.Tests.Replenishment;

/// <summary>Goods-in against an expected goods-in (ASN): over, short, unexpected, closing, and what stays incoming.</summary>
public sealed class ExpectedGoodsInTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 6, 0, 0, TimeSpan.Zero);

    private static ExpectedGoodsIn Asn() => ExpectedGoodsIn.Expect("ASN-1", "C1", "ACME", "RP-1",
        [new ExpectedLine("P1", 10, []), new ExpectedLine("P2", 2, ["S1", "S2"])], "w1", T0);

    [Fact]
    public void A_short_delivery_stays_open_and_its_remainder_stays_incoming()
    {
        var asn = Asn().Receive("k1", "P1", 4, [], "w1", T0.AddDays(1));

        Assert.Equal(AsnState.Open, asn.State);
        Assert.Equal(6, asn.Outstanding("P1"));
        Assert.Equal(2, asn.Outstanding("P2"));
        var check = asn.Check();
        Assert.Equal((10, 4, AsnLineStatus.Short), (check[0].Expected, check[0].Received, check[0].Status));
        Assert.Equal(AsnLineStatus.Short, check[1].Status);
        Assert.Equal(["S1", "S2"], check[1].MissingSerials);
    }

    [Fact]
    public void The_asn_closes_when_every_line_is_fully_received_and_nothing_is_incoming_any_more()
    {
        var asn = Asn().Receive("k1", "P1", 4, [], "w1", T0)
            .Receive("k2", "P2", 2, ["S1", "S2"], "w1", T0)
            .Receive("k3", "P1", 6, [], "w1", T0.AddHours(3));

        Assert.Equal(AsnState.Closed, asn.State);
        Assert.Equal(T0.AddHours(3), asn.ClosedAt);
        Assert.Equal(0, asn.Outstanding("P1"));
        Assert.All(asn.Check(), c => Assert.Equal(AsnLineStatus.Complete, c.Status));
    }

    [Fact]
    public void Over_delivery_unexpected_parts_and_unexpected_serials_are_reported_not_refused()
    {
        var asn = Asn().Receive("k1", "P1", 12, [], "w1", T0)
            .Receive("k2", "P2", 2, ["S1", "S9"], "w1", T0)
            .Receive("k3", "P7", 3, [], "w1", T0);

        var check = asn.Check();
        Assert.Equal(AsnLineStatus.Over, check[0].Status);
        Assert.Equal(["S9"], check[1].UnexpectedSerials);
        Assert.Equal(["S2"], check[1].MissingSerials);
        Assert.Equal(("P7", 0, 3, AsnLineStatus.Unexpected), (check[2].PartNumber, check[2].Expected, check[2].Received, check[2].Status));
        Assert.Equal(AsnState.Closed, asn.State); // every expected line has its quantity; the serial mismatch is reported
    }

    [Fact]
    public void A_retried_goods_in_counts_once_and_may_replay_after_the_asn_closed_while_a_new_one_is_refused()
    {
        var asn = Asn().Receive("k1", "P1", 10, [], "w1", T0).Receive("k2", "P2", 2, [], "w1", T0);
        var again = asn.Receive("k1", "P1", 10, [], "w1", T0.AddMinutes(1));

        Assert.Same(asn, again);
        Assert.Equal(10, again.Received("P1"));
        asn.RequireOpenFor("k2");
        Assert.Throws<RuleViolationException>(() => asn.RequireOpenFor("k3"));
    }

    [Fact]
    public void An_asn_without_lines_is_refused()
    {
        Assert.Throws<RuleViolationException>(() => ExpectedGoodsIn.Expect("ASN-2", "C1", "ACME", "RP-1", [], "w1", T0));
    }
}

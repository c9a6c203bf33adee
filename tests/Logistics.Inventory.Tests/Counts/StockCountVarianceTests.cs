using Logistics.Inventory.Domain.Counts;
using Logistics.SharedKernel;
using static Logistics.Inventory.Tests.Counts.Kit;

namespace Logistics.Inventory.Tests.Counts;

/// <summary>Variances, the tolerance of the policy, serial differences and recounts.</summary>
public sealed class StockCountVarianceTests
{
    private static CloseResult CountOnce(long expected, long counted, CountPolicy? policy = null)
    {
        var count = Started(Parts("SCREW-M3"), policy ?? CountPolicy.Default, Qty("SCREW-M3", expected));
        count.Submit(Alice, Counted("SCREW-M3", counted));
        return count.Close();
    }

    [Theory]
    [InlineData(100, 100, CountState.ReadyToReview)]
    [InlineData(100, 98, CountState.ReadyToReview)] // exactly 2%
    [InlineData(100, 102, CountState.ReadyToReview)]
    [InlineData(100, 97, CountState.Recounting)] // 3%
    [InlineData(100, 103, CountState.Recounting)]
    [InlineData(1000, 980, CountState.ReadyToReview)] // exactly 2%
    [InlineData(1000, 979, CountState.Recounting)] // 2.1%: just over
    [InlineData(1000, 1021, CountState.Recounting)]
    [InlineData(50, 49, CountState.ReadyToReview)] // exactly 2%
    [InlineData(49, 48, CountState.Recounting)] // 2.04%: just over
    [InlineData(10, 9, CountState.Recounting)] // 10%
    [InlineData(0, 1, CountState.Recounting)] // nothing expected: no tolerance
    [InlineData(0, 0, CountState.ReadyToReview)]
    public void A_quantity_line_is_recounted_only_beyond_two_percent(long expected, long counted, CountState state) =>
        Assert.Equal(state, CountOnce(expected, counted).State);

    [Fact]
    public void The_tolerance_is_a_setting()
    {
        var lenient = CountPolicy.Default with { QuantityTolerancePercent = 5m };

        Assert.Equal(CountState.ReadyToReview, CountOnce(100, 95, lenient).State);
        Assert.Equal(CountState.Recounting, CountOnce(100, 94, lenient).State);
        Assert.Equal(CountState.Recounting, CountOnce(100, 99, CountPolicy.Default with { QuantityTolerancePercent = 0m }).State);
    }

    [Fact]
    public void A_serialized_line_is_recounted_for_any_variance()
    {
        var count = Started(Bins("A-01"),
            Serial("A-01", "P-1", "S1", "S2"), Serial("A-01", "P-2", "T1"), Serial("A-01", "P-3", "U1"), Serial("A-01", "P-4", "V1"));
        count.Submit(Alice,
            Seen("A-01", "P-1", "S1"), // one short
            Seen("A-01", "P-2", "T1", "T2"), // one over
            Seen("A-01", "P-3", "U9"), // same quantity, another serial
            Seen("A-01", "P-4", "V1")); // as expected

        var closed = count.Close();

        Assert.Equal(CountState.Recounting, closed.State);
        Assert.Equal([Key("A-01", "P-1"), Key("A-01", "P-2"), Key("A-01", "P-3")], closed.LinesToRecount.Select(r => r.Line));
        Assert.All(closed.LinesToRecount, r => Assert.Equal((RecountReason.BeyondTolerance, Alice), (r.Reason, r.FirstCountedBy)));
    }

    [Fact]
    public void A_serial_swap_alone_is_accepted_when_the_policy_says_so()
    {
        var count = Started(Bins("A-01"), CountPolicy.Default with { RecountSerialMismatch = false }, Serial("A-01", "P-3", "U1"));
        count.Submit(Alice, Seen("A-01", "P-3", "U9"));

        Assert.Equal(CountState.ReadyToReview, count.Close().State);
        var adjustment = Assert.Single(count.Approve());
        Assert.Equal(new CountAdjustment("A-01", "P-3", 0, ["U9"], ["U1"], "data-entry-error"), adjustment);
    }

    [Fact]
    public void Missing_and_unexpected_serials_are_listed_and_posted()
    {
        var count = Started(Bins("A-01"), Serial("A-01", "P-1", "S3", "S1", "S2"));
        count.Submit(Alice, Seen("A-01", "P-1", "S2", "S9", "S1", "S8"));
        count.Close();
        count.Submit(Bob, Seen("A-01", "P-1", "S9", "S1", "S8", "S2"));
        count.Close();

        var line = count.Review(Supervisor).Line("A-01", "P-1");
        Assert.Equal(["S1", "S2", "S3"], line.ExpectedSerials);
        Assert.Equal(["S3"], line.MissingSerials);
        Assert.Equal(["S8", "S9"], line.UnexpectedSerials);
        Assert.Equal(1, line.Variance);

        Assert.Equal([new CountAdjustment("A-01", "P-1", 1, ["S8", "S9"], ["S3"], "found")], count.Approve());
    }

    // ------------------------------------------------------------ recount

    private static StockCount Recounting()
    {
        var count = Started(Bins("A-01"), Serial("A-01", "P-1", "S1", "S2"), Serial("A-01", "P-2", "T1"));
        count.Submit(Alice, Seen("A-01", "P-1", "S1"), Seen("A-01", "P-2", "T1"));
        Assert.Equal(CountState.Recounting, count.Close().State);
        return count;
    }

    [Fact]
    public void A_recount_by_the_first_counter_is_refused()
    {
        var e = Assert.Throws<NotAllowedException>(() => Recounting().Submit(Alice, Seen("A-01", "P-1", "S1", "S2")));

        Assert.Equal("(A-01, P-1) was first counted by alice; a recount is made by someone else", e.Message);
    }

    [Fact]
    public void A_line_that_needs_no_recount_is_refused_while_recounting()
    {
        var count = Recounting();

        Assert.Equal("(A-01, P-2) does not need a recount; while Recounting only lines that need a recount are submitted",
            Assert.Throws<RuleViolationException>(() => count.Submit(Bob, Seen("A-01", "P-2", "T1"))).Message);
        Assert.Contains("is not a line of count C-7",
            Assert.Throws<RuleViolationException>(() => count.Submit(Bob, Seen("A-01", "P-9", "X1"))).Message);
    }

    [Fact]
    public void Closing_a_recount_waits_for_every_line_that_needs_one()
    {
        var e = Assert.Throws<RuleViolationException>(() => Recounting().Close());

        Assert.Equal("count C-7: 1 line(s) still need a recount (0 of them stale: re-snapshot, then recount), e.g. (A-01, P-1); " +
                     "recount them (or cancel the count) before closing", e.Message);
    }

    [Fact]
    public void The_recount_replaces_the_first_count_and_is_accepted_even_when_still_off()
    {
        var count = Recounting();
        count.Submit(Bob, Seen("A-01", "P-1", "S2")); // still one short, another serial missing

        Assert.Equal(CountState.ReadyToReview, count.Close().State);

        var line = count.Review(Supervisor).Line("A-01", "P-1");
        Assert.Equal((Alice, Bob), (line.FirstCount!.CountedBy, line.Recount!.CountedBy));
        Assert.Equal(["S1"], line.MissingSerials);
        Assert.False(line.WithinTolerance);
        Assert.Equal([new CountAdjustment("A-01", "P-1", -1, [], ["S1"], "missing")], count.Approve());
    }

    [Fact]
    public void A_recounter_may_correct_their_recount_but_nobody_else_may()
    {
        var count = Recounting();
        count.Submit(Bob, Seen("A-01", "P-1", "S1"));
        count.Submit(Bob, Seen("A-01", "P-1", "S1", "S2"));

        Assert.Contains("was recounted by bob", Assert.Throws<NotAllowedException>(() => count.Submit(Carol, Seen("A-01", "P-1"))).Message);
        count.Close();
        Assert.Empty(count.Approve());
    }
}

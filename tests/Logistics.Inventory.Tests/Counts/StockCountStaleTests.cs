using Logistics.Inventory.Domain.Counts;
using Logistics.SharedKernel;
using static Logistics.Inventory.Tests.Counts.Kit;

namespace Logistics.Inventory.Tests.Counts;

/// <summary>Stock that moves during a count: stale lines, fresh snapshots, recounts.</summary>
public sealed class StockCountStaleTests
{
    [Fact]
    public void A_movement_of_a_counted_serialized_part_marks_its_bin_line_stale_and_forces_a_recount()
    {
        var count = Started(Bins("A-01", "A-02"), Serial("A-01", "P-1", "S1"), Serial("A-02", "P-1", "S2"));
        count.Submit(Alice, Seen("A-01", "P-1", "S1"), Seen("A-02", "P-1", "S2"));

        Assert.Equal(1, count.MarkStale("A-01", "P-1"));
        var closed = count.Close();

        Assert.Equal(CountState.Recounting, closed.State);
        Assert.Equal(new RecountRequest(Key("A-01", "P-1"), RecountReason.Stale, Alice), Assert.Single(closed.LinesToRecount));
        Assert.True(count.Sheet(Warehouse(Bob)).Line("A-01", "P-1").Stale);
    }

    [Fact]
    public void A_movement_of_a_quantity_part_marks_its_whole_centre_line()
    {
        var count = Started(Parts("SCREW-M3", "NUT-M3"), Qty("SCREW-M3", 500), Qty("NUT-M3", 500));

        Assert.Equal(1, count.MarkStale("", "SCREW-M3"));
        Assert.Equal(1, count.MarkStale("A-01", "NUT-M3")); // a bin named for a quantity part still means its one line

        Assert.All(count.Sheet(Warehouse(Alice)).Lines, l => Assert.True(l.Stale));
    }

    [Fact]
    public void A_movement_in_an_unknown_bin_marks_every_line_of_the_part()
    {
        var count = Started(Parts("P-1", "P-2"), Serial("A-01", "P-1", "S1"), Serial("A-02", "P-1", "S2"), Serial("A-02", "P-2", "T1"));

        Assert.Equal(2, count.MarkStale(null, "P-1"));

        var sheet = count.Sheet(Warehouse(Alice));
        Assert.Equal([true, true, false], sheet.Lines.Select(l => l.Stale));
    }

    [Fact]
    public void A_movement_outside_the_scope_marks_nothing()
    {
        var count = Started(Bins("A-01"), Serial("A-01", "P-1", "S1"));

        Assert.Equal(0, count.MarkStale("B-01", "P-1"));
        Assert.False(count.Sheet(Warehouse(Alice)).Line("A-01", "P-1").Stale);
    }

    [Fact]
    public void A_movement_into_a_bin_of_the_scope_while_counting_adds_a_stale_line_to_count()
    {
        var count = Started(Bins("A-01"), Serial("A-01", "P-1", "S1"));
        count.Submit(Alice, Seen("A-01", "P-1", "S1"));

        Assert.Equal(1, count.MarkStale("A-01", "P-5")); // goods-in of P-5 into A-01 during the count

        Assert.Contains("(A-01, P-5)", Assert.Throws<RuleViolationException>(() => count.Close()).Message);
        count.Submit(Alice, Seen("A-01", "P-5", "N1"));
        Assert.Equal(RecountReason.Stale, Assert.Single(count.Close().LinesToRecount).Reason);
    }

    [Fact]
    public void A_find_of_a_part_that_moved_in_an_unknown_bin_is_stale()
    {
        var count = Started(Bins("A-01"), Serial("A-01", "P-1", "S1"));
        count.MarkStale("", "P-5");

        count.Submit(Alice, Seen("A-01", "P-1", "S1"), Seen("A-01", "P-5", "N1"));

        Assert.True(count.Sheet(Warehouse(Alice)).Line("A-01", "P-5").Stale);
    }

    [Fact]
    public void A_stale_line_is_resnapshotted_then_recounted_and_the_adjustment_uses_both()
    {
        // Snapshot: 10 screws. Alice counts 10. 3 are shipped during the count; the books now say 7 and Bob finds 6.
        var count = Started(Parts("SCREW-M3"), Qty("SCREW-M3", 10));
        count.Submit(Alice, Counted("SCREW-M3", 10));
        count.MarkStale("", "SCREW-M3");
        Assert.Equal(CountState.Recounting, count.Close().State);

        var e = Assert.Throws<RuleViolationException>(() => count.Submit(Bob, Counted("SCREW-M3", 6)));
        Assert.Equal("(whole centre, SCREW-M3) is stale: its stock moved during the count; re-snapshot its expected quantity before recounting it", e.Message);
        Assert.Contains("1 of them stale", Assert.Throws<RuleViolationException>(() => count.Close()).Message);

        count.Resnapshot(Qty("SCREW-M3", 7));
        count.Submit(Bob, Counted("SCREW-M3", 6));
        Assert.Equal(CountState.ReadyToReview, count.Close().State);

        var line = count.Review(Supervisor).Line("", "SCREW-M3");
        Assert.Equal((7L, 6L, -1L, false), (line.ExpectedQuantity, line.CountedQuantity!.Value, line.Variance!.Value, line.Stale));
        Assert.Equal([new CountAdjustment("", "SCREW-M3", -1, [], [], "missing")], count.Approve());
    }

    [Fact]
    public void A_movement_while_recounting_voids_the_recount_and_a_settled_line_needs_one_too()
    {
        var count = Started(Bins("A-01"), Serial("A-01", "P-1", "S1", "S2"), Serial("A-01", "P-2", "T1"));
        count.Submit(Alice, Seen("A-01", "P-1", "S1"), Seen("A-01", "P-2", "T1"));
        count.Close();
        count.Submit(Bob, Seen("A-01", "P-1", "S1"));

        count.MarkStale("A-01", "P-1");
        count.MarkStale("A-01", "P-2");

        var sheet = count.Sheet(Warehouse(Bob));
        Assert.All(sheet.Lines, l => Assert.Equal((CountLineStatus.ToRecount, true, (string?)null), (l.Status, l.Stale, l.RecountedBy)));
        Assert.Contains("2 line(s) still need a recount (2 of them stale", Assert.Throws<RuleViolationException>(() => count.Close()).Message);
        Assert.Throws<NotAllowedException>(() => count.Submit(Alice, Seen("A-01", "P-2", "T1")));

        count.Resnapshot(Serial("A-01", "P-1", "S1"));
        count.Resnapshot(Serial("A-01", "P-2", "T1", "T2"));
        count.Submit(Bob, Seen("A-01", "P-1", "S1"), Seen("A-01", "P-2", "T1", "T2"));
        Assert.Equal(CountState.ReadyToReview, count.Close().State);
        Assert.Empty(count.Approve());
    }

    [Fact]
    public void Resnapshot_is_only_for_stale_lines_while_recounting()
    {
        var counting = Started(Bins("A-01"), Serial("A-01", "P-1", "S1", "S2"), Serial("A-01", "P-2", "T1"));
        counting.MarkStale("A-01", "P-1");
        Assert.Equal("count C-7 is Counting; a stale line is re-snapshotted only while Recounting, when it is recounted",
            Assert.Throws<RuleViolationException>(() => counting.Resnapshot(Serial("A-01", "P-1", "S1"))).Message);

        counting.Submit(Alice, Seen("A-01", "P-1", "S1"), Seen("A-01", "P-2"));
        counting.Close();
        Assert.Equal("(A-01, P-2) is not stale; its snapshot stands",
            Assert.Throws<RuleViolationException>(() => counting.Resnapshot(Serial("A-01", "P-2"))).Message);
        Assert.Contains("is not a line of count C-7", Assert.Throws<RuleViolationException>(() => counting.Resnapshot(Serial("A-01", "P-9"))).Message);
        Assert.Equal("snapshot", Assert.Throws<InvalidFieldException>(() => counting.Resnapshot(Serial("B-01", "P-1"))).Field);
    }

    [Fact]
    public void A_count_with_stale_lines_cannot_be_approved()
    {
        var count = Started(Parts("SCREW-M3"), Qty("SCREW-M3", 10));
        count.Submit(Alice, Counted("SCREW-M3", 10));
        count.MarkStale("", "SCREW-M3");
        count.Close();

        var e = Assert.Throws<RuleViolationException>(() => count.Approve());

        Assert.Equal("count C-7 is Recounting; only a ReadyToReview count can be approved", e.Message);
    }
}

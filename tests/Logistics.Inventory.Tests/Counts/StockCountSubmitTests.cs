using Logistics.Inventory.Domain.Counts;
using Logistics.SharedKernel;
using static Logistics.Inventory.Tests.Counts.Kit;

namespace Logistics.Inventory.Tests.Counts;

/// <summary>The snapshot taken at start and the lines counters submit.</summary>
public sealed class StockCountSubmitTests
{
    // ------------------------------------------------------------ snapshot

    [Fact]
    public void A_snapshot_line_outside_the_scope_is_refused()
    {
        var e = Assert.Throws<InvalidFieldException>(() => Started(Bins("A-01"), Serial("A-01", "P-1", "S1"), Serial("B-07", "P-1", "S2")));

        Assert.Equal("snapshot", e.Field);
        Assert.Contains("'B-07' is outside the scope of count C-7", e.Message);
    }

    [Fact]
    public void A_bins_count_does_not_take_quantity_tracked_parts()
    {
        var e = Assert.Throws<InvalidFieldException>(() => Started(Bins("A-01"), Qty("SCREW-M3", 500)));

        Assert.Equal("snapshot", e.Field);
        Assert.Contains("counted by a count of part numbers", e.Message);
    }

    [Theory]
    [MemberData(nameof(BadSnapshotLines))]
    public void A_malformed_snapshot_is_refused_and_nothing_starts(ExpectedLine[] snapshot, string problem)
    {
        var count = Open(Parts("P-1", "P-2"));

        var e = Assert.Throws<InvalidFieldException>(() => count.Start(snapshot, T0));

        Assert.Equal("snapshot", e.Field);
        Assert.Contains(problem, e.Message);
        Assert.Equal(CountState.Requested, count.State);
        Assert.Equal(0, count.NumberOfLines);
    }

    public static TheoryData<ExpectedLine[], string> BadSnapshotLines() => new()
    {
        { [Serial("A-01", "P-1", "S1"), Serial("A-01", "P-1", "S2")], "listed twice" },
        { [Serial("A-01", "P-1", "S1"), Qty("P-1", 3)], "both by serial and by quantity" },
        { [new ExpectedLine("A-01", "P-2", CountTracking.Quantity, 3, [])], "kept for the whole centre" },
        { [new ExpectedLine("", "P-1", CountTracking.Serialized, 0, [])], "is required" },
        { [new ExpectedLine("A-01", "P-1", CountTracking.Serialized, 2, ["S1"])], "expects 2 but lists 1 serials" },
        { [Qty("P-1", -1)], "cannot be negative" },
        { [Serial("A-01", "P-9", "S1")], "'P-9' is outside the scope" },
    };

    // ------------------------------------------------------------ scope of submitted lines

    [Fact]
    public void A_bin_outside_a_bins_count_is_refused_naming_the_bin()
    {
        var count = Started(Bins("A-01"), Serial("A-01", "P-1", "S1"));

        var e = Assert.Throws<InvalidFieldException>(() => count.Submit(Alice, Seen("Z-99", "P-1", "S1")));

        Assert.Equal("bin", e.Field);
        Assert.Contains("bin 'Z-99' is outside the scope of count C-7 (bins A-01 at centre SZ-01)", e.Message);
    }

    [Fact]
    public void A_part_outside_a_parts_count_is_refused_naming_the_part()
    {
        var count = Started(Parts("P-1"), Serial("A-01", "P-1", "S1"));

        var e = Assert.Throws<InvalidFieldException>(() => count.Submit(Alice, Seen("A-01", "P-2", "S9")));

        Assert.Equal("part_number", e.Field);
        Assert.Contains("part 'P-2' is outside the scope of count C-7", e.Message);
    }

    [Fact]
    public void A_whole_centre_line_is_refused_in_a_bins_count()
    {
        var count = Started(Bins("A-01"), Serial("A-01", "P-1", "S1"));

        Assert.Equal("bin", Assert.Throws<InvalidFieldException>(() => count.Submit(Alice, Counted("SCREW-M3", 3))).Field);
    }

    [Fact]
    public void A_negative_counted_quantity_is_refused()
    {
        var count = Started(Parts("SCREW-M3"), Qty("SCREW-M3", 500));

        var e = Assert.Throws<InvalidFieldException>(() => count.Submit(Alice, Counted("SCREW-M3", -1)));

        Assert.Equal("counted_quantity", e.Field);
        Assert.Equal("counted_quantity: (whole centre, SCREW-M3): cannot be negative (was -1)", e.Message);
    }

    [Theory]
    [InlineData(1_000_001L)]
    [InlineData(long.MaxValue)]
    public void A_counted_quantity_above_a_million_per_line_is_refused_and_nothing_is_recorded(long counted)
    {
        var count = Started(Parts("SCREW-M3"), Qty("SCREW-M3", 500));

        var e = Assert.Throws<InvalidFieldException>(() => count.Submit(Alice, Counted("SCREW-M3", counted)));

        Assert.Equal("counted_quantity", e.Field);
        Assert.Equal($"counted_quantity: (whole centre, SCREW-M3): must be at most 1,000,000 per line (was {counted})", e.Message);
        Assert.Null(count.Sheet(Warehouse(Alice)).Line("", "SCREW-M3").YourCount);
    }

    [Fact]
    public void A_counted_quantity_of_exactly_a_million_is_taken()
    {
        var count = Started(Parts("SCREW-M3"), Qty("SCREW-M3", 500));

        count.Submit(Alice, Counted("SCREW-M3", Quantities.MaxPerLine));

        Assert.Equal(Quantities.MaxPerLine, count.Sheet(Warehouse(Alice)).Line("", "SCREW-M3").YourCount!.Quantity);
    }

    [Fact]
    public void A_serialized_line_is_counted_by_its_distinct_serials()
    {
        var count = Started(Bins("A-01"), Serial("A-01", "P-1", "S1", "S2"));

        var e = Assert.Throws<InvalidFieldException>(() => count.Submit(Alice, new LineCount("A-01", "P-1", 2, ["S1", "S1"])));
        Assert.Equal("counted_quantity", e.Field);
        Assert.Contains("2 counted but 1 distinct serials seen", e.Message);

        count.Submit(Alice, new LineCount("A-01", "P-1", 1, ["S1", "S1"]));
        Assert.Equal(["S1"], count.Sheet(Warehouse(Alice)).Line("A-01", "P-1").YourCount!.Serials);
    }

    [Fact]
    public void A_malformed_serial_is_refused()
    {
        var count = Started(Bins("A-01"), Serial("A-01", "P-1", "S1"));

        Assert.Equal("serials_seen", Assert.Throws<InvalidFieldException>(() => count.Submit(Alice, Seen("A-01", "P-1", "S 1"))).Field);
    }

    [Fact]
    public void A_quantity_tracked_line_has_no_serials_and_no_bin()
    {
        var count = Started(Parts("SCREW-M3"), Qty("SCREW-M3", 500));

        Assert.Equal("serials_seen", Assert.Throws<InvalidFieldException>(() => count.Submit(Alice, new LineCount("", "SCREW-M3", 1, ["S1"]))).Field);
        var e = Assert.Throws<InvalidFieldException>(() => count.Submit(Alice, Seen("A-01", "SCREW-M3")));
        Assert.Equal("bin", e.Field);
        Assert.Contains("tracked by quantity", e.Message);
    }

    [Fact]
    public void A_serialized_part_is_not_counted_for_the_whole_centre()
    {
        var count = Started(Parts("P-1"), Serial("A-01", "P-1", "S1"));

        Assert.Contains("tracked by serial number", Assert.Throws<InvalidFieldException>(() => count.Submit(Alice, Counted("P-1", 1))).Message);
    }

    [Fact]
    public void A_batch_is_all_or_nothing()
    {
        var count = Started(Bins("A-01"), Serial("A-01", "P-1", "S1"), Serial("A-01", "P-2", "S2"));

        Assert.Throws<InvalidFieldException>(() => count.Submit(Alice, Seen("A-01", "P-1", "S1"), Seen("Z-99", "P-2", "S2")));

        Assert.All(count.Sheet(Warehouse(Alice)).Lines, l => Assert.Equal(CountLineStatus.ToCount, l.Status));
        Assert.Empty(count.Counters);
    }

    [Fact]
    public void A_line_twice_in_a_batch_and_empty_or_oversized_batches_are_refused()
    {
        var count = Started(Bins("A-01"), CountPolicy.Default with { MaxLinesPerBatch = 2 }, Serial("A-01", "P-1", "S1"));

        Assert.Contains("listed twice", Assert.Throws<InvalidFieldException>(() => count.Submit(Alice, Seen("A-01", "P-1", "S1"), Seen("A-01", "P-1", "S1"))).Message);
        Assert.Equal("lines", Assert.Throws<InvalidFieldException>(() => count.Submit(Alice)).Field);
        Assert.Contains("at most 2 lines", Assert.Throws<InvalidFieldException>(() =>
            count.Submit(Alice, Seen("A-01", "P-1", "S1"), Seen("A-01", "P-2"), Seen("A-01", "P-3"))).Message);
        Assert.Equal("counter", Assert.Throws<InvalidFieldException>(() => count.Submit(" ", Seen("A-01", "P-1", "S1"))).Field);
    }

    // ------------------------------------------------------------ finds, corrections

    [Fact]
    public void A_find_inside_the_scope_becomes_a_line_expecting_zero()
    {
        var count = Open(Bins("A-01"), blind: false);
        count.Start([Serial("A-01", "P-1", "S1")], T0);

        count.Submit(Alice, Seen("A-01", "P-1", "S1"), Seen("A-01", "P-7", "X1"));
        count.Close();

        var found = count.Review(Supervisor).Line("A-01", "P-7");
        Assert.True(found.Unexpected);
        Assert.Equal((0L, 1L, 1L), (found.ExpectedQuantity, found.CountedQuantity!.Value, found.Variance!.Value));
        Assert.Equal(["X1"], found.UnexpectedSerials);
        Assert.Equal(RecountReason.BeyondTolerance, found.RecountReason);
    }

    [Fact]
    public void A_quantity_find_in_a_parts_count_is_a_whole_centre_line()
    {
        var count = Started(Parts("SCREW-M3"));

        count.Submit(Alice, Counted("SCREW-M3", 40));

        Assert.Equal(CountTracking.Quantity, count.Sheet(Warehouse(Alice)).Line("", "SCREW-M3").Tracking);
    }

    [Fact]
    public void The_same_counter_resubmitting_a_line_corrects_it_before_close()
    {
        var count = Started(Parts("SCREW-M3"), Qty("SCREW-M3", 100));

        count.Submit(Alice, Counted("SCREW-M3", 10));
        count.Submit(Alice, Counted("SCREW-M3", 100));

        Assert.Equal(100, count.Sheet(Warehouse(Alice)).Line("", "SCREW-M3").YourCount!.Quantity);
        Assert.Equal(CountState.ReadyToReview, count.Close().State);
    }

    [Fact]
    public void Another_counter_cannot_overwrite_a_first_count()
    {
        var count = Started(Parts("SCREW-M3"), Qty("SCREW-M3", 100));
        count.Submit(Alice, Counted("SCREW-M3", 10));

        var e = Assert.Throws<NotAllowedException>(() => count.Submit(Bob, Counted("SCREW-M3", 100)));

        Assert.Equal("(whole centre, SCREW-M3) was counted by alice; only they can correct it before the count is closed", e.Message);
    }
}

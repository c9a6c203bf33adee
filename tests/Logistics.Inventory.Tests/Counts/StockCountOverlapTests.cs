using Logistics.Inventory.Domain.Counts;
using Logistics.SharedKernel;
using static Logistics.Inventory.Tests.Counts.Kit;

namespace Logistics.Inventory.Tests.Counts;

/// <summary>Two open counts of a centre may not count the same bin and part.</summary>
public sealed class StockCountOverlapTests
{
    private static StockCount Count(string id, CountScope scope, params ExpectedLine[]? snapshot)
    {
        var count = Open(scope, id);
        if (snapshot is not null) count.Start(snapshot, T0);
        return count;
    }

    private static StockCount Requested(string id, CountScope scope) => Count(id, scope, null);

    [Fact]
    public void Bins_counts_overlap_when_they_share_a_bin()
    {
        Assert.True(StockCount.Overlaps(Requested("C-1", Bins("A-01", "A-02")), Requested("C-2", Bins("A-02", "A-03"))));
        Assert.False(StockCount.Overlaps(Requested("C-1", Bins("A-01")), Requested("C-2", Bins("A-02"))));
    }

    [Fact]
    public void Parts_counts_overlap_when_they_share_a_part()
    {
        Assert.True(StockCount.Overlaps(Requested("C-1", Parts("P-1", "P-2")), Requested("C-2", Parts("P-2"))));
        Assert.False(StockCount.Overlaps(Requested("C-1", Parts("P-1")), Requested("C-2", Parts("P-2"))));
    }

    [Fact]
    public void Bins_and_parts_counts_overlap_conservatively_before_any_snapshot() =>
        Assert.True(StockCount.Overlaps(Requested("C-1", Bins("A-01")), Requested("C-2", Parts("P-9"))));

    [Fact]
    public void A_started_bins_count_overlaps_a_parts_count_only_if_one_of_its_lines_is_of_those_parts()
    {
        var bins = Count("C-1", Bins("A-01"), Serial("A-01", "P-1", "S1"));

        Assert.True(StockCount.Overlaps(bins, Requested("C-2", Parts("P-1"))));
        Assert.False(StockCount.Overlaps(bins, Requested("C-2", Parts("P-2"))));
    }

    [Fact]
    public void A_started_parts_count_overlaps_a_bins_count_only_if_one_of_its_lines_is_in_those_bins()
    {
        var parts = Count("C-1", Parts("P-1", "SCREW-M3"), Serial("A-01", "P-1", "S1"), Qty("SCREW-M3", 10));

        Assert.True(StockCount.Overlaps(Requested("C-2", Bins("A-01")), parts));
        Assert.False(StockCount.Overlaps(Requested("C-2", Bins("B-01")), parts));
    }

    [Fact]
    public void Started_bins_and_parts_counts_compare_their_lines_both_ways()
    {
        var bins = Count("C-1", Bins("A-01"), Serial("A-01", "P-1", "S1"));

        Assert.False(StockCount.Overlaps(bins, Count("C-2", Parts("P-2"), Serial("B-01", "P-2", "S2"))));
        Assert.True(StockCount.Overlaps(bins, Count("C-2", Parts("P-2"), Serial("A-01", "P-2", "S2"))));
    }

    [Fact]
    public void Closed_counts_other_centres_and_the_count_itself_do_not_overlap()
    {
        var open = Requested("C-1", Bins("A-01"));
        var cancelled = Requested("C-2", Bins("A-01"));
        cancelled.Cancel();
        var elsewhere = StockCount.Open("C-3", CountScope.Define("BJ-01", ["A-01"], null, CountPolicy.Default), null, "x", CountPolicy.Default, T0);
        var completed = Count("C-4", Bins("A-01"));
        completed.Close();
        completed.Approve();

        Assert.False(StockCount.Overlaps(open, cancelled));
        Assert.False(StockCount.Overlaps(open, elsewhere));
        Assert.False(StockCount.Overlaps(open, completed));
        Assert.False(StockCount.Overlaps(open, open));
    }

    [Fact]
    public void An_overlap_is_refused_naming_the_other_count()
    {
        var running = Count("C-1", Bins("A-01", "A-02"), Serial("A-02", "P-1", "S1"));
        var other = Requested("C-2", Bins("B-01"));
        var candidate = Requested("C-9", Bins("A-02"));

        var e = Assert.Throws<RuleViolationException>(() => StockCount.RequireNoOverlap(candidate, [other, running]));

        Assert.Equal("count C-9 overlaps open count C-1 (Counting) at centre SZ-01: both could count bin A-02; " +
                     "two open counts may not count the same bin and part", e.Message);
        StockCount.RequireNoOverlap(candidate, [other]);
    }
}

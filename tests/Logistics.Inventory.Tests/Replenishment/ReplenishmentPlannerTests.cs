using Logistics.Inventory.Domain.Replenishment;
using Logistics.SharedKernel;

namespace Logistics.Inventory.Tests.Replenishment;

/// <summary>The proposal rule and the min/max checks, as plain C#.</summary>
public sealed class ReplenishmentPlannerTests
{
    private static PartPosition Part(string part, long available, long incoming = 0, int min = 5, int max = 20, string supplier = "ACME") =>
        new(part, available, incoming, min, max, supplier);

    [Fact]
    public void A_part_at_or_below_its_reorder_point_is_brought_up_to_order_up_to_and_one_above_it_is_left_alone()
    {
        var lines = ReplenishmentPlanner.Plan("C1", [Part("P3", 6), Part("P2", 5), Part("P1", 2)], []);

        Assert.Equal(["P1", "P2"], lines.Select(l => l.PartNumber));
        Assert.Equal([18, 15], lines.Select(l => l.Quantity));
        Assert.All(lines, l => Assert.Equal(LineSource.Purchase, l.Source));
        Assert.All(lines, l => Assert.Equal("ACME", l.Supplier));
    }

    [Fact]
    public void Incoming_goods_count_towards_the_position_and_cut_the_quantity()
    {
        Assert.Empty(ReplenishmentPlanner.Plan("C1", [Part("P1", available: 2, incoming: 4)], []));

        var line = Assert.Single(ReplenishmentPlanner.Plan("C1", [Part("P1", available: 1, incoming: 3)], []));
        Assert.Equal(16, line.Quantity);
        Assert.Equal(3, line.Incoming);
    }

    [Fact]
    public void A_centre_holding_above_its_max_by_the_whole_line_is_suggested_as_the_source_the_largest_surplus_first()
    {
        var others = new[]
        {
            new CentreSurplus("C2", "P1", Available: 40, OrderUpTo: 20), // 20 over
            new CentreSurplus("C3", "P1", Available: 60, OrderUpTo: 30), // 30 over
            new CentreSurplus("C4", "P1", Available: 100, OrderUpTo: 200), // below its own max
        };
        var line = Assert.Single(ReplenishmentPlanner.Plan("C1", [Part("P1", 2)], others));

        Assert.Equal(LineSource.Transfer, line.Source);
        Assert.Equal("C3", line.SourceCentre);
        Assert.Equal(18, line.Quantity);
    }

    [Fact]
    public void A_surplus_smaller_than_the_line_or_at_the_planned_centre_itself_leaves_it_a_purchase()
    {
        var others = new[] { new CentreSurplus("C2", "P1", 30, 20), new CentreSurplus("C1", "P1", 500, 20) };
        var line = Assert.Single(ReplenishmentPlanner.Plan("C1", [Part("P1", 2)], others));

        Assert.Equal(LineSource.Purchase, line.Source);
        Assert.Equal("", line.SourceCentre);
    }

    [Fact]
    public void A_line_larger_than_a_transfer_moves_is_a_purchase_even_from_a_large_surplus()
    {
        var others = new[] { new CentreSurplus("C2", "P1", 10_000, 20) };
        var line = Assert.Single(ReplenishmentPlanner.Plan("C1", [Part("P1", 0, min: 100, max: 600)], others));

        Assert.Equal(600, line.Quantity);
        Assert.Equal(LineSource.Purchase, line.Source);
    }

    [Fact]
    public void Min_equal_to_max_proposes_nothing_when_exactly_at_it()
    {
        Assert.Empty(ReplenishmentPlanner.Plan("C1", [Part("P1", 5, min: 5, max: 5)], []));
        Assert.Equal(1, Assert.Single(ReplenishmentPlanner.Plan("C1", [Part("P1", 4, min: 5, max: 5)], [])).Quantity);
    }

    [Theory]
    [InlineData(-1, 10, "reorder_point")]
    [InlineData(5, 4, "order_up_to")]
    [InlineData(0, 0, "order_up_to")]
    [InlineData(0, 1_000_001, "order_up_to")]
    [InlineData(1_000_001, 1_000_001, "reorder_point")]
    public void Limits_that_do_not_make_sense_are_refused_naming_the_field(long min, long max, string field)
    {
        var e = Assert.Throws<InvalidFieldException>(() => StockLimit.Check(min, max));
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void A_reorder_point_of_zero_and_max_equal_to_min_are_accepted()
    {
        Assert.Equal((0, 3), StockLimit.Check(0, 3));
        Assert.Equal((4, 4), StockLimit.Check(4, 4));
    }
}

/// <summary>When a centre's daily proposal is due, in its own time zone.</summary>
public sealed class DailyProposalsTests
{
    [Fact]
    public void The_daily_proposal_is_due_from_the_local_time_on_and_named_by_the_local_day()
    {
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var at = new TimeOnly(6, 0);

        Assert.Null(DailyProposals.DueDay(new DateTimeOffset(2026, 12, 1, 21, 59, 0, TimeSpan.Zero), shanghai, at)); // 05:59 on the 2nd there
        var day = DailyProposals.DueDay(new DateTimeOffset(2026, 12, 1, 22, 0, 0, TimeSpan.Zero), shanghai, at);
        Assert.Equal(new DateOnly(2026, 12, 2), day);
        Assert.Equal("RP-SZ-01-20261202", DailyProposals.Id("SZ-01", day!.Value));
        Assert.Equal(new DateOnly(2026, 12, 1), DailyProposals.DueDay(new DateTimeOffset(2026, 12, 1, 21, 59, 0, TimeSpan.Zero), TimeZoneInfo.Utc, at));
    }
}

public sealed class DailyProposalsDueSinceTests
{
    [Fact]
    public void The_day_falls_due_at_the_local_time_in_the_centres_zone()
    {
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 22, 0, 0, TimeSpan.Zero),
            DailyProposals.DueSince(new DateOnly(2026, 12, 2), shanghai, new TimeOnly(6, 0)).ToUniversalTime());
    }
}

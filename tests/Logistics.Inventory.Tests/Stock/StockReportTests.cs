using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain.Stock;
using Logistics.SharedKernel;
using Logistics.Testing;

namespace Logistics.Inventory.Tests.Stock;

/// <summary>
/// The stock report's read-only script against a real Redis, on stock made through the stock commands, with the
/// answer worked out by hand: levels summed over the parts, backorders counted by age with each bucket including its
/// lower bound.
/// </summary>
public sealed class StockReportTests(TestRedis redis) : StockTestBase(redis), IClassFixture<TestRedis>
{
    private static readonly DateTimeOffset Now = T0.AddDays(40);

    /// <summary>
    /// P1 (serials): 4 in, 2 reserved and shipped (in transit 2, on hand 2), 1 more reserved.
    /// P2 (quantity): 10 in, 3 faulty in, 1 of them quarantined (faulty 2, quarantined 1).
    /// P3 never arrived: backorders requested 23 h 59 min ago (under 1 d), exactly 1 day ago (1-3 d), 5 days ago (3-7 d),
    /// exactly 7 days ago and 30 days ago for 2 units (both 7 d or more): 6 units.
    /// On hand 2 + 10 = 12, reserved 1, available 11, in transit 2, faulty 2, quarantined 1.
    /// </summary>
    [Fact]
    public async Task A_centres_figures_match_the_hand_worked_answer()
    {
        var centre = NewCentre();
        await GoodsInSerialsAsync(centre, "P1", "A-01", "SN1", "SN2", "SN3", "SN4");
        await ReserveAsync(centre, "P1", 2, "R1");
        await Store.ShipAsync(Command(centre), "R1", ["SN1", "SN2"]);
        await ReserveAsync(centre, "P1", 1, "R2");
        await GoodsInQuantityAsync(centre, "P2", 10);
        await Store.FaultyInAsync(Command(centre), "P2", null, 3, "RT-1");
        await Store.InspectAsync(Command(centre), "P2", null, InspectionOutcome.Quarantine, null, "RT-1");
        await ReserveAsync(centre, "P3", 1, "B-UNDER-1D", true, ServiceLevel.FourHoursAnyTime, Now.AddHours(-23).AddMinutes(-59));
        await ReserveAsync(centre, "P3", 1, "B-1D", true, ServiceLevel.NextBusinessDay, Now.AddDays(-1));
        await ReserveAsync(centre, "P3", 1, "B-5D", true, ServiceLevel.NextBusinessDay, Now.AddDays(-5));
        await ReserveAsync(centre, "P3", 1, "B-7D", true, ServiceLevel.FourHoursBusinessHours, Now.AddDays(-7));
        await ReserveAsync(centre, "P3", 2, "B-30D", true, ServiceLevel.NextBusinessDay, Now.AddDays(-30));

        var row = await new StockReportQuery(Connection).RunAsync(centre, Now);

        Assert.Equal(new StockReportRow(centre, OnHand: 12, Reserved: 1, InTransit: 2, Faulty: 2, Quarantined: 1,
            BackordersUnder1Day: 1, Backorders1To3Days: 1, Backorders3To7Days: 1, Backorders7DaysOrMore: 2, BackorderedUnits: 6), row);
        Assert.Equal(11, row.Available);
    }

    [Fact]
    public async Task A_backorder_leaves_the_figures_once_served_and_a_centre_without_stock_is_all_zero()
    {
        var centre = NewCentre();
        await ReserveAsync(centre, "P1", 1, "B-1", true, ServiceLevel.FourHoursAnyTime, Now.AddDays(-2));
        await GoodsInSerialsAsync(centre, "P1", "A-01", "SN1");

        var served = await new StockReportQuery(Connection).RunAsync(centre, Now);
        var empty = await new StockReportQuery(Connection).RunAsync(NewCentre(), Now);

        Assert.Equal((1L, 1L, 0L, 0L), (served.OnHand, served.Reserved, served.Backorders1To3Days, served.BackorderedUnits));
        Assert.Equal(new StockReportRow(empty.CentreId, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), empty);
    }

    [Fact]
    public async Task Reading_the_report_changes_nothing()
    {
        var centre = NewCentre();
        await GoodsInQuantityAsync(centre, "P2", 5);
        await ReserveAsync(centre, "P2", 9, "B-1", true);
        var before = await SnapshotAsync(centre);

        await new StockReportQuery(Connection).RunAsync(centre, Now);

        Assert.Equal(before, await SnapshotAsync(centre));
    }
}

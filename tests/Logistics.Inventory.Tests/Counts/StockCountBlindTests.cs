using System.Reflection;
using Logistics.Inventory.Domain.Counts;
using Logistics.SharedKernel;
using static Logistics.Inventory.Tests.Counts.Kit;

namespace Logistics.Inventory.Tests.Counts;

/// <summary>Blind counts: counters never see an expected quantity, whatever the API does with what it is given.</summary>
public sealed class StockCountBlindTests
{
    private static StockCount BlindRecounting()
    {
        var count = Started(Parts("SCREW-M3", "P-1"), Qty("SCREW-M3", 500), Serial("A-01", "P-1", "S1"));
        count.Submit(Alice, Counted("SCREW-M3", 450), Seen("A-01", "P-1", "S1"));
        Assert.Equal(CountState.Recounting, count.Close().State);
        return count;
    }

    [Fact]
    public void The_counter_projection_has_no_expected_value_at_all()
    {
        var types = new[] { typeof(CountSheet), typeof(CountSheetLine), typeof(LineTally), typeof(CloseResult), typeof(RecountRequest) };
        var leaks = types
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => $"{t.Name}.{p.Name}"))
            .Where(name => name.Contains("Expected") || name.Contains("Variance") || name.Contains("Missing") || name.Contains("Unexpected") || name.Contains("Tolerance"))
            .ToList();

        Assert.Empty(leaks);
    }

    [Fact]
    public void While_blind_everyone_gets_the_sheet_whatever_their_role()
    {
        var count = Started(Parts("SCREW-M3"), Qty("SCREW-M3", 500));
        Assert.IsType<CountSheet>(count.View(Warehouse(Alice)));
        Assert.IsType<CountSheet>(count.View(Supervisor));

        count.Submit(Alice, Counted("SCREW-M3", 450));
        Assert.IsType<CountSheet>(count.View(Supervisor));

        var e = Assert.Throws<NotAllowedException>(() => count.Review(Supervisor));
        Assert.Equal("count C-7 is blind and Counting; expected quantities are shown to supervisors from ReadyToReview on", e.Message);
        Assert.Throws<NotAllowedException>(() => count.Review(Warehouse(Alice)));
    }

    [Fact]
    public void While_recounting_a_blind_count_shows_no_expected_value_and_no_first_count_to_the_recounter()
    {
        var count = BlindRecounting();

        var sheet = Assert.IsType<CountSheet>(count.View(Warehouse(Bob)));
        Assert.IsType<CountSheet>(count.View(Supervisor));
        Assert.Throws<NotAllowedException>(() => count.Review(Supervisor));

        var line = sheet.Line("", "SCREW-M3");
        Assert.Equal((CountLineStatus.ToRecount, Alice, (LineTally?)null), (line.Status, line.CountedBy, line.YourCount));
        Assert.Equal(450, count.Sheet(Warehouse(Alice)).Line("", "SCREW-M3").YourCount!.Quantity);
    }

    [Fact]
    public void From_ready_to_review_supervisors_see_expected_values_and_counters_still_do_not()
    {
        var count = BlindRecounting();
        count.Submit(Bob, Counted("SCREW-M3", 460));
        count.Close();

        var review = Assert.IsType<CountReview>(count.View(Supervisor));
        var line = review.Line("", "SCREW-M3");
        Assert.Equal((500L, 460L, -40L), (line.ExpectedQuantity, line.CountedQuantity!.Value, line.Variance!.Value));
        Assert.IsType<CountSheet>(count.View(Warehouse(Bob)));
        Assert.IsType<CountSheet>(count.View(new CountViewer(Alice, CountRole.Warehouse)));

        count.Approve();
        Assert.IsType<CountReview>(count.View(Supervisor));
    }

    [Fact]
    public void A_blind_count_cancelled_before_review_never_shows_expected_values()
    {
        var count = BlindRecounting();
        count.Cancel();

        Assert.IsType<CountSheet>(count.View(Supervisor));
    }

    [Fact]
    public void A_count_that_is_not_blind_shows_expected_values_to_counters()
    {
        var count = Open(Parts("SCREW-M3"), blind: false);
        count.Start([Qty("SCREW-M3", 500)], T0);

        var review = Assert.IsType<CountReview>(count.View(Warehouse(Alice)));
        Assert.Equal(500, review.Line("", "SCREW-M3").ExpectedQuantity);
        Assert.Null(review.Line("", "SCREW-M3").Variance);
    }
}
